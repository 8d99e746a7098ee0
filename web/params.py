"""Query and path parameters, validated: a bad value is a clear 400/404, never a crash."""

from __future__ import annotations

import re
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException
from starlette.requests import Request

from cchc.vntext import VN_TZ
from monitor.models import EvaluationRow
from web.catalog import PlanInfo
from web.context import WebContext
from web.evaluate import engine_available

ID = re.compile(r"^[a-z0-9][a-z0-9._-]{0,119}$")


def valid_id(value: str, what: str) -> str:
    if not ID.match(value or ""):
        raise HTTPException(404, f"Mã {what} không hợp lệ: chỉ gồm chữ thường, số, '-', '_', '.'.")
    return value


def parse_day(value: str | None, what: str = "ngày") -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise HTTPException(400, f"{what.capitalize()} {value[:20]!r} không hợp lệ; "
                                 "dùng dạng NNNN-TT-NN, ví dụ 2024-08-15.") from None


def today() -> date:
    return datetime.now(VN_TZ).date()


def choose_plan(web: WebContext, session: Session, wanted: str | None) -> PlanInfo | None:
    ids = web.catalog.plan_ids(session)
    if not ids:
        return None
    plan_id = wanted or _latest_evaluated(session) or ids[0]
    info = web.catalog.get(session, valid_id(plan_id, "kế hoạch"))
    if info is None:
        raise HTTPException(404, f"Không có kế hoạch {plan_id!r}.")
    return info


def _latest_evaluated(session: Session) -> str | None:
    """The plan evaluated most recently: what a visitor most likely wants to see first."""
    query = select(EvaluationRow.plan_id).order_by(EvaluationRow.as_of.desc(),
                                                   EvaluationRow.id.desc()).limit(1)
    return session.scalars(query).first()


def choose_as_of(web: WebContext, session: Session, info: PlanInfo, request: Request) -> date:
    """The as-of date asked for (evaluated on demand when nothing is stored for it), else the
    latest stored one, else today."""
    asked = parse_day(request.query_params.get("as_of"), "ngày đánh giá")
    if asked is None:
        stored = web.store.as_of_dates(session, info.id, limit=1)
        asked = stored[0] if stored else today()
    ensure_evaluated(web, session, info, asked)
    return asked


def ensure_evaluated(web: WebContext, session: Session, info: PlanInfo, as_of: date,
                     *, force: bool = False) -> None:
    if info.plan is None or not engine_available():
        return
    if force or not web.store.has(session, info.id, as_of):
        from web.evaluate import evaluate_and_store

        evaluate_and_store(session, [info.plan], as_of)
