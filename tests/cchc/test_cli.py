from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


def cchc(*args: str, home: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cchc", *args], capture_output=True, text=True,
                          input=stdin, env={"CCHC_HOME": str(home), "PATH": "/usr/bin:/bin"},
                          timeout=120)


def test_help_lists_every_command(tmp_path: Path) -> None:
    result = cchc("--help", home=tmp_path)
    assert result.returncode == 0
    for command in ("demo", "evaluate", "ingest", "consume", "classify", "plan", "sources"):
        assert command in result.stdout


@pytest.mark.parametrize("command", [["demo"], ["evaluate"], ["ingest"], ["plan", "validate"],
                                     ["sources", "validate"], ["stream", "stats"]])
def test_each_subcommand_explains_itself(tmp_path: Path, command: list[str]) -> None:
    result = cchc(*command, "--help", home=tmp_path)
    assert result.returncode == 0
    assert "Usage:" in result.stdout and len(result.stdout.splitlines()) > 3


def test_bad_as_of_is_a_usage_error_with_exit_2(tmp_path: Path) -> None:
    result = cchc("demo", "--as-of", "15/08/2024", "--workdir", str(tmp_path / "d"), home=tmp_path)
    assert result.returncode == 2
    assert "YYYY-MM-DD" in result.stderr and "Traceback" not in result.stderr


def test_bad_settings_give_a_message_not_a_traceback(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "cchc", "stream", "stats"], capture_output=True,
                            text=True, env={"CCHC_HOME": str(tmp_path),
                                            "CCHC_STREAM_URL": "redis://x"}, timeout=60)
    assert result.returncode == 2
    assert "kafka://" in result.stderr and "Traceback" not in result.stderr
