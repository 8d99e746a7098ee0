"""The day-to-day commands, run as a user would, on the database the demo filled."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("home")
    result = cchc(home, "demo", "--workdir", str(home / "demo"))
    assert result.returncode == 0, result.stderr[-2000:]
    return home


def cchc(home: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CCHC_HOME": str(home), "COLUMNS": "200",
           "CCHC_DATABASE_URL": f"sqlite:///{home / 'demo' / 'cchc.db'}",
           "CCHC_STREAM_URL": f"embedded://{home / 'demo' / 'stream.db'}"}
    return subprocess.run([sys.executable, "-m", "cchc", *args], env=env, capture_output=True,
                          text=True, input=stdin, timeout=180)


def evaluate_json(home: Path, *args: str) -> tuple[int, list[dict]]:
    result = cchc(home, "evaluate", "--plan", "plans/ha-giang-2024.yaml", "--as-of", "2024-08-15",
                  "--format", "json", *args)
    return result.returncode, json.loads(result.stdout)


def find(verdicts: list[dict], rule: str, agency: str, period: str) -> dict:
    return next(v for v in verdicts if (v["rule"], v["agency"], v["period"]) == (rule, agency, period))


def test_evaluate_json_csv_table_and_exit_code(home: Path) -> None:
    code, verdicts = evaluate_json(home)
    assert code == 1  # shortfalls exist
    assert find(verdicts, "hg-03-tin-bai-quy", "hg-huyen-bac-quang", "2024-Q2")["status"] == "shortfall"
    demo = json.loads((home / "demo" / "evaluation.json").read_text(encoding="utf-8"))
    strip = lambda vs: sorted((v["rule"], v["agency"], v["period"], v["count"], v["status"]) for v in vs)  # noqa: E731
    assert strip(verdicts) == strip(demo)  # the same array as the demo's evaluation.json
    table = cchc(home, "evaluate", "--all", "--as-of", "2024-08-15", "--agency", "UBND huyện Bắc Quang")
    assert "UBND huyện Bắc Quang" in table.stdout and "Thiếu" in table.stdout
    assert "Sở Tư pháp" not in table.stdout
    rows = list(csv.DictReader(io.StringIO(cchc(
        home, "evaluate", "--plan", "plans/ha-giang-2024.yaml", "--as-of", "2024-08-15",
        "--agency", "hg-so-tu-phap", "--format", "csv").stdout)))
    assert rows and {row["agency"] for row in rows} == {"hg-so-tu-phap"}
    q1 = next(r for r in rows if r["rule"] == "hg-03-tin-bai-quy" and r["period"] == "2024-Q1")
    assert q1["status"] == "met" and len(q1["evidence"].split()) == 6


def test_evaluate_unknown_agency_and_bad_flags(home: Path) -> None:
    unknown = cchc(home, "evaluate", "--all", "--as-of", "2024-08-15", "--agency", "Sở Không Có")
    assert unknown.returncode == 2 and "Sở Không Có" in unknown.stderr
    both = cchc(home, "evaluate", "--all", "--plan", "plans/ha-giang-2024.yaml")
    assert both.returncode == 2 and "--all" in both.stderr


def test_attest_exempt_and_override_change_verdicts(home: Path) -> None:
    attest = cchc(home, "attest", "--plan", "ha-giang-2024", "--rule", "hg-05-lop-tap-huan",
                  "--agency", "Sở Nội vụ", "--what", "Lớp tập huấn nghiệp vụ CCHC", "--quantity",
                  "12", "--date", "2024-06-20", "--document-no", "123/QĐ-SNV", "--who", "cv.an")
    if attest.returncode == 2 and "không có chỉ tiêu" in attest.stderr:
        pytest.fail(f"rule id changed in the plan: {attest.stderr}")
    assert attest.returncode == 0, attest.stderr
    exempt = cchc(home, "exempt", "--plan", "ha-giang-2024", "--rule", "hg-03-tin-bai-quy",
                  "--agency", "hg-huyen-vi-xuyen", "--period", "2024-Q1", "--reason",
                  "Sáp nhập đơn vị", "--who", "cv.an")
    assert exempt.returncode == 0, exempt.stderr
    _, verdicts = evaluate_json(home)
    assert find(verdicts, "hg-03-tin-bai-quy", "hg-huyen-vi-xuyen", "2024-Q1")["status"] == "exempt"
    evidence = find(verdicts, "hg-03-tin-bai-quy", "hg-huyen-bac-quang", "2024-Q1")["evidence_details"]
    article_id = str(evidence[0]["article_id"])
    override = cchc(home, "override", article_id, "--does-not-count", "--rule",
                    "hg-03-tin-bai-quy", "--reason", "Tin trùng nội dung", "--who", "cv.an")
    assert override.returncode == 0, override.stderr
    _, after = evaluate_json(home)
    assert find(after, "hg-03-tin-bai-quy", "hg-huyen-bac-quang", "2024-Q1")["count"] == 4
    bad = cchc(home, "attest", "--plan", "ha-giang-2024", "--rule", "khong-co", "--agency",
               "hg-so-noi-vu", "--what", "x", "--date", "2024-06-20")
    assert bad.returncode == 2 and "khong-co" in bad.stderr


def test_sources_status_and_stream_stats(home: Path) -> None:
    status = cchc(home, "sources", "status", "--days", "100000")
    assert status.returncode == 1  # a source is failing
    assert "http_error" in status.stdout and "hg-so-tttt" in status.stdout
    stats = cchc(home, "stream", "stats")
    assert stats.returncode == 0 and "articles" in stats.stdout and "monitor" in stats.stdout


def test_notify_dry_run_and_schedule_list(home: Path, tmp_path: Path) -> None:
    result = cchc(home, "notify", "--as-of", "2024-08-19", "--dry-run", str(tmp_path / "mail"))
    assert result.returncode == 0, result.stderr
    assert len(list((tmp_path / "mail").glob("*.eml"))) >= 10
    schedule = cchc(home, "schedule", "list")
    assert schedule.returncode == 0, schedule.stderr
    assert "Mon" in schedule.stdout or "T2" in schedule.stdout or "thứ" in schedule.stdout.lower()


def test_classify_and_reprocess(home: Path) -> None:
    lines = "\n".join([
        json.dumps({"id": "1", "title": "Cải cách thủ tục hành chính tại bộ phận một cửa",
                    "text": "Người dân nộp hồ sơ qua dịch vụ công trực tuyến."}, ensure_ascii=False),
        json.dumps({"id": "2", "title": "Khai trương một cửa hàng tiện lợi",
                    "text": "Cửa hàng bán rau sạch."}, ensure_ascii=False),
        "{hỏng",
    ])
    out = [json.loads(line) for line in cchc(home, "classify", stdin=lines).stdout.splitlines()]
    assert out[0]["cchc"] is True and out[0]["evidence"]
    assert out[1]["cchc"] is False
    assert "error" in out[2] and "3" in out[2]["error"]
    first = cchc(home, "reprocess")
    assert first.returncode == 0 and "0 đổi kết luận CCHC" in first.stdout
    again = cchc(home, "reprocess")
    assert "0 đổi cơ quan" in again.stdout


def test_reprocess_with_a_new_threshold_re_evaluates(home: Path, tmp_path: Path) -> None:
    """On a copy of the demo: a stricter threshold changes some judgements, and the command
    stores today's verdicts again, so what the dashboard and the emails read follows."""
    import shutil

    demo = tmp_path / "demo"
    shutil.copytree(home / "demo", demo)
    env = {**os.environ, "CCHC_HOME": str(tmp_path), "CCHC_RELEVANCE_THRESHOLD": "0.995",
           "CCHC_DATABASE_URL": f"sqlite:///{demo / 'cchc.db'}",
           "CCHC_STREAM_URL": f"embedded://{demo / 'stream.db'}",
           "CCHC_PLANS_DIR": str(Path(__file__).resolve().parents[2] / "plans")}  # fmt: skip
    done = subprocess.run([sys.executable, "-m", "cchc", "reprocess"], env=env, check=False,
                          capture_output=True, text=True, timeout=180)  # fmt: skip
    assert done.returncode == 0, done.stderr
    changed = int(done.stdout.split("bài: ")[1].split(" đổi kết luận CCHC")[0])
    assert changed > 0 and "Đã đánh giá lại và lưu" in done.stdout, done.stdout


