"""Applies stream events to the database: one article version or health record per event.

Idempotent: an event id already applied, or an article whose content did not change, changes
nothing, so at-least-once delivery never double-counts. A batch of events is applied with a few
queries (processed ids, known articles, their classifications), new articles and their
classifications as multi-row inserts rather than ORM objects, and gives exactly
what applying its events one at a time would.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from sqlalchemy import String, bindparam, insert, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from cchc.vntext import nfc, parse_iso_datetime
from monitor.assessment import Assessment, Fields
from monitor.canonical import canonical_url
from monitor.judge import Judge
from monitor.models import (
    ArticleRow,
    ClassificationRow,
    ProcessedEventRow,
    SnapshotRow,
    SourceHealthRow,
)
from stream.events import Envelope

log = logging.getLogger(__name__)
_IN_CHUNK = 500  # ids per IN (...) query, far below every database's parameter limit


@dataclass(frozen=True)
class Stored:
    """What changed, for the ``article.stored`` event published after the transaction commits."""

    article_id: int
    canonical_url: str
    agency_id: str | None
    published: str | None
    cchc: bool
    version: int

    def payload(self) -> dict[str, object]:
        return self.__dict__.copy()


@dataclass(frozen=True)
class HealthStored:
    """A fetch outcome, stored: announced so that the rules read the sources' health again
    (a source that cannot be read turns its verdicts "unknown", never "shortfall")."""

    source_id: str
    agency_id: str
    outcome: str
    at: str

    def payload(self) -> dict[str, object]:
        return self.__dict__.copy()


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


class _Draft:
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


@dataclass
class _Version:
    """One article version of the batch: read first, judged with the others, then settled once
    its row has an id."""

    row: ArticleRow | _Draft
    fields: Fields
    published: str | None
    version: int
    digest: str
    html: str
    at: datetime
    assessment: Assessment | None = None
    snapshot: bytes = b""  # the HTML, gzip-compressed


class EventApplier:
    def __init__(self, judge: Judge) -> None:
        self.judge = judge

    def apply(self, session: Session, event: Envelope) -> Stored | HealthStored | None:
        return self.apply_batch(session, [event])[0]

    def apply_batch(self, session: Session,
                    events: Sequence[Envelope]) -> list[Stored | HealthStored | None]:
        """What ``apply`` would return for each event in turn."""
        events = [_without_nul(event) for event in events]
        done = _processed(session, [event.id for event in events])
        urls = {e.payload["url"] for e in events if e.type == "article.collected"}
        canonical = {url: canonical_url(url) for url in urls}
        known: dict[str, ArticleRow | _Draft] = dict(_articles(session, canonical.values()))
        self.judge.prepare(session, [row.id for row in known.values() if row.id is not None])
        versions: dict[int, _Version] = {}
        health: dict[int, HealthStored] = {}
        drafts: list[_Draft] = []
        applied: list[dict[str, object]] = []
        for number, event in enumerate(events):
            if event.id in done:
                continue
            done.add(event.id)
            applied.append({"event_id": event.id, "processed_at": _now()})
            if event.type == "article.collected":
                version = self._article(known, drafts, event.payload, canonical)
                if version:
                    versions[number] = version
            elif event.type == "source.health":
                health[number] = self._health(session, event.id, event.payload)
        if applied:  # write-only rows go in as one multi-row insert, not as ORM objects
            _insert_new(session, ProcessedEventRow, applied)
        self._judge_all(list(versions.values()))
        if versions:
            _lock_clustering(session)
            self.judge.catch_up(session)
        _insert_drafts(session, drafts)
        results: list[Stored | HealthStored | None] = [
            *self._settle_all(session, versions, len(events), drafts)]
        for number, stored in health.items():
            results[number] = stored
        return results

    def _judge_all(self, versions: list[_Version]) -> None:
        """Judge every version's text at once; a row changed twice in the batch ends with the
        judgement of its last version, as when events are applied one by one."""
        def compress() -> None:  # done while the helper process finishes its share
            for version in versions:
                if version.html:
                    version.snapshot = gzip.compress(version.html.encode("utf-8"))

        judged = self.judge.assess_all([v.fields for v in versions], compress)
        for version, assessment in zip(versions, judged, strict=True):
            assessment.apply_to(version.row)
            version.assessment = assessment

    def _settle_all(self, session: Session, versions: dict[int, _Version], count: int,
                    drafts: list[_Draft]) -> list[Stored | None]:
        """Clusters, classifications and snapshots of every version, in event order."""
        results: list[Stored | None] = [None] * count
        classifications: dict[int, dict[str, object]] = {}
        snapshots: list[dict[str, object]] = []
        for number, version in versions.items():
            row, judged = version.row, version.assessment
            assert judged is not None, "versions are judged before they are settled"
            if isinstance(row, _Draft):  # its classification is written below, once
                row.cluster_id = self.judge.cluster(session, row.id, judged.simhash)
                classifications[row.id] = self.judge.classification(row.id, judged.relevance)
            else:
                self.judge.settle(session, row, judged.relevance, judged.simhash)
            if version.html:
                snapshots.append({"article_id": row.id, "sha256": version.digest,
                                  "fetched_at": version.at,
                                  "html_gz": version.snapshot})
            results[number] = Stored(row.id, row.canonical_url, judged.agency_id,
                                     version.published, judged.relevance.cchc, version.version)
        _write_clusters(session, drafts)
        if classifications:
            session.execute(insert(ClassificationRow.__table__), list(classifications.values()))
        if snapshots:  # content that comes back (A, B, A) is a new version, not a new snapshot
            _insert_new(session, SnapshotRow, snapshots)
        return results

    def _article(
        self, known: dict[str, ArticleRow | _Draft], drafts: list[_Draft], payload: dict,
        canonical_of: dict[str, str],
    ) -> _Version | None:
        url = payload["url"]
        canonical = canonical_of[url]
        html = payload.get("html") or ""
        title, text = nfc(payload.get("title")), nfc(payload.get("text"))
        digest = hashlib.sha256((html or f"{title}\n{text}").encode("utf-8")).hexdigest()
        row = known.get(canonical)
        if row is not None and row.content_sha256 == digest:
            return None
        now = _now()
        if row is None:
            row = known[canonical] = _Draft(canonical, now)
            drafts.append(row)
        row.url, row.title, row.text, row.content_sha256 = url, title, text, digest
        row.published_at = parse_iso_datetime(payload.get("published")) or row.published_at
        row.author = nfc(payload.get("author"))
        row.source_line = nfc(payload.get("source_line"))
        row.section = nfc(payload.get("section"))
        row.duration_seconds = payload.get("duration_seconds")
        row.channel_id = payload.get("channel_id") or payload.get("agency_id") or ""
        row.source_id = payload.get("source_id") or ""
        row.hints = {
            "site_owner": payload.get("agency_id") or "",
            "kind": payload.get("kind_hint") or "",
            "language": payload.get("language_hint") or "",
            "declared_agency": payload.get("declared_agency") or "",
        }
        row.version += 1
        row.updated_at = now
        published = row.published_at.isoformat() if row.published_at else None
        return _Version(row, Fields.of(row), published, row.version, digest, html, now)

    @staticmethod
    def _health(session: Session, event_id: str, payload: dict) -> HealthStored:
        row = SourceHealthRow(
            event_id=event_id,
            source_id=payload["source_id"],
            agency_id=payload.get("agency_id") or "",
            url=payload.get("url") or "",
            outcome=payload["outcome"],
            status=payload.get("status"),
            detail=payload.get("detail") or "",
            at=parse_iso_datetime(payload.get("at")) or _now(),
        )
        session.add(row)
        return HealthStored(row.source_id, row.agency_id, row.outcome, row.at.isoformat())


def _without_nul(event: Envelope) -> Envelope:
    """PostgreSQL text cannot hold U+0000: one stray NUL failed its whole batch on every retry."""
    if not any(isinstance(v, str) and "\x00" in v for v in event.payload.values()):
        return event
    return replace(event, payload={k: v.replace("\x00", "") if isinstance(v, str) else v
                                   for k, v in event.payload.items()})


CLUSTERING_LOCK = 0x43434843  # "CCHC": the PostgreSQL advisory lock of article inserts


def _lock_clustering(session: Session) -> None:
    """Until this transaction ends, no other monitor process inserts articles, so this one
    clusters against everything stored (see ``Judge.catch_up``). PostgreSQL: an advisory
    transaction lock. SQLite: the write lock this transaction already holds (it has written
    its processed events), which every other writer waits for."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CLUSTERING_LOCK})


