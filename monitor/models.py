"""Database tables (SQLAlchemy 2.x). Alembic migrations in ``monitor/migrations`` follow these.

Timestamps are stored in UTC (timezone-aware columns); periods are computed in
Asia/Ho_Chi_Minh by the rules engine.
"""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, validates
from sqlalchemy.types import TypeDecorator


class UtcDateTime(TypeDecorator):
    """Aware datetimes in, aware UTC datetimes out, on every database (SQLite keeps no offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: give a timezone")
        return value.astimezone(UTC) if dialect.name != "sqlite" else (
            value.astimezone(UTC).replace(tzinfo=None))

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    pass


def fit_text(row: Base | type[Base], key: str, value: str | None) -> str | None:
    """Cut a text to its column's length: PostgreSQL refuses a longer value and would fail the
    whole batch on every retry (SQLite never complains, so only production would see it)."""
    length = _column_length(row.__table__, key)
    if value is None or length is None or len(value) <= length:
        return value
    return value[: length - 1] + "…"


@functools.cache
def _column_length(table: Table, key: str) -> int | None:
    """A column's length, looked up once: the store cuts several fields of every article."""
    return table.c[key].type.length


class AgencyRow(Base):
    __tablename__ = "agencies"
    id: Mapped[str] = mapped_column(String(120), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(40))
    groups: Mapped[list] = mapped_column(JSON, default=list)
    aliases: Mapped[list] = mapped_column(JSON, default=list)
    emails: Mapped[list] = mapped_column(JSON, default=list)


class SourceRow(Base):
    """One channel of an agency that a crawler reads (feed, listing page, sitemap, programme)."""

    __tablename__ = "sources"
    id: Mapped[str] = mapped_column(String(160), primary_key=True)
    agency_id: Mapped[str] = mapped_column(String(120), index=True)
    channel: Mapped[str] = mapped_column(String(160), default="")
    kind: Mapped[str] = mapped_column(String(40))
    url: Mapped[str] = mapped_column(Text)


class ArticleRow(Base):
    __tablename__ = "articles"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    canonical_url: Mapped[str] = mapped_column(String(2000), unique=True)
    url: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
    author: Mapped[str] = mapped_column(String(300), default="")
    source_line: Mapped[str] = mapped_column(String(300), default="")
    section: Mapped[str] = mapped_column(String(300), default="")
    kind: Mapped[str] = mapped_column(String(40), default="tin")
    language: Mapped[str] = mapped_column(String(16), default="vi")
    duration_seconds: Mapped[int | None] = mapped_column(Integer)
    agency_id: Mapped[str | None] = mapped_column(String(120), index=True)
    attribution: Mapped[str] = mapped_column(String(300), default="")
    channel_id: Mapped[str] = mapped_column(String(160), default="")
    source_id: Mapped[str] = mapped_column(String(160), default="")
    hints: Mapped[dict] = mapped_column(JSON, default=dict)  # crawler hints kept for reprocessing
    content_sha256: Mapped[str] = mapped_column(String(64), default="")
    simhash: Mapped[int] = mapped_column(BigInteger, default=0)  # signed 64-bit
    cluster_id: Mapped[int | None] = mapped_column(Integer, index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    first_seen_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)

    @validates("author", "source_line", "section", "kind", "language", "agency_id",
               "attribution", "channel_id", "source_id")
    def _fit_text(self, key: str, value: str | None) -> str | None:
        return fit_text(self, key, value)


class SnapshotRow(Base):
    """The fetched HTML of an article version, gzip-compressed, for auditors."""

    __tablename__ = "snapshots"
    __table_args__ = (UniqueConstraint("article_id", "sha256"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    html_gz: Mapped[bytes] = mapped_column(LargeBinary)
    fetched_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ClassificationRow(Base):
    __tablename__ = "classifications"
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), primary_key=True)
    cchc: Mapped[bool] = mapped_column(Boolean)
    score: Mapped[float] = mapped_column(Float)
    threshold: Mapped[float] = mapped_column(Float)
    evidence: Mapped[list] = mapped_column(JSON, default=list)
    model_version: Mapped[str] = mapped_column(String(40))
    classified_at: Mapped[datetime] = mapped_column(UtcDateTime)


