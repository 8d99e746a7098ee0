"""``duration``: programmes of the right length (e.g. 12–15 minutes), N per period."""

from __future__ import annotations

from datetime import date

from rules.context import Context
from rules.index import AgencyIndex, Selection
from rules.items import Item
from rules.kinds.base import RuleKind, Tally, day_range, quota_status, select
from rules.model import Agency, Rule
from rules.periods import Period


class DurationKind(RuleKind):
    name = "duration"
    required_options = ("target",)

    def tally(self, rule: Rule, agency: Agency, period: Period, index: AgencyIndex | None,
              ctx: Context, as_of: date) -> Tally:
        selection = select(index, ctx, rule, *day_range(period, as_of))
        # A cluster counts once, by its earliest copy; when that copy does not give the length
        # (a listing entry) another copy of the same broadcast (its programme page) may.
        copies: dict[int, list[Item]] = {}
        for duplicate, counted in selection.duplicates:
            copies.setdefault(counted.article_id, []).append(duplicate)

        def why_not(item: Item) -> str | None:
            why = out_of_range(rule, item)
            if why is not None and item.duration_seconds is None and any(
                    out_of_range(rule, copy) is None for copy in copies.get(item.article_id, ())):
                return None
            return why

        judged = [(item, why_not(item)) for item in selection.items]
        kept = [item for item, why in judged if why is None]
        rejected = tuple((item, f"out_of_range: {why}") for item, why in judged if why is not None)
        kept_ids = {item.article_id for item in kept}
        compliant = Selection(
            tuple(kept),
            tuple(note for note in selection.notes if note[0] in kept_ids),
            tuple(pair for pair in selection.duplicates if pair[1].article_id in kept_ids),
        )
        status = quota_status(len(kept), rule.target.min, period, as_of)
        detail = f"{len(rejected)} {rule.target.unit} không đúng thời lượng." if rejected else ""
        return Tally(len(kept), rule.target.min, status, compliant, rejected, detail=detail,
                     target_max=rule.target.max)


def out_of_range(rule: Rule, item: Item) -> str | None:
    """Why the item's length does not comply, or None when it does."""
    if item.duration_seconds is None:
        return "không rõ thời lượng"
    minutes = item.duration_seconds / 60
    too_short = rule.min_minutes is not None and minutes < rule.min_minutes
    too_long = rule.max_minutes is not None and minutes > rule.max_minutes
    if too_short or too_long:
        shown = f"{minutes:.1f}".replace(".", ",")
        return f"{shown} phút, ngoài khoảng {_bounds(rule)} phút"
    return None


def _bounds(rule: Rule) -> str:
    low = "" if rule.min_minutes is None else f"{rule.min_minutes:g}"
    high = "" if rule.max_minutes is None else f"{rule.max_minutes:g}"
    return f"{low}–{high}"
