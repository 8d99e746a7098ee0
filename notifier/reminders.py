"""Which quotas deserve a deadline reminder today.

A reminder goes out when a quota still needs items and its deadline (``due``, or the end of its
period, e.g. the quarter) is at most N days away, once per threshold: with thresholds (7, 1) an
agency hears about a 30/09 deadline on 23/09 and again on 29/09, never more, whatever the run
cadence, because the ledger key is (agency, "reminder_d7"/"reminder_d1", due date).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from notifier.labels import to_date
from notifier.views import Verdict

DEFAULT_DAYS_BEFORE = (7, 1)
_NO_REMINDER = ("met", "exempt", "not_started")


@dataclass
class DueGroup:
    agency: str
    threshold: int  # the reminder bucket: "at most 7 days left"
    due: date
    days_left: int
    verdicts: list[Verdict] = field(default_factory=list)

    @property
    def digest_kind(self) -> str:
        return f"reminder_d{self.threshold}"


def _bucket(days_left: int, thresholds: Sequence[int]) -> int | None:
    for threshold in sorted(thresholds):
        if 0 <= days_left <= threshold:
            return threshold
    return None


def due_groups(
    verdicts: Iterable[Verdict], *, as_of: date, days_before: Sequence[int] = DEFAULT_DAYS_BEFORE
) -> list[DueGroup]:
    """Verdicts that need a reminder today, grouped per agency, threshold and due date."""
    groups: dict[tuple[str, int, date], DueGroup] = defaultdict(lambda: DueGroup("", 0, as_of, 0))
    for verdict in verdicts:
        due = to_date(verdict.get("due")) or to_date(verdict.get("period_end"))
        if due is None or verdict.get("status") in _NO_REMINDER or not verdict.get("needed"):
            continue
        days_left = (due - as_of).days
        threshold = _bucket(days_left, days_before)
        if threshold is None:
            continue
        agency = str(verdict.get("agency", ""))
        group = groups[(agency, threshold, due)]
        group.agency, group.threshold, group.due, group.days_left = (
            agency,
            threshold,
            due,
            days_left,
        )
        group.verdicts.append(verdict)
    return sorted(groups.values(), key=lambda g: (g.agency, g.due, g.threshold))
