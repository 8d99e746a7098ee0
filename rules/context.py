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
    failing_since: dict[str, int]  # agency -> first failing day after its last successful read
    attestations: dict[tuple[str, str], list[Attestation]]  # (rule, agency) -> attestations
    exemptions: dict[tuple[str, str, str], list[Exemption]]  # (rule, agency, period label)
    unknown_share: float = DEFAULT_UNKNOWN_SHARE
    monitored_channels: frozenset[str] | None = None  # None: not known, not checked

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
        channels = data.monitored_channels
        return cls(frozenset(data.monitored_agencies), _down_days(data.health),
                   _failing_since(data.health), attestations, exemptions, unknown_share,
                   None if channels is None else frozenset(channels))

    def down_share(self, agency: str, period: Period, as_of: date) -> tuple[int, int]:
        """(unreadable days, elapsed days) of the period up to as_of."""
        last = min(as_of, period.end)
        elapsed = (last - period.start).days + 1
        if elapsed <= 0:
            return 0, 0
        first, end = period.start.toordinal(), last.toordinal()
        since = self.failing_since.get(agency)
        if since is not None and since <= first:
            return elapsed, elapsed
        days = self.down_days.get(agency, ())
        if since is None or since > end:
            return bisect_right(days, end) - bisect_left(days, first), elapsed
        before = bisect_left(days, since) - bisect_left(days, first)
        return before + end - since + 1, elapsed


def _failing_since(health: list[Health] | tuple[Health, ...]) -> dict[str, int]:
    """Agencies with a source that has failed ever since its last successful read (or was never
    read at all): nothing it published from that day on can have been seen, even if the failure
    was recorded long after the period (a first crawl of an old period, for instance). Each
    source counts on its own: a healthy feed does not hide a dead "chuyên mục" listing."""
    last_ok: dict[tuple[str, str], int] = {}
    failures: dict[tuple[str, str], list[int]] = {}
    for record in health:
        key, day = (record.agency_id, record.source_id), vn_ordinal(record.at)
        if record.ok:
            last_ok[key] = max(day, last_ok.get(key, day))
        else:
            failures.setdefault(key, []).append(day)
    since: dict[str, int] = {}
    for (agency, source), days in failures.items():
        ok = last_ok.get((agency, source))
        if any(ok is None or day > ok for day in days):
            start = 0 if ok is None else ok + 1  # never read: nothing was ever visible
            since[agency] = min(start, since.get(agency, start))
    return since


def _down_days(health: list[Health] | tuple[Health, ...]) -> dict[str, list[int]]:
    """Days on which one of an agency's sources failed and was not read successfully."""
    failed: dict[tuple[str, str], set[int]] = {}
    succeeded: dict[tuple[str, str], set[int]] = {}
    for record in health:
        target = succeeded if record.ok else failed
        target.setdefault((record.agency_id, record.source_id), set()).add(vn_ordinal(record.at))
    down: dict[str, set[int]] = {}
    for key, days in failed.items():
        down.setdefault(key[0], set()).update(days - succeeded.get(key, set()))
    return {agency: sorted(days) for agency, days in down.items()}


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
