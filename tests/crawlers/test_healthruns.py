"""Runs of ok fetches become one health event; failures stay one event each, in order."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from crawlers.health import health_summary
from crawlers.healthruns import HealthRuns
from crawlers.items import HealthItem

START = datetime(2024, 3, 4, 3, 0, tzinfo=UTC)  # 10:00 in Hà Giang


def fetch(source: str, outcome: str = "ok", url: str = "/tin/1.html", status: int | None = 200,
          detail: str = "") -> HealthItem:  # fmt: skip
    return HealthItem(source_id=source, agency_id="so-noi-vu", url=url, outcome=outcome,
                      status=status, detail=detail)  # fmt: skip


def runs(times: list[datetime]) -> tuple[HealthRuns, list[HealthItem]]:
    published: list[HealthItem] = []
    clock: Callable[[], datetime] = iter(times).__next__
    return HealthRuns(published.append, clock=clock), published


def test_consecutive_ok_fetches_of_a_source_are_one_event() -> None:
    health, published = runs([START + timedelta(seconds=s) for s in range(3)])
    health.record(fetch("rss", url="/rss.xml", detail="3 mục"))
    health.record(fetch("rss", url="/tin/1.html", status=304))
    health.record(fetch("rss", url="/tin/2.html"))
    assert published == []
    health.close()
    (event,) = published
    assert (event.url, event.outcome, event.status) == ("/rss.xml", "ok", 200)
    assert event.detail == "3 lần đọc thành công, 1 không đổi (304); gần nhất: /tin/2.html"
    assert event.at == (START + timedelta(seconds=2)).isoformat()


def test_a_single_ok_fetch_keeps_its_own_event() -> None:
    health, published = runs([START])
    health.record(fetch("rss", url="/rss.xml", detail="3 mục"))
    health.close()
    assert [(e.url, e.detail, e.at) for e in published] == [
        ("/rss.xml", "3 mục", START.isoformat())
    ]


def test_every_failure_is_its_own_event_and_order_is_kept() -> None:
    health, published = runs([START + timedelta(seconds=s) for s in range(4)])
    health.record(fetch("ds", url="/ds/1"))
    health.record(fetch("ds", url="/tin/1.html"))
    health.record(fetch("ds", "http_error", "/tin/2.html", 404, "HTTP 404"))
    health.record(fetch("ds", "timeout", "/tin/3.html", None, "quá hạn"))
    health.record(fetch("ds", url="/tin/4.html"))
    health.record(fetch("ds", url="/tin/5.html"))
    health.record(fetch("ds", "http_error", "/tin/6.html", 500, "HTTP 500"))
    health.close()
    assert [(e.outcome, e.url) for e in published] == [
        ("ok", "/ds/1"), ("http_error", "/tin/2.html"), ("timeout", "/tin/3.html"),
        ("ok", "/tin/4.html"), ("http_error", "/tin/6.html"),
    ]  # fmt: skip
    (row,) = health_summary([{**e.payload(), "at": f"{i:03d}"} for i, e in enumerate(published)])
    assert row.last_outcome == "http_error" and not row.healthy  # the last fetch failed


def test_sources_have_separate_runs() -> None:
    health, published = runs([START, START, START])
    health.record(fetch("a", url="/a"))
    health.record(fetch("b", url="/b"))
    health.record(fetch("a", url="/a2"))
    health.record(fetch("a", "dns_error", "/a3", None, "không phân giải được tên"))
    assert [(e.source_id, e.outcome) for e in published] == [("a", "ok"), ("a", "dns_error")]
    health.close()
    assert [(e.source_id, e.outcome, e.url) for e in published][2:] == [("b", "ok", "/b")]


def test_a_run_ends_when_the_day_changes_in_vietnam_or_after_a_minute() -> None:
    midnight = datetime(2024, 3, 4, 17, 0, tzinfo=UTC)  # 00:00 on 5 March in Hà Giang
    times = [midnight - timedelta(seconds=5), midnight + timedelta(seconds=5),
             midnight + timedelta(seconds=30), midnight + timedelta(seconds=70)]  # fmt: skip
    health, published = runs(times)
    for path in ("/1", "/2", "/3", "/4"):
        health.record(fetch("ds", url=path))
    health.close()
    assert [e.url for e in published] == ["/1", "/2", "/4"]
    assert published[1].detail.startswith("2 lần đọc thành công")
