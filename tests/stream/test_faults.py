"""Crashes and outages on both backends: nothing lost, nothing applied twice."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from stream.events import SOURCE_HEALTH
from tests.stream.conftest import Backend
from tests.stream.helpers import health, poll_until, seqs_by_key

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
REPO = Path(__file__).resolve().parents[2]
BOTH_SLOW_KAFKA = pytest.mark.parametrize(
    "backend",
    ["embedded", pytest.param("kafka", marks=[pytest.mark.kafka, pytest.mark.slow])],
    indirect=True,
)


def run_consumer(
    backend: Backend, store: Path, expected: int, crash_at: int = 0
) -> subprocess.Popen[bytes]:
    outbox = backend.tmp / "consumer-outbox.db"
    args = [backend.url, str(outbox), str(store), SOURCE_HEALTH, str(expected), str(crash_at)]
    return subprocess.Popen([sys.executable, "-m", "tests.stream.consumer_proc", *args], cwd=REPO)


@BOTH_SLOW_KAFKA
def test_consumer_killed_mid_batch_applies_every_event_exactly_once(
    backend: Backend, tmp_path: Path
) -> None:
    stream = backend.open()
    for seq in range(200):
        stream.publish(SOURCE_HEALTH, f"agency-{seq % 4}", health(f"agency-{seq % 4}", seq))
    stream.flush()
    store = tmp_path / "store.db"

    crashed = run_consumer(backend, store, 200, crash_at=3)  # SIGKILL after a store commit
    assert crashed.wait(timeout=60) == -signal.SIGKILL
    slow = run_consumer(backend, store, 200)
    wait_for_rows(store, 100)
    slow.send_signal(signal.SIGKILL)  # killed again, anywhere in its loop
    slow.wait(timeout=10)
    assert run_consumer(backend, store, 200).wait(timeout=60) == 0

    with sqlite3.connect(store) as db:
        processed = db.execute("SELECT count(*), count(DISTINCT seq) FROM processed").fetchone()
        deliveries = db.execute("SELECT count(*) FROM deliveries").fetchone()[0]
    assert processed == (200, 200)
    assert deliveries > 200  # the batch applied before the first crash was redelivered, and ignored


def wait_for_rows(store: Path, count: int, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            with sqlite3.connect(store) as db:
                if db.execute("SELECT count(*) FROM processed").fetchone()[0] >= count:
                    return
        except sqlite3.OperationalError:
            pass  # the table does not exist yet
        time.sleep(0.05)
    raise AssertionError(f"store never reached {count} rows")


def test_outage_while_publishing_loses_nothing(backend: Backend) -> None:
    stream = backend.open()
    keys = ["a1", "a2", "a3"]
    for seq in range(10):
        for key in keys:
            stream.publish(SOURCE_HEALTH, key, health(key, seq))
    stream.flush()
    with stream.consumer("monitor", [SOURCE_HEALTH]) as consumer:
        before = poll_until(consumer, 30)
        consumer.commit()

    with outage(backend):
        for seq in range(10, 20):
            for key in keys:
                stream.publish(SOURCE_HEALTH, key, health(key, seq))
        stream.flush()
        assert stream.outbox_pending == 30  # type: ignore[attr-defined]

    for seq in range(20, 25):
        for key in keys:
            stream.publish(SOURCE_HEALTH, key, health(key, seq))
    stream.flush()
    assert stream.outbox_pending == 0  # type: ignore[attr-defined]
    with stream.consumer("monitor", [SOURCE_HEALTH]) as consumer:
        after = poll_until(consumer, 45)
    got = seqs_by_key(before + after)
    assert got == {key: list(range(25)) for key in keys}


@contextmanager
def outage(backend: Backend) -> Iterator[None]:
    """Make the log or broker unreachable inside the block, and bring it back after.

    Kafka: the broker process is killed and restarted (in memory: it comes back empty).
    Embedded: another connection holds the write lock of the log file.
    """
    if backend.broker is not None:
        backend.broker.kill()
        try:
            yield
        finally:
            backend.broker.restart()
        return
    lock = sqlite3.connect(backend.tmp / "stream.db", isolation_level=None)
    lock.execute("BEGIN EXCLUSIVE")
    try:
        yield
    finally:
        lock.execute("ROLLBACK")
        lock.close()
