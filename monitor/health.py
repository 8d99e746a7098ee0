"""Source health as operators read it: per source, the last outcome and recent failures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from rich.table import Table
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from monitor.models import SourceHealthRow, SourceRow


@dataclass(frozen=True)
class SourceStatus:
    source_id: str
    agency_id: str
    url: str
    last_outcome: str
    last_detail: str
    last_at: datetime | None
    failures: int
    attempts: int

    @property
    def last_ok(self) -> bool:
        return self.last_outcome == "ok"


def source_health(session: Session, *, days: int = 30) -> list[SourceStatus]:
    since = datetime.now(UTC) - timedelta(days=days)
    counts = {
        (source_id, ok): n for source_id, ok, n in session.execute(
            select(SourceHealthRow.source_id, SourceHealthRow.outcome == "ok", func.count())
            .where(SourceHealthRow.at >= since)
            .group_by(SourceHealthRow.source_id, SourceHealthRow.outcome == "ok"))
    }
    newest = (select(func.max(SourceHealthRow.id).label("id"))
              .group_by(SourceHealthRow.source_id).subquery())
    latest = {row.source_id: row for row in session.scalars(
        select(SourceHealthRow).join(newest, SourceHealthRow.id == newest.c.id))}
    registered = {row.id: row for row in session.scalars(select(SourceRow))}
    statuses = []
    for source_id in sorted(set(registered) | set(latest)):
        last, known = latest.get(source_id), registered.get(source_id)
        failures = counts.get((source_id, False), 0)
        statuses.append(SourceStatus(
            source_id=source_id,
            agency_id=(known.agency_id if known else last.agency_id),
            url=(known.url if known else last.url),
            last_outcome=last.outcome if last else "never",
            last_detail=last.detail if last else "chưa từng được thu thập",
            last_at=last.at if last else None,
            failures=failures,
            attempts=failures + counts.get((source_id, True), 0),
        ))
    return statuses


def health_table(rows: list[SourceStatus]) -> Table:
    table = Table(title="Tình trạng nguồn", header_style="bold")
    for column in ("Nguồn", "Cơ quan", "Lần gần nhất", "Kết quả", "Lỗi/lượt", "Chi tiết"):
        table.add_column(column, overflow="fold")
    for row in rows:
        style = "green" if row.last_ok else "bold red"
        when = f"{row.last_at:%d/%m/%Y %H:%M}" if row.last_at else "—"
        table.add_row(row.source_id, row.agency_id, when, f"[{style}]{row.last_outcome}[/]",
                      f"{row.failures}/{row.attempts}", row.last_detail[:120])
    return table
