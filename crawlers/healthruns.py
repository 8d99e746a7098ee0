"""Successful fetches of a source are summarised; failures are not.

The rules only need to know on which days a source was readable, and operators read the last
outcome of each source; one event per fetched page made health events half of all a crawl
published. So an uninterrupted run of ``ok`` fetches of one source becomes one event, published
before the source's next failure, when the day changes (Asia/Ho_Chi_Minh), once the run is a
minute old, and when the crawl ends. Per source, the outcomes keep their order and their last
value, and every failure stays its own event (see docs/sources.md, "Health outcomes").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

from cchc.vntext import VN_TZ
from crawlers.items import HealthItem

RUN_MAX_AGE = timedelta(minutes=1)


@dataclass
class OkRun:
    """Consecutive ``ok`` fetches of one source, on one day."""

    first: HealthItem
    last: HealthItem
    day: date
    started: datetime
    fetches: int = 1
    not_modified: int = 0

    def event(self) -> HealthItem:
        """A run of one is that fetch's own event; a longer run says how many fetches it holds."""
        if self.fetches == 1:
            return self.last
        unchanged = f", {self.not_modified} không đổi (304)" if self.not_modified else ""
        latest = f"{self.last.url}{f' ({self.last.detail})' if self.last.detail else ''}"
        detail = f"{self.fetches} lần đọc thành công{unchanged}; gần nhất: {latest}"
        return replace(self.first, status=self.last.status, detail=detail, at=self.last.at)


class HealthRuns:
    """Feeds ``publish`` with one event per failure and one per run of successes of a source."""

    def __init__(self, publish: Callable[[HealthItem], None],
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:  # fmt: skip
        self._publish = publish
        self._clock = clock
        self._runs: dict[str, OkRun] = {}

    def record(self, item: HealthItem) -> None:
        if item.outcome != "ok":
            self._end(item.source_id)
            self._publish(item)
            return
        now = self._clock()
        item = item if item.at else replace(item, at=now.isoformat())
        day = now.astimezone(VN_TZ).date()
        run = self._runs.get(item.source_id)
        if run is not None and (run.day != day or now - run.started >= RUN_MAX_AGE):
            self._end(item.source_id)
            run = None
        if run is None:
            self._runs[item.source_id] = OkRun(item, item, day, now, 1, _is_304(item))
            return
        run.last = item
        run.fetches += 1
        run.not_modified += _is_304(item)

    def close(self) -> None:
        """Publish every open run (the crawl ends)."""
        for source_id in list(self._runs):
            self._end(source_id)

    def _end(self, source_id: str) -> None:
        run = self._runs.pop(source_id, None)
        if run is not None:
            self._publish(run.event())


def _is_304(item: HealthItem) -> int:
    return 1 if item.status == 304 else 0
