"""`cchc demo` end to end, as a user runs it: real sites on loopback, real Scrapy, the embedded
stream, SQLite, the Hà Giang 2024 plan, e-mails in an outbox."""

from __future__ import annotations

import email
import json
import os
import subprocess
import sys
import time
from email import policy
from pathlib import Path

import pytest
import yaml

EXPECTED = Path(__file__).resolve().parents[2] / "cchc" / "demo" / "EXPECTED.md"
pytestmark = pytest.mark.slow


def run_demo(workdir: Path, as_of: str) -> tuple[subprocess.CompletedProcess[str], float]:
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "cchc", "demo", "--workdir", str(workdir), "--as-of", as_of],
        capture_output=True, text=True, timeout=300,
        env={**os.environ, "CCHC_HOME": str(workdir / "home"), "COLUMNS": "160"},
    )
    return result, time.monotonic() - started


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> dict:
    workdir = tmp_path_factory.mktemp("demo")
    result, elapsed = run_demo(workdir, "2024-08-15")
    assert result.returncode == 0, result.stderr[-3000:]
    verdicts = json.loads((workdir / "evaluation.json").read_text(encoding="utf-8"))
    return {"workdir": workdir, "stdout": result.stdout, "elapsed": elapsed,
            "verdicts": {(v["rule"], v["agency"], v["period"]): v for v in verdicts},
            "all": verdicts}


def expected_counts(as_of: str) -> dict:
    text = EXPECTED.read_text(encoding="utf-8")
    block = text.split("```yaml", 1)[1].split("```", 1)[0]
    return yaml.safe_load(block)["counts"][as_of]


def test_outputs_and_their_shape(demo: dict) -> None:
    workdir = demo["workdir"]
    assert (workdir / "cchc.db").stat().st_size > 0
    for verdict in demo["all"]:
        assert {"plan", "rule", "agency", "period", "count", "target", "status", "evidence"} <= set(
            verdict)
        assert verdict["status"] in {"met", "on_track", "at_risk", "shortfall", "unknown",
                                     "not_started", "exempt"}
        assert all(url.startswith("http://127.0.0.1:") for url in verdict["evidence"])
    statuses = {verdict["status"] for verdict in demo["all"]}
    assert {"met", "shortfall", "unknown"} <= statuses
    assert "Hà Giang 2024" in demo["stdout"] and "Thiếu" in demo["stdout"]


def test_counts_match_the_designed_content(demo: dict) -> None:
    for rule, agencies in expected_counts("2024-08-15").items():
        for agency, periods in agencies.items():
            for period, count in periods.items():
                verdict = demo["verdicts"].get((rule, agency, period))
                if verdict is None:  # a period that has not started yet is not reported
                    assert count == 0 and period == "2024-Q4", (rule, agency, period)
                    continue
                assert verdict["count"] == count, (rule, agency, period, verdict["reason"])


@pytest.mark.parametrize(("rule", "agency", "period", "status"), [
    ("hg-03-tin-bai-quy", "hg-so-tu-phap", "2024-Q1", "met"),
    ("hg-03-tin-bai-quy", "hg-so-tu-phap", "2024-Q2", "met"),
    ("hg-03-tin-bai-quy", "hg-so-tu-phap", "2024-Q3", "on_track"),
    ("hg-03-tin-bai-quy", "hg-so-noi-vu", "2024-Q1", "met"),
    ("hg-03-tin-bai-quy", "hg-huyen-bac-quang", "2024-Q1", "met"),
    ("hg-03-tin-bai-quy", "hg-huyen-bac-quang", "2024-Q2", "shortfall"),
    ("hg-03-tin-bai-quy", "hg-huyen-bac-quang", "2024-Q3", "at_risk"),
    ("hg-03-tin-bai-quy", "hg-huyen-vi-xuyen", "2024-Q1", "shortfall"),
    ("hg-03-tin-bai-quy", "hg-so-tttt", "2024-Q1", "unknown"),
    ("hg-03-tin-bai-quy", "hg-so-tttt", "2024-Q2", "unknown"),
    ("hg-03-tin-bai-quy", "hg-van-phong-ubnd", "2024-Q2", "unknown"),  # no source of its own
    ("hg-08-tieng-dan-toc", "hg-dai-ptth", "2024", "on_track"),
    ("hg-09-trao-doi-ban-doc", "hg-bao-ha-giang", "2024", "on_track"),
])
def test_verdicts(demo: dict, rule: str, agency: str, period: str, status: str) -> None:
    verdict = demo["verdicts"][(rule, agency, period)]
    assert verdict["status"] == status, verdict["reason"]


def test_syndicated_copy_counts_once(demo: dict) -> None:
    verdict = demo["verdicts"][("hg-03-tin-bai-quy", "hg-so-tu-phap", "2024-Q2")]
    assert verdict["count"] == 5
    assert not any("/cong/" in url for url in verdict["evidence"])


def test_unreadable_agency_is_unknown_with_the_reason(demo: dict) -> None:
    verdict = demo["verdicts"][("hg-03-tin-bai-quy", "hg-so-tttt", "2024-Q1")]
    assert "đọc" in verdict["reason"] and verdict["count"] == 0


def test_each_email_names_the_right_shortfalls(demo: dict) -> None:
    outbox = demo["workdir"] / "outbox"
    messages = {}
    for path in outbox.glob("*.eml"):
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        messages[str(message["To"])] = message
    bac_quang = next(m for to, m in messages.items() if "bacquang" in to)
    text = bac_quang.get_body(("plain",)).get_content()
    html = bac_quang.get_body(("html",)).get_content()
    assert "UBND huyện Bắc Quang" in str(bac_quang["Subject"])
    assert "Thiếu" in text and "quý II/2024" in text and "3/5" in text.replace(" ", "")
    assert "<table" in html
    tu_phap = next(m for to, m in messages.items() if "sotp" in to or "tuphap" in to)
    assert "Thiếu" not in str(tu_phap["Subject"])
    overview = [m for m in messages.values() if "Sở Nội vụ" in str(m["To"]) or "sonv" in str(m["To"])]
    assert overview, "Sở Nội vụ gets the overview"


def test_runs_well_under_a_minute(demo: dict) -> None:
    assert demo["elapsed"] < 60
