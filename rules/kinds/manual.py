"""``manual``: quantities attested by people (classes held, attendees) against a target range."""

from __future__ import annotations

from datetime import date

from rules.context import Context
from rules.index import AgencyIndex
from rules.kinds.base import RuleKind, Tally, quota_status
from rules.model import Agency, Rule
from rules.periods import Period


class ManualKind(RuleKind):
    name = "manual"
    required_options = ("target",)
    uses_sources = False

    def tally(self, rule: Rule, agency: Agency, period: Period, index: AgencyIndex | None,
              ctx: Context, as_of: date) -> Tally:
        last = min(period.end, as_of)
        attested = tuple(
            a for a in ctx.attestations(rule, agency.id) if period.start <= a.on_date <= last
        )
        count = sum(a.quantity for a in attested)
        status = quota_status(count, rule.target.min, period, as_of)
        return Tally(count, rule.target.min, status, attestations=attested,
                     target_max=rule.target.max)
