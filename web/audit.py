"""Every change made through the dashboard is written to the audit log: who, what, why."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from monitor.models import AuditLogRow
from web.users import User


def record(session: Session, user: User, action: str, detail: dict[str, Any]) -> AuditLogRow:
    row = AuditLogRow(at=datetime.now(UTC), who=user.label, action=action,
                      detail={"role": user.role, **detail})
    session.add(row)
    return row
