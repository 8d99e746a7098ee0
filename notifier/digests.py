"""Turn a batch of verdicts into the week's messages and deliver them.

Every agency with verdicts and e-mail addresses gets its digest; agencies without addresses are
listed in the report (and in the overview), never silently dropped. Each overseer (Sở Nội vụ)
gets the overview of all agencies.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path

from jinja2 import Environment
from sqlalchemy.orm import Session

from notifier.delivery import DeliveryReport, Outgoing, deliver
from notifier.messages import build_agency_digest, build_overview, build_reminder
from notifier.reminders import DEFAULT_DAYS_BEFORE, due_groups
from notifier.views import Verdict
from rules.model import Agency, Plan

log = logging.getLogger(__name__)

AGENCY_WEEKLY = "agency_weekly"
OVERVIEW_WEEKLY = "overview_weekly"


def week_key(as_of: date) -> str:
    """ISO week of ``as_of``: "2024-W33"."""
    year, week, _ = as_of.isocalendar()
    return f"{year}-W{week:02d}"


def _outgoing(message, kind: str, period: str, agency: Agency) -> Outgoing:
    return Outgoing(tuple(agency.emails), kind, period, message, key=agency.id)


def _group(
    verdicts: Iterable[Verdict], roster: dict[str, Agency], report: DeliveryReport
) -> dict[str, list[Verdict]]:
    grouped: dict[str, list[Verdict]] = defaultdict(list)
    for verdict in verdicts:
        agency_id = str(verdict.get("agency") or "")
        if agency_id not in roster:
            report.problems.append(
                f"Kết quả {verdict.get('plan')}/{verdict.get('rule')} thuộc cơ quan "
                f"{agency_id!r} không có trong danh sách cơ quan: bỏ qua, kiểm tra tệp kế hoạch."
            )
            continue
        grouped[agency_id].append(verdict)
    return grouped


def notify(
    session: Session | None,
    plans: Sequence[Plan],
    verdicts: Iterable[Verdict],
    agencies: Iterable[Agency],
    *,
    as_of: date,
    smtp_url: str | None,
    outbox_dir: Path | None,
    sender: str,
    prev_verdicts: Iterable[Verdict] | None = None,
    env: Environment | None = None,
    retries: int = 3,
    backoff_s: float = 1.0,
) -> DeliveryReport:
    """Build and deliver this week's agency digests and overviews (period key: ISO week)."""
    roster = {a.id: a for a in agencies}
    all_verdicts, previous = list(verdicts), None if prev_verdicts is None else list(prev_verdicts)
    titles = {p.id: p.title for p in plans}
    period, report = week_key(as_of), DeliveryReport()
    grouped = _group(all_verdicts, roster, report)
    prev_grouped = _group(previous or [], roster, DeliveryReport())
    messages: list[Outgoing] = []
    for agency_id, own in sorted(grouped.items()):
        agency = roster[agency_id]
        if not agency.emails:
            report.no_recipients.append(agency_id)
            continue
        try:
            msg = build_agency_digest(
                agency,
                own,
                as_of=as_of,
                sender=sender,
                env=env,
                plan_titles=titles,
                prev_verdicts=None if previous is None else prev_grouped.get(agency_id, []),
            )
        except ValueError as exc:
            report.problems.append(f"Không tạo được báo cáo cho {agency_id}: {exc}")
            continue
        messages.append(_outgoing(msg, AGENCY_WEEKLY, period, agency))
    for overseer in (a for a in roster.values() if a.overseer):
        if not overseer.emails:
            report.no_recipients.append(overseer.id)
            continue
        try:
            msg = build_overview(
                overseer,
                all_verdicts,
                roster.values(),
                as_of=as_of,
                sender=sender,
                prev_verdicts=previous,
                env=env,
                plan_titles=titles,
            )
        except ValueError as exc:
            report.problems.append(f"Không tạo được báo cáo tổng hợp cho {overseer.id}: {exc}")
            continue
        messages.append(_outgoing(msg, OVERVIEW_WEEKLY, period, overseer))
    if report.no_recipients:
        log.warning("agencies without e-mail addresses: %s", ", ".join(report.no_recipients))
    report.merge(
        deliver(
            messages,
            session=session,
            smtp_url=smtp_url,
            outbox_dir=outbox_dir,
            retries=retries,
            backoff_s=backoff_s,
        )
    )
    return report


def notify_reminders(
    session: Session | None,
    verdicts: Iterable[Verdict],
    agencies: Iterable[Agency],
    *,
    as_of: date,
    smtp_url: str | None,
    outbox_dir: Path | None,
    sender: str,
    days_before: Sequence[int] = DEFAULT_DAYS_BEFORE,
    env: Environment | None = None,
    retries: int = 3,
    backoff_s: float = 1.0,
) -> DeliveryReport:
    """The daily check: remind agencies whose unmet quotas are due within ``days_before`` days."""
    roster, report = {a.id: a for a in agencies}, DeliveryReport()
    messages: list[Outgoing] = []
    for group in due_groups(verdicts, as_of=as_of, days_before=days_before):
        agency = roster.get(group.agency)
        if agency is None or not agency.emails:
            report.no_recipients.append(group.agency)
            continue
        try:
            msg = build_reminder(
                agency,
                group.verdicts,
                as_of=as_of,
                days_left=group.days_left,
                sender=sender,
                env=env,
            )
        except ValueError as exc:
            report.problems.append(f"Không tạo được thư nhắc hạn cho {agency.id}: {exc}")
            continue
        messages.append(_outgoing(msg, group.digest_kind, group.due.isoformat(), agency))
    report.merge(
        deliver(
            messages,
            session=session,
            smtp_url=smtp_url,
            outbox_dir=outbox_dir,
            retries=retries,
            backoff_s=backoff_s,
        )
    )
    return report