def test_evaluating_today_again_drops_cells_an_edited_plan_no_longer_binds(
    home: Path, tmp_path: Path
) -> None:
    """hg-v7 asks the departments to report through Sở Nội vụ, which the plan excepts; a
    database evaluated with the plan before that edit must lose Sở Nội vụ's hg-v7 cell when
    today is evaluated again (a past date's stored report is kept as it was)."""
    import sqlite3
    from datetime import datetime
    from zoneinfo import ZoneInfo

    today = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date().isoformat()
    plan = (Path(__file__).resolve().parents[2] / "plans" / "ha-giang-2024.yaml").read_text(
        encoding="utf-8")
    before = tmp_path / "before" / "ha-giang-2024.yaml"
    before.parent.mkdir()
    before.write_text(plan.replace(", except: [hg-so-noi-vu]", ""), encoding="utf-8")

    def cells() -> set[str]:
        with sqlite3.connect(home / "demo" / "cchc.db") as db:
            return {agency for (agency,) in db.execute(
                "SELECT agency_id FROM evaluations WHERE rule_id = 'hg-v7-bao-cao-dinh-ky' "
                "AND as_of = ?", (today,))}

    assert cchc(home, "evaluate", "--plan", str(before), "--as-of", today).returncode in (0, 1)
    assert "hg-so-noi-vu" in cells()
    assert cchc(home, "evaluate", "--plan", "plans/ha-giang-2024.yaml", "--as-of",
                today).returncode in (0, 1)
    assert "hg-so-noi-vu" not in cells() and "hg-so-tu-phap" in cells()
