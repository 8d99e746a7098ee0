"""One agency × rule × period: the count, what is still needed, and the evidence behind it.

Stored snapshots are shown as plain text, or rendered inside a sandboxed iframe (no scripts,
an opaque origin, our CSP), never as live HTML on the dashboard's origin.
"""

from __future__ import annotations

import gzip
import zlib
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from cchc.vntext import VN_TZ
from monitor.models import ArticleRow, AttestationRow, ExemptionRow, OverrideRow, SnapshotRow
from web.auth import require_user
from web.context import web_of
from web.labels import ATTESTABLE
from web.params import choose_as_of, choose_plan, today, valid_id
from web.periods import parse_period
from web.signoff import signoff_states
from web.users import CERTIFIERS, EDITORS

SNAPSHOT_CSP = ("default-src 'none'; style-src 'self' 'unsafe-inline'; frame-src 'self'; "
                "frame-ancestors 'self'; base-uri 'none'; form-action 'none'")
TEXT_CSP = "default-src 'none'; sandbox"


def drilldown_page(request: Request) -> Response:
    require_user(request)
    web = web_of(request)
    params = request.path_params
    agency, rule = valid_id(params["agency"], "cơ quan"), valid_id(params["rule"], "quy tắc")
    period = params["period"]
    if parse_period(period) is None:
        raise HTTPException(404, f"Kỳ {period[:20]!r} không hợp lệ.")
    with web.sessions() as session:
        info = choose_plan(web, session, params["plan"])
        if info is None:
            raise HTTPException(404, "Chưa có kế hoạch nào.")
        as_of = choose_as_of(web, session, info, request)
        found = web.store.results(session, info.id, as_of, agency=agency, rule=rule, period=period)
        if not found:
            raise HTTPException(404, f"Không có kết quả cho {agency} × {rule} × {period} tại ngày "
                                     f"{as_of:%d/%m/%Y}. Chọn ngày đánh giá khác.")
        verdict = found[0]
        user = request.scope["user"]
        evidence = _evidence(session, verdict)
        attestations = _attestations(session, info.id, rule, agency)
        exemptions = session.scalars(select(ExemptionRow).where(
            ExemptionRow.plan_id == info.id, ExemptionRow.rule_id == rule,
            ExemptionRow.agency_id == agency, ExemptionRow.period == period)).all()
        return web.render(request, "drilldown.html", {
            "info": info, "as_of": as_of, "v": verdict, **evidence,
            "attestations": attestations, "exemptions": exemptions, "today": today(),
            "later": _recorded_after(as_of, [*attestations, *exemptions, *evidence["overrides"]]),
            "signoff": signoff_states(session, web.store, info.id, period, [agency]).get(agency),
            "can_edit": user.role in EDITORS, "can_certify": user.role in CERTIFIERS,
            "attestable": verdict.get("rule_kind") in ATTESTABLE,
        })


def _evidence(session: Session, verdict: dict[str, Any]) -> dict[str, Any]:
    details = verdict.get("evidence_details") or []
    ids = {d["article_id"] for d in details if d.get("article_id") is not None}
    ids |= {d["article_id"] for d in verdict.get("duplicates") or []}
    articles = {row.id: row for row in session.scalars(
        select(ArticleRow).where(ArticleRow.id.in_(ids)))} if ids else {}
    snapshots = dict(session.execute(select(SnapshotRow.article_id, func.max(SnapshotRow.id))
                                     .where(SnapshotRow.article_id.in_(ids))
                                     .group_by(SnapshotRow.article_id)).all()) if ids else {}
    overrides = session.scalars(select(OverrideRow).where(OverrideRow.article_id.in_(ids))
                                .order_by(OverrideRow.id)).all() if ids else []
    rows = [{**d, "source": _source(articles.get(d.get("article_id"))),
             "snapshot": snapshots.get(d.get("article_id"))} for d in details]
    return {"evidence": rows, "duplicates": verdict.get("duplicates") or [],
            "overrides": [o for o in overrides if o.rule_id in ("", verdict["rule"])]}


def _recorded_after(as_of: date, rows: list[Any]) -> bool:
    """Whether some change was recorded after ``as_of``: it counts only in later evaluations."""
    cutoff = datetime.combine(as_of + timedelta(days=1), time(), VN_TZ)
    return any(_aware(row.created_at) >= cutoff for row in rows)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _source(article: ArticleRow | None) -> str:
    if article is None:
        return ""
    return article.attribution or article.channel_id or article.source_id


def _attestations(session: Session, plan: str, rule: str, agency: str) -> list[AttestationRow]:
    return list(session.scalars(select(AttestationRow).where(
        AttestationRow.plan_id == plan, AttestationRow.rule_id == rule,
        AttestationRow.agency_id == agency).order_by(AttestationRow.on_date, AttestationRow.id)))


def snapshot_page(request: Request) -> Response:
    require_user(request)
    web = web_of(request)
    with web.sessions() as session:
        snapshot, article = _snapshot(session, request.path_params["article_id"],
                                      request.query_params.get("sha"))
        html = _html(snapshot)
    response = web.render(request, "snapshot.html",
                          {"article": article, "snapshot": snapshot, "html": html})
    response.headers["content-security-policy"] = SNAPSHOT_CSP
    return response


def snapshot_raw(request: Request) -> Response:
    require_user(request)
    with web_of(request).sessions() as session:
        snapshot, _article = _snapshot(session, request.path_params["article_id"],
                                       request.query_params.get("sha"))
        text = _html(snapshot)
    return Response(text, media_type="text/plain; charset=utf-8", headers={
        "content-security-policy": TEXT_CSP, "content-disposition": "inline"})


def _snapshot(session: Session, article_id: int,
              sha256: str | None = None) -> tuple[SnapshotRow, ArticleRow]:
    """The version a verdict counted (by its hash), or the latest one."""
    article = session.get(ArticleRow, article_id)
    query = select(SnapshotRow).where(SnapshotRow.article_id == article_id)
    if sha256:
        query = query.where(SnapshotRow.sha256 == sha256)
    snapshot = session.scalars(query.order_by(SnapshotRow.id.desc()).limit(1)).first()
    if article is None or snapshot is None:
        raise HTTPException(404, f"Không có bản lưu của bài {article_id}.")
    return snapshot, article


def _html(snapshot: SnapshotRow) -> str:
    try:
        return gzip.decompress(snapshot.html_gz).decode("utf-8", errors="replace")
    except (OSError, EOFError, zlib.error):
        raise HTTPException(500, "Bản lưu bị hỏng, không giải nén được.") from None
