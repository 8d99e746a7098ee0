"""Fuzzing tallies: what each target was given and how it answered, printed after the run (the
figures in docs/reliability.md come from here)."""

from __future__ import annotations

from collections import Counter

import pytest

TALLY: Counter[str] = Counter()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if TALLY:
        terminalreporter.section("fuzzing tallies")
        for name, count in sorted(TALLY.items()):
            terminalreporter.write_line(f"{name}: {count}")
