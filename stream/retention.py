"""Retention of the embedded log: which records of a topic may be deleted.

Records older than ``retention_hours`` or beyond the newest ``retention_rows`` of their topic go,
except those some consumer group has not committed yet (a slow consumer never loses events)."""

from __future__ import annotations

import sqlite3
import time


def delete_expired(conn: sqlite3.Connection, retention_hours: float, retention_rows: int, *,
                   keep_uncommitted: bool = True) -> int:
    """Delete what retention allows, in the caller's transaction; how many records went."""
    cutoff = time.time() - retention_hours * 3600 if retention_hours else None
    deleted = 0
    for topic_id, name, end in conn.execute("SELECT id, name, next_offset FROM topics").fetchall():
        limit = _retention_limit(conn, topic_id, end, cutoff, retention_rows)
        if keep_uncommitted:
            limit = min(limit, _slowest_group(conn, name, end))
        deleted += conn.execute("DELETE FROM records WHERE topic_id = ? AND offset < ?",
                                (topic_id, limit)).rowcount  # fmt: skip
    return deleted


def _retention_limit(
    conn: sqlite3.Connection, topic_id: int, end: int, cutoff: float | None, max_rows: int
) -> int:
    """The first offset retention would keep for one topic."""
    limit = end - max_rows if max_rows else 0
    if cutoff is not None:
        first_young = conn.execute(
            "SELECT min(offset) FROM records WHERE topic_id = ? AND ts >= ?", (topic_id, cutoff)
        ).fetchone()[0]
        limit = max(limit, end if first_young is None else first_young)
    return limit


def _slowest_group(conn: sqlite3.Connection, topic: str, end: int) -> int:
    slowest = conn.execute(
        "SELECT min(committed) FROM group_offsets WHERE topic = ?", (topic,)
    ).fetchone()[0]
    return end if slowest is None else slowest
