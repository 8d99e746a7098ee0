"""``deadline``: evidence (an attestation or a matching item) on or before a due date.

Published items count only when the plan entry says which (``match``); a task with no ``match``
(a plan issued, a report sent, a budget allotted) is fulfilled by attested evidence alone, and
its verdict does not depend on whether the agency's website could be read.

One verdict per agency; its period runs from the rule's start (or the start of the unit
containing the due date) to the due date. Before the due date it is on_track, and at_risk
during the last 7 days (the due day included) while nothing has arrived. Evidence arriving
within 31 days after the due date is listed as "late" but does not count.
"""

from __future__ import annotations

from datetime import date, timedelta

from rules.context import Context
from rules.index import AgencyIndex
from rules.kinds.base import RuleKind, Tally, select
from rules.model import Agency, Plan, Rule
from rules.periods import Period, active_range, unit_bounds

WARNING_DAYS = 7
LATE_DAYS = 31  # evidence this soon after the due date is listed as late (not counted)


class DeadlineKind(RuleKind):
    name = "deadline"
    required_options = ("due",)

    def periods(self, rule: Rule, plan: Plan, as_of: date) -> list[Period]:
        if rule.due is None:
            raise ValueError(f"deadline rule {rule.id!r} (line {rule.line}) has no 'due' date")
        unit = unit_bounds(rule.due, rule.per)
        start = max(unit.start, active_range(rule, plan)[0])
        return [Period(unit.label, min(start, rule.due), rule.due)]

    def reads_sources(self, rule: Rule) -> bool:
        return not rule.attested_only

    def touched(self, rule: Rule, periods: list[Period], day: date) -> list[Period]:
        return [p for p in periods if p.start <= day <= p.end + timedelta(days=LATE_DAYS)]

    def tally(self, rule: Rule, agency: Agency, period: Period, index: AgencyIndex | None,
              ctx: Context, as_of: date) -> Tally:
        due = period.end
        if as_of < period.start:
            return Tally(0, 1, "not_started", due=due)
        late_end = min(as_of, due + timedelta(days=LATE_DAYS))
        attested = [a for a in ctx.attestations(rule, agency.id) if a.on_date <= late_end]
        on_time = tuple(a for a in attested if period.start <= a.on_date <= due)
        items = None if rule.attested_only else index
        selection = select(items, ctx, rule, period.start.toordinal(), min(due, as_of).toordinal())
        late_items = select(items, ctx, rule, due.toordinal() + 1, late_end.toordinal())
        count = len(selection.items) + len(on_time)
        status = _status(count, due, as_of)
        late = len(late_items.items) + sum(1 for a in attested if a.on_date > due)
        detail = f"Có {late} bằng chứng sau hạn, không tính." if late and not count else ""
        rejected = () if count else tuple((item, "late") for item in late_items.items)
        return Tally(count, 1, status, selection, rejected, on_time, detail, due)


def _status(count: int, due: date, as_of: date) -> str:
    if count:
        return "met"
    if as_of > due:
        return "shortfall"
    return "at_risk" if due - as_of < timedelta(days=WARNING_DAYS) else "on_track"

