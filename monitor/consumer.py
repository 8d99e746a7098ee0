"""The monitor as a stream consumer: a poll's events applied in parts, one database transaction
each, then the poll's offsets committed.

A crash between a part's database commit and the offset commit redelivers the poll; the event
ids recorded in ``processed_events`` make that harmless.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial

from sqlalchemy.orm import Session, sessionmaker

from monitor.judge import Judge
from monitor.store import EventApplier, HealthStored, Stored
from stream.abc import Record, Stream
from stream.consume import run_batch
from stream.events import (
    ARTICLE_STORED,
    ARTICLE_STORED_EVENT,
    ARTICLES,
    HEALTH_STORED_EVENT,
    SOURCE_HEALTH,
    Envelope,
)

log = logging.getLogger(__name__)
GROUP = "monitor"
HELPER_BACKLOG = 200  # events in one poll that show a backlog
POLL_RECORDS = 2000  # a backlog is read in large polls, so the helper seldom waits for the next
PART_EVENTS = 400  # events per transaction: the helper judges the next part while one is written


@dataclass
class ConsumeReport:
    batches: int = 0
    events: int = 0
    stored: list[Stored] = field(default_factory=list)
    health_stored: int = 0
    dead_lettered: int = 0


class MonitorConsumer:
    def __init__(self, stream: Stream, sessions: sessionmaker[Session], judge: Judge, *,
                 helper: bool | None = None) -> None:
        """``helper``: judge part of each large batch in a second process; by default when the
        machine has more than one core."""
        self.stream = stream
        self.sessions = sessions
        self.judge = judge
        self.applier = EventApplier(judge)
        self.consumer = stream.consumer(GROUP, [ARTICLES, SOURCE_HEALTH])
        self._helper = (os.cpu_count() or 1) > 1 if helper is None else helper

    def run(self, *, until_idle: bool = False, should_stop: Callable[[], bool] = lambda: False,
            on_batch: Callable[[ConsumeReport], None] | None = None) -> ConsumeReport:
        """Consume until stopped, or (``until_idle``) until a poll returns nothing."""
        report = ConsumeReport()
        while not should_stop():
            stored: list[Stored | HealthStored] = []
            result = run_batch(self.consumer, self.stream, partial(self._handle, into=stored),
                               max_records=POLL_RECORDS)
            report.batches += 1
            report.events += result.consumed
            report.dead_lettered += result.dead_lettered
            report.stored.extend(item for item in stored if isinstance(item, Stored))
            report.health_stored += sum(isinstance(item, HealthStored) for item in stored)
            if on_batch:
                on_batch(report)
            if until_idle and result.consumed == 0 and result.dead_lettered == 0:
                break
        return report

    def _handle(self, batch: list[tuple[Record, Envelope]], *,
                into: list[Stored | HealthStored]) -> None:
        """Apply a poll's events in parts of ``PART_EVENTS``, one transaction each (the helper
        judges the next part meanwhile), then announce what the committed parts stored."""
        events = [event for _record, event in batch]
        if self._helper and len(events) >= HELPER_BACKLOG:
            self.judge.start_helper()  # a backlog: worth a second core
        applied: list[Stored | HealthStored] = []
        try:
            self.applier.foresee(events)
            for start in range(0, len(events), PART_EVENTS):
                applied.extend(self._apply(events[start : start + PART_EVENTS]))
        finally:  # the parts committed are announced even when a later one failed
            self.judge.drop_foreseen()
            announce(self.stream, applied)
            into.extend(applied)

    def _apply(self, events: list[Envelope]) -> list[Stored | HealthStored]:
        with self.sessions() as session:
            try:
                results = self.applier.apply_batch(session, events)
                session.commit()
            except BaseException:
                session.rollback()
                self.judge.forget()
                raise
        return [result for result in results if result]

    def close(self) -> None:
        self.consumer.close()
        self.judge.close()


def announce(stream: Stream, stored: Sequence[Stored | HealthStored]) -> None:
    """After the commit: what the rules consumer reads (an article to count, or a source's
    health to read again)."""
    for item in stored:
        kind = ARTICLE_STORED_EVENT if isinstance(item, Stored) else HEALTH_STORED_EVENT
        key = item.agency_id or "unattributed"
        stream.publish(ARTICLE_STORED, key, Envelope.new(kind, item.payload()))
    if stored:
        stream.flush()
