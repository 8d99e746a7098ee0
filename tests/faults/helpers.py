"""Running the real ``cchc`` command in child processes and reading back what it stored."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text

from stream import open_stream
from stream.events import Envelope
from tests.faults.articles import publish, sources_yaml

REPO = Path(__file__).resolve().parents[2]
PLAN = REPO / "plans" / "ha-giang-2024.yaml"


@dataclass
class Home:
    """One CCHC_HOME with its database and stream: the environment of every child command."""

    path: Path
    database_url: str
    stream_url: str
    extra: dict[str, str]

    @classmethod
    def make(cls, path: Path, database_url: str, stream_url: str = "", **extra: str) -> Home:
        plans = path / "plans"
        plans.mkdir(parents=True, exist_ok=True)
        shutil.copy(PLAN, plans / PLAN.name)
        sources = path / "sources.yaml"
        sources.write_text(sources_yaml(), encoding="utf-8")
        extra.setdefault("CCHC_SOURCES_FILE", str(sources))
        stream_url = stream_url or f"embedded://{path / 'stream.db'}"
        return cls(path, database_url, stream_url, extra)

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("CCHC_")}
        env.update(CCHC_HOME=str(self.path), CCHC_DATABASE_URL=self.database_url,
                   CCHC_STREAM_URL=self.stream_url, CCHC_PLANS_DIR=str(self.path / "plans"),
                   PYTHONPATH=str(REPO), **self.extra)  # fmt: skip
        return env

    def spawn(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen([sys.executable, "-m", "cchc", *args], cwd=self.path,
                                env=self.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)  # fmt: skip

    def run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "cchc", *args], check=False,
                              cwd=self.path, env=self.env(), capture_output=True, text=True,
                              timeout=timeout)  # fmt: skip

    def verdicts(self, as_of: str = "2024-10-15") -> list[dict]:
        done = self.run("evaluate", "--plan", str(self.path / "plans" / PLAN.name),
                        "--as-of", as_of, "--format", "json")  # fmt: skip
        assert done.returncode in (0, 1), done.stderr
        return normalised(json.loads(done.stdout))


def normalised(verdicts: list[dict]) -> list[dict]:
    """Verdicts without database ids (a crashed run may skip sequence numbers), in a fixed order."""

    def strip(value: object) -> object:
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k != "article_id"}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    rows = [strip(v) for v in verdicts]
    return sorted(rows, key=lambda v: (v["rule"], v["agency"], v["period"]))  # type: ignore[index]


@dataclass(frozen=True)
class Counts:
    articles: int
    canonical_urls: int
    processed_events: int
    health: int


def counts(database_url: str) -> Counts:
    engine = create_engine(database_url)
    try:
        with engine.connect() as db:
            def one(sql: str) -> int:
                return int(db.execute(text(sql)).scalar_one())

            return Counts(one("SELECT count(*) FROM articles"),
                          one("SELECT count(DISTINCT canonical_url) FROM articles"),
                          one("SELECT count(*) FROM processed_events"),
                          one("SELECT count(*) FROM source_health"))  # fmt: skip
    finally:
        engine.dispose()


def stored_articles(database_url: str) -> int:
    """Articles stored so far, or 0 while the schema is not there yet."""
    try:
        return counts(database_url).articles
    except Exception:  # noqa: BLE001 - the child may still be creating the schema
        return 0


def wait_until(condition: Callable[[], bool], timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, f"timed out after {timeout_s} s waiting for {what}"
        time.sleep(0.05)


WAVE = 10  # every 0.25 s: 7.5 s of arrivals for 300 events, longer than two consumer starts


def publish_in_waves(home: Home, events: list[Envelope]) -> threading.Thread:
    """Publish ``events`` from a thread, ``WAVE`` at a time, as a crawler would while it runs."""

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


def wait_for_articles(home: Home, proc: subprocess.Popen[str], count: int,
                      timeout_s: float = 90) -> None:  # fmt: skip
    """Until ``count`` articles are stored, or the process ended."""
    wait_until(lambda: stored_articles(home.database_url) >= count or proc.poll() is not None,
               timeout_s, f"{count} stored articles")  # fmt: skip


def stop_with_ctrl_c(proc: subprocess.Popen[str]) -> int:
    """SIGINT (the operator's Ctrl-C) and the exit code; the stderr is shown when it is not 0."""
    proc.send_signal(signal.SIGINT)
    try:
        _out, err = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        _out, err = proc.communicate()
    if proc.returncode:
        print(err)
    return proc.returncode
