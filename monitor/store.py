"""Applies stream events to the database: one article version or health record per event.

Idempotent: an event id already applied, or an article whose content did not change, changes
nothing, so at-least-once delivery never double-counts. A batch of events is applied with a few
queries (processed ids, known articles, their classifications), new articles and their
classifications as multi-row inserts rather than ORM objects, and gives exactly
what applying its events one at a time would.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from isal import igzip, isal_zlib
from sqlalchemy import insert
from sqlalchemy.orm import Session

from cchc.vntext import nfc, parse_iso_datetime
from monitor.assessment import Assessment, Fields
from monitor.bulk import (
    Draft,
    articles_by_url,
    insert_drafts,
    insert_new,
    lock_clustering,
    processed_ids,
    write_clusters,
)
from monitor.canonical import canonical_url
from monitor.ingest import IMPORT_SOURCE
from monitor.judge import Judge
from monitor.models import (
    ArticleRow,
    ClassificationRow,
    ProcessedEventRow,
    SnapshotRow,
    SourceHealthRow,
    fit_text,
)
from stream.events import Envelope

log = logging.getLogger(__name__)
# ISA-L's best level: plain gzip (``gzip.decompress`` reads it), 3x faster to write than zlib's
# default level and ~4% larger on an article page
SNAPSHOT_LEVEL = isal_zlib.ISAL_BEST_COMPRESSION


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


@dataclass
class _Version:
    """One article version of the batch: read first, judged with the others, then settled once
    its row has an id."""

    row: ArticleRow | Draft
    event_id: str
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
        # id(event) -> (event, its NUL-free form, that form's fields): what ``foresee`` read
        self._foreseen: dict[int, tuple[Envelope, Envelope, Fields]] = {}

    def foresee(self, events: Sequence[Envelope]) -> None:
        """Let the helper process (if any) start judging the articles of events about to be
        applied, in the order they will be applied; ``apply_batch`` reuses what was read."""
        self._foreseen = {}
        for event in events:
            if event.type == "article.collected":
                clean = _without_nul(event)
                self._foreseen[id(event)] = (event, clean, fields_of(clean.payload))
        self.judge.foresee([(seen[1].id, seen[2]) for seen in self._foreseen.values()])

    def _read(self, event: Envelope) -> tuple[Envelope, Fields | None]:
        """The event without NULs, and its fields when ``foresee`` read this very event."""
        seen = self._foreseen.pop(id(event), None)
        if seen is not None and seen[0] is event:
            return seen[1], seen[2]
        return _without_nul(event), None

    def apply(self, session: Session, event: Envelope) -> Stored | HealthStored | None:
        return self.apply_batch(session, [event])[0]

    def apply_batch(self, session: Session,
                    events: Sequence[Envelope]) -> list[Stored | HealthStored | None]:
        """What ``apply`` would return for each event in turn."""
        read = [self._read(event) for event in events]
        events = [clean for clean, _fields in read]
        done = processed_ids(session, [event.id for event in events])
        urls = {e.payload["url"] for e in events if e.type == "article.collected"}
        canonical = {url: canonical_url(url) for url in urls}
        known: dict[str, ArticleRow | Draft] = dict(articles_by_url(session, canonical.values()))
        self.judge.prepare(session, [row.id for row in known.values() if row.id is not None])
        versions: dict[int, _Version] = {}
        health: dict[int, HealthStored] = {}
        drafts: list[Draft] = []
        applied: list[dict[str, object]] = []
        for number, (event, fields) in enumerate(read):
            if event.id in done:
                continue
            done.add(event.id)
            applied.append({"event_id": event.id, "processed_at": _now()})
            if event.type == "article.collected":
                version = self._article(known, drafts, event, canonical, fields)
                if version:
                    versions[number] = version
            elif event.type == "source.health":
                health[number] = self._health(session, event.id, event.payload)
        if applied:  # write-only rows go in as one multi-row insert, not as ORM objects
            insert_new(session, ProcessedEventRow, applied)
        self._judge_all(list(versions.values()))
        if versions:
            lock_clustering(session)
            self.judge.catch_up(session)
        insert_drafts(session, drafts)
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
                    version.snapshot = igzip.compress(version.html.encode("utf-8"), SNAPSHOT_LEVEL)

        judged = self.judge.assess_all([v.fields for v in versions], compress,
                                       keys=[v.event_id for v in versions])
        for version, assessment in zip(versions, judged, strict=True):
            assessment.apply_to(version.row)
            version.assessment = assessment

    def _settle_all(self, session: Session, versions: dict[int, _Version], count: int,
                    drafts: list[Draft]) -> list[Stored | None]:
        """Clusters, classifications and snapshots of every version, in event order."""
        results: list[Stored | None] = [None] * count
        classifications: dict[int, dict[str, object]] = {}
        snapshots: list[dict[str, object]] = []
        for number, version in versions.items():
            row, judged = version.row, version.assessment
            assert judged is not None, "versions are judged before they are settled"
            if isinstance(row, Draft):  # its classification is written below, once
                row.cluster_id = self.judge.cluster(session, row.id, judged.simhash,
                                                    row.published_at)
                classifications[row.id] = self.judge.classification(row.id, judged.relevance)
            else:
                self.judge.settle(session, row, judged.relevance, judged.simhash)
            if version.html:
                snapshots.append({"article_id": row.id, "sha256": version.digest,
                                  "fetched_at": version.at,
                                  "html_gz": version.snapshot})
            results[number] = Stored(row.id, row.canonical_url, judged.agency_id,
                                     version.published, judged.relevance.cchc, version.version)
        write_clusters(session, drafts)
        if classifications:
            session.execute(insert(ClassificationRow.__table__), list(classifications.values()))
        if snapshots:  # content that comes back (A, B, A) is a new version, not a new snapshot
            insert_new(session, SnapshotRow, snapshots)
        return results

    def _article(
        self, known: dict[str, ArticleRow | Draft], drafts: list[Draft], event: Envelope,
        canonical_of: dict[str, str], fields: Fields | None,
    ) -> _Version | None:
        payload = event.payload
        url = payload["url"]
        canonical = canonical_of[url]
        html = payload.get("html") or ""
        fields = fields if fields is not None else fields_of(payload)
        digest = hashlib.sha256((html or f"{fields.title}\n{fields.text}").encode("utf-8")).hexdigest()
        row = known.get(canonical)
        if row is not None and row.content_sha256 == digest:
            return None
        if row is not None and payload.get("source_id") == IMPORT_SOURCE and row.source_id not in (
                "", IMPORT_SOURCE):
            # An imported record of a page the crawler stored: the crawled page (its text, its
            # snapshot) is the better evidence; replacing it by a title-only row emptied its text
            # and could turn it "not CCHC".
            return None
        now = _now()
        if row is None:
            row = known[canonical] = Draft(canonical, now)
            drafts.append(row)
        row.url, row.title, row.text, row.content_sha256 = url, fields.title, fields.text, digest
        row.published_at = parse_iso_datetime(payload.get("published")) or row.published_at
        row.author, row.source_line, row.section = fields.author, fields.source_line, fields.section
        row.duration_seconds = fields.duration_seconds
        row.channel_id = payload.get("channel_id") or payload.get("agency_id") or ""
        row.source_id = payload.get("source_id") or ""
        row.hints = fields.hints
        row.version += 1
        row.updated_at = now
        published = row.published_at.isoformat() if row.published_at else None
        return _Version(row, event.id, fields, published, row.version, digest, html, now)

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


def fields_of(payload: dict) -> Fields:
    """What the judgement reads of an ``article.collected`` event, as the store keeps it (short
    fields cut to their columns): the consumer hands it to the helper process before the event
    is applied, and ``cchc reprocess`` later judges the same values."""
    def cut(key: str) -> str:  # as the stored row keeps it, so that reprocessing agrees
        return fit_text(ArticleRow, key, nfc(payload.get(key))) or ""

    return Fields(
        url=payload["url"], title=nfc(payload.get("title")), text=nfc(payload.get("text")),
        section=cut("section"), source_line=cut("source_line"), author=cut("author"),
        duration_seconds=payload.get("duration_seconds"),
        hints={
            "site_owner": payload.get("agency_id") or "",
            "kind": payload.get("kind_hint") or "",
            "language": payload.get("language_hint") or "",
            "declared_agency": payload.get("declared_agency") or "",
        })


def _without_nul(event: Envelope) -> Envelope:
    """PostgreSQL text cannot hold U+0000: one stray NUL failed its whole batch on every retry."""
    if not any(isinstance(v, str) and "\x00" in v for v in event.payload.values()):
        return event
    return replace(event, payload={k: v.replace("\x00", "") if isinstance(v, str) else v
                                   for k, v in event.payload.items()})


def _now() -> datetime:
    return datetime.now(UTC)
