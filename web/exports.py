"""Auditor exports: the evaluation and its evidence for any as-of date, as CSV or XLSX.

Reproducible: the same as-of date and data give a byte-identical file (rows in a fixed order, the
XLSX's document properties and zip timestamps pinned to the as-of date). Names are
``<plan>_<YYYY-MM-DD>.csv|xlsx`` and are only ever parsed, never used as paths.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from web.auth import require_user
from web.context import web_of
from web.params import choose_plan, ensure_evaluated, today
from web.periods import period_choices
from web.xlsx import workbook_bytes

NAME = re.compile(r"^(?P<plan>[a-z0-9][a-z0-9-]{0,119})_(?P<as_of>\d{4}-\d{2}-\d{2})\."
                  r"(?P<ext>csv|xlsx)$")
VERDICT_FIELDS = ("plan", "plan_sha256", "rule", "cite", "rule_title", "rule_kind", "agency",
                  "agency_name", "period", "period_start", "period_end", "as_of", "count",
                  "target", "target_max", "unit", "status", "needed", "due", "reason")
EVIDENCE_FIELDS = ("article_id", "url", "title", "published", "content_sha256", "counted_as")
COLUMNS = (*VERDICT_FIELDS, *(f"evidence_{name}" for name in EVIDENCE_FIELDS))
MEDIA = {"csv": "text/csv; charset=utf-8",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def export_rows(verdicts: list[dict[str, Any]]) -> list[list[Any]]:
    """One row per verdict × evidence item (one row with empty evidence when there is none)."""
    rows = []
    for verdict in verdicts:
        head = [_cell(verdict.get(name)) for name in VERDICT_FIELDS]
        details = verdict.get("evidence_details") or [{}]
        rows += [head + [_cell(detail.get(name)) for name in EVIDENCE_FIELDS] for detail in details]
    return rows


def to_csv(verdicts: list[dict[str, Any]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(export_rows(verdicts))
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")  # BOM: Excel reads it as UTF-8


def to_xlsx(verdicts: list[dict[str, Any]], plan: str, as_of: date) -> bytes:
    return workbook_bytes(COLUMNS, export_rows(verdicts), plan=plan, as_of=as_of)


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def download(request: Request) -> Response:
    require_user(request)
    match = NAME.match(request.path_params["name"])
    if match is None:
        raise HTTPException(400, "Tên tệp xuất không hợp lệ; dạng đúng: <kế-hoạch>_<NNNN-TT-NN>.csv "
                                 "hoặc .xlsx.")
    try:
        as_of = date.fromisoformat(match["as_of"])
    except ValueError:
        raise HTTPException(400, f"Ngày {match['as_of']} không hợp lệ.") from None
    web = web_of(request)
    with web.sessions() as session:
        info = choose_plan(web, session, match["plan"])
        if info is None or info.id != match["plan"]:
            raise HTTPException(404, f"Không có kế hoạch {match['plan']!r}.")
        ensure_evaluated(web, session, info, as_of)
        verdicts = web.store.results(session, info.id, as_of)
    if not verdicts:
        raise HTTPException(404, f"Không có kết quả đánh giá của {info.id} tại ngày "
                                 f"{as_of:%d/%m/%Y}.")
    body = to_csv(verdicts) if match["ext"] == "csv" else to_xlsx(verdicts, info.id, as_of)
    return Response(body, media_type=MEDIA[match["ext"]], headers={
        "content-disposition": f'attachment; filename="cchc_{match.group(0)}"'})


def exports_page(request: Request) -> Response:
    require_user(request)
    web = web_of(request)
    with web.sessions() as session:
        plans = web.catalog.plan_ids(session)
        info = choose_plan(web, session, request.query_params.get("plan"))
        dates = web.store.as_of_dates(session, info.id) if info else []
    as_of = dates[0] if dates else today()
    return web.render(request, "exports.html", {
        "plans": plans, "info": info, "dates": dates, "as_of": as_of,
        "quarters": [label for label, _ in period_choices(as_of) if "-Q" in label]})
