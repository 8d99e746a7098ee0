"""Turn verdict dicts (docs/architecture.md "Verdicts") into what templates show.

Templates get plain, already-formatted values: no arithmetic or date formatting in Jinja, so an
operator overriding a template cannot get the figures wrong.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from notifier.labels import StatusLabel, label, period_words, rank, vn_date

MAX_EVIDENCE = 10  # links shown per quota; the rest are counted ("và 4 bài khác")

Verdict = Mapping[str, Any]
VerdictKey = tuple[str, str, str]  # plan, rule, agency


@dataclass(frozen=True)
class EvidenceView:
    title: str
    url: str  # "" when the URL is not http(s): never made into a link
    published: str  # DD/MM/YYYY or ""


@dataclass(frozen=True)
class Change:
    kind: str  # improved | worsened | same | new
    words: str
    count_delta: int | None  # articles gained since last week (same period only)

    @property
    def delta_text(self) -> str:
        """'+2' / '-1', or '' when there is nothing to compare."""
        return f"{self.count_delta:+d}" if self.count_delta else ""


@dataclass(frozen=True)
class QuotaView:
    plan: str
    rule: str
    agency: str
    agency_name: str
    rule_title: str
    cite: str
    period: str
    period_text: str  # 'quý III/2024'
    status: str
    label: StatusLabel
    count: int
    target_text: str
    unit: str
    percent: int  # 0..100, width of the progress bar
    needed: int
    due: str
    action: str  # "Cần thêm 2 bài trước ngày 30/09/2024" or ""
    reason: str
    unreadable: bool
    no_source: bool  # unknown because none of the agency's own sources is registered
    evidence: tuple[EvidenceView, ...]
    more_evidence: int
    change: Change | None


def key(verdict: Verdict) -> VerdictKey:
    return (
        str(verdict.get("plan", "")),
        str(verdict.get("rule", "")),
        str(verdict.get("agency", "")),
    )


def safe_url(url: Any) -> str:
    """Only http(s) URLs become links; 'javascript:' and friends are dropped."""
    text = str(url or "").strip()
    return text if urlsplit(text).scheme.lower() in ("http", "https") else ""


def _int(value: Any) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def _target_text(verdict: Verdict) -> str:
    low, high = _int(verdict.get("target")), verdict.get("target_max")
    return f"{low}–{_int(high)}" if high not in (None, "") and _int(high) != low else str(low)


def _percent(count: int, target: int, status: str) -> int:
    if target <= 0:
        return 100 if status in ("met", "exempt") else 0
    return max(0, min(100, round(100 * count / target)))


def _evidence(verdict: Verdict) -> list[EvidenceView]:
    details = verdict.get("evidence_details") or [{"url": u} for u in verdict.get("evidence") or []]
    views = [
        EvidenceView(
            title=str(d.get("title") or d.get("url") or "(không có tiêu đề)"),
            url=safe_url(d.get("url")),
            published=vn_date(d.get("published")),
        )
        for d in details
    ]
    views.sort(key=lambda e: to_date_sort(e.published), reverse=True)
    return views


def to_date_sort(ddmmyyyy: str) -> str:
    """Sort key for DD/MM/YYYY strings (newest first when reversed); undated last."""
    return "".join(reversed(ddmmyyyy.split("/"))) if ddmmyyyy else ""


def change_between(verdict: Verdict, previous: Verdict | None) -> Change:
    if previous is None:
        return Change("new", "Mới", None)
    delta = None
    if previous.get("period") == verdict.get("period"):
        delta = _int(verdict.get("count")) - _int(previous.get("count"))
    now, before = rank(str(verdict.get("status"))), rank(str(previous.get("status")))
    if now > before:
        return Change("improved", "Tiến bộ ▲", delta)
    if now < before:
        return Change("worsened", "Xấu đi ▼", delta)
    return Change("same", "Không đổi", delta)


def quota_view(verdict: Verdict, previous: Mapping[VerdictKey, Verdict] | None = None) -> QuotaView:
    status = str(verdict.get("status", "unknown"))
    count, target = _int(verdict.get("count")), _int(verdict.get("target"))
    needed, unit = _int(verdict.get("needed")), str(verdict.get("unit") or "bài")
    due = vn_date(verdict.get("due") or verdict.get("period_end"))
    action = ""
    if needed > 0 and status not in ("met", "exempt"):
        action = f"Cần thêm {needed} {unit}" + (f" trước ngày {due}" if due else "")
    evidence = _evidence(verdict)
    return QuotaView(
        plan=str(verdict.get("plan", "")),
        rule=str(verdict.get("rule", "")),
        agency=str(verdict.get("agency", "")),
        agency_name=str(verdict.get("agency_name") or verdict.get("agency", "")),
        rule_title=str(verdict.get("rule_title") or verdict.get("rule", "")),
        cite=str(verdict.get("cite", "")),
        period=str(verdict.get("period", "")),
        period_text=period_words(str(verdict.get("period", ""))),
        status=status,
        label=label(status),
        count=count,
        target_text=_target_text(verdict),
        unit=unit,
        percent=_percent(count, target, status),
        needed=needed,
        due=due,
        action=action,
        reason=str(verdict.get("reason", "")),
        unreadable=status == "unknown" and not _no_source(verdict),
        no_source=status == "unknown" and _no_source(verdict),
        evidence=tuple(evidence[:MAX_EVIDENCE]),
        more_evidence=max(0, len(evidence) - MAX_EVIDENCE),
        change=None if previous is None else change_between(verdict, previous.get(key(verdict))),
    )


def quota_views(
    verdicts: Iterable[Verdict], prev_verdicts: Iterable[Verdict] | None = None
) -> list[QuotaView]:
    """Views sorted worst first, then by agency name and rule title."""
    previous = None if prev_verdicts is None else {key(v): v for v in prev_verdicts}
    views = [quota_view(v, previous) for v in verdicts]
    views.sort(key=lambda q: (q.label.rank, q.agency_name, q.rule_title))
    return views


def status_counts(views: Iterable[QuotaView]) -> Counter[str]:
    return Counter(v.status for v in views)


def _no_source(verdict: Verdict) -> bool:
    from rules.kinds.base import NO_SOURCE

    return NO_SOURCE in str(verdict.get("reason", ""))
