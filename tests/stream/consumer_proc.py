"""A consumer process for the crash tests: applies events idempotently to a SQLite "store".

Usage: python -m tests.stream.consumer_proc STREAM_URL OUTBOX STORE TOPIC EXPECTED [CRASH_AT]

Each batch is applied in one store transaction: every delivery is logged in ``deliveries`` and
the event goes into ``processed`` (keyed by event id, so a redelivery changes nothing). With
CRASH_AT=n the process SIGKILLs itself right after the store commit of batch n, before the
stream commit: the worst moment, which guarantees a redelivery.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import sys

from stream import open_stream
from stream.consume import run_batch


def main(url: str, outbox: str, store_path: str, topic: str, expected: int, crash_at: int) -> None:
    store = sqlite3.connect(store_path, isolation_level=None)
    store.execute("CREATE TABLE IF NOT EXISTS processed (event_id TEXT PRIMARY KEY, seq INTEGER)")
    store.execute("CREATE TABLE IF NOT EXISTS deliveries (event_id TEXT)")
    batches = 0

    def apply(batch: list) -> None:
        nonlocal batches
        store.execute("BEGIN")
        for _, event in batch:
            store.execute("INSERT INTO deliveries VALUES (?)", (event.id,))
            store.execute(
                "INSERT OR IGNORE INTO processed VALUES (?, ?)", (event.id, event.payload["status"])
            )
        store.execute("COMMIT")
        batches += 1
        if batches == crash_at:
            os.kill(os.getpid(), signal.SIGKILL)

    stream = open_stream(url, outbox_path=outbox)
    consumer = stream.consumer("store", [topic])
    while store.execute("SELECT count(*) FROM processed").fetchone()[0] < expected:
        run_batch(consumer, stream, apply, max_records=25, timeout_s=0.5)
    consumer.close()
    stream.close()


if __name__ == "__main__":
    args = sys.argv[1:]
    main(args[0], args[1], args[2], args[3], int(args[4]), int(args[5]) if len(args) > 5 else 0)
