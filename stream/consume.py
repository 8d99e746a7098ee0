"""The consume loop every consumer uses: poll, decode, dead-letter, handle, then commit.

Offsets are committed only after ``handle_batch`` returned (it commits its own database
transaction inside), so a crash or an exception redelivers the batch: at-least-once, and the
handler stays idempotent by event id. Unreadable records are published to ``dead-letter`` (and
flushed) before their offsets are committed, so consumption goes on and nothing is silently lost.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Self

from stream.abc import Consumer, Record, Stream
from stream.events import DEAD_LETTER, DEAD_LETTER_EVENT, BadEvent, Envelope

log = logging.getLogger(__name__)

HandleBatch = Callable[[list[tuple[Record, Envelope]]], None]


@dataclass
class BatchResult:
    """What one ``run_batch`` did; add them up for the operator counters."""

    consumed: int = 0
    dead_lettered: int = 0

    def __iadd__(self, other: BatchResult) -> Self:
        self.consumed += other.consumed
        self.dead_lettered += other.dead_lettered
        return self


def run_batch(
    consumer: Consumer,
    stream: Stream,
    handle_batch: HandleBatch,
    *,
    max_records: int = 500,
    timeout_s: float = 1.0,
) -> BatchResult:
    """Process one batch; if ``handle_batch`` raises, nothing is committed and the batch is
    polled again next time (the exception propagates)."""
    records = consumer.poll(max_records=max_records, timeout_s=timeout_s)
    if not records:
        return BatchResult()
    good: list[tuple[Record, Envelope]] = []
    dead = 0
    try:
        for record in records:
            try:
                good.append((record, Envelope.decode(record.value)))
            except BadEvent as exc:
                stream.publish(DEAD_LETTER, record.key, dead_letter(record, exc.reason))
                dead += 1
        if dead:
            stream.flush()
        if good:
            handle_batch(good)
        consumer.commit()
    except BaseException:
        consumer.rollback()
        raise
    if dead:
        log.warning("dead-lettered %d of %d records", dead, len(records))
    return BatchResult(consumed=len(good), dead_lettered=dead)


def dead_letter(record: Record, reason: str) -> Envelope:
    """The ``dead.letter`` event for an unreadable record: where it was, what it held, why."""
    try:
        value, encoding = record.value.decode(), "utf-8"
    except UnicodeDecodeError:
        value, encoding = base64.b64encode(record.value).decode("ascii"), "base64"
    return Envelope.new(
        DEAD_LETTER_EVENT,
        {
            "topic": record.topic,
            "partition": record.partition,
            "offset": record.offset,
            "key": record.key,
            "value": value,
            "value_encoding": encoding,
            "reason": reason,
        },
    )
