"""Consumer of the embedded log: positions in memory, committed offsets in the log file.

The log has one partition, so a group has one member at a time. The member holds a lease in the
log file (its host, process id and a heartbeat renewed while it polls); a second process that
opens the same group while that process lives gets :class:`GroupTaken` instead of reading and
storing the same events alongside it. A lease of a dead process (killed, even with SIGKILL) or
without a heartbeat for ``LEASE_S`` seconds is taken over.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import time
import uuid
from pathlib import Path

from stream import _sqlite
from stream.abc import Consumer, Record
from stream.errors import GroupTaken

_IDLE_MIN_S, _IDLE_MAX_S = 0.005, 0.1
LEASE_S = 60.0  # longer than any batch: a member renews its lease each time it polls
_RENEW_EVERY_S = 5.0


class EmbeddedConsumer(Consumer):
    """One member of ``group``. Run one consumer per group at a time (the log has one partition)."""

    def __init__(self, path: Path, group: str, topics: list[str], busy_timeout_ms: int) -> None:
        self.path = path
        self.group = group
        self.topics = list(dict.fromkeys(topics))
        self._conn = _sqlite.connect(path, busy_timeout_ms)
        self._topic_ids: dict[str, int] = {}
        self._turn = 0
        self._member = uuid.uuid4().hex
        self._renewed_at = time.monotonic()
        try:
            with _sqlite.transaction(self._conn) as conn:
                _take_lease(conn, group, self._member)
                conn.executemany(
                    "INSERT OR IGNORE INTO group_offsets (grp, topic, committed, updated_at) "
                    "VALUES (?, ?, 0, ?)",
                    [(group, topic, time.time()) for topic in self.topics],
                )
            self._committed = self._load_committed()
        except sqlite3.Error as exc:
            self._conn.close()
            raise _sqlite.translate(exc, path) from exc
        except GroupTaken:
            self._conn.close()
            raise
        self._positions = dict(self._committed)

    def poll(self, max_records: int = 500, timeout_s: float = 1.0) -> list[Record]:
        self._renew_lease()
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

    def _renew_lease(self) -> None:
        if time.monotonic() - self._renewed_at < _RENEW_EVERY_S:
            return
        try:
            renewed = self._conn.execute(
                "UPDATE group_members SET seen_at = ? WHERE grp = ? AND member = ?",
                (time.time(), self.group, self._member)).rowcount  # fmt: skip
        except sqlite3.Error as exc:
            raise _sqlite.translate(exc, self.path) from exc
        if not renewed:
            raise GroupTaken(
                f"nhóm '{self.group}' của luồng {self.path} đã bị một tiến trình khác nhận sau "
                f"{LEASE_S:.0f} giây không thấy tiến trình này; dừng tiến trình này, tiến trình "
                "kia tiếp tục từ vị trí đã ghi nhận (không mất, không đếm trùng sự kiện)."
            )
        self._renewed_at = time.monotonic()

    def close(self) -> None:
        try:
            self._conn.execute("DELETE FROM group_members WHERE grp = ? AND member = ?",
                               (self.group, self._member))  # fmt: skip
        except sqlite3.Error:
            pass  # the lease lapses by itself; closing must not fail because of it
        self._conn.close()


def _take_lease(conn: sqlite3.Connection, group: str, member: str) -> None:
    """Become the group's member, unless another live process on this machine is (or one
    elsewhere renewed its lease within ``LEASE_S``)."""
    host, pid, now = socket.gethostname(), os.getpid(), time.time()
    row = conn.execute("SELECT host, pid, seen_at FROM group_members WHERE grp = ?",
                       (group,)).fetchone()  # fmt: skip
    if row is not None and _lease_held(row, host, pid, now):
        other_host, other_pid, _ = row
        raise GroupTaken(
            f"nhóm tiêu thụ '{group}' đang được tiến trình {other_pid} trên máy {other_host} "
            "đọc: luồng nhúng chỉ cho một tiến trình mỗi nhóm. Dừng tiến trình đó trước (hoặc "
            "dùng Kafka để chạy nhiều tiến trình song song)."
        )
    conn.execute("INSERT OR REPLACE INTO group_members (grp, member, host, pid, seen_at) "
                 "VALUES (?, ?, ?, ?, ?)", (group, member, host, pid, now))  # fmt: skip


def _lease_held(row: tuple[str, int, float], host: str, pid: int, now: float) -> bool:
    other_host, other_pid, seen_at = row
    if now - seen_at > LEASE_S:
        return False
    if other_host != host:
        return True
    return other_pid != pid and _alive(other_pid)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, run by another user
    return True
