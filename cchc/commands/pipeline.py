"""Collecting and storing: crawl, consume, ingest, classify, reprocess."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from cchc.context import AppContext
from cchc.errors import ConfigError
from cchc.stopping import stop_on_signals


def register(cli: click.Group) -> None:
    for command in (consume, ingest, classify, reprocess_cmd):
        cli.add_command(command)


@click.command()
@click.option("--until-idle", is_flag=True, help="Stop when there is nothing left to consume.")
@click.pass_obj
def consume(app: AppContext, until_idle: bool) -> None:
    """Run the monitor: consume collected articles and health records, store them."""
    from sqlalchemy.exc import OperationalError

    from monitor.consumer import MonitorConsumer

    app.role = "monitor"
    app.create_database = True  # the monitor is what fills a new database
    app.sync_directory()
    consumer = MonitorConsumer(app.stream, app.sessions, app.judge())
    stop = stop_on_signals()
    try:
        report = consumer.run(until_idle=until_idle, should_stop=stop.is_set)
    except OperationalError as error:  # the database went away mid-batch: nothing half-stored
        raise ConfigError(f"Mất kết nối cơ sở dữ liệu khi đang lưu ({error.orig}). Lô đang xử lý "
                          "chưa được ghi nhận và sẽ được xử lý lại: khi máy chủ CSDL hoạt động, "
                          "chạy lại `cchc consume`.") from error
    finally:
        consumer.close()
    if report:
        click.echo(f"Đã xử lý {report.events} sự kiện, lưu {len(report.stored)} bài, "
                   f"{report.dead_lettered} sự kiện lỗi chuyển sang dead-letter.")


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_obj
@click.pass_context
def ingest(ctx: click.Context, app: AppContext, file: Path) -> None:
    """Import articles from a JSONL or CSV FILE (columns: url, title, published required; text,
    agency, channel, kind, language optional). Bad rows are listed; good rows still go in."""
    from monitor.agencies import AgencyDirectory, load_agencies
    from monitor.ingest import publish_file

    app.create_database = True
    app.sync_directory()
    with app.sessions() as session:
        directory = AgencyDirectory(load_agencies(session))
    report = publish_file(file, app.stream, directory)
    for problem in report.problems:
        click.echo(problem, err=True)
    stored = app.drain_if_embedded()
    click.echo(f"Đã nhận {report.accepted} dòng, bỏ qua {len(report.problems)} dòng lỗi"
               + (f"; đã lưu {stored} bài mới hoặc thay đổi." if stored is not None else "."))
    if report.problems:
        ctx.exit(2 if report.accepted == 0 else 1)


@click.command()
@click.option("--threshold", type=float, help="Override the relevance threshold.")
@click.pass_obj
def classify(app: AppContext, threshold: float | None) -> None:
    """Read JSONL articles (id, title, text, url) on stdin; write one JSONL verdict per line."""
    from monitor.relevance import RelevanceClassifier, classify_jsonl

    if threshold is not None and not 0 <= threshold <= 1:
        raise click.BadParameter("ngưỡng phải trong khoảng 0–1.", param_hint="--threshold")
    classifier = RelevanceClassifier(
        threshold if threshold is not None else app.settings.relevance_threshold)
    for line in classify_jsonl(sys.stdin, classifier):
        click.echo(line)


@click.command("reprocess")
@click.pass_obj
def reprocess_cmd(app: AppContext) -> None:
    """Re-classify and re-attribute every stored article (after a lexicon or registry change)."""
    from cchc.commands.evaluate import run_evaluation
    from cchc.jobs import today_in
    from monitor.consumer import announce
    from monitor.reprocess import reprocess

    app.sync_directory()
    report = reprocess(app.sessions, app.judge())
    announce(app.stream, report.changed)  # a running rules consumer updates those verdicts
    click.echo(f"Đã xét lại {report.articles} bài: {report.relevance_changed} đổi kết luận CCHC, "
               f"{report.agency_changed} đổi cơ quan, {report.kind_or_language_changed} đổi "
               "thể loại/ngôn ngữ.")
    if report.changed and app.has_plans():
        today = today_in(app.settings.timezone)
        verdicts = run_evaluation(app, None, today)
        click.echo(f"Đã đánh giá lại và lưu {len(verdicts)} kết luận đến ngày {today:%d/%m/%Y}.")
