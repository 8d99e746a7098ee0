"""``count``: at least N matching items per period (a range such as 10–15 is met at 10)."""

from __future__ import annotations

from datetime import date

from rules.context import Context
from rules.index import AgencyIndex
from rules.kinds.base import RuleKind, Tally, day_range, quota_status, select
from rules.model import Agency, Rule
from rules.periods import Period


class CountKind(RuleKind):
    name = "count"
    required_options = ("target",)

    def tally(self, rule: Rule, agency: Agency, period: Period, index: AgencyIndex | None,
              ctx: Context, as_of: date) -> Tally:
        selection = select(index, ctx, rule, *day_range(period, as_of))
        count = len(selection.items)
        status = quota_status(count, rule.target.min, period, as_of)
        return Tally(count, rule.target.min, status, selection, target_max=rule.target.max)
