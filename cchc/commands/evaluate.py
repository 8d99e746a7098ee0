"""Evaluating plans against what was stored."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from cchc.commands.options import ISO_DATE
from cchc.context import AppContext
from cchc.errors import InputError
from cchc.report import print_table, to_csv, to_json


def register(cli: click.Group) -> None:
    cli.add_command(evaluate)


def run_evaluation(app: AppContext, plan_files: list[Path] | None, as_of: date,
                   agency: str | None = None, *, known_at: date | None = None) -> list[dict]:
    """Verdicts (JSON objects) of the given plans (default: all in the plans folder).

    They are stored, except that a verdict already stored for a past as-of date is kept as it
    was (an old report stays reproducible); ``known_at`` evaluates with only what was known at
    the end of that day."""
    from cchc.jobs import today_in
    from rules.db_source import end_of_day, load_input, store_verdicts
    from rules.engine import evaluate_plans

    plans = app.plans(plan_files)
    with app.sessions() as session:
        data = load_input(session, plans, as_of,
                          known_at=end_of_day(known_at) if known_at else None)
        verdicts = evaluate_plans(plans, data, as_of)
        if known_at is None:
            store_verdicts(session, verdicts, complete=True,
                           overwrite=as_of >= today_in(app.settings.timezone))
            session.commit()
    if agency:
        wanted = {found.id for plan in plans if (found := plan.agency(agency))}
        if not wanted:
            raise InputError(f"Không có cơ quan {agency!r} trong các kế hoạch; dùng mã (vd. "
                             "hg-so-tu-phap) hoặc tên chính thức.")
        verdicts = [v for v in verdicts if v.agency in wanted]
    return [verdict.to_json() for verdict in verdicts]


@click.command()
@click.option("--plan", "plan_files", multiple=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Plan file(s) to evaluate (repeatable).")
@click.option("--all", "all_plans", is_flag=True, help="Evaluate every plan in the plans folder.")
@click.option("--as-of", "as_of", type=ISO_DATE,
              help="Evaluate as things stood at the end of this day (default: today).")
@click.option("--known-at", "known_at", type=ISO_DATE,
              help="Use only what was known at the end of this day (reproduces an old report).")
@click.option("--agency", help="Only this agency (id or official name).")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table")
@click.pass_obj
@click.pass_context
def evaluate(ctx: click.Context, app: AppContext, plan_files: tuple[Path, ...], all_plans: bool,
             as_of: date | None, known_at: date | None, agency: str | None, fmt: str) -> None:
    """Check stored articles against plan quotas. Exit 1 when any quota fell short."""
    from cchc.jobs import today_in

    if plan_files and all_plans:
        raise click.UsageError("Dùng --plan TỆP hoặc --all, không dùng cả hai.")
    as_of = as_of or today_in(app.settings.timezone)
    app.sync_directory()
    verdicts = run_evaluation(app, list(plan_files) or None, as_of, agency, known_at=known_at)
    if fmt == "json":
        click.echo(to_json(verdicts))
    elif fmt == "csv":
        click.echo(to_csv(verdicts), nl=False)
    else:
        print_table(verdicts, title=f"Đánh giá đến hết ngày {as_of:%d/%m/%Y}")
    if any(verdict["status"] == "shortfall" for verdict in verdicts):
        ctx.exit(1)
