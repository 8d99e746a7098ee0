"""What spiders yield: collected articles and health records, published by the pipeline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


@dataclass
class ArticleItem:
    """An ``article.collected`` v1 payload (see docs/architecture.md)."""

    url: str
    title: str
    text: str
    html: str
    published: str | None
    author: str
    source_line: str
    section: str
    kind_hint: str
    language_hint: str
    duration_seconds: int | None
    agency_id: str
    channel_id: str
    source_id: str
    fetched_at: str
    update: bool = False
    canonical_url: str = ""  # beyond the v1 contract: rel=canonical / og:url of the page

    def payload(self) -> dict[str, Any]:
        return dict(self.__dict__)  # every field is a plain value: no deep copy (asdict) needed


@dataclass
class HealthItem:
    """A ``source.health`` v1 payload: the outcome of one fetch (or of a run of ok fetches, see
    :mod:`crawlers.healthruns`)."""

    source_id: str
    agency_id: str
    url: str
    outcome: str
    status: int | None = None
    detail: str = ""
    at: str = ""

    def payload(self) -> dict[str, Any]:
        data = dict(self.__dict__)
        data["at"] = self.at or now_iso()
        return data
