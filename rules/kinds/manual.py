"""``manual``: quantities attested by people (classes held, attendees) against a target range.

A target in per cent ("100% TTHC được niêm yết") is a rate, not a quantity: the latest attested
value is what the period reached (55% then 60% is 60%, not 115%), and nothing is pro-rated (on the
first day of a quarter, 0% attested is not "at risk").
"""

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

    def reads_sources(self, rule: Rule) -> bool:
        return False

    def tally(self, rule: Rule, agency: Agency, period: Period, index: AgencyIndex | None,
              ctx: Context, as_of: date) -> Tally:
        last = min(period.end, as_of)
        attested = tuple(
            a for a in ctx.attestations(rule, agency.id) if period.start <= a.on_date <= last
        )
        if rule.target.unit.startswith("%"):
            latest = max(attested, key=lambda a: a.on_date, default=None)
            count = latest.quantity if latest else 0
            status = "met" if count >= rule.target.min else (
                "shortfall" if as_of > period.end else "at_risk" if latest else "on_track")
        else:
            count = sum(a.quantity for a in attested)
            status = quota_status(count, rule.target.min, period, as_of)
        return Tally(count, rule.target.min, status, attestations=attested,
                     target_max=rule.target.max)
