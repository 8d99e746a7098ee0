"""Rule kinds by name: the one registry the engine and the loader look kinds up in."""

from __future__ import annotations

from rules.kinds.base import RuleKind
from rules.kinds.cadence import CadenceKind
from rules.kinds.count import CountKind
from rules.kinds.coverage import CoverageKind
from rules.kinds.deadline import DeadlineKind
from rules.kinds.duration import DurationKind
from rules.kinds.manual import ManualKind
from rules.model import Rule

KINDS: dict[str, RuleKind] = {
    kind.name: kind
    for kind in (CountKind(), CadenceKind(), DurationKind(), CoverageKind(), DeadlineKind(),
                 ManualKind())
}


def check_rule(rule: Rule) -> None:
    """Raise ValueError (naming rule and line) for an unknown kind or a missing option."""
    kind_for(rule.kind).check(rule)


def kind_for(name: str) -> RuleKind:
    try:
        return KINDS[name]
    except KeyError:
        raise ValueError(
            f"unknown rule kind {name!r}: expected one of {', '.join(sorted(KINDS))}"
        ) from None


__all__ = ["KINDS", "RuleKind", "check_rule", "kind_for"]
