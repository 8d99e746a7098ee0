"""Fuzzing the plan files and the source registry: broken copies of the real files.

Every broken file must give problems as ``file:line: message`` with a line inside the file (or a
clean load), never an exception; through the CLI, exit 2 with those lines and no traceback, and
the database exactly as it was.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from sqlalchemy import create_engine, text

from crawlers.registry import load_registry, validate_registry_file
from rules.loader import load_plan, validate_plan_files
from tests.fuzz.conftest import TALLY
from tests.fuzz.mutate import mutated

REPO = Path(__file__).resolve().parents[2]
PLAN = REPO / "plans" / "ha-giang-2024.yaml"
SOURCES = REPO / "docs" / "examples" / "sources-ha-giang.yaml"
FAST = settings(max_examples=100, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
CLI = settings(max_examples=4, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
TRACEBACK = "Traceback (most recent call last)"


def located(line: str, path: Path, lines: int) -> bool:
    found = re.match(rf"^{re.escape(str(path))}:(\d+): \S", line)
    return bool(found) and 1 <= int(found.group(1)) <= lines + 1


@FAST
@given(case=mutated(PLAN.read_text(encoding="utf-8")))
def test_broken_plan_files_give_located_problems(case: tuple[str, list[str]], tmp_path_factory:
                                                 pytest.TempPathFactory) -> None:  # fmt: skip
    content, _edits = case
    path = tmp_path_factory.mktemp("plan") / "plan.yaml"
    path.write_text(content, encoding="utf-8")
    problems = validate_plan_files([path])
    lines = content.count("\n")
    for problem in problems:
        assert located(str(problem), path, lines), str(problem)
    if not problems:
        load_plan(path)  # what validates, loads
    TALLY["plan files tried"] += 1
    TALLY["plan files with problems"] += bool(problems)


@FAST
@given(case=mutated(SOURCES.read_text(encoding="utf-8")))
def test_broken_source_registries_give_located_problems(case: tuple[str, list[str]],
                                                        tmp_path_factory: pytest.TempPathFactory,
                                                        ) -> None:  # fmt: skip
    content, _edits = case
    path = tmp_path_factory.mktemp("sources") / "sources.yaml"
    path.write_text(content, encoding="utf-8")
    problems = validate_registry_file(path)
    lines = content.count("\n")
    for problem in problems:
        assert located(problem, path, lines), problem
    if not problems:
        load_registry(path)
    TALLY["source files tried"] += 1
    TALLY["source files with problems"] += bool(problems)


def snapshot(database_url: str) -> dict[str, list[tuple]]:
    engine = create_engine(database_url)
    try:
        with engine.connect() as db:
            return {table: sorted(tuple(map(str, row)) for row in db.execute(text(
                f"SELECT * FROM {table}")))
                for table in ("agencies", "sources", "articles", "evaluations")}  # fmt: skip
    finally:
        engine.dispose()


def cchc(home: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    variables = {"CCHC_HOME": str(home), "CCHC_PLANS_DIR": str(home / "plans"), **env,
                 "PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO)}  # fmt: skip
    return subprocess.run([sys.executable, "-m", "cchc", *args], cwd=home, env=variables,
                          capture_output=True, text=True, timeout=60, check=False)  # fmt: skip


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home whose database knows the good plan and the example registry."""
    folder = tmp_path_factory.mktemp("home")
    (folder / "plans").mkdir()
    (folder / "plans" / PLAN.name).write_text(PLAN.read_text(encoding="utf-8"), encoding="utf-8")
    done = cchc(folder, "evaluate", "--all", "--as-of", "2024-08-15", "--format", "json",
                CCHC_SOURCES_FILE=str(SOURCES))  # fmt: skip
    assert done.returncode in (0, 1), done.stderr
    return folder


@CLI
@given(case=mutated(PLAN.read_text(encoding="utf-8")))
def test_a_broken_plan_in_the_plans_folder_changes_nothing(case: tuple[str, list[str]],
                                                           home: Path) -> None:  # fmt: skip
    content, _edits = case
    bad = home / "plans" / "zz-broken.yaml"
    bad.write_text(content, encoding="utf-8")
    try:
        problems = validate_plan_files([bad])
        if not problems:
            return
        before = snapshot(f"sqlite:///{home / 'cchc.db'}")
        checked = cchc(home, "plan", "validate", str(bad))
        evaluated = cchc(home, "evaluate", "--all", "--as-of", "2024-08-15")
        after = snapshot(f"sqlite:///{home / 'cchc.db'}")
    finally:
        bad.unlink()
    lines = content.count("\n")
    assert checked.returncode == 2 and TRACEBACK not in checked.stderr, checked.stderr
    assert all(located(line, bad, lines) for line in checked.stderr.splitlines()), checked.stderr
    assert evaluated.returncode == 2 and TRACEBACK not in evaluated.stderr, evaluated.stderr
    assert str(problems[0]) in evaluated.stderr
    assert after == before
    TALLY["broken plans through the CLI"] += 1


@CLI
@given(case=mutated(SOURCES.read_text(encoding="utf-8")))
def test_a_broken_registry_changes_nothing(case: tuple[str, list[str]], home: Path) -> None:
    content, _edits = case
    bad = home / "broken-sources.yaml"
    bad.write_text(content, encoding="utf-8")
    if not validate_registry_file(bad):
        return
    before = snapshot(f"sqlite:///{home / 'cchc.db'}")
    checked = cchc(home, "sources", "validate", str(bad))
    crawled = cchc(home, "crawl", "--once", "--sources", str(bad))
    assert snapshot(f"sqlite:///{home / 'cchc.db'}") == before
    lines = content.count("\n")
    assert checked.returncode == 2 and TRACEBACK not in checked.stderr, checked.stderr
    assert all(located(line, bad, lines) for line in checked.stderr.splitlines()), checked.stderr
    assert crawled.returncode == 2 and TRACEBACK not in crawled.stderr, crawled.stderr
    assert str(bad) in crawled.stderr
    TALLY["broken registries through the CLI"] += 1
