"""Embedded backend: a durable append-only log in one SQLite file (the default, one machine).

Every topic is one partition (0) with dense offsets from 0. ``publish`` buffers events and writes
them in one short transaction per batch (``batch_size`` events, or ``linger_ms`` after the first
one, or ``flush``); consumer groups keep their committed offsets in the same file.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from stream import _sqlite
from stream.abc import Consumer, Stream, TopicStats
from stream.embedded_consumer import EmbeddedConsumer
from stream.errors import StreamError, StreamUnavailable
from stream.events import Envelope
from stream.outbox import Outbox, Row
from stream.retention import delete_expired

log = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS topics (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    next_offset INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS records (
    topic_id INTEGER NOT NULL,
    offset INTEGER NOT NULL,
    ts REAL NOT NULL,  -- before the payload, so retention scans never read the values
    key TEXT NOT NULL,
    value BLOB NOT NULL,
    PRIMARY KEY (topic_id, offset)
);
CREATE TABLE IF NOT EXISTS group_offsets (
    grp TEXT NOT NULL,
    topic TEXT NOT NULL,
    committed INTEGER NOT NULL,
    updated_at REAL NOT NULL,
    PRIMARY KEY (grp, topic)
);
"""
RETENTION_EVERY_S = 60.0


@dataclass(frozen=True)
class EmbeddedOptions:
    """Tuning, all overridable in the URL. 0 means "no limit" for the retention and size caps."""

    batch_size: int = 500
    linger_ms: int = 20
    busy_timeout_ms: int = 5000
    retention_hours: float = 24.0 * 30
    retention_rows: int = 0
    max_size_mb: int = 0
    retry_backoff_ms: int = 1000


