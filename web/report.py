"""The printable quarterly report, in the shape the plans ask agencies to send:
"Báo cáo kết quả công tác tuyên truyền CCHC quý ...", rolled up province → group → agency.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from web.auth import require_user
from web.catalog import PlanInfo
from web.context import web_of
from web.labels import STATUS, STATUS_ORDER, status_rank
from web.params import choose_plan, ensure_evaluated, parse_day, today
from web.periods import parse_period
from web.verdicts import Cell, select_cells

QUARTER = re.compile(r"^\d{4}-Q[1-4]$")
OTHER_GROUP = ("khac", "Cơ quan, đơn vị khác")


@dataclass
class AgencyPart:
    agency: str
    name: str
    cells: list[Cell]

    @property
    def worst(self) -> int:
        return min((status_rank(c.status) for c in self.cells), default=99)


@dataclass
class GroupPart:
    id: str
    name: str
    agencies: list[AgencyPart] = field(default_factory=list)

    @property
    def totals(self) -> dict[str, int]:
        return _totals(c for a in self.agencies for c in a.cells)


def _totals(cells) -> dict[str, int]:
    counts = dict.fromkeys(STATUS_ORDER, 0)
    for cell in cells:
        counts[cell.status] = counts.get(cell.status, 0) + 1
    return counts


def rollup(info: PlanInfo, cells: list[Cell], quarter: str, as_of: date) -> list[GroupPart]:
    bounds = parse_period(quarter)
    assert bounds is not None
    chosen = select_cells(cells, bounds.start, bounds.end, as_of)
    agencies: dict[str, AgencyPart] = {}
    for (agency, _rule), cell in sorted(chosen.items()):
        agencies.setdefault(agency, AgencyPart(agency, cell.agency_name, [])).cells.append(cell)
    order = list(info.group_names)
    groups: dict[str, GroupPart] = {}
    for part in sorted(agencies.values(), key=lambda a: a.name):
        part.cells.sort(key=lambda c: (status_rank(c.status), c.rule))
        own = [g for g in info.agency_groups.get(part.agency, ()) if g]
        gid, gname = (own[0], info.group_names.get(own[0], own[0])) if own else OTHER_GROUP
        groups.setdefault(gid, GroupPart(gid, gname)).agencies.append(part)
    return sorted(groups.values(), key=lambda g: (order.index(g.id) if g.id in order
                                                  else len(order), g.name))


def report_page(request: Request) -> Response:
    require_user(request)
    web = web_of(request)
    quarter = request.path_params["quarter"]
    if not QUARTER.match(quarter):
        raise HTTPException(404, f"Quý {quarter[:20]!r} không hợp lệ; dạng đúng: 2024-Q3.")
    bounds = parse_period(quarter)
    assert bounds is not None
    with web.sessions() as session:
        info = choose_plan(web, session, request.path_params["plan"])
        if info is None:
            raise HTTPException(404, "Chưa có kế hoạch nào.")
        as_of = parse_day(request.query_params.get("as_of"), "ngày đánh giá")
        if as_of is None:
            stored = web.store.as_of_dates(session, info.id, limit=1)
            as_of = min(bounds.end, stored[0] if stored else today())
        ensure_evaluated(web, session, info, as_of)
        groups = rollup(info, web.store.cells(session, info.id, as_of), quarter, as_of)
    cells = [c for g in groups for a in g.agencies for c in a.cells]
    behind = sorted((c for c in cells if status_rank(c.status) <= 1),
                    key=lambda c: (status_rank(c.status), c.agency_name, c.rule))
    return web.render(request, "report.html", {
        "info": info, "quarter": quarter, "bounds": bounds, "as_of": as_of, "groups": groups,
        "totals": _totals(cells), "total": len(cells), "behind": behind, "STATUS": STATUS,
        "agency_count": sum(len(g.agencies) for g in groups), "made_on": today(),
    })
