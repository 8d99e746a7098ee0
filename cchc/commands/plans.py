"""Checking input files: plans and the source registry."""

from __future__ import annotations

from pathlib import Path

import click

from cchc.context import AppContext

FILES = click.Path(exists=True, dir_okay=False, path_type=Path)


def register(cli: click.Group) -> None:
    cli.add_command(plan)
    cli.add_command(sources)


@click.group()
def plan() -> None:
    """Plan files (plans/*.yaml)."""


@plan.command("validate")
@click.argument("files", nargs=-1, required=True, type=FILES)
@click.pass_context
def plan_validate(ctx: click.Context, files: tuple[Path, ...]) -> None:
    """Check plan FILES; every problem is printed as file:line: message (exit 2 if any)."""
    from rules.loader import validate_plan_files

    problems = validate_plan_files(list(files))
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        ctx.exit(2)
    click.echo(f"{len(files)} tệp kế hoạch hợp lệ.")


@click.group()
def sources() -> None:
    """The source registry (sources.yaml) and the health of each source."""


@sources.command("validate")
@click.argument("file", type=FILES)
@click.pass_context
def sources_validate(ctx: click.Context, file: Path) -> None:
    """Check a sources FILE; every problem is printed as file:line: message (exit 2 if any)."""
    from crawlers.registry import validate_registry_file

    problems = validate_registry_file(file)
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        ctx.exit(2)
    click.echo(f"{file}: hợp lệ.")


@sources.command("status")
@click.option("--days", default=30, show_default=True, help="Look back this many days.")
@click.pass_obj
@click.pass_context
def sources_status(ctx: click.Context, app: AppContext, days: int) -> None:
    """Last fetch outcome of every source and its failures in the last DAYS days."""
    from rich.console import Console

    from monitor.health import health_table, source_health

    with app.sessions() as session:
        rows = source_health(session, days=days)
    Console().print(health_table(rows))
    if any(not row.last_ok for row in rows):
        ctx.exit(1)
