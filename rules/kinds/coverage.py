"""``coverage``: each agency's site keeps a live CCHC column, updated within the last D days.

A state, not a quota: open periods without a fresh item are at_risk, closed ones shortfall.
The freshness window may reach back before the period start (the column was live then too).
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
        reference = min(as_of, period.end)
        first = reference - timedelta(days=rule.max_age_days or 0)
        selection = select(index, ctx, rule, first.toordinal(), reference.toordinal())
        count = len(selection.items)
        if count:
            status = "met"
        else:
            status = "shortfall" if as_of > period.end else "at_risk"
        detail = "" if count else (
            f"Không có bài CCHC mới trong {rule.max_age_days} ngày tính đến "
            f"{reference.strftime('%d/%m/%Y')}."
        )
        return Tally(count, 1, status, selection, detail=detail)