class EmbeddedStream(Stream):
    """The log file, for one producer process and any consumer processes on the same machine."""

    def __init__(
        self, path: str | Path, options: EmbeddedOptions | None = None, outbox: Outbox | None = None
    ) -> None:
        self.path = Path(path)
        self.options = options or EmbeddedOptions()
        self._outbox = outbox
        self._lock = threading.RLock()
        self._buffer: list[Row] = []
        self._first_buffered_at = 0.0
        self._retry_at = 0.0
        self._last_retention = 0.0
        self.published = 0
        self._conn = _sqlite.connect(self.path, self.options.busy_timeout_ms)
        try:
            self._conn.executescript(SCHEMA)
            if self.options.max_size_mb:
                page_size = self._conn.execute("PRAGMA page_size").fetchone()[0]
                pages = self.options.max_size_mb * 1024 * 1024 // page_size
                self._conn.execute(f"PRAGMA max_page_count={int(pages)}")
        except sqlite3.Error as exc:
            raise _sqlite.translate(exc, self.path) from exc
        self._closed = threading.Event()
        self._wake = threading.Event()
        self._flusher = threading.Thread(target=self._linger_loop, name="stream-flush", daemon=True)
        self._flusher.start()

    # -- producing ------------------------------------------------------------------------------

    def publish(self, topic: str, key: str, event: Envelope) -> None:
        value = event.encode()
        with self._lock:
            if not self._buffer:
                self._first_buffered_at = time.monotonic()
                self._wake.set()
            self._buffer.append((topic, key, value))
            if len(self._buffer) >= self.options.batch_size:
                self._write_buffer()

    def flush(self) -> None:
        with self._lock:
            self._write_buffer(force_drain=True)

    def drain(self) -> bool:
        """Move what waits in the outbox into the log now; True when nothing waits any more."""
        with self._lock:
            return self._drain(force=True)

    @property
    def outbox_pending(self) -> int:
        return self._outbox.pending if self._outbox else 0

    def _write_buffer(self, force_drain: bool = False) -> None:
        rows, self._buffer = self._buffer, []
        try:
            if self._outbox is not None and self._outbox.pending and not self._drain(force_drain):
                self._outbox.add(rows)  # keep order: behind what already waits
                return
            self._append(rows)
        except StreamUnavailable:
            if self._outbox is None:
                self._buffer = rows + self._buffer
                raise
            self._outbox.add(rows)
            self._retry_at = time.monotonic() + self.options.retry_backoff_ms / 1000
        except BaseException:
            self._buffer = rows + self._buffer  # disk full etc.: nothing lost, retried next flush
            raise

    def _drain(self, force: bool) -> bool:
        assert self._outbox is not None
        if not force and time.monotonic() < self._retry_at:
            return False
        try:
            return self._outbox.drain(self._deliver)
        finally:
            self._retry_at = time.monotonic() + self.options.retry_backoff_ms / 1000

    def _deliver(self, rows: list[Row]) -> int:
        try:
            self._append(rows)
        except StreamUnavailable as exc:
            log.info("outbox drain deferred: %s", exc)
            return 0
        return len(rows)

    def _append(self, rows: list[Row]) -> None:
        if not rows:
            return
        now = time.time()
        try:
            try:
                self._insert(rows, now)
            except sqlite3.Error as exc:
                # A full log gets room back only from retention, which otherwise runs after a
                # successful append: run it now and retry once if it deleted anything.
                if "full" not in str(exc) or not self.apply_retention():
                    raise
                self._insert(rows, now)
        except sqlite3.Error as exc:
            raise _sqlite.translate(exc, self.path) from exc
        self.published += len(rows)
        if time.monotonic() - self._last_retention >= RETENTION_EVERY_S:
            self.apply_retention()

    def _insert(self, rows: list[Row], now: float) -> None:
        with _sqlite.transaction(self._conn) as conn:
            for topic, batch in _by_topic(rows).items():
                conn.execute("INSERT OR IGNORE INTO topics (name) VALUES (?)", (topic,))
                topic_id, start = conn.execute(
                    "SELECT id, next_offset FROM topics WHERE name = ?", (topic,)
                ).fetchone()
                conn.executemany(
                    "INSERT INTO records (topic_id, offset, ts, key, value) VALUES (?,?,?,?,?)",
                    [(topic_id, start + i, now, k, v) for i, (k, v) in enumerate(batch)],
                )
                conn.execute(
                    "UPDATE topics SET next_offset = ? WHERE id = ?",
                    (start + len(batch), topic_id),
                )

    def _linger_loop(self) -> None:
        """Write a partial batch ``linger_ms`` after its first event, so consumers see it soon."""
        while not self._closed.is_set():
            self._wake.wait()
            self._wake.clear()
            while not self._closed.is_set():
                with self._lock:
                    if not self._buffer:
                        break
                    due = self._first_buffered_at + self.options.linger_ms / 1000
                    if time.monotonic() >= due:
                        try:
                            self._write_buffer()
                        except StreamError as exc:
                            log.warning("background flush failed, kept for the next flush: %s", exc)
                        break
                self._closed.wait(max(due - time.monotonic(), 0.001))

    # -- retention ------------------------------------------------------------------------------

    def apply_retention(self, *, force: bool = False) -> int:
        """Delete records older than ``retention_hours`` or beyond ``retention_rows`` per topic.

        Never deletes a record some consumer group has not committed yet, unless ``force``.
        Returns how many records were deleted.
        """
        opts = self.options
        with self._lock:
            self._last_retention = time.monotonic()
            try:
                with _sqlite.transaction(self._conn) as conn:
                    deleted = delete_expired(conn, opts.retention_hours, opts.retention_rows,
                                             keep_uncommitted=not force)  # fmt: skip
            except sqlite3.Error as exc:
                raise _sqlite.translate(exc, self.path) from exc
        if deleted:
            log.info("retention removed %d records from %s", deleted, self.path)
        return deleted

    # -- consuming and inspecting ---------------------------------------------------------------

    def consumer(self, group: str, topics: list[str]) -> Consumer:
        return EmbeddedConsumer(self.path, group, topics, self.options.busy_timeout_ms)

    def stats(self) -> list[TopicStats]:
        with self._lock:
            conn = self._conn
            result = []
            for topic_id, name, end in conn.execute(
                "SELECT id, name, next_offset FROM topics ORDER BY name"
            ).fetchall():
                first = conn.execute(
                    "SELECT min(offset) FROM records WHERE topic_id = ?", (topic_id,)
                ).fetchone()[0]
                start = end if first is None else first
                lag = {
                    grp: end - max(committed, start)
                    for grp, committed in conn.execute(
                        "SELECT grp, committed FROM group_offsets WHERE topic = ? ORDER BY grp",
                        (name,),
                    )
                }
                result.append(TopicStats(topic=name, end_offset=end, size=end - start, lag=lag))
        return result

    def close(self) -> None:
        if self._closed.is_set():
            return
        try:
            self.flush()
        finally:
            self._closed.set()
            self._wake.set()
            self._flusher.join(timeout=5)
            self._conn.close()
            if self._outbox is not None:
                self._outbox.close()


def _by_topic(rows: list[Row]) -> dict[str, list[tuple[str, bytes]]]:
    grouped: dict[str, list[tuple[str, bytes]]] = {}
    for topic, key, value in rows:
        grouped.setdefault(topic, []).append((key, value))
    return grouped
