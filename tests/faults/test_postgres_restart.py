"""Fault 3: the PostgreSQL server restarts while the monitor consumer stores articles.

Runs only on PostgreSQL (``CCHC_TEST_DATABASE=postgres``; ``scripts/test`` exports the server's
``pg_ctl`` and data folder). The consumer either rides over the restart (the pool pings and
reconnects) or exits with an error, and a restart of the consumer finishes the job; either way
every article is stored exactly once and the verdicts equal a clean run's.
"""

from __future__ import annotations

import os
import pwd
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from stream.events import Envelope
from tests.faults.conftest import EVENTS
from tests.faults.helpers import (
    Home,
    counts,
    publish_in_waves,
    stop_with_ctrl_c,
    wait_for_articles,
)

ON_POSTGRES = os.environ.get("CCHC_TEST_DATABASE") == "postgres"
WHY = "restarts a PostgreSQL server: run with CCHC_TEST_DATABASE=postgres (scripts/test does)"
pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.skipif(not ON_POSTGRES, reason=WHY)]


def restart_postgres() -> None:
    """``pg_ctl restart`` as the owner of the data folder (root may not run PostgreSQL)."""
    ctl, data = os.environ.get("CCHC_TEST_PG_CTL"), os.environ.get("CCHC_TEST_PG_DATA")
    if not ctl or not data:
        pytest.skip("CCHC_TEST_PG_CTL and CCHC_TEST_PG_DATA are needed to restart the server")
    command = [ctl, "-D", data, "-m", "fast", "-w", "-t", "60", "restart"]
    owner = pwd.getpwuid(Path(data).stat().st_uid).pw_name
    if os.geteuid() == 0 and owner != "root":
        command = ["runuser", "-u", owner, "--", *command]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   timeout=90)  # fmt: skip


@pytest.fixture
def fresh_database() -> Iterator[str]:
    """Like the shared ``database_url``, with an admin engine that survives the restart."""
    server = os.environ["CCHC_TEST_POSTGRES_URL"]
    name = f"cchc_faults_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT", pool_pre_ping=True)
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_postgres_restart_mid_run_loses_and_doubles_nothing(
    events: list[Envelope], clean_verdicts: list[dict], fresh_database: str, tmp_path: Path
) -> None:
    database_url = fresh_database
    home = Home.make(tmp_path, database_url)
    publisher = publish_in_waves(home, events)
    proc = home.spawn("consume")
    wait_for_articles(home, proc, 60)
    assert proc.poll() is None, proc.communicate()
    restart_postgres()
    wait_for_articles(home, proc, EVENTS)
    survived = proc.poll() is None
    if survived:
        assert stop_with_ctrl_c(proc) == 0
    else:
        _out, err = proc.communicate()
        assert proc.returncode == 2 and "Traceback" not in err, err
        assert "Mất kết nối cơ sở dữ liệu" in err and "chạy lại `cchc consume`" in err, err
        print(f"consumer exited after the restart ({proc.returncode}): {err[-600:]}")
        publisher.join(timeout=60)
        done = home.run("consume", "--until-idle")
        assert done.returncode == 0, done.stderr
    publisher.join(timeout=60)
    found = counts(home.database_url)
    assert (found.articles, found.canonical_urls, found.processed_events) == (EVENTS,) * 3
    assert home.verdicts() == clean_verdicts
    print(f"postgres restart: consumer {'survived' if survived else 'exited; rerun finished'}")
