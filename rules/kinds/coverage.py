"""``coverage``: each agency's site keeps a live CCHC column, updated within the last D days.

A state, kept all through the period: a closed period with a stretch of more than D days without
a new item is a shortfall (checking only its last D days called a 77-day gap "met"), an open one
at_risk. The freshness window may reach back before the period start (the column was live then
too), and a gap open at the period's start may close within its first D days.
"""

from __future__ import annotations

from datetime import date, timedelta

from rules.context import Context
from rules.index import AgencyIndex
from rules.kinds.base import RuleKind, Tally, select
from rules.model import Agency, Rule
from rules.periods import Period


class CoverageKind(RuleKind):
    name = "coverage"
    required_options = ("max_age_days",)

    def touched(self, rule: Rule, periods: list[Period], day: date) -> list[Period]:
        reach = day + timedelta(days=rule.max_age_days or 0)
        return [p for p in periods if p.start <= reach and day <= p.end]

    def tally(self, rule: Rule, agency: Agency, period: Period, index: AgencyIndex | None,
              ctx: Context, as_of: date) -> Tally:
        if as_of < period.start:
            return Tally(0, 1, "not_started")
        age = timedelta(days=rule.max_age_days or 0)
        reference = min(as_of, period.end)
        first = period.start - age
        selection = select(index, ctx, rule, first.toordinal(), reference.toordinal())
        days = (index.active_days(ctx.matcher(rule), first.toordinal(), reference.toordinal())
                if index else [])  # fmt: skip
        # Every day from the period's (D+1)-th on must have an item in the D days before it;
        # a gap open when the period began may close within its first D days.
        stale = _stale_span(days, min(period.start + age, reference), reference, age.days)
        if stale is None:
            return Tally(len(selection.items), 1, "met", selection)
        status = "shortfall" if as_of > period.end else "at_risk"
        since, until = stale
        detail = (f"Không có bài CCHC mới trong {rule.max_age_days} ngày: chuyên mục không được cập "
                  f"nhật từ {since.strftime('%d/%m')} đến {until.strftime('%d/%m/%Y')}.")  # fmt: skip
        return Tally(len(selection.items), 1, status, selection, detail=detail)


def _stale_span(days: list[int], start: date, end: date, age: int) -> tuple[date, date] | None:
    """The first run of days in [start, end] with no item in the ``age`` days before each, as
    (first day, last day), or None. ``days`` are the items' day ordinals, ascending."""
    need = start.toordinal()  # the first day not yet shown fresh
    for day in days:
        if day > need:
            break
        need = max(need, day + age + 1)
    if need > end.toordinal():
        return None
    after = next((day for day in days if day > need), None)
    last = min(end.toordinal(), after - 1) if after is not None else end.toordinal()
    return date.fromordinal(need), date.fromordinal(last)
