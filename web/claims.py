"""Claims: an agency reports an item the crawlers missed; an officer accepts or rejects it.

Accepted claims are fetched and published as ``article.collected`` events (see ``web.fetch``).
Claims are kept in ``monitor.models.ClaimRow`` (table ``web_claims``, Alembic revision 0002).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from monitor.models import AgencyRow, ClaimRow
from web.audit import record
from web.auth import checked_form, require_user
from web.context import WebContext, web_of
from web.fetch import FetchError, article_payload, fetch_page, publish_article
from web.params import valid_id
from web.users import EDITORS, User

STATES = {"pending": "Chờ xử lý", "accepted": "Đã chấp nhận", "rejected": "Đã từ chối"}


async def claims_page(request: Request) -> Response:
    user = require_user(request)
    web = web_of(request)
    if request.method == "POST":
        form = await checked_form(request)
        url = str(form.get("url", "")).strip()
        agency = user.agency or str(form.get("agency", ""))
        if not url.startswith(("http://", "https://")) or len(url) > 2000:
            raise HTTPException(400, "Địa chỉ bài viết phải bắt đầu bằng http:// hoặc https://.")
        with web.sessions() as session:
            if session.get(AgencyRow, valid_id(agency, "cơ quan")) is None:
                raise HTTPException(400, f"Không có cơ quan {agency!r}.")
            claim = ClaimRow(url=url, agency_id=agency, note=str(form.get("note", ""))[:2000],
                             submitted_by=user.label, submitted_at=datetime.now(UTC))
            session.add(claim)
            session.flush()
            record(session, user, "claim.submit", {"claim": claim.id, "url": url, "agency": agency})
            session.commit()
        return RedirectResponse("/claims", status_code=303)
    with web.sessions() as session:
        claims = session.scalars(select(ClaimRow).order_by(
            (ClaimRow.status != "pending"), ClaimRow.id.desc()).limit(300)).all()
        agencies = session.execute(select(AgencyRow.id, AgencyRow.name)
                                   .order_by(AgencyRow.name)).all()
    return web.render(request, "claims.html", {"claims": claims, "agencies": agencies,
                                               "states": STATES, "can_decide": user.role in EDITORS})


async def accept(request: Request) -> Response:
    user = require_user(request, EDITORS)
    await checked_form(request)
    await run_in_threadpool(_accept, web_of(request), user, request.path_params["claim_id"])
    return RedirectResponse("/claims", status_code=303)


def _accept(web: WebContext, user: User, claim_id: int) -> None:
    """Fetch, extract, publish (blocking: runs in the thread pool)."""
    with web.sessions() as session:
        claim = _pending(session, claim_id)
        try:
            page = fetch_page(claim.url, timeout_s=web.config.fetch_timeout_s,
                              max_bytes=web.config.fetch_max_bytes)
            payload = article_payload(page, claim.agency_id)
        except FetchError as error:
            claim.reason = str(error)
            record(session, user, "claim.fetch_failed", {"claim": claim.id, "error": str(error)})
            session.commit()
            return
        claim.event_id = publish_article(web.config.stream_url, str(web.outbox_path), payload)
        claim.status, claim.title, claim.reason = "accepted", payload["title"], ""
        claim.decided_by, claim.decided_at = user.label, datetime.now(UTC)
        record(session, user, "claim.accept", {"claim": claim.id, "url": payload["url"],
                                               "event_id": claim.event_id})
        session.commit()


async def reject(request: Request) -> Response:
    user = require_user(request, EDITORS)
    form = await checked_form(request)
    reason = str(form.get("reason", "")).strip()
    if not reason:
        raise HTTPException(400, "Lý do từ chối: không được để trống.")
    with web_of(request).sessions() as session:
        claim = _pending(session, request.path_params["claim_id"])
        claim.status, claim.reason = "rejected", reason[:2000]
        claim.decided_by, claim.decided_at = user.label, datetime.now(UTC)
        record(session, user, "claim.reject", {"claim": claim.id, "reason": claim.reason})
        session.commit()
    return RedirectResponse("/claims", status_code=303)


def _pending(session: Session, claim_id: int) -> ClaimRow:
    claim = session.get(ClaimRow, claim_id)
    if claim is None:
        raise HTTPException(404, f"Không có yêu cầu số {claim_id}.")
    if claim.status != "pending":
        raise HTTPException(400, f"Yêu cầu số {claim_id} đã được xử lý ({STATES[claim.status]}).")
    return claim

