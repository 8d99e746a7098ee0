"""One page in, one article record out. Runs in extraction worker processes, so it takes and
returns plain picklable values and parses the HTML once for metadata and main text."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import trafilatura
from parsel import Selector

from cchc.vntext import nfc
from crawlers.extract import hints, metadata
from crawlers.extract.jsonld import json_ld_objects, main_object
from crawlers.registry import ArticleOverrides

# Measured on the AEB corpus (bench/crawl_bench.py): precision without comments scores best.
TRAFILATURA_OPTIONS: dict[str, Any] = {
    "favor_precision": True,
    "include_comments": False,
    "include_tables": True,
    "deduplicate": False,
}


@dataclass(frozen=True)
class PageContext:
    """What the registry knows about the page before it is read."""

    url: str
    source_kind: str = "listing"
    section: str = ""
    language: str = ""
    overrides: ArticleOverrides = field(default_factory=ArticleOverrides)


def main_text(document: Any, url: str) -> str:
    """The article body via trafilatura (``document`` is HTML text or a parsed lxml tree)."""
    return nfc(trafilatura.extract(document, url=url, **TRAFILATURA_OPTIONS))


def extract_article(html: str, context: PageContext) -> dict[str, Any]:
    """Fields of an ``article.collected`` payload that come from the page itself."""
    selector = Selector(text=html or "<html></html>", type="html")
    objects = json_ld_objects(selector)
    main = main_object(objects)
    overrides = context.overrides
    page_title = metadata.title(selector, main, overrides)
    section = metadata.section(selector, objects, main, page_title, overrides, context.section)
    page_text = metadata.body_text(selector, scripts=False)
    lines = metadata.text_lines(selector)
    published = metadata.published(selector, main, overrides, page_title)
    body = main_text(selector.root, context.url)
    return {
        "canonical_url": metadata.canonical_url(selector, context.url),
        "title": page_title,
        "text": body,
        "published": published.isoformat() if published else None,
        "author": metadata.author(selector, main, lines, overrides),
        "source_line": metadata.source_line(selector, lines, overrides),
        "section": section,
        "kind_hint": hints.kind_hint(main, context.source_kind),
        "language_hint": hints.language_hint(
            selector, main, overrides.language, context.language, page_text
        ),
        "duration_seconds": hints.duration_seconds(selector, main, overrides.duration, page_text),
    }
