"""Period labels on the dashboard: parse '2024', '2024-Q3', '2024-08', '2024-W05' into dates."""

from __future__ import annotations

import re
from datetime import date

from rules.periods import Period, unit_bounds

LABEL = re.compile(r"^(\d{4})(?:-(Q[1-4]|W\d{2}|\d{2}))?$")


def parse_period(label: str) -> Period | None:
    """The whole calendar period of a label, or None when it is not one."""
    match = LABEL.match(label or "")
    if not match:
        return None
    year, rest = int(match.group(1)), match.group(2)
    try:
        if rest is None:
            return unit_bounds(date(year, 1, 1), "year")
        if rest.startswith("Q"):
            return unit_bounds(date(year, 3 * int(rest[1]) - 2, 1), "quarter")
        if rest.startswith("W"):
            return unit_bounds(date.fromisocalendar(year, int(rest[1:]), 1), "week")
        return unit_bounds(date(year, int(rest), 1), "month")
    except ValueError:
        return None


def period_choices(as_of: date) -> list[tuple[str, str]]:
    """The quarters begun by ``as_of`` and its year, for the period filter."""
    choices = [(f"{as_of.year}-Q{q}", f"Quý {('I', 'II', 'III', 'IV')[q - 1]}/{as_of.year}")
               for q in range(1, 5) if date(as_of.year, 3 * q - 2, 1) <= as_of]
    return [*choices, (str(as_of.year), f"Năm {as_of.year}")]


def quarter_of(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
