"""Vietnamese text helpers shared by crawlers, monitor and rules.

Everything that compares Vietnamese strings goes through :func:`fold`, so that text with or
without diacritics, in NFC or NFD form, in any case, matches the same way.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

_SPACES = re.compile(r"\s+")
_D_MAP = str.maketrans({"đ": "d", "Đ": "D"})


def nfc(text: str | None) -> str:
    """NFC-normalise and trim; ``None`` becomes the empty string."""
    return unicodedata.normalize("NFC", text or "").strip()


def fold(text: str | None) -> str:
    """Lower-case, diacritics-free, single-spaced form used for matching."""
    decomposed = unicodedata.normalize("NFD", (text or "").translate(_D_MAP))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", stripped.lower()).strip()


_WEEKDAY = r"(?:(?:thứ\s*(?:hai|ba|tư|năm|sáu|bảy|2|3|4|5|6|7)|chủ\s*nhật)\s*,?\s*)?"
_TIME = r"(?:\s*[-–,]?\s*(?:lúc\s*)?(?P<hh>\d{1,2})\s*[:hg]\s*(?P<mm>\d{2})?)?"
_LONG = re.compile(
    _WEEKDAY
    + r"ngày\s+(?P<d>\d{1,2})\s+tháng\s+(?P<m>\d{1,2})\s+năm\s+(?P<y>\d{4})"
    + _TIME,
    re.IGNORECASE,
)
_NUMERIC = re.compile(
    r"(?<!\d)(?P<d>\d{1,2})\s*[/.-]\s*(?P<m>\d{1,2})\s*[/.-]\s*(?P<y>\d{4})(?!\d)" + _TIME
)
_TIME_FIRST = re.compile(
    r"(?<!\d)(?P<hh>\d{1,2})\s*[:hg]\s*(?P<mm>\d{2})\s*,?\s*(?:ngày\s*)?"
    r"(?P<d>\d{1,2})\s*[/.-]\s*(?P<m>\d{1,2})\s*[/.-]\s*(?P<y>\d{4})(?!\d)"
)


def parse_vn_datetime(text: str | None) -> datetime | None:
    """Find the first Vietnamese-style date in ``text`` ("ngày 28 tháng 12 năm 2018", "28/12/2018
    14:30", "14:30 28/12/2018") and return it as an aware datetime in Asia/Ho_Chi_Minh."""
    text = nfc(text)
    found: list[tuple[int, int, datetime]] = []  # (where, -length, date) of each form's first
    for pattern in (_LONG, _TIME_FIRST, _NUMERIC):
        for match in pattern.finditer(text):
            parsed = _from_match(match)
            if parsed:
                found.append((match.start(), -len(match.group(0)), parsed))
                break
    # The first in the text, whatever its form: "Ngày đăng: 28/12/2023 | Cập nhật: 09:15
    # 05/01/2024" was published on 28/12, not on the day of the time-first form.
    return min(found)[2] if found else None


def _from_match(match: re.Match[str]) -> datetime | None:
    parts = match.groupdict()
    try:
        day = date(int(parts["y"]), int(parts["m"]), int(parts["d"]))
        hour = int(parts["hh"]) if parts.get("hh") else 0
        minute = int(parts["mm"]) if parts.get("mm") else 0
        return datetime.combine(day, time(hour, minute), VN_TZ)
    except ValueError:
        return None


def parse_iso_datetime(value: str | None) -> datetime | None:
    """Parse ISO-8601; a naive value is taken as Vietnam local time."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=VN_TZ)


def parse_any_datetime(value: str | None) -> datetime | None:
    """ISO-8601 first, then Vietnamese text forms."""
    return parse_iso_datetime(value) or parse_vn_datetime(value)


def format_vn_date(day: date) -> str:
    """DD/MM/YYYY, the form used in Vietnamese official letters."""
    return day.strftime("%d/%m/%Y")


def as_date(value: object) -> date | None:
    """A date from a date, a datetime or an ISO string (verdicts travel as JSON); else None.

    A moment with an offset gives its Vietnam calendar day: evidence carries UTC times (as the
    database returns them), and an article published at 06:30 in Hà Giang is 23:30 UTC the day
    before."""
    if value is None or value == "":
        return None
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    try:
        moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return moment.astimezone(VN_TZ).date() if moment.tzinfo else moment.date()


def vn_date_text(value: object) -> str:
    """DD/MM/YYYY, or "" when the value is not a date."""
    day = as_date(value)
    return format_vn_date(day) if day else ""
