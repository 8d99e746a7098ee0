"""The rules as a stream consumer: every ``article.stored`` event updates the verdicts it can
change (incrementally), and the changed verdicts are stored before the offsets are committed.
``source.health.stored`` events (a source read, or not) rebuild the evaluator, since the health
of the sources decides which verdicts are "unknown" and it is read at build time: once the
events in hand are consumed, and at most every ``HEALTH_REBUILD_S`` seconds while they keep
coming (a crawl of many failing sources sends a stream of them).

The evaluator is built from the database at start (the roster: every agency gets a verdict even
with no events) and rebuilt when the local date changes, so incremental results always equal a
batch evaluation for the same as-of date. It is also rebuilt every ``rebuild_every`` seconds: an
``article.stored`` event lost between the monitor's commit and its publish (a crash in that
window) then delays a verdict by at most that long, never for good.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from datetime import date

from sqlalchemy.orm import Session, sessionmaker

from rules.db_source import items_by_id, load_input, store_verdicts
from rules.incremental import IncrementalEvaluator
from rules.model import Plan
from rules.periods import vn_date
from stream.abc import Record, Stream
from stream.consume import run_batch
from stream.events import ARTICLE_STORED, ARTICLE_STORED_EVENT, HEALTH_STORED_EVENT, Envelope

log = logging.getLogger(__name__)
GROUP = "rules"
HEALTH_REBUILD_S = 30.0


class RulesConsumer:
    def __init__(self, stream: Stream, sessions: sessionmaker[Session], plans: list[Plan],
                 today: Callable[[], date], *, rebuild_every: float = 3600.0) -> None:
        self.stream = stream
        self.sessions = sessions
        self.plans = plans
        self.today = today
        self.consumer = stream.consumer(GROUP, [ARTICLE_STORED])
        self.evaluator: IncrementalEvaluator | None = None
        self.as_of: date | None = None
        self.built_at = 0.0
        self.rebuild_every = rebuild_every
        self._health_changed = False
        self.updated = 0

    def run(self, *, until_idle: bool = False,
            should_stop: Callable[[], bool] = lambda: False) -> int:
        """Consume until stopped (or idle); returns how many verdicts changed."""
        self._evaluator()
        while not should_stop():
            result = run_batch(self.consumer, self.stream, self._handle)
            idle = result.consumed == 0 and result.dead_lettered == 0
            if self._health_changed and (idle or self._age() >= HEALTH_REBUILD_S):
                self.built_at = -math.inf  # rebuilt now, with the new health, stored whole
                self._health_changed = False
                self._evaluator()
            if until_idle and idle:
                break
        return self.updated

    def _age(self) -> float:
        return time.monotonic() - self.built_at

    def _evaluator(self) -> IncrementalEvaluator:
        today = self.today()
        stale = self._age() > self.rebuild_every
        if self.evaluator is None or today != self.as_of or stale:
            with self.sessions() as session:
                data = load_input(session, self.plans, today)
                self.evaluator = IncrementalEvaluator(self.plans, data, today)
                store_verdicts(session, self.evaluator.verdicts(), complete=True)
                session.commit()
            self.as_of, self.built_at = today, time.monotonic()
            log.info("rules: evaluator built for %s", today)
        return self.evaluator

    def _handle(self, batch: list[tuple[Record, Envelope]]) -> None:
        if any(event.type == HEALTH_STORED_EVENT for _record, event in batch):
            self._health_changed = True
        evaluator = self._evaluator()
        ids = [event.payload["article_id"] for _record, event in batch
               if event.type == ARTICLE_STORED_EVENT]  # fmt: skip
        with self.sessions() as session:
            changed = {}
            for item in items_by_id(session, ids):
                if vn_date(item.published_at) <= evaluator.as_of:
                    for verdict in evaluator.apply(item):
                        changed[verdict.key] = verdict
            store_verdicts(session, changed.values())
            session.commit()
        self.updated += len(changed)

    def close(self) -> None:
        self.consumer.close()
