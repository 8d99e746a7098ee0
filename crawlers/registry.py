"""The source registry (``sources.yaml``): which agency publishes where, and how to read it.

The format is documented in docs/sources.md. Files are checked by :mod:`crawlers.registry_check`
first, so every problem is reported with ``file:line`` before anything is crawled.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from cchc.errors import InputError
from crawlers.registry_check import ARTICLE_KEYS, check_registry_text


@dataclass(frozen=True)
class ArticleOverrides:
    """Per-site selectors that take precedence over the generic article extractor."""

    title: str | None = None
    date: str | None = None
    author: str | None = None
    source_line: str | None = None
    section: str | None = None
    language: str | None = None
    duration: str | None = None


@dataclass(frozen=True)
class Source:
    id: str
    kind: str
    url: str
    agency_id: str
    channel: str
    language: str = ""
    section: str = ""
    links: str | None = None
    next_page: str | None = None
    max_pages: int = 10
    article: ArticleOverrides = field(default_factory=ArticleOverrides)

    @property
    def host(self) -> str:
        return (urlsplit(self.url).hostname or "").lower()


@dataclass(frozen=True)
class Agency:
    id: str
    name: str
    kind: str
    groups: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    sources: tuple[Source, ...] = ()


@dataclass(frozen=True)
class Registry:
    agencies: tuple[Agency, ...]
    path: str = ""

    @property
    def sources(self) -> tuple[Source, ...]:
        return tuple(source for agency in self.agencies for source in agency.sources)

    def source(self, source_id: str) -> Source:
        for source in self.sources:
            if source.id == source_id:
                return source
        raise KeyError(source_id)

    def agency(self, agency_id: str) -> Agency:
        for agency in self.agencies:
            if agency.id == agency_id:
                return agency
        raise KeyError(agency_id)

    def only(self, source_ids: set[str]) -> Registry:
        """The same registry restricted to some sources (used to split a crawl between workers)."""
        agencies = tuple(
            Agency(**{**a.__dict__, "sources": tuple(s for s in a.sources if s.id in source_ids)})
            for a in self.agencies
        )
        return Registry(tuple(a for a in agencies if a.sources), self.path)


def validate_registry_file(path: Path | str) -> list[str]:
    """Every problem in the file as ``file:line: message`` (empty when the file is good)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return [f"{path}:1: không đọc được tệp nguồn tin: {error}"]
    return check_registry_text(text, str(path))


def load_registry(path: Path | str) -> Registry:
    """Load a checked registry; raises :class:`cchc.errors.InputError` listing every problem."""
    problems = validate_registry_file(path)
    if problems:
        raise InputError("\n".join(problems))
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    return Registry(tuple(_agency(item) for item in data["agencies"]), str(path))


def _agency(data: dict[str, Any]) -> Agency:
    return Agency(
        id=data["id"],
        name=data["name"],
        kind=data.get("kind", "other"),
        groups=tuple(data.get("groups") or ()),
        emails=tuple(data.get("emails") or ()),
        aliases=tuple(data.get("aliases") or ()),
        sources=tuple(_source(item, data["id"]) for item in data.get("sources") or ()),
    )


def _source(data: dict[str, Any], agency_id: str) -> Source:
    article = data.get("article") or {}
    return Source(
        id=data["id"],
        kind=data["kind"],
        url=data["url"],
        agency_id=agency_id,
        channel=data.get("channel") or agency_id,
        language=data.get("language") or "",
        section=data.get("section") or "",
        links=data.get("links"),
        next_page=data.get("next_page"),
        max_pages=int(data.get("max_pages", 10)),
        article=ArticleOverrides(**{key: article.get(key) for key in ARTICLE_KEYS}),
    )
