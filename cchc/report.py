"""Rendering verdicts for people at a terminal and for scripts (JSON, CSV)."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Iterable
from datetime import date

from rich.console import Console
from rich.table import Table

from rules.statuses import WORDS

STATUS_VI = WORDS
STATUS_STYLE = {
    "met": "green", "on_track": "cyan", "at_risk": "yellow", "shortfall": "bold red",
    "unknown": "magenta", "not_started": "dim", "exempt": "blue",
}
CSV_FIELDS = ("plan", "rule", "cite", "agency", "agency_name", "period", "count", "target",
              "target_max", "status", "needed", "due", "reason", "evidence")


def verdict_table(verdicts: Iterable[dict], *, title: str = "") -> Table:
    table = Table(title=title or None, show_lines=False, header_style="bold")
    table.add_column("Cơ quan", overflow="fold", ratio=3)
    table.add_column("Chỉ tiêu", overflow="fold", ratio=2)
    for column in ("Kỳ", "Số lượng", "Trạng thái"):
        table.add_column(column, no_wrap=True)
    table.add_column("Cần làm", overflow="fold", ratio=2)
    for verdict in verdicts:
        target = str(verdict["target"])
        if verdict.get("target_max"):
            target += f"–{verdict['target_max']}"
        status = verdict["status"]
        table.add_row(
            verdict.get("agency_name") or verdict["agency"],
            _short_cite(verdict),
            verdict["period"],
            f"{verdict['count']}/{target}",
            f"[{STATUS_STYLE.get(status, '')}]{STATUS_VI.get(status, status)}[/]",
            _todo(verdict),
        )
    return table


def _short_cite(verdict: dict) -> str:
    """"Hà Giang 2024, Phụ lục, mục 3" -> "mục 3" (the plan is in the title)."""
    cite = verdict.get("cite") or verdict["rule"]
    return cite.rsplit(",", 1)[-1].strip()


def _todo(verdict: dict) -> str:
    status, needed, due = verdict["status"], verdict.get("needed") or 0, verdict.get("due")
    if status == "unknown":
        return "[magenta]không đọc được nguồn[/]" if "đọc" in verdict.get("reason", "") else (
            "[magenta]chưa có nguồn theo dõi[/]")
    if needed and due and status in ("on_track", "at_risk"):
        return f"thêm {needed} trước {date.fromisoformat(str(due)):%d/%m/%Y}"
    if status == "shortfall":
        return f"thiếu {needed}"
    return ""


def status_counts(verdicts: Iterable[dict]) -> str:
    counts = Counter(verdict["status"] for verdict in verdicts)
    return ", ".join(f"{STATUS_VI.get(status, status)}: {n}" for status, n in counts.most_common())


def to_json(verdicts: list[dict]) -> str:
    return json.dumps(verdicts, ensure_ascii=False, indent=2, sort_keys=True, default=str)


def to_csv(verdicts: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_FIELDS, extrasaction="ignore")
    writer.writeheader()
    for verdict in verdicts:
        writer.writerow({**verdict, "evidence": " ".join(verdict.get("evidence", []))})
    return buffer.getvalue()


def print_table(verdicts: list[dict], *, title: str = "", console: Console | None = None) -> None:
    console = console or Console()
    console.print(verdict_table(verdicts, title=title))
    console.print(status_counts(verdicts))
