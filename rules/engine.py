"""Batch evaluation: every agency in each rule's scope × every started period, as of a date.

The roster comes from the plan, not from the items: an agency that published nothing still gets
a verdict. Items are indexed once per call (see :mod:`rules.index`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from rules.context import DEFAULT_UNKNOWN_SHARE, Context, Facts
from rules.index import AgencyIndex
from rules.index_build import build_indexes, gc_paused, with_owners
from rules.items import EvaluationInput
from rules.kinds import kind_for
from rules.model import Plan
from rules.verdict import Verdict

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class IndexedInput:
    """An EvaluationInput indexed once, to evaluate many plans or dates without re-indexing."""

    indexes: dict[str, AgencyIndex]
    facts: Facts


def index_input(data: EvaluationInput, *,
                unknown_share: float = DEFAULT_UNKNOWN_SHARE) -> IndexedInput:
    indexes, _ = build_indexes(with_owners(data.items, data.channel_owners), data.overrides)
    return IndexedInput(indexes, Facts.build(data, unknown_share))


def evaluate_plan(plan: Plan, data: EvaluationInput | IndexedInput, as_of: date, *,
                  unknown_share: float = DEFAULT_UNKNOWN_SHARE) -> list[Verdict]:
    return evaluate_plans([plan], data, as_of, unknown_share=unknown_share)


def evaluate_plans(plans: Iterable[Plan], data: EvaluationInput | IndexedInput, as_of: date, *,
                   unknown_share: float = DEFAULT_UNKNOWN_SHARE) -> list[Verdict]:
    """Every plan's verdicts, plans in the order given (see :func:`evaluate_indexed`)."""
    with gc_paused():
        if isinstance(data, EvaluationInput):
            data = index_input(data, unknown_share=unknown_share)
        verdicts: list[Verdict] = []
        for plan in plans:
            verdicts += evaluate_indexed(plan, data.indexes, data.facts, as_of)
    return verdicts


def evaluate_indexed(plan: Plan, indexes: dict[str, AgencyIndex], facts: Facts, as_of: date,
                     ctx: Context | None = None) -> list[Verdict]:
    """All verdicts of one plan, ordered by rule (plan order), agency (roster order), period."""
    ctx = ctx or Context(plan, facts)
    verdicts: list[Verdict] = []
    for rule in plan.rules:
        kind = kind_for(rule.kind)
        kind.check(rule)
        periods = kind.periods(rule, plan, as_of)
        for agency in plan.scope_agencies(rule.scope):
            index = indexes.get(agency.id)
            verdicts += [kind.evaluate(rule, agency, p, index, ctx, as_of) for p in periods]
    log.debug("plan %s as of %s: %d verdicts", plan.id, as_of, len(verdicts))
    return verdicts
