"""Fuzzing imports (``cchc ingest``): JSONL and CSV files mixing good rows with broken ones.

In-process, every row read by ``read_rows`` either becomes an ``article.collected`` event or a
reason, and every line is accounted for. Through the CLI, bad rows are reported as
``file:line: reason`` and the good rows are stored exactly once, even when the file is imported
twice.
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, text

from monitor.agencies import AgencyDirectory
from monitor.ingest import read_rows, row_to_event
from tests.fuzz.conftest import TALLY

REPO = Path(__file__).resolve().parents[2]
FAST = settings(max_examples=100, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
CLI = settings(max_examples=4, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])

GOOD = "https://sotuphap.hagiang.gov.vn/tin/"
JUNK = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True),
                 st.text(max_size=30), st.lists(st.integers(), max_size=3),
                 st.dictionaries(st.text(max_size=5), st.integers(), max_size=2))  # fmt: skip
DATES = st.sampled_from(["2024-08-15", "15/08/2024", "ngày 15 tháng 8 năm 2024", "2024-02-30",
                         "hôm qua", "", "2024-08-15T09:00:00+07:00", "99/99/9999"])  # fmt: skip


@st.composite
def good_row(draw: st.DrawFn, serial: int) -> dict:
    return {"url": f"{GOOD}{serial}-{draw(st.integers(0, 9999))}",
            "title": "Cải cách hành chính " + draw(st.text(min_size=1, max_size=30)),
            "published": "2024-0" + str(draw(st.integers(1, 9))) + "-1" + str(draw(st.integers(0, 9))),
            "text": draw(st.text(max_size=80))}  # fmt: skip


@st.composite
def bad_row(draw: st.DrawFn) -> dict | str:
    choice = draw(st.integers(0, 5))
    if choice == 0:
        return draw(st.text(max_size=40).filter(lambda s: "\n" not in s and "\r" not in s))
    row = {"url": draw(st.one_of(JUNK, st.just("ftp://x"))), "title": draw(JUNK),
           "published": draw(st.one_of(DATES, JUNK))}  # fmt: skip
    if choice == 1:
        row[draw(st.text(min_size=1, max_size=8))] = draw(JUNK)
    if choice == 2:
        row["kind"] = draw(st.text(max_size=10))
    if choice == 3:
        row["agency"] = draw(st.one_of(JUNK, st.just("Sở Không Có")))
    return row


@st.composite
def import_rows(draw: st.DrawFn) -> list[dict | str]:
    rows: list[dict | str] = []
    for serial in range(draw(st.integers(1, 12))):
        rows.append(draw(good_row(serial)) if draw(st.booleans()) else draw(bad_row()))
    return rows


def jsonl(rows: list[dict | str]) -> str:
    return "".join((row if isinstance(row, str) else json.dumps(row, ensure_ascii=False)) + "\n"
                   for row in rows)  # fmt: skip


def csv_text(rows: list[dict | str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_ALL)  # as Excel saves
    writer.writerow(["url", "title", "published", "text"])
    for row in rows:
        cells = [row] if isinstance(row, str) else [row.get(k, "") for k in
                                                    ("url", "title", "published", "text")]  # fmt: skip
        writer.writerow(["" if c is None else str(c) for c in cells])
    return out.getvalue()


def account(path: Path) -> tuple[int, list[str]]:
    """(events made, located problems) for one file, as ``publish_file`` would see it."""
    directory, made, problems = AgencyDirectory([]), 0, []
    for number, row in read_rows(path):
        if isinstance(row, str):
            problems.append(f"{path}:{number}: {row}")
            continue
        try:
            event = row_to_event(row, directory)
        except ValueError as error:
            problems.append(f"{path}:{number}: {error}")
            continue
        assert event.payload["url"].startswith(("http://", "https://"))
        made += 1
    return made, problems


@FAST
@given(rows=import_rows(), kind=st.sampled_from(["jsonl", "csv"]))
def test_every_imported_row_is_an_event_or_a_located_problem(
    rows: list[dict | str], kind: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    path = tmp_path_factory.mktemp("import") / f"rows.{kind}"
    content = jsonl(rows) if kind == "jsonl" else csv_text(rows)
    path.write_text(content, encoding="utf-8")
    made, problems = account(path)
    non_blank = sum(1 for row in rows if not (isinstance(row, str) and not row.strip()))
    if kind == "jsonl":
        assert made + len(problems) == non_blank, (made, problems)
    assert made >= sum(isinstance(row, dict) and str(row["url"]).startswith(GOOD)
                       for row in rows)  # every good row goes in  # fmt: skip
    for problem in problems:
        assert re.match(rf"^{re.escape(str(path))}:\d+: \S", problem), problem
    TALLY[f"{kind} imports tried"] += 1
    TALLY[f"{kind} import rows tried"] += len(rows)
    TALLY[f"{kind} import rows rejected with a reason"] += len(problems)


def stored(database_url: str) -> list[str]:
    engine = create_engine(database_url)
    try:
        with engine.connect() as db:
            return sorted(db.execute(text("SELECT canonical_url FROM articles")).scalars())
    finally:
        engine.dispose()


@CLI
@given(rows=import_rows(), kind=st.sampled_from(["jsonl", "csv"]))
def test_cchc_ingest_reports_bad_rows_and_stores_good_ones_once(
    rows: list[dict | str], kind: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    home = tmp_path_factory.mktemp("home")
    path = home / f"rows.{kind}"
    path.write_text(jsonl(rows) if kind == "jsonl" else csv_text(rows), encoding="utf-8")
    made, problems = account(path)
    env = {"CCHC_HOME": str(home), "CCHC_PLANS_DIR": str(home / "none"), "PATH": "/usr/bin:/bin",
           "PYTHONPATH": str(REPO)}  # fmt: skip
    runs = [subprocess.run([sys.executable, "-m", "cchc", "ingest", str(path)], cwd=home, env=env,
                           capture_output=True, text=True, timeout=60, check=False)
            for _ in range(2)]  # fmt: skip
    for done in runs:
        assert "Traceback" not in done.stderr, done.stderr
        assert done.returncode == (0 if not problems else 1 if made else 2), done.stderr
        reported = [line for line in done.stderr.splitlines() if line.startswith(str(path))]
        assert reported == problems
    urls = stored(f"sqlite:///{home / 'cchc.db'}")
    assert len(urls) == len(set(urls))  # imported twice, stored once
    assert f"lưu {len(urls)} bài" in runs[0].stdout or not made
    assert "lưu 0 bài" in runs[1].stdout or not made
    TALLY["imports through cchc ingest (each twice)"] += 1


def test_a_line_separator_inside_a_json_string_keeps_the_row_whole(tmp_path: Path) -> None:
    """Found by the fuzzer: U+2028 (pasted from word processors) is legal inside a JSON string,
    and splitting lines at it turned one good row into two broken ones."""
    path = tmp_path / "rows.jsonl"
    row = {"url": f"{GOOD}1", "title": "Một cửa\u2028liên thông", "published": "2024-08-15"}
    path.write_text(json.dumps(row, ensure_ascii=False) + "\n", encoding="utf-8")
    assert account(path) == (1, [])


def test_a_nul_character_never_blocks_the_monitor(sessions) -> None:
    """Found by the fuzzer: a NUL in an imported or crawled text is fine for SQLite, but
    PostgreSQL refuses it, so the whole batch failed again on every restart of the consumer."""
    from monitor.judge import Judge
    from monitor.models import ArticleRow
    from monitor.relevance import RelevanceClassifier
    from monitor.store import EventApplier

    applier = EventApplier(Judge(RelevanceClassifier(None), AgencyDirectory([])))
    event = row_to_event({"url": f"{GOOD}nul", "title": "Một cửa\x00 liên thông",
                          "text": "Cải cách\x00 hành chính", "published": "2024-08-15"},
                         AgencyDirectory([]))  # fmt: skip
    with sessions() as session:
        assert applier.apply(session, event) is not None
        session.commit()
        row = session.query(ArticleRow).one()
    assert (row.title, row.text) == ("Một cửa liên thông", "Cải cách hành chính")
