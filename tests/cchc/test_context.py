"""A publishing command in embedded mode stores what it published, unless a consumer is running."""

from __future__ import annotations

from pathlib import Path

from cchc.context import AppContext
from cchc.settings import Settings
from monitor.consumer import MonitorConsumer
from stream.events import ARTICLES
from tests.monitor.test_store import collected


def test_the_crawl_job_of_cchc_run_leaves_storing_to_the_running_consumer(tmp_path: Path) -> None:
    """`cchc run` consumes in its main thread and its crawl job (another thread) drains after
    each crawl: the drain must neither take the group from the running consumer nor fail."""
    app = AppContext(Settings.for_home(tmp_path))
    app.create_database = True
    running = MonitorConsumer(app.stream, app.sessions, app.judge())
    try:
        app.stream.publish(ARTICLES, "hg-so-tu-phap", collected("https://sotp.gov.vn/a/1"))
        app.stream.flush()
        assert app.drain_if_embedded() is None  # the running consumer stores it
        assert len(running.run(until_idle=True).stored) == 1
    finally:
        running.close()
    assert app.drain_if_embedded() == 0  # alone, it drains (nothing left)
    app.close()
