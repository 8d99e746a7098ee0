"""Producer outbox: events that could not reach the log or broker wait in a local SQLite file.

Order is kept: while the outbox holds anything, new events queue behind it. ``drain`` sends the
oldest rows first and deletes only the rows the destination acknowledged, so nothing is lost; a
crash between the acknowledgement and the delete can resend a few rows (at-least-once; consumers
ignore event ids they already applied), but after a successful drain the outbox is empty and
nothing is sent twice.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from stream import _sqlite

log = logging.getLogger(__name__)

Row = tuple[str, str, bytes]  # topic, key, encoded envelope
SendBatch = Callable[[list[Row]], int]  # returns how many rows, from the first, were delivered

_SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    topic TEXT NOT NULL,
    key TEXT NOT NULL,
    value BLOB NOT NULL,
    added_at REAL NOT NULL
)
"""


class Outbox:
    """A durable FIFO of unsent events, safe to reopen after a crash."""

    def __init__(self, path: str | Path, *, busy_timeout_ms: int = 5000, batch: int = 500) -> None:
        self.path = Path(path)
        self._batch = batch
        self._conn = _sqlite.connect(self.path, busy_timeout_ms)
        try:
            self._conn.execute(_SCHEMA)
            self._pending = self._conn.execute("SELECT count(*) FROM outbox").fetchone()[0]
        except sqlite3.Error as exc:
            raise _sqlite.translate(exc, self.path) from exc
        self.sent = 0
        if self._pending:
            log.warning("outbox %s holds %d unsent events from before", self.path, self._pending)

    @property
    def pending(self) -> int:
        """Events waiting to be sent (an operator counter)."""
        return self._pending

    def add(self, rows: list[Row]) -> None:
        """Keep ``rows`` durably, after everything already waiting."""
        if not rows:
            return
        now = time.time()
        try:
            with _sqlite.transaction(self._conn) as conn:
                conn.executemany(
                    "INSERT INTO outbox (topic, key, value, added_at) VALUES (?, ?, ?, ?)",
                    [(topic, key, value, now) for topic, key, value in rows],
                )
        except sqlite3.Error as exc:
            raise _sqlite.translate(exc, self.path) from exc
        self._pending += len(rows)
        log.warning(
            "stream unavailable: %d events kept in outbox %s (%d waiting)",
            len(rows),
            self.path,
            self._pending,
        )

    def drain(self, send: SendBatch) -> bool:
        """Send waiting rows oldest first; True when the outbox is empty afterwards."""
        while self._pending:
            batch = self._conn.execute(
                "SELECT seq, topic, key, value FROM outbox ORDER BY seq LIMIT ?", (self._batch,)
            ).fetchall()
            if not batch:
                self._pending = 0
                break
            delivered = send([(topic, key, bytes(value)) for _, topic, key, value in batch])
            if delivered:
                self._delete_through(batch[delivered - 1][0])
                self.sent += delivered
            if delivered < len(batch):
                log.info("outbox %s: %d events still waiting", self.path, self._pending)
                return False
        return True

    def _delete_through(self, seq: int) -> None:
        try:
            with _sqlite.transaction(self._conn) as conn:
                conn.execute("DELETE FROM outbox WHERE seq <= ?", (seq,))
            self._pending = self._conn.execute("SELECT count(*) FROM outbox").fetchone()[0]
        except sqlite3.Error as exc:
            raise _sqlite.translate(exc, self.path) from exc

    def close(self) -> None:
        self._conn.close()
