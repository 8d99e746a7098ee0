"""Reading stored verdicts (EvaluationRow.result, the JSON of docs/architecture.md "Verdicts").

The matrix needs only a few fields of thousands of verdicts; those are parsed once per
(plan, as-of, state of the table) and kept in memory, so a page view is a cheap aggregate query.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from monitor.models import EvaluationRow
from web.labels import to_date


@dataclass(frozen=True, slots=True)
class Cell:
    """One verdict as the matrix shows it."""

    rule: str
    agency: str
    period: str
    period_start: date
    period_end: date
    count: int
    target: int
    target_max: int | None
    unit: str
    status: str
    needed: int
    due: date | None
    rule_title: str
    rule_kind: str
    agency_name: str
    cite: str = ""

    @classmethod
    def from_result(cls, result: dict[str, Any]) -> Cell:
        return cls(
            rule=result["rule"], agency=result["agency"], period=result["period"],
            period_start=to_date(result["period_start"]) or date.min,
            period_end=to_date(result["period_end"]) or date.max,
            count=int(result.get("count") or 0), target=int(result.get("target") or 0),
            target_max=result.get("target_max"), unit=result.get("unit") or "",
            status=result.get("status") or "unknown", needed=int(result.get("needed") or 0),
            due=to_date(result.get("due")), rule_title=result.get("rule_title") or result["rule"],
            rule_kind=result.get("rule_kind") or "", agency_name=result.get("agency_name")
            or result["agency"], cite=result.get("cite") or "",
        )


class VerdictStore:
    def __init__(self, cache_size: int = 16) -> None:
        self._cache: dict[tuple[str, date], tuple[tuple, list[Cell]]] = {}
        self._lock = threading.Lock()
        self._cache_size = cache_size

    def as_of_dates(self, session: Session, plan: str, limit: int = 60) -> list[date]:
        query = (select(EvaluationRow.as_of).where(EvaluationRow.plan_id == plan).distinct()
                 .order_by(EvaluationRow.as_of.desc()).limit(limit))
        return list(session.scalars(query))

    def has(self, session: Session, plan: str, as_of: date) -> bool:
        return self._stamp(session, plan, as_of)[0] > 0

    def cells(self, session: Session, plan: str, as_of: date) -> list[Cell]:
        stamp = self._stamp(session, plan, as_of)
        key = (plan, as_of)
        with self._lock:
            cached = self._cache.get(key)
            if cached and cached[0] == stamp:
                return cached[1]
        query = select(EvaluationRow.result).where(
            EvaluationRow.plan_id == plan, EvaluationRow.as_of == as_of)
        cells = [Cell.from_result(result) for result in session.scalars(query)]
        with self._lock:
            if len(self._cache) >= self._cache_size:
                self._cache.pop(next(iter(self._cache)))
            self._cache[key] = (stamp, cells)
        return cells

    def results(self, session: Session, plan: str, as_of: date, *, agency: str | None = None,
                rule: str | None = None, period: str | None = None) -> list[dict[str, Any]]:
        """Full verdict objects, ordered by agency, rule, period."""
        query = select(EvaluationRow.result).where(
            EvaluationRow.plan_id == plan, EvaluationRow.as_of == as_of)
        if agency is not None:
            query = query.where(EvaluationRow.agency_id == agency)
        if rule is not None:
            query = query.where(EvaluationRow.rule_id == rule)
        if period is not None:
            query = query.where(EvaluationRow.period == period)
        query = query.order_by(EvaluationRow.agency_id, EvaluationRow.rule_id, EvaluationRow.period)
        return list(session.scalars(query))

    def _stamp(self, session: Session, plan: str, as_of: date) -> tuple:
        query = select(func.count(EvaluationRow.id), func.max(EvaluationRow.id),
                       func.max(EvaluationRow.computed_at)).where(
            EvaluationRow.plan_id == plan, EvaluationRow.as_of == as_of)
        return tuple(session.execute(query).one())


def select_cells(cells: list[Cell], period: date | None, period_end: date | None,
                 as_of: date) -> dict[tuple[str, str], Cell]:
    """One verdict per (agency, rule): the latest-starting period that has begun by ``as_of`` and,
    when a period is chosen (``period``..``period_end``), overlaps it."""
    chosen: dict[tuple[str, str], Cell] = {}
    for cell in cells:
        if cell.period_start > as_of:
            continue
        if period is not None and period_end is not None and (
                cell.period_end < period or cell.period_start > period_end):
            continue
        key = (cell.agency, cell.rule)
        best = chosen.get(key)
        if best is None or (cell.period_start, cell.period) > (best.period_start, best.period):
            chosen[key] = cell
    return chosen
