"""Read-only pages: the compliance matrix, one agency (with its trend), source health, audit log."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from monitor.models import AgencyRow, AuditLogRow, SourceHealthRow, SourceRow
from web.auth import require_user
from web.context import web_of
from web.drilldown import drilldown_page, snapshot_page, snapshot_raw
from web.labels import STATUS, status_rank
from web.params import choose_as_of, choose_plan, valid_id
from web.periods import parse_period, period_choices, quarter_of
from web.signoff import signoff_states
from web.trend import trend_charts
from web.users import CERTIFIERS, EDITORS
from web.verdicts import select_cells

__all__ = ["agency_page", "audit_page", "drilldown_page", "health_page", "matrix_page",
           "snapshot_page", "snapshot_raw"]


def matrix_page(request: Request) -> Response:
    require_user(request)
    web = web_of(request)
    query = request.query_params
    with web.sessions() as session:
        info = choose_plan(web, session, query.get("plan"))
        if info is None:
            return web.render(request, "empty.html", {})
        as_of = choose_as_of(web, session, info, request)
        period_label = query.get("period", "")
        period = parse_period(period_label) if period_label else None
        if period_label and period is None:
            raise HTTPException(400, f"Kỳ {period_label[:20]!r} không hợp lệ; dùng 2024, 2024-Q3, "
                                     "2024-08 hoặc 2024-W05.")
        status = query.get("status", "")
        if status and status not in STATUS:
            raise HTTPException(400, f"Trạng thái {status[:20]!r} không hợp lệ.")
        cells = web.store.cells(session, info.id, as_of)
        matrix = web.matrices.get(info, cells, as_of, group=query.get("group", ""),
                                  status=status,
                                  period=(period.start, period.end) if period else None)
        signed_period = period_label or quarter_of(as_of)
        signoffs = signoff_states(session, web.store, info.id, signed_period,
                                  [row.agency for row in matrix.rows])
        return web.render(request, "matrix.html", {
            "info": info, "plans": web.catalog.plan_ids(session), "as_of": as_of,
            "as_of_dates": web.store.as_of_dates(session, info.id), "matrix": matrix,
            "period": period_label, "periods": period_choices(as_of), "group": query.get("group", ""),
            "groups": _groups(info), "status": status, "signoffs": signoffs,
            "signed_period": signed_period,
        })


def agency_page(request: Request) -> Response:
    require_user(request)
    web = web_of(request)
    agency = valid_id(request.path_params["agency"], "cơ quan")
    with web.sessions() as session:
        info = choose_plan(web, session, request.path_params["plan"])
        if info is None:
            raise HTTPException(404, "Chưa có kế hoạch nào.")
        as_of = choose_as_of(web, session, info, request)
        results = web.store.results(session, info.id, as_of, agency=agency)
        if not results:
            raise HTTPException(404, f"Không có kết quả đánh giá của cơ quan {agency!r} trong "
                                     f"kế hoạch {info.id} tại ngày {as_of:%d/%m/%Y}.")
        cells = [cell for cell in web.store.cells(session, info.id, as_of) if cell.agency == agency]
        current = sorted(select_cells(cells, None, None, as_of).values(),
                         key=lambda cell: (status_rank(cell.status), cell.rule))
        period = request.query_params.get("period") or quarter_of(as_of)
        if parse_period(period) is None:
            raise HTTPException(400, f"Kỳ {period[:20]!r} không hợp lệ.")
        signoff = signoff_states(session, web.store, info.id, period, [agency]).get(agency)
        return web.render(request, "agency.html", {
            "info": info, "as_of": as_of, "agency": agency, "agency_name": results[0]["agency_name"],
            "current": current, "charts": trend_charts(results, as_of), "period": period,
            "periods": period_choices(as_of), "signoff": signoff,
            "can_certify": request.scope["user"].role in CERTIFIERS,
        })


def health_page(request: Request) -> Response:
    require_user(request)
    web = web_of(request)
    since = datetime.now(UTC) - timedelta(days=7)
    with web.sessions() as session:
        latest = (select(SourceHealthRow.source_id, func.max(SourceHealthRow.id).label("last"))
                  .group_by(SourceHealthRow.source_id).subquery())
        rows = session.scalars(select(SourceHealthRow).join(
            latest, SourceHealthRow.id == latest.c.last)).all()
        failures = dict(session.execute(
            select(SourceHealthRow.source_id, func.count()).where(
                SourceHealthRow.at >= since, SourceHealthRow.outcome != "ok")
            .group_by(SourceHealthRow.source_id)).all())
        names = dict(session.execute(select(AgencyRow.id, AgencyRow.name)).all())
        kinds = dict(session.execute(select(SourceRow.id, SourceRow.kind)).all())
    entries = sorted(({
        "row": row, "agency_name": names.get(row.agency_id, row.agency_id),
        "kind": kinds.get(row.source_id, ""), "failures": failures.get(row.source_id, 0),
    } for row in rows), key=lambda e: (e["row"].outcome == "ok", -e["failures"], e["agency_name"]))
    return web.render(request, "health.html", {"entries": entries})


def audit_page(request: Request) -> Response:
    require_user(request, EDITORS | CERTIFIERS)
    web = web_of(request)
    with web.sessions() as session:
        rows = session.scalars(select(AuditLogRow).order_by(AuditLogRow.id.desc()).limit(300)).all()
    return web.render(request, "audit.html", {"rows": rows})


def _groups(info) -> list[tuple[str, str]]:
    ids = sorted({group for groups in info.agency_groups.values() for group in groups})
    return [(group, info.group_names.get(group, group)) for group in ids]
