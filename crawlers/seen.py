"""The seen-URL store: what was fetched, when, with which validators and content hash.

It makes crawls incremental: known article URLs are not requested again unless a feed or sitemap
says they changed or the revisit age has passed, and then only with a conditional GET.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from pathlib import Path

from cchc.vntext import parse_iso_datetime

_SCHEMA = """
CREATE TABLE IF NOT EXISTS seen (
    url TEXT PRIMARY KEY,
    etag TEXT,
    last_modified TEXT,
    content_hash TEXT,
    hint TEXT,
    fetched_at TEXT NOT NULL,
    source_id TEXT,
    is_article INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS seen_by_source ON seen (source_id, is_article, fetched_at)
"""


class Decision(Enum):
    FETCH = "fetch"  # never seen
    REVALIDATE = "revalidate"  # seen, maybe changed: conditional GET
    SKIP = "skip"  # seen and nothing says it changed


@dataclass(frozen=True)
class SeenEntry:
    url: str
    etag: str | None
    last_modified: str | None
    content_hash: str | None
    hint: str | None
    fetched_at: datetime


class SeenStore:
    """One SQLite file per state directory; written only by the crawl process."""

    def __init__(self, path: Path, *, commit_every: int = 200) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        self._db.execute("BEGIN")
        self._pending = 0
        self._commit_every = commit_every

    def get(self, url: str) -> SeenEntry | None:
        row = self._db.execute(
            "SELECT url, etag, last_modified, content_hash, hint, fetched_at FROM seen WHERE url = ?",
            (url,),
        ).fetchone()
        if row is None:
            return None
        return SeenEntry(*row[:5], fetched_at=datetime.fromisoformat(row[5]))

    def decide(
        self, url: str, hint: str | None, now: datetime, revisit_after: timedelta | None
    ) -> Decision:
        """Whether to request ``url``; ``hint`` is the feed/sitemap "updated" date, if any."""
        entry = self.get(url)
        if entry is None:
            return Decision.FETCH
        if hint and _is_newer(hint, entry.hint):
            return Decision.REVALIDATE
        if revisit_after is not None and now - entry.fetched_at >= revisit_after:
            return Decision.REVALIDATE
        return Decision.SKIP

    def record(self, url: str, *, fetched_at: datetime, etag: str | None = None,
               last_modified: str | None = None, content_hash: str | None = None,
               hint: str | None = None, source_id: str | None = None, is_article: bool = False) -> None:  # fmt: skip
        """Remember a fetch; values left ``None`` keep what was stored before (e.g. on a 304)."""
        self._db.execute(
            "INSERT INTO seen (url, etag, last_modified, content_hash, hint, fetched_at, source_id,"
            " is_article) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(url) DO UPDATE SET"
            " etag = coalesce(excluded.etag, etag),"
            " last_modified = coalesce(excluded.last_modified, last_modified),"
            " content_hash = coalesce(excluded.content_hash, content_hash),"
            " hint = coalesce(excluded.hint, hint), fetched_at = excluded.fetched_at,"
            " source_id = coalesce(excluded.source_id, source_id),"
            " is_article = max(excluded.is_article, is_article)",
            (
                url,
                etag,
                last_modified,
                content_hash,
                hint,
                fetched_at.isoformat(),
                source_id,
                is_article,
            ),
        )
        self._pending += 1
        if self._pending >= self._commit_every:
            self.commit()

    def stale_articles(
        self, source_id: str, fetched_before: datetime, limit: int = 500
    ) -> list[str]:
        """Article URLs of a source last fetched before a date (due for a conditional recheck)."""
        rows = self._db.execute(
            "SELECT url FROM seen WHERE source_id = ? AND is_article = 1 AND fetched_at < ?"
            " ORDER BY fetched_at LIMIT ?",
            (source_id, fetched_before.isoformat(), limit),
        )
        return [row[0] for row in rows]

    def commit(self) -> None:
        self._db.execute("COMMIT")
        self._db.execute("BEGIN")
        self._pending = 0

    def close(self) -> None:
        self._db.execute("COMMIT")
        self._db.close()


def _is_newer(hint: str, stored: str | None) -> bool:
    if not stored:
        return True
    new, old = parse_iso_datetime(hint), parse_iso_datetime(stored)
    if new and old:
        return new > old
    return hint != stored
