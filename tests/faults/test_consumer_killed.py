"""Fault 1: the monitor consumer (``cchc consume``) SIGKILLed while it stores a stream of articles.

Events arrive in waves while the consumer runs; it is killed twice, each time after some but not
all articles were stored, and restarted. Every article must be stored exactly once and the
verdicts must equal those of a clean single run over the same events.
"""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from stream.events import Envelope
from tests.faults.conftest import EVENTS
from tests.faults.helpers import (
    Home,
    counts,
    publish_in_waves,
    stop_with_ctrl_c,
    stored_articles,
    wait_for_articles,
    wait_until,
)

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore::DeprecationWarning")]


def kill_after(home: Home, at_least: int) -> int:
    """Start ``cchc consume``, SIGKILL it once ``at_least`` articles are stored; how many were."""
    proc = home.spawn("consume")
    try:
        wait_for_articles(home, proc, at_least)
        assert proc.poll() is None, proc.communicate()[1]
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL
    return stored_articles(home.database_url)


def crash_and_finish(home: Home, events: list[Envelope]) -> list[int]:
    """Kill a consumer in each of the first two thirds of the events, then publish the last third.

    Each third arrives in waves while its consumer runs; holding the next third back until the
    kill makes "killed before everything was stored" certain however fast the consumer is.
    """
    third = len(events) // 3
    killed_at = []
    for start in (0, third):
        publisher = publish_in_waves(home, events[start : start + third])
        killed_at.append(kill_after(home, (killed_at[-1] if killed_at else 0) + 40))
        publisher.join(timeout=60)
        assert not publisher.is_alive()
    last = publish_in_waves(home, events[2 * third :])
    last.join(timeout=60)
    assert not last.is_alive()
    return killed_at


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
    wait_for_articles(home, proc, EVENTS)
    assert stop_with_ctrl_c(proc) == 0


def test_a_second_embedded_consumer_of_the_group_is_refused(tmp_path: Path) -> None:
    """Two `cchc consume` on one embedded log would read the same events side by side: the
    second is refused with the first one's process id (exit 2), and the first goes on."""
    home = Home.make(tmp_path, f"sqlite:///{tmp_path / 'cchc.db'}")
    first = home.spawn("consume")

    lock = tmp_path / "stream.db.monitor.lock"

    def locked() -> bool:
        return lock.exists() and f"tiến trình {first.pid}" in lock.read_text(encoding="utf-8")

    wait_until(lambda: locked() or first.poll() is not None, 60, "the first consumer's lock")
    second = home.run("consume", "--until-idle")
    assert second.returncode == 2, second.stderr
    assert f"tiến trình {first.pid}" in second.stderr and "Traceback" not in second.stderr
    assert first.poll() is None
    assert stop_with_ctrl_c(first) == 0
