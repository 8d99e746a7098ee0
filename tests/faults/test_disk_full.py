"""Fault 6: the disk under the embedded stream log fills up.

On a real tiny filesystem (a 1 MiB tmpfs; needs root and mount) publishing fails with a clear
"disk full" error naming the log file, the log stays intact, and once the filesystem grows again
the retained events are written and publishing resumes — every event readable, in order. With
the log's own size cap (``max_size_mb``) space comes back through retention once consumers have
committed, without restarting the producer.
"""

from __future__ import annotations

import sqlite3
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from stream import Stream, StreamError, open_stream
from stream.abc import Consumer
from stream.events import SOURCE_HEALTH, Envelope


def health(seq: int, size: int) -> Envelope:
    return Envelope.new("source.health", {
        "source_id": "hg-so-tu-phap-rss", "agency_id": "hg-so-tu-phap",
        "url": "https://sotuphap.hagiang.gov.vn/rss.xml", "outcome": "ok", "status": seq,
        "detail": "Nội dung dài " * (size // 13), "at": datetime.now(UTC).isoformat(),
    })  # fmt: skip


def read_all(consumer: Consumer) -> list[int]:
    seqs = []
    while records := consumer.poll(max_records=500, timeout_s=0.3):
        seqs += [Envelope.decode(r.value).payload["status"] for r in records]
    return seqs


def integrity(path: Path) -> tuple[str, int, int]:
    with sqlite3.connect(path) as db:
        check = db.execute("PRAGMA integrity_check").fetchone()[0]
        end = db.execute("SELECT coalesce(sum(next_offset), 0) FROM topics").fetchone()[0]
        rows = db.execute("SELECT count(*) FROM records").fetchone()[0]
    return check, end, rows


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "tiny"
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(folder)],
                             capture_output=True, text=True, check=False)  # fmt: skip
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tiny tmpfs here (needs root): {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def publish_until_full(
    stream: Stream, size: int, limit: int = 2000
) -> tuple[int, StreamError]:
    for seq in range(limit):
        stream.publish(SOURCE_HEALTH, "hg-so-tu-phap", health(seq, size))
        if seq % 5 == 4:
            try:
                stream.flush()
            except StreamError as error:
                return seq + 1, error
    raise AssertionError(f"the disk never filled after {limit} events")


def test_full_filesystem_then_space_returns(tiny_disk: Path) -> None:
    path = tiny_disk / "stream.db"
    stream = open_stream(f"embedded://{path}?linger_ms=600000")
    try:
        published, error = publish_until_full(stream, 2000)
        assert str(error).startswith("disk full") and str(path) in str(error), error
        check, end, rows = integrity(path)
        assert check == "ok" and end == rows and 0 < rows < published

        subprocess.run(["mount", "-o", "remount,size=8m", str(tiny_disk)], check=True)
        stream.flush()  # the events kept in memory while the disk was full are written now
        for seq in range(published, published + 20):
            stream.publish(SOURCE_HEALTH, "hg-so-tu-phap", health(seq, 2000))
        stream.flush()
        with stream.consumer("audit", [SOURCE_HEALTH]) as consumer:
            assert read_all(consumer) == list(range(published + 20))
    finally:
        stream.close()
    assert integrity(path)[0] == "ok"
    print(f"disk full: tmpfs 1 MiB full after {rows} of {published} events; all "
          f"{published + 20} readable after it grew")


def test_size_cap_frees_room_by_retention_once_consumers_committed(tmp_path: Path) -> None:
    path = tmp_path / "stream.db"
    stream = open_stream(f"embedded://{path}?max_size_mb=1&retention_rows=5&linger_ms=600000")
    try:
        consumer = stream.consumer("monitor", [SOURCE_HEALTH])
        published, error = publish_until_full(stream, 20000)
        assert "disk full" in str(error) and "size cap" in str(error)
        assert integrity(path)[0] == "ok"
        first = read_all(consumer)
        consumer.commit()  # the monitor has everything written so far
        stream.flush()  # retention deletes what every group committed: room again, same process
        more = list(range(published, published + 10))
        for seq in more:
            stream.publish(SOURCE_HEALTH, "hg-so-tu-phap", health(seq, 20000))
        stream.flush()
        assert first + read_all(consumer) == list(range(published + 10))
        consumer.close()
    finally:
        stream.close()
    assert integrity(path)[0] == "ok"
