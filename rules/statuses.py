"""The verdict statuses: their Vietnamese words and their severity, in one place.

The terminal, the e-mails and the dashboard add their own colours but never their own words or
order, so an agency reads the same status everywhere.
"""

from __future__ import annotations

# Worst first: the order of every "worst first" list.
STATUSES = ("shortfall", "at_risk", "unknown", "on_track", "not_started", "met", "exempt")

WORDS = {
    "shortfall": "Thiếu",
    "at_risk": "Có nguy cơ",
    "unknown": "Không xác định",
    "on_track": "Đúng tiến độ",
    "not_started": "Chưa bắt đầu",
    "met": "Đạt",
    "exempt": "Được miễn",
}
UNLISTED_WORDS = "Không rõ trạng thái"


def rank(status: str) -> int:
    """0 = worst; an unexpected status ranks with "unknown", never as good news."""
    return STATUSES.index(status) if status in STATUSES else STATUSES.index("unknown")
