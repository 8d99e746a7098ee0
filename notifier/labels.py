"""Status words, colours and severity order shared by every digest.

One table, so the agency digest, the overview and the subject lines never disagree on what a
status is called or how bad it is.
"""

from __future__ import annotations

from dataclasses import dataclass

from cchc.vntext import as_date as to_date  # noqa: F401 - used by templates and views
from cchc.vntext import vn_date_text as vn_date  # noqa: F401 - used by templates and views
from rules.statuses import STATUSES, UNLISTED_WORDS, WORDS, rank


@dataclass(frozen=True)
class StatusLabel:
    words: str  # Vietnamese, as shown to officials
    short: str  # for subject lines and summaries ("1 chỉ tiêu thiếu")
    colour: str  # badge and progress bar
    tint: str  # light background of the quota card
    rank: int  # 0 = worst; overview and digests sort by it


_COLOURS = {  # badge and bar colour, card tint
    "shortfall": ("#c62828", "#fdecea"),
    "at_risk": ("#b45309", "#fff4e0"),
    "unknown": ("#5f6368", "#f1f3f4"),
    "on_track": ("#1565c0", "#e8f0fe"),
    "not_started": ("#757575", "#f5f5f5"),
    "met": ("#2e7d32", "#e9f5ea"),
    "exempt": ("#607d8b", "#eef2f4"),
}
STATUS: dict[str, StatusLabel] = {
    status: StatusLabel(WORDS[status], WORDS[status].lower(), *_COLOURS[status], rank(status))
    for status in STATUSES
}
_UNLISTED = StatusLabel(UNLISTED_WORDS, "không rõ", *_COLOURS["unknown"], rank("unknown"))

# Statuses that ask the agency to act; shown in subjects in this order.
ACTION_STATUSES = ("shortfall", "at_risk", "unknown")


def label(status: str) -> StatusLabel:
    """The label of a status; an unexpected value reads as "unknown", never as good news."""
    return STATUS.get(status, _UNLISTED)


def summary_words(counts: dict[str, int]) -> str:
    """'2 chỉ tiêu thiếu, 1 chỉ tiêu có nguy cơ' from status counts, worst first."""
    parts = [f"{counts[s]} chỉ tiêu {label(s).short}" for s in ACTION_STATUSES if counts.get(s)]
    if parts:
        return ", ".join(parts)
    if not any(counts.values()):
        return "chưa có chỉ tiêu nào trong kỳ"
    return "tất cả chỉ tiêu đạt hoặc đúng tiến độ"


_ROMAN = {"1": "I", "2": "II", "3": "III", "4": "IV"}


def period_words(period: str) -> str:
    """'2024-Q3' -> 'quý III/2024', '2024-W05' -> 'tuần 05/2024', '2024-08' -> 'tháng 08/2024'."""
    year, _, rest = period.partition("-")
    if not rest:
        return f"năm {year}" if year.isdigit() else period
    if rest[:1] == "Q" and rest[1:] in _ROMAN:
        return f"quý {_ROMAN[rest[1:]]}/{year}"
    if rest[:1] == "W" and rest[1:].isdigit():
        return f"tuần {rest[1:]}/{year}"
    if rest.isdigit():
        return f"tháng {rest}/{year}"
    return period