def _insert_new(session: Session, model: type, rows: list[dict[str, object]]) -> None:
    """Insert rows, skipping any whose unique key is already stored (or repeated in ``rows``):
    one duplicate must never fail a whole batch on every redelivery."""
    dialect = session.get_bind().dialect.name
    insert_for = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(insert_for(model).on_conflict_do_nothing(), rows)


def _processed(session: Session, event_ids: Iterable[str]) -> set[str]:
    wanted = list(dict.fromkeys(event_ids))
    found: set[str] = set()
    for start in range(0, len(wanted), _IN_CHUNK):
        chunk = wanted[start : start + _IN_CHUNK]
        found.update(session.scalars(
            select(ProcessedEventRow.event_id).where(ProcessedEventRow.event_id.in_(chunk))))
    return found


def _articles(session: Session, urls: Iterable[str]) -> dict[str, ArticleRow]:
    wanted = sorted(urls)
    found: dict[str, ArticleRow] = {}
    for start in range(0, len(wanted), _IN_CHUNK):
        chunk = wanted[start : start + _IN_CHUNK]
        for row in session.scalars(select(ArticleRow).where(ArticleRow.canonical_url.in_(chunk))):
            found[row.canonical_url] = row
    return found


def _insert_drafts(session: Session, drafts: list[_Draft]) -> None:
    """One executemany INSERT (batched into multi-row statements), then the new ids by canonical
    URL (unique): ``RETURNING`` in parameter order would cost one statement per row on SQLite."""
    if not drafts:
        return
    session.execute(insert(ArticleRow.__table__), [draft.values() for draft in drafts])
    by_url = {draft.canonical_url: draft for draft in drafts}
    urls = list(by_url)
    for start in range(0, len(urls), _IN_CHUNK):
        chunk = urls[start : start + _IN_CHUNK]
        query = select(ArticleRow.canonical_url, ArticleRow.id)
        for url, article_id in session.execute(query.where(ArticleRow.canonical_url.in_(chunk))):
            by_url[url].id = article_id


def _write_clusters(session: Session, drafts: list[_Draft]) -> None:
    """Cluster ids of new articles, known only once every id is: most are their own cluster."""
    table = ArticleRow.__table__
    alone = [draft.id for draft in drafts if draft.cluster_id == draft.id]
    for start in range(0, len(alone), _IN_CHUNK):
        chunk = alone[start : start + _IN_CHUNK]
        session.execute(update(table).where(table.c.id.in_(chunk)).values(cluster_id=table.c.id))
    joined = [{"draft_id": d.id, "draft_cluster": d.cluster_id} for d in drafts
              if d.cluster_id != d.id]
    if joined:
        statement = update(table).where(table.c.id == bindparam("draft_id"))
        session.execute(statement.values(cluster_id=bindparam("draft_cluster")), joined)


def _now() -> datetime:
    return datetime.now(UTC)
