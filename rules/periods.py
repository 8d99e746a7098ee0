"""Calendar periods in Asia/Ho_Chi_Minh: ISO weeks, months, quarters, years.

A period's dates are the unit's dates clipped to the days the rule is active (plan/rule start and
end, ``active_periods``), so a plan issued on 08/01 counts Q1 from 08/01.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from cchc.vntext import VN_TZ
from rules.model import Plan, Rule

_VN_OFFSET_S = 7 * 3600  # Asia/Ho_Chi_Minh has been UTC+7 without DST since 1975
_DAY_S = 86400
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


@dataclass(frozen=True, slots=True)
class Period:
    """``label`` like "2024-W05", "2024-08", "2024-Q3", "2024"; ``start``/``end`` inclusive."""

    label: str
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def vn_date(moment: datetime) -> date:
    """The local (Vietnam) calendar date of an aware datetime; naive values are taken as local."""
    if moment.tzinfo is None:
        return moment.date()
    return moment.astimezone(VN_TZ).date()


def vn_ordinal(moment: datetime) -> int:
    """``vn_date(moment).toordinal()`` without the zoneinfo lookup: the engine's hot path."""
    if moment.tzinfo is None:
        return moment.toordinal()
    return int(moment.timestamp() + _VN_OFFSET_S) // _DAY_S + _EPOCH_ORDINAL


def unit_bounds(day: date, unit: str) -> Period:
    """The whole period of ``unit`` containing ``day``."""
    if unit == "week":
        iso = day.isocalendar()
        start = day - timedelta(days=iso.weekday - 1)
        return Period(f"{iso.year}-W{iso.week:02d}", start, start + timedelta(days=6))
    if unit == "month":
        return Period(f"{day.year}-{day.month:02d}", day.replace(day=1), _month_end(day))
    if unit == "quarter":
        quarter = (day.month - 1) // 3 + 1
        start = date(day.year, 3 * quarter - 2, 1)
        return Period(f"{day.year}-Q{quarter}", start, _month_end(date(day.year, 3 * quarter, 1)))
    if unit == "year":
        return Period(str(day.year), date(day.year, 1, 1), date(day.year, 12, 31))
    raise ValueError(f"unknown period unit {unit!r}: expected week, month, quarter or year")


def period_of(moment: datetime, unit: str) -> Period:
    """The period of ``unit`` an aware datetime falls in, judged by its Vietnamese local date."""
    return unit_bounds(vn_date(moment), unit)


def _month_end(day: date) -> date:
    following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return following - timedelta(days=1)


def active_range(rule: Rule, plan: Plan) -> tuple[date, date]:
    """First and last day the rule applies (its own dates, else the plan's)."""
    return rule.starts or plan.starts, rule.ends or plan.ends


def _code_matches(code: str, day: date) -> bool:
    number = int(code[1:])
    letter = code[0].upper()
    if letter == "Q":
        return (day.month - 1) // 3 + 1 == number
    if letter == "M":
        return day.month == number
    if letter == "W":
        return day.isocalendar().week == number
    raise ValueError(f"unknown active period {code!r}: expected Q1..Q4, M1..M12 or W1..W53")


def _active_hull(period: Period, codes: tuple[str, ...]) -> Period | None:
    """The span from the first to the last active day of ``period``, or None if none is active."""
    if not codes:
        return period
    days = [period.start + timedelta(days=i) for i in range(period.days)]
    active = [d for d in days if any(_code_matches(code, d) for code in codes)]
    if not active:
        return None
    return Period(period.label, active[0], active[-1])


def all_periods(rule: Rule, plan: Plan) -> list[Period]:
    """Every period of the rule's unit overlapping its active dates, clipped, in order.

    Weeks are not clipped: a week straddling the plan's start or end is judged whole (a weekly
    programme aired on Thursdays has none in the two days 30–31/12 of the week 2025-W01)."""
    first, last = active_range(rule, plan)
    periods: list[Period] = []
    day = first
    while day <= last:
        whole = unit_bounds(day, rule.per)
        clipped = whole if rule.per == "week" else Period(
            whole.label, max(whole.start, first), min(whole.end, last))
        hull = _active_hull(clipped, rule.active_periods)
        if hull is not None:
            periods.append(hull)
        day = whole.end + timedelta(days=1)
    return periods


def periods_for(rule: Rule, plan: Plan, as_of: date) -> list[Period]:
    """The rule's periods that have started by ``as_of``."""
    return [p for p in all_periods(rule, plan) if p.start <= as_of]

