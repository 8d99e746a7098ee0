"""The compliance matrix: agencies × quotas of one plan, worst first, with filters."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import date

from markupsafe import Markup, escape

from web.catalog import PlanInfo
from web.labels import CELL_LABELS, status_rank
from web.verdicts import Cell, select_cells


@dataclass(frozen=True)
class Column:
    rule: str
    title: str
    kind: str


@dataclass
class Row:
    agency: str
    name: str
    groups: tuple[str, ...]
    cells: dict[str, Cell] = field(default_factory=dict)
    html: Markup = field(default_factory=Markup)  # cells escaped once here: faster than Jinja

    @property
    def worst(self) -> int:
        return min((status_rank(cell.status) for cell in self.cells.values()), default=99)

    @property
    def sort_key(self) -> tuple:
        behind = sum(1 for cell in self.cells.values() if status_rank(cell.status) <= 1)
        return (self.worst, -behind, self.name)


@dataclass(frozen=True)
class Matrix:
    columns: list[Column]
    rows: list[Row]
    totals: dict[str, int]


def build_matrix(info: PlanInfo, cells: list[Cell], as_of: date, *,
                 period: tuple[date, date] | None = None, group: str = "",
                 status: str = "") -> Matrix:
    chosen = select_cells(cells, *(period or (None, None)), as_of)
    rows: dict[str, Row] = {}
    titles: dict[str, tuple[str, str]] = {}
    for (agency, rule), cell in chosen.items():
        row = rows.get(agency)
        if row is None:
            row = rows[agency] = Row(agency, cell.agency_name, info.agency_groups.get(agency, ()))
        row.cells[rule] = cell
        titles.setdefault(rule, (cell.rule_title, cell.rule_kind))
    selected = [row for row in rows.values()
                if (not group or group in row.groups)
                and (not status or any(c.status == status for c in row.cells.values()))]
    selected.sort(key=lambda row: row.sort_key)
    order = {rule: position for position, rule in enumerate(info.rule_order)}
    rules = sorted({rule for row in selected for rule in row.cells},
                   key=lambda rule: (order.get(rule, len(order)), rule))
    columns = [Column(rule, *titles[rule]) for rule in rules]
    link = f"/drill/{escape(info.id)}/"
    suffix = f"?as_of={as_of.isoformat()}"
    for row in selected:
        row.html = Markup("").join(_cell_html(row.cells.get(rule), link, row.agency, suffix)
                                   for rule in rules)
    totals: dict[str, int] = {}
    for row in selected:
        for cell in row.cells.values():
            totals[cell.status] = totals.get(cell.status, 0) + 1
    return Matrix(columns, selected, totals)


def _cell_html(cell: Cell | None, link: str, agency: str, suffix: str) -> Markup:
    if cell is None:
        return Markup('<td class="none">—</td>')
    css, words = CELL_LABELS[cell.status]
    href = f"{link}{escape(agency)}/{escape(cell.rule)}/{escape(cell.period)}{suffix}"
    return Markup(f'<td class="cell {css}"><a href="{href}"><span class="n">{cell.count}/'
                  f'{cell.target}</span><span class="w">{escape(words)}</span></a></td>')


class MatrixCache:
    """Built matrices by (cells list, filters): the cells list is replaced whenever the stored
    verdicts change (see ``VerdictStore.cells``), so an entry never outlives its data."""

    def __init__(self, size: int = 32) -> None:
        self._entries: dict[tuple, tuple[list[Cell], Matrix]] = {}
        self._lock = threading.Lock()
        self._size = size

    def get(self, info: PlanInfo, cells: list[Cell], as_of: date, **filters: object) -> Matrix:
        key = (id(cells), info.id, as_of, tuple(sorted(filters.items())))
        with self._lock:
            found = self._entries.get(key)
            if found is not None and found[0] is cells:
                return found[1]
        matrix = build_matrix(info, cells, as_of, **filters)  # type: ignore[arg-type]
        with self._lock:
            if len(self._entries) >= self._size:
                self._entries.pop(next(iter(self._entries)))
            self._entries[key] = (cells, matrix)
        return matrix
