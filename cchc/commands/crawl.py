"""``cchc crawl``: read every registered source and publish what was found."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import click

from cchc.context import AppContext

log = logging.getLogger(__name__)


def register(cli: click.Group) -> None:
    cli.add_command(crawl)


def crawl_once(app: AppContext, sources: Path) -> str:
    """One crawl of every source; in embedded mode returns after the monitor stored it all."""
    from crawlers.registry import load_registry
    from crawlers.run import run_crawl

    registry = load_registry(sources)
    app.create_database = True
    app.sync_directory(registry)
    report = run_crawl(registry, app.settings.stream_url, state_dir=app.settings.home / "crawl-state",
                       settings={"CCHC_STREAM_OUTBOX": str(app.outbox_path("crawler"))})
    stored = app.drain_if_embedded()
    return describe(report) + (f"; đã lưu {stored} bài mới hoặc thay đổi" if stored is not None else "")


def describe(report) -> str:
    problems = ", ".join(f"{outcome}: {n}" for outcome, n in sorted(report.health.items())
                         if outcome != "ok")
    return (f"{report.sources} nguồn, {report.requests} yêu cầu ({report.not_modified} không đổi), "
            f"{report.articles_new} bài mới, {report.articles_updated} bài cập nhật"
            + (f"; lỗi nguồn — {problems}" if problems else "") + f" [{report.elapsed_s:.1f} s]")


@click.command()
@click.option("--sources", "sources", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The source registry (default: CCHC_SOURCES_FILE).")
@click.option("--once", is_flag=True, help="Crawl once and exit (default: crawl every --every).")
@click.option("--every", type=int, default=3600, show_default=True,
              help="Seconds between crawls when not --once.")
@click.pass_obj
def crawl(app: AppContext, sources: Path | None, once: bool, every: int) -> None:
    """Crawl every source of the registry once (--once) or repeatedly, publishing articles and
    source-health records to the event stream."""
    sources = sources or app.settings.sources_file
    if sources is None:
        raise click.UsageError("Cần --sources TỆP (hoặc đặt CCHC_SOURCES_FILE).")
    while True:
        click.echo(crawl_once(app, sources))
        if once:
            return
        time.sleep(every)
