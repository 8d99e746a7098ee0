"""Consumer of the embedded log: positions in memory, committed offsets in the log file.

The log has one partition, so a group has one member at a time: the member holds an exclusive
``flock`` on a small file beside the log (``stream.db.<group>.lock``, naming its process) for as
long as it is open. A second consumer of the group, in another process or this one, gets
:class:`GroupTaken` instead of reading the same events alongside it. The kernel releases the lock
when its holder ends in any way (SIGKILL included), so a restart never waits for a lease.
"""

from __future__ import annotations

import fcntl
import os
import re
import socket
import sqlite3
import time
from pathlib import Path
from typing import TextIO

from stream import _sqlite
from stream.abc import Consumer, Record
from stream.errors import GroupTaken

_IDLE_MIN_S, _IDLE_MAX_S = 0.005, 0.1


class EmbeddedConsumer(Consumer):
    """The one member of ``group`` (the log has one partition) while it is open."""

    def __init__(self, path: Path, group: str, topics: list[str], busy_timeout_ms: int) -> None:
        self.path = path
        self.group = group
        self.topics = list(dict.fromkeys(topics))
        self._topic_ids: dict[str, int] = {}
        self._turn = 0
        self._lock = _claim(path, group)
        try:
            self._conn = _sqlite.connect(path, busy_timeout_ms)
            with _sqlite.transaction(self._conn) as conn:
                conn.executemany(
                    "INSERT OR IGNORE INTO group_offsets (grp, topic, committed, updated_at) "
                    "VALUES (?, ?, 0, ?)",
                    [(group, topic, time.time()) for topic in self.topics],
                )
            self._committed = self._load_committed()
        except BaseException as exc:
            self.close()
            if isinstance(exc, sqlite3.Error):
                raise _sqlite.translate(exc, path) from exc
            raise
        self._positions = dict(self._committed)

    def poll(self, max_records: int = 500, timeout_s: float = 1.0) -> list[Record]:
        deadline = time.monotonic() + timeout_s
        idle = _IDLE_MIN_S
        while True:
            try:
                records = self._fetch(max_records)
            except sqlite3.Error as exc:
                raise _sqlite.translate(exc, self.path) from exc
            remaining = deadline - time.monotonic()
            if records or remaining <= 0:
                return records
            time.sleep(min(idle, remaining))
            idle = min(idle * 2, _IDLE_MAX_S)

    def _fetch(self, max_records: int) -> list[Record]:
        """Read from each topic in turn (rotating the first) so no topic starves the others."""
        records: list[Record] = []
        order = self.topics[self._turn :] + self.topics[: self._turn]
        self._turn = (self._turn + 1) % len(self.topics) if self.topics else 0
        for topic in order:
            want = max_records - len(records)
            if want <= 0:
                break
            topic_id = self._topic_id(topic)
            if topic_id is None:
                continue
            rows = self._conn.execute(
                "SELECT offset, key, value FROM records WHERE topic_id = ? AND offset >= ? "
                "ORDER BY offset LIMIT ?",
                (topic_id, self._positions[topic], want),
            ).fetchall()
            if rows:
                records.extend(Record(topic, 0, off, key, bytes(value)) for off, key, value in rows)
                self._positions[topic] = rows[-1][0] + 1
        return records

    def _topic_id(self, topic: str) -> int | None:
        if topic not in self._topic_ids:
            row = self._conn.execute("SELECT id FROM topics WHERE name = ?", (topic,)).fetchone()
            if row is None:
                return None
            self._topic_ids[topic] = row[0]
        return self._topic_ids[topic]

    def commit(self) -> None:
        changed = {t: off for t, off in self._positions.items() if off != self._committed.get(t)}
        if not changed:
            return
        try:
            with _sqlite.transaction(self._conn) as conn:
                conn.executemany(
                    "UPDATE group_offsets SET committed = ?, updated_at = ? WHERE grp = ? AND topic = ?",
                    [(off, time.time(), self.group, topic) for topic, off in changed.items()],
                )
        except sqlite3.Error as exc:
            raise _sqlite.translate(exc, self.path) from exc
        self._committed.update(changed)

    def rollback(self) -> None:
        self._positions = dict(self._committed)

    def _load_committed(self) -> dict[str, int]:
        rows = self._conn.execute(
            "SELECT topic, committed FROM group_offsets WHERE grp = ?", (self.group,)
        ).fetchall()
        committed = dict(rows)
        return {topic: committed.get(topic, 0) for topic in self.topics}

    def close(self) -> None:
        if hasattr(self, "_conn"):
            self._conn.close()
        if not self._lock.closed:
            fcntl.flock(self._lock, fcntl.LOCK_UN)
            self._lock.close()


def _claim(path: Path, group: str) -> TextIO:
    """The group's lock file, locked by this consumer; ``GroupTaken`` naming the holder if not."""
    lock_path = path.with_name(f"{path.name}.{re.sub(r'[^A-Za-z0-9_.-]', '_', group)}.lock")
    try:
        handle = open(lock_path, "a+", encoding="utf-8")  # noqa: SIM115 - held until close()
    except OSError as exc:
        raise _sqlite.translate(exc, lock_path) from exc
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "một tiến trình khác"
        handle.close()
        raise GroupTaken(
            f"nhóm tiêu thụ '{group}' của {path} đang được {holder} đọc: luồng nhúng chỉ cho "
            "một thành viên mỗi nhóm. Dừng tiến trình đó trước (hoặc dùng Kafka để chạy nhiều "
            "tiến trình song song)."
        ) from None
    handle.seek(0)
    handle.truncate()
    handle.write(f"tiến trình {os.getpid()} trên máy {socket.gethostname()}\n")
    handle.flush()
    return handle
