"""The store's SQL in bulk: new articles as drafts written by one multi-row insert, lookups by
IN-lists of bounded size, insert-or-skip for rows keyed by a unique id, and the clustering lock.
A batch of hundreds of events costs a few statements instead of a few per event."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import TypeVar

from sqlalchemy import String, bindparam, insert, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from monitor.models import ArticleRow, ProcessedEventRow

IN_CHUNK = 500  # values per IN (...) list, far below every database's parameter limit
T = TypeVar("T")


def in_chunks(values: Sequence[T]) -> Iterator[Sequence[T]]:
    """``values`` in slices of ``IN_CHUNK``, one IN (...) query each."""
    for start in range(0, len(values), IN_CHUNK):
        yield values[start : start + IN_CHUNK]


_DRAFT_COLUMNS = (
    "canonical_url", "url", "title", "text", "published_at", "author", "source_line", "section",
    "kind", "language", "duration_seconds", "agency_id", "attribution", "channel_id", "source_id",
    "hints", "content_sha256", "simhash", "version", "first_seen_at", "updated_at",
)  # fmt: skip


_BOUNDED = {
    column.name: column.type.length
    for column in ArticleRow.__table__.columns
    if isinstance(column.type, String) and column.type.length and column.name != "canonical_url"
}  # canonical URLs are bounded by canonical_url() itself


class Draft:
    """An article first seen in this batch: the fields of an ``ArticleRow`` without the ORM's
    bookkeeping, inserted with the others in one statement."""

    __slots__ = (*_DRAFT_COLUMNS, "id", "cluster_id")

    def __init__(self, canonical_url: str, now: datetime) -> None:
        self.canonical_url, self.first_seen_at = canonical_url, now
        self.id: int | None = None
        self.cluster_id: int | None = None
        self.published_at: datetime | None = None
        self.version = 0

    def values(self) -> dict[str, object]:
        """Column values, bounded texts cut as ``ArticleRow`` cuts them."""
        values = {name: getattr(self, name) for name in _DRAFT_COLUMNS}
        for name, length in _BOUNDED.items():
            value = values[name]
            if isinstance(value, str) and len(value) > length:
                values[name] = value[: length - 1] + "…"
        return values


CLUSTERING_LOCK = 0x43434843  # "CCHC": the PostgreSQL advisory lock of article inserts


def lock_clustering(session: Session) -> None:
    """Until this transaction ends, no other monitor process inserts articles, so this one
    clusters against everything stored (see ``Judge.catch_up``). PostgreSQL: an advisory
    transaction lock. SQLite: the write lock this transaction already holds (it has written
    its processed events), which every other writer waits for."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CLUSTERING_LOCK})


def insert_new(session: Session, model: type, rows: list[dict[str, object]]) -> None:
    """Insert rows, skipping any whose unique key is already stored (or repeated in ``rows``):
    one duplicate must never fail a whole batch on every redelivery."""
    dialect = session.get_bind().dialect.name
    insert_for = postgresql.insert if dialect == "postgresql" else sqlite.insert
    # the table, not the mapped class: a Core executemany, without the ORM's per-row bookkeeping
    session.execute(insert_for(model.__table__).on_conflict_do_nothing(), rows)


def processed_ids(session: Session, event_ids: Iterable[str]) -> set[str]:
    wanted = list(dict.fromkeys(event_ids))
    found: set[str] = set()
    for chunk in in_chunks(wanted):
        found.update(session.scalars(
            select(ProcessedEventRow.event_id).where(ProcessedEventRow.event_id.in_(chunk))))
    return found


def articles_by_url(session: Session, urls: Iterable[str]) -> dict[str, ArticleRow]:
    wanted = sorted(urls)
    found: dict[str, ArticleRow] = {}
    for chunk in in_chunks(wanted):
        for row in session.scalars(select(ArticleRow).where(ArticleRow.canonical_url.in_(chunk))):
            found[row.canonical_url] = row
    return found


def insert_drafts(session: Session, drafts: list[Draft]) -> None:
    """One executemany INSERT (batched into multi-row statements), then the new ids by canonical
    URL (unique): ``RETURNING`` in parameter order would cost one statement per row on SQLite."""
    if not drafts:
        return
    session.execute(insert(ArticleRow.__table__), [draft.values() for draft in drafts])
    by_url = {draft.canonical_url: draft for draft in drafts}
    for chunk in in_chunks(list(by_url)):
        query = select(ArticleRow.canonical_url, ArticleRow.id)
        for url, article_id in session.execute(query.where(ArticleRow.canonical_url.in_(chunk))):
            by_url[url].id = article_id


def write_clusters(session: Session, drafts: list[Draft]) -> None:
    """Cluster ids of new articles, known only once every id is: most are their own cluster."""
    table = ArticleRow.__table__
    alone = [draft.id for draft in drafts if draft.cluster_id == draft.id]
    for chunk in in_chunks(alone):
        session.execute(update(table).where(table.c.id.in_(chunk)).values(cluster_id=table.c.id))
    joined = [{"draft_id": d.id, "draft_cluster": d.cluster_id} for d in drafts
              if d.cluster_id != d.id]
    if joined:
        statement = update(table).where(table.c.id == bindparam("draft_id"))
        session.execute(statement.values(cluster_id=bindparam("draft_cluster")), joined)
