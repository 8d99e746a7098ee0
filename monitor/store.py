"""Applies stream events to the database: one article version or health record per event.

Idempotent: an event id already applied, or an article whose content did not change, changes
nothing, so at-least-once delivery never double-counts.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from cchc.vntext import nfc, parse_iso_datetime
from monitor.canonical import canonical_url
from monitor.judge import Judge
from monitor.models import ArticleRow, ProcessedEventRow, SnapshotRow, SourceHealthRow
from stream.events import Envelope

log = logging.getLogger(__name__)


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


class EventApplier:
    def __init__(self, judge: Judge) -> None:
        self.judge = judge

    def apply(self, session: Session, event: Envelope) -> Stored | None:
        if session.get(ProcessedEventRow, event.id):
            return None
        session.add(ProcessedEventRow(event_id=event.id, processed_at=_now()))
        if event.type == "article.collected":
            return self._article(session, event.payload)
        if event.type == "source.health":
            self._health(session, event.id, event.payload)
        return None

    def _article(self, session: Session, payload: dict) -> Stored | None:
        url = payload["url"]
        canonical = canonical_url(url)
        html = payload.get("html") or ""
        title, text = nfc(payload.get("title")), nfc(payload.get("text"))
        digest = hashlib.sha256((html or f"{title}\n{text}").encode("utf-8")).hexdigest()
        row = session.scalars(select(ArticleRow).where(ArticleRow.canonical_url == canonical)).first()
        if row is not None and row.content_sha256 == digest:
            return None
        now = _now()
        if row is None:
            row = ArticleRow(canonical_url=canonical, first_seen_at=now, version=0)
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
        session.flush()
        classification = self.judge.apply(session, row)
        if html:
            session.add(SnapshotRow(article_id=row.id, sha256=digest, fetched_at=now,
                                    html_gz=gzip.compress(html.encode("utf-8"))))
        published = row.published_at.isoformat() if row.published_at else None
        return Stored(row.id, canonical, row.agency_id, published, classification.cchc,
                      row.version)

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


def _now() -> datetime:
    return datetime.now(UTC)
