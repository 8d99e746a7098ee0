"""`cchc run` on embedded defaults: scheduler, monitor and incremental rules in one process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from stream import open_stream
from stream.events import ARTICLES, Envelope

pytestmark = pytest.mark.slow


def wait_for(query: str, url: str, timeout: float = 60) -> int:
    engine = create_engine(url)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            try:
                with engine.connect() as connection:
                    value = connection.execute(text(query)).scalar() or 0
                if value:
                    return value
            except Exception:  # noqa: BLE001 - the schema may not exist yet
                pass
            time.sleep(0.5)
        return 0
    finally:
        engine.dispose()


def test_run_stores_events_and_updates_verdicts_then_stops_on_sigint(tmp_path: Path,
                                                                     database_url: str) -> None:
    stream = open_stream(f"embedded://{tmp_path / 'stream.db'}")
    stream.publish(ARTICLES, "hg-so-tu-phap", Envelope.new("article.collected", {
        "url": "https://sotuphap.hagiang.gov.vn/tin/1",
        "title": "Sở Tư pháp đẩy mạnh cải cách thủ tục hành chính",
        "text": "Sở Tư pháp đưa thủ tục hành chính lên dịch vụ công trực tuyến toàn trình, bộ phận "
                "một cửa trả kết quả đúng hạn, chỉ số hài lòng SIPAS tăng.",
        "published": "2024-03-05T08:00:00+07:00", "agency_id": "hg-so-tu-phap",
        "channel_id": "hg-so-tu-phap", "source_id": "x", "fetched_at": datetime.now(UTC).isoformat(),
    }))
    stream.close()
    env = {**os.environ, "CCHC_HOME": str(tmp_path), "CCHC_DATABASE_URL": database_url}
    process = subprocess.Popen([sys.executable, "-m", "cchc", "run", "--no-crawl"], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert wait_for("SELECT count(*) FROM articles", database_url) == 1
        assert wait_for("SELECT count(*) FROM evaluations WHERE rule_id = 'hg-03-tin-bai-quy' "
                        "AND agency_id = 'hg-so-tu-phap' AND period = '2024-Q1' AND count = 1",
                        database_url) == 1
        assert wait_for("SELECT count(*) FROM apscheduler_jobs", database_url) >= 4
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err[-2000:]
    assert "Traceback" not in err


def test_a_second_run_on_the_same_embedded_log_stops_with_the_reason(tmp_path: Path) -> None:
    env = {**os.environ, "CCHC_HOME": str(tmp_path)}
    first = subprocess.Popen([sys.executable, "-m", "cchc", "run", "--no-crawl"], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lock = tmp_path / "stream.db.monitor.lock"
        deadline = time.monotonic() + 60
        while not (lock.exists() and str(first.pid) in lock.read_text(encoding="utf-8")):
            assert time.monotonic() < deadline and first.poll() is None, "first run not started"
            time.sleep(0.2)
        second = subprocess.run([sys.executable, "-m", "cchc", "run", "--no-crawl"], env=env,
                                capture_output=True, text=True, timeout=60, check=False)
        assert second.returncode == 2, second.stderr
        assert f"tiến trình {first.pid}" in second.stderr and "Traceback" not in second.stderr
        assert first.poll() is None
    finally:
        first.send_signal(signal.SIGINT)
        _out, err = first.communicate(timeout=60)
    assert first.returncode == 0 and "Traceback" not in err, err[-2000:]
