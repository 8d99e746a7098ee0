"""Facts an evaluation needs besides items: source health, attestations, exemptions, settings.

Built once per evaluation from an :class:`~rules.items.EvaluationInput`; read-only afterwards.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import date

from rules.items import Attestation, EvaluationInput, Exemption, Health
from rules.matching import RuleMatcher
from rules.model import Plan, Rule
from rules.periods import Period, vn_ordinal

DEFAULT_UNKNOWN_SHARE = 0.5


@dataclass
class Facts:
    """Plan-independent facts, indexed for lookups by agency."""

    monitored: frozenset[str]
    down_days: dict[str, list[int]]  # agency -> sorted VN day ordinals with failures only
    attestations: dict[tuple[str, str], list[Attestation]]  # (rule, agency) -> attestations
    exemptions: dict[tuple[str, str, str], list[Exemption]]  # (rule, agency, period label)
    unknown_share: float = DEFAULT_UNKNOWN_SHARE

    @classmethod
    def build(cls, data: EvaluationInput, unknown_share: float = DEFAULT_UNKNOWN_SHARE) -> Facts:
        attestations: dict[tuple[str, str], list[Attestation]] = {}
        for attestation in data.attestations:
            key = (attestation.rule_id, attestation.agency_id)
            attestations.setdefault(key, []).append(attestation)
        exemptions: dict[tuple[str, str, str], list[Exemption]] = {}
        for exemption in data.exemptions:
            key = (exemption.rule_id, exemption.agency_id, exemption.period)
            exemptions.setdefault(key, []).append(exemption)
        return cls(frozenset(data.monitored_agencies), _down_days(data.health), attestations,
                   exemptions, unknown_share)

    def down_share(self, agency: str, period: Period, as_of: date) -> tuple[int, int]:
        """(unreadable days, elapsed days) of the period up to as_of."""
        last = min(as_of, period.end)
        elapsed = (last - period.start).days + 1
        if elapsed <= 0:
            return 0, 0
        days = self.down_days.get(agency, ())
        down = bisect_right(days, last.toordinal()) - bisect_left(days, period.start.toordinal())
        return down, elapsed


def _down_days(health: list[Health] | tuple[Health, ...]) -> dict[str, list[int]]:
    """Days on which an agency's sources failed and none succeeded."""
    failed: dict[str, set[int]] = {}
    succeeded: dict[str, set[int]] = {}
    for record in health:
        target = succeeded if record.ok else failed
        target.setdefault(record.agency_id, set()).add(vn_ordinal(record.at))
    return {
        agency: sorted(days - succeeded.get(agency, set()))
        for agency, days in failed.items()
    }


@dataclass
class Context:
    """What a rule kind sees while evaluating one plan."""

    plan: Plan
    facts: Facts
    matchers: dict[str, RuleMatcher] = field(default_factory=dict)

    def matcher(self, rule: Rule) -> RuleMatcher:
        found = self.matchers.get(rule.id)
        if found is None:
            found = self.matchers[rule.id] = RuleMatcher(rule)
        return found

    def attestations(self, rule: Rule, agency: str) -> list[Attestation]:
        return [
            a for a in self.facts.attestations.get((rule.id, agency), ())
            if a.plan_id in ("", self.plan.id)
        ]

    def exemption(self, rule: Rule, agency: str, period: Period, as_of: date) -> Exemption | None:
        for exemption in self.facts.exemptions.get((rule.id, agency, period.label), ()):
            live = exemption.expires is None or exemption.expires >= as_of
            if live and exemption.plan_id in ("", self.plan.id):
                return exemption
        return None
