"""Officers' changes: attestations, overrides ("tính / không tính") and exemptions.

Each is role-checked (officer, admin), CSRF-checked, validated with Vietnamese messages, stored,
written to the audit log with who, what and why, and the plan re-evaluated as of today (the
engine counts a change only from the day it was recorded, so past as-of dates stay reproducible).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from monitor.models import ArticleRow, AttestationRow, ExemptionRow, OverrideRow
from web.audit import record
from web.auth import checked_form, require_user, safe_next
from web.context import web_of
from web.params import choose_plan, ensure_evaluated, parse_day, today, valid_id
from web.periods import parse_period
from web.users import EDITORS

MAX_TEXT = 2000


async def attest(request: Request) -> Response:
    user = require_user(request, EDITORS)
    form = await checked_form(request)
    plan, rule, agency = _ids(form)
    what = _text(form, "what", "Nội dung", required=True)
    quantity = _int(form, "quantity", "Số lượng")
    on_date = parse_day(_text(form, "on_date", "Ngày", required=True), "ngày") or date.min
    link = _link(form)
    document_no = _text(form, "document_no", "Số văn bản")[:200]
    return await run_in_threadpool(_save, request, user, plan, "attestation.add", AttestationRow(
        plan_id=plan, rule_id=rule, agency_id=agency, what=what, quantity=quantity,
        document_no=document_no, on_date=on_date, link=link, who=user.label,
        created_at=_now()), {"rule": rule, "agency": agency, "what": what, "quantity": quantity,
                             "document_no": document_no, "on_date": on_date.isoformat(),
                             "link": link}, form)


async def override(request: Request) -> Response:
    user = require_user(request, EDITORS)
    form = await checked_form(request)
    plan = valid_id(str(form.get("plan", "")), "kế hoạch")
    rule = str(form.get("rule", ""))
    if rule:
        valid_id(rule, "quy tắc")
    article_id = _int(form, "article_id", "Mã bài", low=1, high=2**31)
    decision = str(form.get("counts", ""))
    if decision not in ("tinh", "khong-tinh"):
        raise HTTPException(400, "Chọn “tính” hoặc “không tính”.")
    reason = _text(form, "reason", "Lý do", required=True)
    with web_of(request).sessions() as session:
        if session.get(ArticleRow, article_id) is None:
            raise HTTPException(404, f"Không có bài {article_id}.")
    return await run_in_threadpool(_save, request, user, plan, "override.add", OverrideRow(
        article_id=article_id, rule_id=rule, counts=decision == "tinh", reason=reason,
        who=user.label, created_at=_now()), {"article_id": article_id, "rule": rule,
                                             "counts": decision == "tinh", "reason": reason}, form)


async def exempt(request: Request) -> Response:
    user = require_user(request, EDITORS)
    form = await checked_form(request)
    plan, rule, agency = _ids(form)
    period = str(form.get("period", ""))
    if parse_period(period) is None:
        raise HTTPException(400, f"Kỳ {period[:20]!r} không hợp lệ.")
    reason = _text(form, "reason", "Lý do", required=True)
    expires = parse_day(str(form.get("expires", "")), "ngày hết hạn")
    return await run_in_threadpool(_save, request, user, plan, "exemption.add", ExemptionRow(
        plan_id=plan, rule_id=rule, agency_id=agency, period=period, reason=reason,
        who=user.label, expires=expires, created_at=_now()),
        {"rule": rule, "agency": agency, "period": period, "reason": reason,
         "expires": expires.isoformat() if expires else None}, form)


def _save(request: Request, user: Any, plan: str, action: str, row: Any,
          detail: dict[str, Any], form: FormData) -> Response:
    web = web_of(request)
    with web.sessions() as session:
        info = choose_plan(web, session, plan)
        if info is None:
            raise HTTPException(404, f"Không có kế hoạch {plan!r}.")
        session.add(row)
        record(session, user, action, {"plan": info.id, **detail})
        session.commit()
        # Evaluations are reproducible per as-of date: a change recorded today counts from today.
        ensure_evaluated(web, session, info, today(), force=True)
    return RedirectResponse(safe_next(str(form.get("next", "/"))), status_code=303)


def _ids(form: FormData) -> tuple[str, str, str]:
    return (valid_id(str(form.get("plan", "")), "kế hoạch"),
            valid_id(str(form.get("rule", "")), "quy tắc"),
            valid_id(str(form.get("agency", "")), "cơ quan"))


def _text(form: FormData, name: str, label: str, *, required: bool = False) -> str:
    value = str(form.get(name, "")).strip()
    if required and not value:
        raise HTTPException(400, f"{label}: không được để trống.")
    if len(value) > MAX_TEXT:
        raise HTTPException(400, f"{label}: dài quá {MAX_TEXT} ký tự.")
    return value


def _int(form: FormData, name: str, label: str, low: int = 1, high: int = 1_000_000) -> int:
    try:
        value = int(str(form.get(name, "")).strip())
    except ValueError:
        raise HTTPException(400, f"{label}: cần một số nguyên.") from None
    if not low <= value <= high:
        raise HTTPException(400, f"{label}: phải trong khoảng {low}–{high}.")
    return value


def _link(form: FormData) -> str:
    link = str(form.get("link", "")).strip()
    if link and not link.startswith(("http://", "https://")):
        raise HTTPException(400, "Liên kết phải bắt đầu bằng http:// hoặc https://.")
    return link[:MAX_TEXT]


def _now() -> datetime:
    return datetime.now(UTC)
