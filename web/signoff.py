"""An auditor's sign-off of one agency × plan × period, and whether it still holds.

A sign-off stores a fingerprint of what was certified: the verdicts of the period (count, status,
evidence and how each item counted), the overrides on those items, the attestations and the
exemptions. If any of them changes later, the fingerprint differs and the pages say
"thay đổi sau khi chứng nhận". Sign-offs are audit-log records (action ``signoff``).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from monitor.models import AttestationRow, AuditLogRow, ExemptionRow, OverrideRow
from web.audit import record
from web.auth import checked_form, require_user, safe_next
from web.context import web_of
from web.labels import to_date
from web.params import choose_plan, parse_day, valid_id
from web.periods import parse_period
from web.users import CERTIFIERS
from web.verdicts import VerdictStore

ACTION = "signoff"


@dataclass(frozen=True)
class SignoffState:
    who: str
    at: datetime
    as_of: str
    note: str
    changed: bool


def fingerprint(session: Session, store: VerdictStore, plan: str, agency: str,
                period: str) -> str:
    bounds = parse_period(period)
    if bounds is None:
        raise ValueError(f"not a period label: {period!r}")
    dates = store.as_of_dates(session, plan, limit=1)
    verdicts = []
    if dates:
        verdicts = [v for v in store.results(session, plan, dates[0], agency=agency)
                    if bounds.start <= (to_date(v["period_start"]) or date.min)
                    and (to_date(v["period_end"]) or date.max) <= bounds.end]
    ids = sorted({d["article_id"] for v in verdicts for d in v.get("evidence_details") or []
                  if d.get("article_id") is not None})
    state = {
        "verdicts": [_verdict_state(v) for v in verdicts],
        "overrides": [[o.id, o.article_id, o.rule_id, o.counts, o.reason] for o in session.scalars(
            select(OverrideRow).where(OverrideRow.article_id.in_(ids)).order_by(OverrideRow.id))],
        "attestations": [[a.id, a.rule_id, a.what, a.quantity, a.document_no, a.on_date.isoformat(),
                          a.link] for a in session.scalars(select(AttestationRow).where(
                              AttestationRow.plan_id == plan, AttestationRow.agency_id == agency,
                              AttestationRow.on_date >= bounds.start,
                              AttestationRow.on_date <= bounds.end).order_by(AttestationRow.id))],
        "exemptions": [[e.id, e.rule_id, e.period, e.reason, str(e.expires)] for e in
                       session.scalars(select(ExemptionRow).where(
                           ExemptionRow.plan_id == plan, ExemptionRow.agency_id == agency)
                           .order_by(ExemptionRow.id)) if _inside(e.period, bounds)],
    }
    return hashlib.sha256(json.dumps(state, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _verdict_state(verdict: dict[str, Any]) -> list[Any]:
    evidence = [[d.get("article_id"), d.get("content_sha256"), d.get("counted_as"), d.get("url")]
                for d in verdict.get("evidence_details") or []]
    return [verdict["rule"], verdict["period"], verdict["count"], verdict["target"],
            verdict["status"], verdict.get("needed"), evidence]


def _inside(label: str, bounds: Any) -> bool:
    period = parse_period(label)
    return period is not None and bounds.start <= period.start and period.end <= bounds.end


def signoff_states(session: Session, store: VerdictStore, plan: str, period: str,
                   agencies: list[str]) -> dict[str, SignoffState]:
    """The latest sign-off of each listed agency for ``plan`` × ``period``, checked against now."""
    wanted = set(agencies)
    latest: dict[str, AuditLogRow] = {}
    for row in session.scalars(select(AuditLogRow).where(AuditLogRow.action == ACTION)
                               .order_by(AuditLogRow.id)):
        detail = row.detail or {}
        if detail.get("plan") == plan and detail.get("period") == period \
                and detail.get("agency") in wanted:
            latest[detail["agency"]] = row
    return {agency: SignoffState(
        who=row.who, at=row.at, as_of=row.detail.get("as_of", ""), note=row.detail.get("note", ""),
        changed=fingerprint(session, store, plan, agency, period) != row.detail.get("fingerprint"),
    ) for agency, row in latest.items()}


async def sign(request: Request) -> Response:
    user = require_user(request, CERTIFIERS)
    form = await checked_form(request)
    web = web_of(request)
    agency = valid_id(str(form.get("agency", "")), "cơ quan")
    period = str(form.get("period", ""))
    if parse_period(period) is None:
        raise HTTPException(400, f"Kỳ {period[:20]!r} không hợp lệ.")
    as_of = parse_day(str(form.get("as_of", "")), "ngày đánh giá")
    note = str(form.get("note", "")).strip()[:2000]
    with web.sessions() as session:
        info = choose_plan(web, session, str(form.get("plan", "")))
        if info is None or as_of is None:
            raise HTTPException(400, "Thiếu kế hoạch hoặc ngày đánh giá.")
        if not web.store.results(session, info.id, as_of, agency=agency):
            raise HTTPException(404, f"Không có kết quả của {agency} để chứng nhận.")
        record(session, user, ACTION, {
            "plan": info.id, "agency": agency, "period": period, "as_of": as_of.isoformat(),
            "note": note, "fingerprint": fingerprint(session, web.store, info.id, agency, period)})
        session.commit()
    return RedirectResponse(safe_next(str(form.get("next", "/"))), status_code=303)