class SourceHealthRow(Base):
    __tablename__ = "source_health"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(64), unique=True)
    source_id: Mapped[str] = mapped_column(String(160), index=True)
    agency_id: Mapped[str] = mapped_column(String(120), index=True)
    url: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(String(40))
    status: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)

    @validates("source_id", "agency_id", "outcome")
    def _fit_text(self, key: str, value: str | None) -> str | None:
        return fit_text(self, key, value)


class ProcessedEventRow(Base):
    """Ids of stream events already applied: a redelivered event changes nothing."""

    __tablename__ = "processed_events"
    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    processed_at: Mapped[datetime] = mapped_column(UtcDateTime)


class EvaluationRow(Base):
    __tablename__ = "evaluations"
    __table_args__ = (UniqueConstraint("plan_id", "rule_id", "agency_id", "period", "as_of"),
                      Index("ix_evaluations_plan_as_of", "plan_id", "as_of"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    plan_id: Mapped[str] = mapped_column(String(120))
    plan_sha256: Mapped[str] = mapped_column(String(64))
    rule_id: Mapped[str] = mapped_column(String(120))
    agency_id: Mapped[str] = mapped_column(String(120), index=True)
    period: Mapped[str] = mapped_column(String(20))
    as_of: Mapped[date] = mapped_column(Date)
    count: Mapped[int] = mapped_column(Integer)
    target: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20))
    result: Mapped[dict] = mapped_column(JSON)
    computed_at: Mapped[datetime] = mapped_column(UtcDateTime)


class NotificationRow(Base):
    """The ledger: one row per (recipient, digest kind, period); sent at most once."""

    __tablename__ = "notifications"
    __table_args__ = (UniqueConstraint("recipient", "digest_kind", "period"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    recipient: Mapped[str] = mapped_column(String(300))
    digest_kind: Mapped[str] = mapped_column(String(40))
    period: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20))  # pending | sent | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    message_id: Mapped[str] = mapped_column(String(300), default="")
    last_error: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class AttestationRow(Base):
    __tablename__ = "attestations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    plan_id: Mapped[str] = mapped_column(String(120))
    rule_id: Mapped[str] = mapped_column(String(120))
    agency_id: Mapped[str] = mapped_column(String(120))
    what: Mapped[str] = mapped_column(Text)
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    document_no: Mapped[str] = mapped_column(String(200), default="")
    on_date: Mapped[date] = mapped_column(Date)
    link: Mapped[str] = mapped_column(Text, default="")
    who: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class OverrideRow(Base):
    """An officer's decision that an article does / does not count (for one rule or all)."""

    __tablename__ = "overrides"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), index=True)
    rule_id: Mapped[str] = mapped_column(String(120), default="")  # "" = every rule
    counts: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str] = mapped_column(Text)
    who: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ExemptionRow(Base):
    __tablename__ = "exemptions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    plan_id: Mapped[str] = mapped_column(String(120))
    rule_id: Mapped[str] = mapped_column(String(120))
    agency_id: Mapped[str] = mapped_column(String(120))
    period: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text)
    who: Mapped[str] = mapped_column(String(200))
    expires: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class AuditLogRow(Base):
    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    who: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(80))
    detail: Mapped[dict] = mapped_column(JSON)


class ClaimRow(Base):
    """An item an agency says the crawlers missed; counted once an officer accepts it."""

    __tablename__ = "web_claims"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    url: Mapped[str] = mapped_column(Text)
    agency_id: Mapped[str] = mapped_column(String(120), index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    submitted_by: Mapped[str] = mapped_column(String(200))
    submitted_at: Mapped[datetime] = mapped_column(UtcDateTime)
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    decided_by: Mapped[str] = mapped_column(String(200), default="")
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    reason: Mapped[str] = mapped_column(Text, default="")  # why rejected, or the last fetch error
    event_id: Mapped[str] = mapped_column(String(64), default="")
    title: Mapped[str] = mapped_column(Text, default="")
