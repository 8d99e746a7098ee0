"""Status words and severity order on the dashboard (same words as the notifier's digests)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from cchc.vntext import as_date as to_date  # noqa: F401 - used by templates and views
from cchc.vntext import vn_date_text as vn_date  # noqa: F401 - used by templates and views
from rules.statuses import STATUSES, UNLISTED_WORDS, WORDS, rank

# status -> (Vietnamese words, CSS class, rank: 0 = worst)
STATUS: dict[str, tuple[str, str, int]] = {
    status: (WORDS[status], "st-" + status.replace("_", "-"), rank(status)) for status in STATUSES
}
_UNLISTED = (UNLISTED_WORDS, "st-unknown", rank("unknown"))
SHORT = {"unknown": "Không xác định"}


class _CellLabels(dict):
    """status -> (CSS class, short words) for the matrix; an unexpected status reads as unknown."""

    def __missing__(self, status: str) -> tuple[str, str]:
        return _UNLISTED[1], "Không rõ"


CELL_LABELS = _CellLabels({s: (css, SHORT.get(s, words)) for s, (words, css, _r) in STATUS.items()})
STATUS_ORDER = tuple(sorted(STATUS, key=lambda s: STATUS[s][2]))

COUNTED_AS = {
    "counted": "Được tính",
    "attestation": "Xác nhận thủ công",
    "override": "Tính theo quyết định của cán bộ",
    "late": "Đăng muộn (không tính)",
    "out_of_range": "Ngoài khoảng thời lượng (không tính)",
}
KIND_NAMES = {
    "count": "Số lượng", "cadence": "Định kỳ", "duration": "Thời lượng",
    "coverage": "Chuyên mục", "deadline": "Thời hạn", "manual": "Xác nhận thủ công",
}
ATTESTABLE = frozenset({"manual", "deadline"})


def status_words(status: str) -> str:
    return STATUS.get(status, _UNLISTED)[0]


def status_class(status: str) -> str:
    return STATUS.get(status, _UNLISTED)[1]


def status_rank(status: str) -> int:
    """Unexpected values sort as "unknown", never as good news."""
    return STATUS.get(status, _UNLISTED)[2]


def counted_words(counted_as: str) -> str:
    head = counted_as.split(":", 1)[0]
    return COUNTED_AS.get(head, counted_as)


def vn_datetime(value: Any) -> str:
    """DD/MM/YYYY HH:MM in Vietnam time for aware datetimes and ISO strings."""
    from cchc.vntext import VN_TZ

    moment = value
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
    if not isinstance(moment, datetime):
        return ""
    if moment.tzinfo is not None:
        moment = moment.astimezone(VN_TZ)
    return moment.strftime("%d/%m/%Y %H:%M")


def quarter_words(label: str) -> str:
    """'2024-Q3' -> 'quý III năm 2024'; other labels as Vietnamese period words."""
    year, _, rest = label.partition("-")
    if rest.startswith("Q") and rest[1:] in ("1", "2", "3", "4"):
        return f"quý {('I', 'II', 'III', 'IV')[int(rest[1:]) - 1]} năm {year}"
    if rest.startswith("W"):
        return f"tuần {int(rest[1:])} năm {year}"
    if rest.isdigit():
        return f"tháng {int(rest)}/{year}"
    return f"năm {year}" if not rest else label


def http_url(value: Any) -> str:
    """Links to outside pages only for http(s) URLs: a ``javascript:`` URL in data becomes "#"."""
    text = str(value or "")
    return text if text.lower().startswith(("http://", "https://")) else "#"
