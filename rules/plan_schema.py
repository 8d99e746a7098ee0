"""What a plan file may say: its keys, codes and value checks, and the problems it can have.

The loader (:mod:`rules.loader`) walks the YAML nodes; everything here judges one value at a time
and raises :class:`Invalid` with a message that says what is wrong and what to write instead.
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import yaml
from yaml.nodes import Node, ScalarNode, SequenceNode

from cchc.vntext import fold
from rules.model import AGENCY_KINDS, RULE_KINDS

# Language codes a rule may match (``match.languages``); the monitor tags each item with one.
LANGUAGES: dict[str, str] = {
    "vi": "tiếng Việt (phổ thông)", "tay": "Tày", "hmn": "Mông (H'Mông)", "dao": "Dao",
    "nung": "Nùng", "pa_then": "Pà Thẻn", "giay": "Giáy", "lo_lo": "Lô Lô", "san_chay": "Sán Chay",
    "thai": "Thái", "muong": "Mường", "cham": "Chăm", "raglai": "Raglai", "khmer": "Khmer",
    "ede": "Ê Đê", "jrai": "Gia Rai", "bahnar": "Ba Na", "sedang": "Xơ Đăng", "koho": "Cơ Ho",
    "mnong": "M'Nông", "co_tu": "Cơ Tu", "ta_oi": "Tà Ôi", "van_kieu": "Vân Kiều (Bru - Vân Kiều)",
}  # fmt: skip

Fields = dict[str, tuple[Node, Node]]  # key -> (key node, value node), in file order

PLAN_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
AGENCY_ID = PLAN_ID
RULE_ID = PLAN_ID
CHANNEL_ID = PLAN_ID
GROUP_ID = re.compile(r"^[a-z][a-z0-9_]*$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
PERIOD_CODE = re.compile(r"^([QMW])(\d{1,2})$")
RANGE = re.compile(r"^\s*(\d+)\s*(?:-|–|—|\.\.)\s*(\d+)\s*$")

TOP_KEYS = ("plan", "groups", "agencies", "rules")
PLAN_KEYS = ("id", "title", "document", "province", "starts", "ends", "note")
AGENCY_KEYS = ("id", "name", "kind", "groups", "aliases", "emails", "overseer", "note")
SCOPE_KEYS = ("agencies", "groups", "except")
MATCH_KEYS = ("topic", "kinds", "languages", "channels", "section")
TARGET_KEYS = ("min", "max")
RULE_COMMON_KEYS = ("id", "kind", "title", "cite", "scope", "match", "unit", "starts", "ends",
                    "note")  # fmt: skip
KIND_KEYS: dict[str, tuple[str, ...]] = {
    "count": ("target", "per", "periods"),
    "cadence": ("window_days", "tolerance_days", "per", "periods"),
    "duration": ("min_minutes", "max_minutes", "target", "per", "periods"),
    "coverage": ("max_age_days", "per", "periods"),
    "deadline": ("due", "target", "per"),
    "manual": ("target", "per", "periods"),
}
# On top of what each kind class declares in ``required_options`` (rules.kinds.KINDS).
KIND_REQUIRED: dict[str, tuple[str, ...]] = {
    "count": ("target", "per"),
    "cadence": ("window_days",),
    "duration": (),  # min_minutes and/or max_minutes: checked by the loader
    "coverage": ("max_age_days",),
    "deadline": ("due",),
    "manual": (),
}
RULE_KEYS = RULE_COMMON_KEYS + tuple(
    dict.fromkeys(key for keys in KIND_KEYS.values() for key in keys)
)
EXAMPLES = {
    "target": "target: 5 (or 10-15, or {min: 10, max: 15})",
    "per": "per: quarter",
    "window_days": "window_days: 7",
    "max_age_days": "max_age_days: 30",
    "due": "due: 2024-12-31",
    "min_minutes": "min_minutes: 12",
    "scope": "scope: {groups: [so_ban_nganh]}",
    "id": "id: <short-id-with-dashes>",
    "kind": f"kind: one of {', '.join(RULE_KINDS)}",
    "title": "title: <tên nhiệm vụ như trong văn bản>",
    "cite": 'cite: "Hà Giang 2024, Phụ lục, mục 3"',
    "document": 'document: "Kế hoạch số 04/KH-UBND ngày 08/01/2024 của UBND tỉnh Hà Giang"',
    "province": "province: Hà Giang",
    "starts": "starts: 2024-01-01",
    "ends": "ends: 2024-12-31",
    "plan": "plan: {id: ..., title: ..., document: ..., province: ..., starts: ..., ends: ...}",
    "agencies": "agencies: [{id: ..., name: ..., kind: so}]",
    "rules": "rules: [{id: ..., kind: count, title: ..., cite: ..., scope: ..., ...}]",
}
AGENCY_EXAMPLES = {
    "id": "id: hg-so-noi-vu",
    "name": "name: Sở Nội vụ tỉnh Hà Giang",
    "kind": f"kind: one of {', '.join(AGENCY_KINDS)}",
}
# Period codes allowed in ``periods`` for each ``per``: the unit itself or coarser, within a year.
PERIOD_LETTERS = {"week": "WMQ", "month": "MQ", "quarter": "Q", "year": "QM"}
PERIOD_MAX = {"Q": 4, "M": 12, "W": 53}


@dataclass(frozen=True)
class PlanProblem:
    """One thing wrong in a plan file; renders as ``file:line: message`` (line is 1-based)."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class PlanError(Exception):
    """A plan file that cannot be loaded; ``problems`` lists everything wrong with it."""

    def __init__(self, problems: list[PlanProblem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class Invalid(Exception):
    """A value that breaks the schema; the message is shown to the person editing the file."""


def line_of(node: Node) -> int:
    return node.start_mark.line + 1


def shown(node: Node) -> str:
    """A short rendering of what the file says at ``node``, for messages."""
    if isinstance(node, ScalarNode):
        text = node.value if len(node.value) <= 60 else node.value[:57] + "..."
        return f'"{text}"'
    return "a list" if isinstance(node, SequenceNode) else "a mapping"


def value_of(node: Node) -> Any:
    """The Python value of a scalar node, as YAML's safe loader would build it."""
    if not isinstance(node, ScalarNode):
        raise Invalid(f"expected a single value, found {shown(node)}")
    try:
        return yaml.constructor.SafeConstructor().construct_object(node, deep=True)
    except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
        reason = getattr(exc, "problem", None) or str(exc)
        raise Invalid(f"{shown(node)} is not a valid value ({reason})") from None


def text(node: Node) -> str:
    value = value_of(node)
    if not isinstance(value, str):
        raise Invalid(f'expected text, found {shown(node)}; put it in quotes: "{node.value}"')
    if not value.strip():
        raise Invalid("is empty; write the text or remove the key")
    return value.strip()


def identifier(node: Node, pattern: re.Pattern[str], what: str) -> str:
    value = text(node)
    if not pattern.match(value):
        example = "so_ban_nganh" if pattern is GROUP_ID else "hg-so-noi-vu"
        raise Invalid(
            f"{what} {shown(node)} has characters that are not allowed; use lower-case ASCII "
            f"letters, digits and {'_' if pattern is GROUP_ID else '-'} (e.g. {example})"
        )
    return value


def choice(node: Node, choices: tuple[str, ...] | dict[str, Any], what: str) -> str:
    value = text(node)
    if value in choices:
        return value
    close = difflib.get_close_matches(value.lower(), list(choices), n=1, cutoff=0.5)
    hint = f'did you mean "{close[0]}"? ' if close else ""
    listed = ", ".join(list(choices)[:12]) + (", ..." if len(choices) > 12 else "")
    raise Invalid(f"unknown {what} {shown(node)}; {hint}write one of: {listed}")


def integer(node: Node, minimum: int) -> int:
    value = value_of(node)
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid(f"expected a whole number, found {shown(node)}; write e.g. {max(minimum, 1)}")
    if value < minimum:
        raise Invalid(f"must be at least {minimum}, found {value}")
    return value


def number(node: Node) -> float:
    value = value_of(node)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
        raise Invalid(f"expected a number, found {shown(node)}; write e.g. 12 or 12.5")
    if value <= 0:
        raise Invalid(f"must be more than 0, found {value}")
    return float(value)


def boolean(node: Node) -> bool:
    value = value_of(node)
    if not isinstance(value, bool):
        raise Invalid(f"expected true or false, found {shown(node)}")
    return value


def day(node: Node) -> date:
    """A date written as YYYY-MM-DD (or DD/MM/YYYY, as Vietnamese documents write it)."""
    value = value_of(node)
    if isinstance(value, datetime):
        raise Invalid(f"expected a date without a time, found {shown(node)}; write e.g. 2024-12-31")
    if isinstance(value, date):
        return value
    match = re.fullmatch(r"\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*", str(value))
    if match:
        try:
            return date(int(match[3]), int(match[2]), int(match[1]))
        except ValueError as exc:
            raise Invalid(
                f"{shown(node)} is not a real date ({exc}); write e.g. 2024-12-31"
            ) from None
    raise Invalid(f"expected a date, found {shown(node)}; write YYYY-MM-DD, e.g. 2024-12-31")


def period_code(node: Node, per: str | None) -> str:
    value = text(node).upper()
    match = PERIOD_CODE.match(value)
    if not match or not 1 <= int(match[2]) <= PERIOD_MAX[match[1]]:
        raise Invalid(f"unknown period {shown(node)}; write Q1..Q4, M1..M12 or W1..W53")
    letters = PERIOD_LETTERS.get(per or "year", "QM")
    if match[1] not in letters:
        allowed = ", ".join({"Q": "Q1..Q4", "M": "M1..M12", "W": "W1..W53"}[x] for x in letters)
        raise Invalid(f"period {shown(node)} does not fit per: {per or 'year'}; use {allowed}")
    return f"{match[1]}{int(match[2])}"


def target_range(node: Node) -> tuple[int, int | None]:
    """``5``, ``"10-15"`` or ``{min: 10, max: 15}`` as (min, max or None)."""
    value = value_of(node)
    if isinstance(value, int) and not isinstance(value, bool):
        if value < 1:
            raise Invalid(f"target must be at least 1, found {value}")
        return value, None
    match = RANGE.match(str(value)) if isinstance(value, str) else None
    if not match:
        raise Invalid(
            f"expected a number or a range, found {shown(node)}; write 5, 10-15 or {{min: 10, max: 15}}"
        )
    return checked_range(int(match[1]), int(match[2]))


def checked_range(low: int, high: int | None) -> tuple[int, int | None]:
    if low < 1:
        raise Invalid(f"target min must be at least 1, found {low}")
    if high is not None and low > high:
        raise Invalid(f"target min {low} is more than max {high}; write the smaller number first")
    return low, high


def language(node: Node) -> str:
    """A language code; a language's Vietnamese name gets a pointer to its code."""
    value = text(node)
    if value in LANGUAGES:
        return value
    wanted = fold(value)
    for code, name in LANGUAGES.items():
        if wanted in {fold(part).strip(" '") for part in re.split(r"[()]", name)}:
            raise Invalid(f'language {shown(node)} is written as code "{code}" ({name})')
    return choice(node, LANGUAGES, "language")


def email(node: Node) -> str:
    value = text(node)
    if not EMAIL.match(value):
        raise Invalid(f"{shown(node)} is not an email address; write e.g. sonv@hagiang.gov.vn")
    return value


def member(node: Node, known: dict[str, Any] | tuple[str, ...], what: str) -> str:
    """One of the ids declared elsewhere in the file (groups, agencies)."""
    value = text(node)
    if value in known:
        return value
    if not known:
        raise Invalid(f'unknown {what} "{value}"; declare it under groups: first')
    return choice(node, tuple(known), what)
