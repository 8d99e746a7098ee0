"""Applies stream events to the database: one article version or health record per event.

Idempotent: an event id already applied, or an article whose content did not change, changes
nothing, so at-least-once delivery never double-counts. A batch of events is applied with a few
queries (processed ids, known articles, their classifications) and one flush, and gives exactly
what applying its events one at a time would.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from cchc.vntext import nfc, parse_iso_datetime
from monitor.canonical import canonical_url
from monitor.judge import Judge
from monitor.models import ArticleRow, ProcessedEventRow, SnapshotRow, SourceHealthRow
from monitor.relevance import Relevance
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
class _Version:
    """One article version judged before the batch is flushed, settled once its row has an id."""

    row: ArticleRow
    created: bool  # the row did not exist before this batch
    relevance: Relevance
    signature: int
    agency_id: str | None
    published: str | None
    version: int
    digest: str
    html: str
    at: datetime


class EventApplier:
    def __init__(self, judge: Judge) -> None:
        self.judge = judge

    def apply(self, session: Session, event: Envelope) -> Stored | None:
        return self.apply_batch(session, [event])[0]

    def apply_batch(self, session: Session, events: Sequence[Envelope]) -> list[Stored | None]:
        """What ``apply`` would return for each event in turn."""
        events = [_without_nul(event) for event in events]
        done = _processed(session, [event.id for event in events])
        urls = {canonical_url(e.payload["url"]) for e in events if e.type == "article.collected"}
        known = _articles(session, urls)
        self.judge.prepare(session, [row.id for row in known.values()])
        versions: dict[int, _Version] = {}
        applied: list[dict[str, object]] = []
        for number, event in enumerate(events):
            if event.id in done:
                continue
            done.add(event.id)
            applied.append({"event_id": event.id, "processed_at": _now()})
            if event.type == "article.collected":
                version = self._article(session, known, event.payload)
                if version:
                    versions[number] = version
            elif event.type == "source.health":
                self._health(session, event.id, event.payload)
        if applied:  # write-only rows go in as one multi-row insert, not as ORM objects
            session.execute(insert(ProcessedEventRow), applied)
        if versions:
            session.flush()
        results: list[Stored | None] = [None] * len(events)
        created: set[int] = set()
        snapshots: list[dict[str, object]] = []
        for number, version in versions.items():
            results[number] = self._settle(session, version, created, snapshots)
        if snapshots:
            session.execute(insert(SnapshotRow), snapshots)
        return results

    def _article(
        self, session: Session, known: dict[str, ArticleRow], payload: dict
    ) -> _Version | None:
        url = payload["url"]
        canonical = canonical_url(url)
        html = payload.get("html") or ""
        title, text = nfc(payload.get("title")), nfc(payload.get("text"))
        digest = hashlib.sha256((html or f"{title}\n{text}").encode("utf-8")).hexdigest()
        row = known.get(canonical)
        if row is not None and row.content_sha256 == digest:
            return None
        now = _now()
        created = row is None or row.id is None
        if row is None:
            row = ArticleRow(canonical_url=canonical, first_seen_at=now, version=0)
            known[canonical] = row
            session.add(row)
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
        relevance = self.judge.assess(row)
        published = row.published_at.isoformat() if row.published_at else None
        return _Version(row, created, relevance, row.simhash, row.agency_id, published,
                        row.version, digest, html, now)

    def _settle(self, session: Session, version: _Version, created: set[int],
                snapshots: list[dict[str, object]]) -> Stored:
        """Cluster, classification and snapshot of one version, in event order."""
        row = version.row
        first = version.created and row.id not in created
        created.add(row.id)
        self.judge.settle(session, row, version.relevance, version.signature, new=first)
        if version.html:
            snapshots.append({"article_id": row.id, "sha256": version.digest,
                              "fetched_at": version.at,
                              "html_gz": gzip.compress(version.html.encode("utf-8"))})
        return Stored(row.id, row.canonical_url, version.agency_id, version.published,
                      version.relevance.cchc, version.version)

    @staticmethod
    def _health(session: Session, event_id: str, payload: dict) -> None:
        session.add(SourceHealthRow(
            event_id=event_id,
            source_id=payload["source_id"],
            agency_id=payload.get("agency_id") or "",
            url=payload.get("url") or "",
            outcome=payload["outcome"],
            status=payload.get("status"),
            detail=payload.get("detail") or "",
            at=parse_iso_datetime(payload.get("at")) or _now(),
        ))


def _without_nul(event: Envelope) -> Envelope:
    """PostgreSQL text cannot hold U+0000: one stray NUL failed its whole batch on every retry."""
    if not any(isinstance(v, str) and "\x00" in v for v in event.payload.values()):
        return event
    return replace(event, payload={k: v.replace("\x00", "") if isinstance(v, str) else v
                                   for k, v in event.payload.items()})


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


def _now() -> datetime:
    return datetime.now(UTC)
