"""What every rule kind shares: the status ladder, the Vietnamese reason, building the Verdict."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from cchc.vntext import format_vn_date
from rules.context import Context
from rules.index import AgencyIndex, Selection
from rules.items import Attestation, Item
from rules.model import Agency, Plan, Rule
from rules.periods import Period, all_periods, periods_for
from rules.verdict import Verdict

NO_SOURCE = "chưa có nguồn được theo dõi"
EMPTY = Selection(())


@dataclass(frozen=True)
class Tally:
    """A kind's raw result for one cell, before exemptions and source health are considered."""

    count: int
    target: int
    status: str  # met, on_track, at_risk, shortfall, not_started
    selection: Selection = EMPTY
    rejected: tuple[tuple[Item, str], ...] = ()
    attestations: tuple[Attestation, ...] = ()
    detail: str = ""  # kind-specific sentence appended to the reason
    due: date | None = None
    target_max: int | None = None


class RuleKind:
    """One rule kind: ``evaluate`` is pure — rule, agency, period, items, context and date in."""

    name = ""
    required_options: tuple[str, ...] = ()
    def reads_sources(self, rule: Rule) -> bool:
        """False when evidence is attested by people, so source health is moot."""
        return True

    def check(self, rule: Rule) -> None:
        """Raise ValueError naming the rule and line when a required option is missing."""
        missing = [name for name in self.required_options if getattr(rule, name) is None]
        if missing:
            raise ValueError(
                f"rule {rule.id!r} (line {rule.line}) of kind {self.name} needs "
                f"{', '.join(missing)}: add it to the rule in the plan file"
            )

    def periods(self, rule: Rule, plan: Plan, as_of: date) -> list[Period]:
        """Started periods; a rule that has not started yet shows its first, as not_started."""
        started = periods_for(rule, plan, as_of)
        if started:
            return started
        upcoming = all_periods(rule, plan)
        return upcoming[:1]

    def touched(self, rule: Rule, periods: list[Period], day: date) -> list[Period]:
        """The periods whose verdict an item published on ``day`` can change."""
        return [p for p in periods if p.start <= day <= p.end]

    def tally(self, rule: Rule, agency: Agency, period: Period, index: AgencyIndex | None,
              ctx: Context, as_of: date) -> Tally:
        raise NotImplementedError

    def evaluate(self, rule: Rule, agency: Agency, period: Period, index: AgencyIndex | None,
                 ctx: Context, as_of: date) -> Verdict:
        tally = self.tally(rule, agency, period, index, ctx, as_of)
        status, reason = self._judge(rule, agency, period, ctx, as_of, tally)
        return build_verdict(rule, agency, period, ctx, as_of, tally, status, reason)

    def _judge(self, rule: Rule, agency: Agency, period: Period, ctx: Context, as_of: date,
               tally: Tally) -> tuple[str, str]:
        if tally.status in ("met", "not_started"):
            return tally.status, reason_for(rule, period, tally)
        exemption = ctx.exemption(rule, agency.id, period, as_of)
        if exemption is not None:
            return "exempt", f"Được miễn: {exemption.reason or 'theo quyết định của cơ quan'}."
        # A negative verdict, or "on track" with nothing seen, needs sources we could read.
        doubtful = tally.status in ("at_risk", "shortfall") or (
            tally.status == "on_track" and tally.count == 0)
        if doubtful and self.reads_sources(rule):
            unknown = unknown_reason(rule, agency.id, period, ctx, as_of)
            if unknown:
                return "unknown", f"Chưa xác định: {unknown} ({progress(rule, tally)})."
        return tally.status, reason_for(rule, period, tally)


def quota_status(count: int, target: int, period: Period, as_of: date) -> str:
    """met / on_track (not behind pro rata) / at_risk / shortfall (closed short)."""
    if count >= target:
        return "met"
    if as_of < period.start:
        return "not_started"
    if as_of > period.end:
        return "shortfall"
    elapsed = (as_of - period.start).days + 1
    # behind by less than one whole item is not behind: day 1 of a quarter is not "at risk"
    return "on_track" if count >= target * elapsed // period.days else "at_risk"


def unknown_reason(rule: Rule, agency: str, period: Period, ctx: Context, as_of: date) -> str:
    """Why we cannot tell, or "" when the agency's sources were readable enough. A rule that
    counts only some channels (central newspapers) needs one of those read, whatever else is."""
    if agency not in ctx.facts.monitored:
        return NO_SOURCE
    channels, read = rule.match.channels, ctx.facts.monitored_channels
    if channels and read is not None and not set(channels) & read:
        return f"chưa theo dõi kênh {', '.join(channels)}"
    down, elapsed = ctx.facts.down_share(agency, period, as_of)
    if elapsed and down / elapsed >= ctx.facts.unknown_share:
        return f"không đọc được nguồn tin {down}/{elapsed} ngày trong kỳ"
    return ""


def progress(rule: Rule, tally: Tally) -> str:
    unit = rule.target.unit
    if tally.target_max is not None:
        return f"{tally.count} {unit}, chỉ tiêu {tally.target}–{tally.target_max}"
    return f"{tally.count}/{tally.target} {unit}"


def reason_for(rule: Rule, period: Period, tally: Tally) -> str:
    due = format_vn_date(tally.due or period.end)
    needed = max(0, tally.target - tally.count)
    unit = rule.target.unit
    text = {
        "met": f"Đã đạt ({progress(rule, tally)}).",
        "on_track": f"Đúng tiến độ ({progress(rule, tally)}). "
                    f"Cần thêm {needed} {unit} trước ngày {due}.",
        "at_risk": f"Chậm so với tiến độ ({progress(rule, tally)}). "
                   f"Cần thêm {needed} {unit} trước ngày {due}.",
        "shortfall": f"Không đạt trong kỳ {period.label} ({progress(rule, tally)}): "
                     f"thiếu {needed} {unit}, hạn {due}.",
        "not_started": f"Chưa bắt đầu: áp dụng từ ngày {format_vn_date(period.start)}.",
    }[tally.status]
    return f"{text} {tally.detail}".strip()


def build_verdict(rule: Rule, agency: Agency, period: Period, ctx: Context, as_of: date,
                  tally: Tally, status: str, reason: str) -> Verdict:
    selection = tally.selection
    return Verdict(
        plan=ctx.plan.id, plan_sha256=ctx.plan.sha256, rule=rule.id, cite=rule.cite,
        rule_title=rule.title, rule_kind=rule.kind, agency=agency.id, agency_name=agency.name,
        period=period, as_of=as_of, count=tally.count, target=tally.target,
        target_max=tally.target_max,
        unit=rule.target.unit, status=status, needed=max(0, tally.target - tally.count),
        due=tally.due or period.end, reason=reason, items=selection.items,
        notes=selection.notes, rejected=tally.rejected, attestations=tally.attestations,
        duplicates=selection.duplicates,
    )


def day_range(period: Period, as_of: date) -> tuple[int, int]:
    """Ordinals of the period's days up to as_of."""
    return period.start.toordinal(), min(period.end, as_of).toordinal()


def select(index: AgencyIndex | None, ctx: Context, rule: Rule, first: int, last: int) -> Selection:
    if index is None or last < first:
        return EMPTY
    return index.select(ctx.matcher(rule), first, last)

