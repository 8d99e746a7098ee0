"""``cchc notify``, ``cchc schedule list`` and ``cchc run``."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

import click

from cchc.commands.options import ISO_DATE
from cchc.context import AppContext
from cchc.stopping import stop_on_signals


def register(cli: click.Group) -> None:
    cli.add_command(notify)
    cli.add_command(schedule)
    cli.add_command(run)


@click.command()
@click.option("--as-of", "as_of", type=ISO_DATE, required=True, help="Report as of this day.")
@click.option("--dry-run", "dry_run", type=click.Path(file_okay=False, path_type=Path),
              help="Write .eml files into this folder instead of sending (ledger untouched).")
@click.pass_obj
@click.pass_context
def notify(ctx: click.Context, app: AppContext, as_of: date, dry_run: Path | None) -> None:
    """Send this week's digest to every agency and the overview to Sở Nội vụ (each at most once
    per week: a ledger remembers what was sent). Without CCHC_SMTP_URL, mail goes to the outbox."""
    from cchc.jobs import send_weekly

    app.sync_directory()
    report = send_weekly(app, as_of, outbox_dir=dry_run, dry_run=dry_run is not None)
    for problem in report.problems:
        click.echo(problem, err=True)
    for failed in report.failed:
        click.echo(f"Không gửi được {failed.digest_kind} {failed.period} cho {failed.recipient} "
                   f"sau {failed.attempts} lần: {failed.error}", err=True)
    click.echo(report.summary())
    if report.failed:
        click.echo("Kiểm tra CCHC_SMTP_URL và máy chủ thư rồi chạy lại: thư đã gửi sẽ không gửi "
                   "lại (sổ gửi thư ghi nhận từng thư).", err=True)
        ctx.exit(1)


@click.group()
def schedule() -> None:
    """The scheduler's jobs."""


def _scheduler(app: AppContext, config: Path | None, *, crawl: bool, blocking: bool = False):
    from notifier.scheduler import JobCallables, build_scheduler

    jobs = JobCallables(crawl="cchc.jobs:crawl_job", evaluate="cchc.jobs:evaluate_job",
                        agency_digests="cchc.jobs:weekly_digests_job",
                        overview="cchc.jobs:weekly_digests_job",
                        reminders="cchc.jobs:reminders_job",
                        retries="cchc.jobs:retry_digests_job",
                        kwargs={"config": str(config) if config else None, "crawl": crawl})
    return build_scheduler(app.settings.database_url, jobs, timezone=app.settings.timezone,
                           blocking=blocking)


@schedule.command("list")
@click.pass_obj
@click.pass_context
def schedule_list(ctx: click.Context, app: AppContext) -> None:
    """Show each job and when it runs next (Asia/Ho_Chi_Minh)."""
    from notifier.scheduler import describe_next_runs

    _ = app.sessions  # opening the database runs the migrations
    scheduler = _scheduler(app, ctx.find_root().params.get("config"), crawl=True)
    scheduler.start(paused=True)
    try:
        for name, when in describe_next_runs(scheduler):
            click.echo(f"{name:<40} {when:%a %d/%m/%Y %H:%M %Z}" if when else f"{name:<40} tạm dừng")
    finally:
        scheduler.shutdown(wait=False)


def _rules_loop(app: AppContext, stop: threading.Event) -> None:
    """Incremental verdicts on every article.stored event, on its own stream connection."""
    from cchc.jobs import today_in
    from rules.consumer import RulesConsumer
    from stream.errors import StreamError

    rules_app = AppContext(app.settings, role="rules")
    try:
        consumer = RulesConsumer(rules_app.stream, rules_app.sessions, rules_app.plans(),
                                 today=lambda: today_in(app.settings.timezone))
    except StreamError as error:  # e.g. another `cchc run` already keeps the verdicts
        click.echo(f"Lỗi: không chạy được phần cập nhật kết luận: {error}", err=True)
        rules_app.close()
        stop.set()
        return
    try:
        consumer.run(should_stop=stop.is_set)
    finally:
        consumer.close()
        rules_app.close()


@click.command()
@click.option("--crawl/--no-crawl", default=True, help="Run the crawl job (needs CCHC_SOURCES_FILE).")
@click.option("--consume/--no-consume", default=True, help="Run the monitor consumer in this process.")
@click.option("--rules/--no-rules", default=True,
              help="Update verdicts on every stored article (incremental evaluation).")
@click.pass_obj
@click.pass_context
def run(ctx: click.Context, app: AppContext, crawl: bool, consume: bool, rules: bool) -> None:
    """Run continuously: scheduler (crawls, evaluations, weekly digests, reminders), the
    monitor consumer and the incremental rules, in one process. Stop with Ctrl-C."""
    from monitor.consumer import MonitorConsumer

    app.create_database = True
    app.sync_directory()
    # First, so that a second `cchc run` on the same embedded log stops before it starts anything.
    consumer = MonitorConsumer(app.stream, app.sessions, app.judge()) if consume else None
    scheduler = _scheduler(app, ctx.find_root().params.get("config"), crawl=crawl)
    scheduler.start()
    stop = stop_on_signals()
    if rules:
        threading.Thread(target=_rules_loop, args=(app, stop), name="rules", daemon=True).start()
    click.echo("Đang chạy (Ctrl-C để dừng).")
    try:
        if consumer is not None:
            consumer.run(should_stop=stop.is_set)
        else:
            stop.wait()
    finally:
        stop.set()  # the rules thread ends with its current batch
        scheduler.shutdown(wait=False)
        if consumer is not None:
            consumer.close()
