"""What only the embedded log does: retention, size cap / disk full, two processes at once."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from stream import StreamError, open_stream
from stream.embedded import EmbeddedStream
from stream.events import SOURCE_HEALTH
from tests.stream.helpers import health, poll_until, seqs_by_key

REPO = Path(__file__).resolve().parents[2]


def open_log(tmp_path: Path, query: str = "") -> EmbeddedStream:
    stream = open_stream(f"embedded://{tmp_path}/stream.db?{query}")
    assert isinstance(stream, EmbeddedStream)
    return stream


def publish(stream: EmbeddedStream, count: int, start: int = 0) -> None:
    for seq in range(start, start + count):
        stream.publish(SOURCE_HEALTH, "a1", health("a1", seq))
    stream.flush()


def test_row_retention_keeps_what_a_group_has_not_committed(tmp_path: Path) -> None:
    with open_log(tmp_path, "retention_rows=10") as stream:
        with stream.consumer("slow", [SOURCE_HEALTH]) as slow:  # the group exists from here on
            publish(stream, 30)  # the retention pass of this write may delete nothing yet
            assert len(slow.poll(max_records=5)) == 5
            slow.commit()
        assert stream.apply_retention() == 5  # only what "slow" committed may go
        with stream.consumer("slow", [SOURCE_HEALTH]) as slow:
            assert poll_until(slow, 25, timeout_s=5)[0].offset == 5
        assert stream.apply_retention(force=True) == 15
        (stats,) = stream.stats()
        assert (stats.end_offset, stats.size, stats.lag) == (30, 10, {"slow": 10})
        with stream.consumer("slow", [SOURCE_HEALTH]) as slow:
            assert [r.offset for r in poll_until(slow, 10, timeout_s=5)] == list(range(20, 30))


def test_age_retention_drops_old_records_once_consumed(tmp_path: Path) -> None:
    with open_log(tmp_path, "retention_hours=0.0003") as stream:  # about one second
        publish(stream, 5)
        time.sleep(1.3)
        publish(stream, 3, start=5)
        assert stream.apply_retention() == 5  # no group yet: nothing is held back
        with stream.consumer("monitor", [SOURCE_HEALTH]) as consumer:
            assert seqs_by_key(poll_until(consumer, 3, timeout_s=5)) == {"a1": [5, 6, 7]}


def test_full_disk_is_a_clear_error_and_the_log_stays_intact(tmp_path: Path) -> None:
    stream = open_log(tmp_path, "max_size_mb=1&batch_size=100")  # a 1 MB disk, for the test
    publish(stream, 50)
    big = "x" * 4000
    with pytest.raises(StreamError) as caught:
        for seq in range(2000):
            stream.publish(SOURCE_HEALTH, "a1", health("a1", 50 + seq, url=big))
        stream.flush()
    message = str(caught.value)
    assert message.startswith("disk full") and str(tmp_path / "stream.db") in message
    with stream.consumer("audit", [SOURCE_HEALTH]) as consumer:
        records = poll_until(consumer, 50, timeout_s=5)
    assert seqs_by_key(records)["a1"][:50] == list(range(50))
    with pytest.raises(StreamError, match="disk full"):
        stream.close()  # the unwritten events are still there: closing says so, and lets go
    with sqlite3.connect(tmp_path / "stream.db") as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        end = db.execute("SELECT next_offset FROM topics").fetchone()[0]
        assert db.execute("SELECT count(*) FROM records").fetchone()[0] == end


def test_a_producer_process_and_a_consumer_work_at_the_same_time(tmp_path: Path) -> None:
    url = f"embedded://{tmp_path}/stream.db?batch_size=50"
    producer = subprocess.Popen(
        [sys.executable, "-m", "tests.stream.producer_proc", url, "3000"], cwd=REPO
    )
    with open_stream(url) as stream, stream.consumer("monitor", [SOURCE_HEALTH]) as consumer:
        records = []
        while len(records) < 3000:
            batch = consumer.poll(max_records=200, timeout_s=2)
            records.extend(batch)
            consumer.commit()
            assert batch or producer.poll() is None, "producer ended but records are missing"
    assert producer.wait(timeout=30) == 0
    got = seqs_by_key(records)
    assert got == {f"agency-{k}": list(range(k, 3000, 3)) for k in range(3)}


def test_a_partial_batch_is_written_after_the_linger_without_flush(tmp_path: Path) -> None:
    with open_log(tmp_path, "linger_ms=20") as stream:
        stream.publish(SOURCE_HEALTH, "a1", health("a1", 0))
        with stream.consumer("monitor", [SOURCE_HEALTH]) as consumer:
            assert len(poll_until(consumer, 1, timeout_s=3)) == 1


def test_without_an_outbox_a_locked_log_raises_and_keeps_the_events(tmp_path: Path) -> None:
    with open_log(tmp_path, "busy_timeout_ms=100") as stream:
        publish(stream, 1)
        lock = sqlite3.connect(tmp_path / "stream.db", isolation_level=None)
        lock.execute("BEGIN EXCLUSIVE")
        stream.publish(SOURCE_HEALTH, "a1", health("a1", 1))
        with pytest.raises(StreamError, match="locked by another process"):
            stream.flush()
        lock.execute("ROLLBACK")
        stream.flush()
        (stats,) = stream.stats()
        assert stats.end_offset == 2


HOLD_GROUP = """
import sys, time
from stream import open_stream
stream = open_stream(sys.argv[1])
consumer = stream.consumer("monitor", ["source-health"])
print("holding", flush=True)
time.sleep(120)
"""


def test_a_second_process_cannot_join_a_group_while_the_first_lives(tmp_path: Path) -> None:
    """One partition, one member: a second `cchc consume` gets a clear error instead of reading
    the same events beside the first; once the first is killed (SIGKILL) the group is free."""
    from stream.errors import GroupTaken

    url = f"embedded://{tmp_path}/stream.db"
    holder = subprocess.Popen([sys.executable, "-c", HOLD_GROUP, url], cwd=REPO,
                              stdout=subprocess.PIPE, text=True)  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        with open_stream(url) as stream:
            with pytest.raises(GroupTaken, match=f"tiến trình {holder.pid}"):
                stream.consumer("monitor", [SOURCE_HEALTH])
            stream.consumer("audit", [SOURCE_HEALTH]).close()  # other groups are free
    finally:
        holder.kill()
        holder.wait(timeout=10)
    with open_stream(url) as stream, stream.consumer("monitor", [SOURCE_HEALTH]) as consumer:
        assert consumer.poll(timeout_s=0.1) == []


def test_one_member_per_group_in_this_process_too_and_a_zombie_holds_nothing(
    tmp_path: Path,
) -> None:
    """A second consumer of the group in the same process is refused while the first is open
    (``cchc run``'s crawl job then leaves storing to the running consumer); a holder killed
    with SIGKILL and not yet reaped (a zombie) no longer holds the group."""
    from stream.errors import GroupTaken

    url = f"embedded://{tmp_path}/stream.db"
    with open_stream(url) as stream:
        first = stream.consumer("monitor", [SOURCE_HEALTH])
        with pytest.raises(GroupTaken, match=f"tiến trình {os.getpid()}"):
            stream.consumer("monitor", [SOURCE_HEALTH])
        first.close()
        stream.consumer("monitor", [SOURCE_HEALTH]).close()
    holder = subprocess.Popen([sys.executable, "-c", HOLD_GROUP, url], cwd=REPO,
                              stdout=subprocess.PIPE, text=True)  # fmt: skip
    assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
    os.kill(holder.pid, signal.SIGKILL)
    time.sleep(0.5)  # dead, not reaped: os.kill(pid, 0) would still say it exists
    try:
        with open_stream(url) as stream, stream.consumer("monitor", [SOURCE_HEALTH]):
            pass
    finally:
        holder.wait(timeout=10)
