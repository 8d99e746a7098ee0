"""Small helpers shared by the stream tests."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from stream.abc import Consumer, Record
from stream.events import Envelope


def health(agency: str, seq: int, url: str = "https://example.test/") -> Envelope:
    """A valid source.health event carrying a sequence number (in ``status``) for order checks."""
    return Envelope.new(
        "source.health",
        {
            "source_id": f"{agency}-rss",
            "agency_id": agency,
            "url": url,
            "outcome": "ok",
            "status": seq,
            "detail": "",
            "at": datetime.now(UTC).isoformat(),
        },
    )


def poll_until(consumer: Consumer, count: int, timeout_s: float = 20.0) -> list[Record]:
    """Poll until ``count`` records arrived (or fail the test after ``timeout_s``)."""
    records: list[Record] = []
    deadline = time.monotonic() + timeout_s
    while len(records) < count:
        assert time.monotonic() < deadline, f"got {len(records)} of {count} records"
        records.extend(consumer.poll(max_records=500, timeout_s=0.5))
    return records


def drain_quiet(consumer: Consumer, quiet_s: float = 1.0) -> list[Record]:
    """Everything still readable: poll until nothing arrives for ``quiet_s``."""
    records: list[Record] = []
    while batch := consumer.poll(max_records=500, timeout_s=quiet_s):
        records.extend(batch)
    return records


def seqs_by_key(records: list[Record]) -> dict[str, list[int]]:
    result: dict[str, list[int]] = {}
    for record in records:
        result.setdefault(record.key, []).append(Envelope.decode(record.value).payload["status"])
    return result
