"""The notification ledger: one ``NotificationRow`` per (recipient, digest kind, period).

Protocol, so that a restart or a retry never sends the same digest twice:

1. ``claim``: insert or take over the row as ``pending``, fix its Message-ID and count the first
   attempt (one commit); a row already ``sent`` is skipped.
2. send; ``record_attempt`` (committed) before each further try.
3. ``mark_sent`` / ``mark_failed`` (committed).

The one window left is a crash after the server accepted the message and before ``mark_sent``
committed: the row stays ``pending`` with ``attempts > 0``. Once it is older than ``stale_after``
the next run takes it over and sends again **with the same Message-ID**, and reports it as
``resumed``: the duplicate is detectable in the mail server log and most mail clients fold two
messages with one Message-ID into one. A ``pending`` row younger than ``stale_after`` belongs to
another sender that is still running and is left alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from monitor.models import NotificationRow

DEFAULT_STALE_AFTER = timedelta(minutes=15)


@dataclass(frozen=True)
class Claim:
    row_id: int
    message_id: str  # use this Message-ID: a resumed claim keeps the one first recorded
    resumed: bool  # a previous run claimed it and never confirmed: maybe already delivered


@dataclass(frozen=True)
class Refusal:
    reason: str  # "sent" (already delivered) or "busy" (another sender holds it)
    message_id: str


def _utc(value: datetime) -> datetime:
    """SQLite returns naive datetimes for timezone-aware columns; they were stored as UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _find(session: Session, recipient: str, kind: str, period: str) -> NotificationRow | None:
    return session.scalars(
        select(NotificationRow).where(
            NotificationRow.recipient == recipient,
            NotificationRow.digest_kind == kind,
            NotificationRow.period == period,
        )
    ).first()


def claim(
    session: Session,
    recipient: str,
    kind: str,
    period: str,
    message_id: str,
    *,
    now: datetime | None = None,
    stale_after: timedelta = DEFAULT_STALE_AFTER,
) -> Claim | Refusal:
    now = now or datetime.now(UTC)
    row = _find(session, recipient, kind, period)
    if row is None:
        row = NotificationRow(
            recipient=recipient,
            digest_kind=kind,
            period=period,
            status="pending",
            attempts=1,
            message_id=message_id,
            last_error="",
            updated_at=now,
        )
        session.add(row)
        try:
            session.commit()
        except IntegrityError:  # another sender inserted it first
            session.rollback()
            return Refusal("busy", "")
        return Claim(row.id, row.message_id, resumed=False)
    if row.status == "sent":
        return Refusal("sent", row.message_id)
    resumed = row.status == "pending" and row.attempts > 0
    if row.status == "pending" and now - _utc(row.updated_at) < stale_after:
        return Refusal("busy", row.message_id)
    row.status, row.updated_at, row.attempts = "pending", now, row.attempts + 1
    row.message_id = row.message_id or message_id
    session.commit()
    return Claim(row.id, row.message_id, resumed=resumed)


def _update(session: Session, claimed: Claim, **values: object) -> None:
    row = session.get(NotificationRow, claimed.row_id)
    if row is None:  # deleted by an operator meanwhile: nothing to record against
        return
    for name, value in values.items():
        setattr(row, name, value)
    row.updated_at = datetime.now(UTC)
    session.commit()


def record_attempt(session: Session, claimed: Claim) -> None:
    row = session.get(NotificationRow, claimed.row_id)
    _update(session, claimed, attempts=(row.attempts if row else 0) + 1)


def mark_sent(session: Session, claimed: Claim) -> None:
    _update(session, claimed, status="sent", last_error="")


def mark_failed(session: Session, claimed: Claim, error: str) -> None:
    _update(session, claimed, status="failed", last_error=error[:2000])


def pending_retries(session: Session, period: str) -> int:
    """How many digests of ``period`` are not delivered yet: failed, or left pending by a crash."""
    return session.scalar(
        select(func.count()).select_from(NotificationRow).where(
            NotificationRow.period == period, NotificationRow.status.in_(("failed", "pending")))
    ) or 0
