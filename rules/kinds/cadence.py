"""``cadence``: at least one item in every window of N days (plus a tolerated gap).

Windows tile the period from its first day; a last window cut short by the period's end looks
back over the period's last N days. count = windows with an item, target = windows started by
as_of; a window is missed once as_of is past its end plus the tolerance.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import replace
from datetime import date, timedelta

from cchc.vntext import format_vn_date
from rules.context import Context
from rules.index import AgencyIndex
from rules.kinds.base import RuleKind, Tally, day_range, select
from rules.model import Agency, Rule
from rules.periods import Period


class CadenceKind(RuleKind):
    name = "cadence"
    required_options = ("window_days",)

    def tally(self, rule: Rule, agency: Agency, period: Period, index: AgencyIndex | None,
              ctx: Context, as_of: date) -> Tally:
        if as_of < period.start:
            return Tally(0, 1, "not_started")
        first, last = day_range(period, as_of)
        selection = select(index, ctx, rule, first, last)
        days = index.active_days(ctx.matcher(rule), first, last) if index else []
        satisfied, missed, current_end = 0, [], None
        windows = started_windows(rule, period, as_of)
        for start, end, grace_end in windows:
            if _holds(days, start, min(grace_end, as_of)):
                satisfied += 1
            elif as_of > grace_end:
                missed.append((start, end))
            else:
                current_end = grace_end
        status = _status(satisfied, len(windows), missed, as_of > period.end)
        tally = Tally(satisfied, len(windows), status, selection, detail=_detail(missed))
        return replace(tally, due=current_end) if current_end else tally


def started_windows(rule: Rule, period: Period, as_of: date) -> list[tuple[date, date, date]]:
    """(start, end, end + tolerance) of each window begun by as_of, clipped to the period."""
    width = timedelta(days=rule.window_days or 1)
    tolerance = timedelta(days=rule.tolerance_days)
    windows = []
    start = period.start
    while start <= min(as_of, period.end):
        end = min(start + width - timedelta(days=1), period.end)
        # A last window cut short by the period's end (a 92-day quarter holds 13 weeks and a
        # day) is the period's last N days: an item early in that span shows the cadence kept.
        # Judged on its stub alone, a weekly Thursday programme missed "30/09–30/09".
        looked_from = max(period.start, end - width + timedelta(days=1))
        windows.append((min(start, looked_from), end, min(end + tolerance, period.end)))
        start += width
    return windows


def _holds(days: list[int], first: date, last: date) -> bool:
    position = bisect_left(days, first.toordinal())
    return position < len(days) and days[position] <= last.toordinal()


def _status(satisfied: int, started: int, missed: list, closed: bool) -> str:
    if satisfied >= started:
        return "met"
    if not missed:
        return "on_track"
    return "shortfall" if closed else "at_risk"


def _detail(missed: list[tuple[date, date]]) -> str:
    if not missed:
        return ""
    shown = ", ".join(
        f"{start.strftime('%d/%m')}–{format_vn_date(end)}" for start, end in missed[:5]
    )
    more = f" và {len(missed) - 5} khoảng khác" if len(missed) > 5 else ""
    return f"Không có bài trong khoảng {shown}{more}."
