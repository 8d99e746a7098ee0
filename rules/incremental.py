"""Per-event evaluation: apply one stored article, re-evaluate only the cells it can change.

Holds the same index and uses the same rule kinds as :mod:`rules.engine`, so after any stream of
articles its verdicts equal a batch evaluation of the same items (tests check this property).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from rules.context import DEFAULT_UNKNOWN_SHARE, Context, Facts
from rules.engine import evaluate_indexed
from rules.index import AgencyIndex
from rules.index_build import adjust, build_indexes, gc_paused, placements, with_owners
from rules.items import EvaluationInput, Item, Override
from rules.kinds import RuleKind, kind_for
from rules.model import Agency, Plan, Rule
from rules.periods import Period, vn_date
from rules.verdict import Verdict


@dataclass(frozen=True)
class _Cell:
    """One (plan, rule, agency) row of the matrix with its periods."""

    ctx: Context
    rule: Rule
    kind: RuleKind
    agency: Agency
    periods: list[Period]


class IncrementalEvaluator:
    def __init__(self, plans: Iterable[Plan], data: EvaluationInput, as_of: date, *,
                 unknown_share: float = DEFAULT_UNKNOWN_SHARE) -> None:
        self.as_of = as_of
        self._owners = dict(data.channel_owners)
        self.indexes, self._rule_overrides = build_indexes(
            with_owners(data.items, self._owners), data.overrides)
        for index in self.indexes.values():
            index.merged = {}
        self._general: dict[int, Override] = {
            o.article_id: o for o in data.overrides if not o.rule_id
        }
        self._items = {item.article_id: item for item in data.items}
        facts = Facts.build(data, unknown_share)
        self._cells: dict[str, list[_Cell]] = {}
        self._verdicts: dict[tuple[str, str, str, str], Verdict] = {}
        with gc_paused():
            for plan in plans:
                ctx = Context(plan, facts)
                for verdict in evaluate_indexed(plan, self.indexes, facts, as_of, ctx):
                    self._verdicts[verdict.key] = verdict
                self._register(plan, ctx)

    def _register(self, plan: Plan, ctx: Context) -> None:
        for rule in plan.rules:
            kind = kind_for(rule.kind)
            periods = kind.periods(rule, plan, self.as_of)
            for agency in plan.scope_agencies(rule.scope):
                cell = _Cell(ctx, rule, kind, agency, periods)
                self._cells.setdefault(agency.id, []).append(cell)

    def verdicts(self) -> list[Verdict]:
        """Every current verdict, in the order a batch evaluation returns them."""
        return list(self._verdicts.values())

    def apply(self, item: Item) -> list[Verdict]:
        """Store or update one article; return the verdicts that changed."""
        touched: dict[str, set[date]] = {}
        old = self._items.get(item.article_id)
        if old is not None:
            for placed in placements(old, self._owners):
                self._forget(placed, touched)
        self._items[item.article_id] = item
        for placed in placements(item, self._owners):
            adjusted = adjust(placed, self._general.get(item.article_id))
            if adjusted is not None:
                index = self._index(adjusted.agency_id)
                index.add(adjusted)
                _note(touched, index, adjusted)
        changed: list[Verdict] = []
        for agency_id, days in touched.items():
            changed += self._reevaluate(agency_id, days)
        return changed

    def _forget(self, old: Item, touched: dict[str, set[date]]) -> None:
        adjusted = adjust(old, self._general.get(old.article_id))
        index = self.indexes.get(old.agency_id)
        if adjusted is not None and index is not None:
            _note(touched, index, adjusted)
            index.remove(adjusted)

    def _index(self, agency_id: str) -> AgencyIndex:
        index = self.indexes.get(agency_id)
        if index is None:
            index = self.indexes[agency_id] = AgencyIndex({}, [], self._rule_overrides)
            index.merged = {}
        return index

    def _reevaluate(self, agency_id: str, days: set[date]) -> list[Verdict]:
        changed: list[Verdict] = []
        index = self.indexes.get(agency_id)
        for cell in self._cells.get(agency_id, ()):
            periods = {p for day in days for p in cell.kind.touched(cell.rule, cell.periods, day)}
            for period in sorted(periods, key=lambda p: p.start):
                verdict = cell.kind.evaluate(cell.rule, cell.agency, period, index, cell.ctx,
                                             self.as_of)
                if self._verdicts.get(verdict.key) != verdict:
                    self._verdicts[verdict.key] = verdict
                    changed.append(verdict)
        return changed


def _note(touched: dict[str, set[date]], index: AgencyIndex, item: Item) -> None:
    """Record the days whose cells may change: the item's, and its cluster siblings'."""
    days = touched.setdefault(item.agency_id, set())
    days.add(vn_date(item.published_at))
    if item.cluster_id is not None:
        days.update(
            vn_date(other.published_at) for other in index.special
            if other.cluster_id == item.cluster_id
        )
