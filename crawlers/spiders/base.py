"""What every source spider shares: requests tagged with their source, health records for every
fetch, the incremental decision for article URLs, and reading one article page."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urldefrag

from scrapy import Request, Spider
from scrapy.http import Response
from twisted.python.failure import Failure

from crawlers.context import CrawlContext
from crawlers.extract.article import PageContext
from crawlers.extract.encoding import decode_body
from crawlers.items import ArticleItem, HealthItem, now_iso
from crawlers.outcomes import classify
from crawlers.publisher import EventPublisher
from crawlers.registry import Source
from crawlers.seen import Decision

_BINARY_TYPES = ("image/", "audio/", "video/", "font/", "application/pdf", "application/zip",
                 "application/octet-stream", "application/msword", "application/vnd.")  # fmt: skip


class SourceSpiderBase(Spider):
    """Request ``meta`` carries ``source`` (the registry entry), ``site_host`` (for the scope
    middleware), ``seen_url`` and ``revalidate`` (for conditional GET)."""

    context: CrawlContext
    publisher: EventPublisher

    def _set_crawler(self, crawler: Any) -> None:
        super()._set_crawler(crawler)
        self.context = CrawlContext.of(crawler)
        self.publisher = EventPublisher.of(crawler)
        self._requested: set[str] = set()

    # -- requests -------------------------------------------------------------------------------

    def source_request(self, source: Source, url: str, callback: Any, **meta: Any) -> Request:
        """A feed/sitemap/listing page: always re-read, but conditionally (ETag / Last-Modified)."""
        meta = {
            "source": source,
            "site_host": source.host,
            "seen_url": url,
            "revalidate": True,
            **meta,
        }
        return Request(url, callback=callback, errback=self.on_error, meta=meta, dont_filter=True)

    def article_requests(self, source: Source, links: Iterable[tuple[str, str | None]],
                         **meta: Any) -> Iterator[Request]:  # fmt: skip
        """Requests for article links the seen-URL store does not rule out; ``hint`` is the
        "updated" date a feed or sitemap gave for the link, if any."""
        now = datetime.now(UTC)
        for link, hint in links:
            url = urldefrag(link)[0]
            if not url.startswith(("http://", "https://")) or url in self._requested:
                continue
            self._requested.add(url)
            decision = self.context.seen.decide(url, hint, now, self.context.revisit_after)
            if decision is Decision.SKIP:
                self.crawler.stats.inc_value("cchc/articles_skipped_seen")
                continue
            yield Request(url, callback=self.parse_article, errback=self.on_error, dont_filter=True,
                          meta={"source": source, "site_host": source.host, "seen_url": url,
                                "revalidate": decision is Decision.REVALIDATE, "hint": hint,
                                **meta})  # fmt: skip

    # -- health ---------------------------------------------------------------------------------

    def health(self, response: Response, outcome: str, detail: str = "") -> None:
        """Record the outcome of a fetch. Published straight away, not yielded as an item: a
        health record needs none of the item machinery, which cost more than the record."""
        source: Source = response.meta["source"]
        self.publisher.health(HealthItem(source_id=source.id, agency_id=source.agency_id,
                                         url=response.url, outcome=outcome,
                                         status=response.status, detail=detail))  # fmt: skip

    def on_error(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        source: Source = request.meta["source"]
        outcome, status, detail = classify(failure)
        self.crawler.stats.inc_value(f"cchc/health/{outcome}")
        self.publisher.health(HealthItem(source_id=source.id, agency_id=source.agency_id,
                                         url=request.url, outcome=outcome, status=status,
                                         detail=detail))  # fmt: skip

    def binary_reason(self, response: Response, body: bytes | None = None) -> str:
        """Why this response is not a text page, or "" when it is one."""
        content_type = response.headers.get(b"Content-Type", b"").decode("latin-1").lower()
        if content_type.startswith(_BINARY_TYPES) and not content_type.startswith(
            "application/vnd.google"
        ):
            return f"nội dung nhị phân ({content_type}), không phải trang văn bản"
        if b"\x00" in (response.body if body is None else body)[:2048]:
            return "nội dung có byte NUL: tệp nhị phân, không phải trang văn bản"
        return ""

    def revisits(self, response: Response) -> Iterator[Request]:
        """With a revisit age set, known articles of the source due for a recheck are requested
        conditionally, even when the source's own page did not change (answered 304)."""
        source: Source = response.meta["source"]
        if self.context.revisit_after is None or response.meta.get("seen_url") != source.url:
            return
        due = self.context.seen.stale_articles(
            source.id, datetime.now(UTC) - self.context.revisit_after
        )
        yield from self.article_requests(source, [(url, None) for url in due])

    def remember(
        self, response: Response, content_hash: str | None = None, is_article: bool = False
    ) -> None:
        """Store the validators of a page fetched with 200 (or the time of a 304)."""
        self.context.seen.record(
            response.meta.get("seen_url") or response.url,
            fetched_at=datetime.now(UTC),
            etag=_header(response, b"ETag") if response.status == 200 else None,
            last_modified=_header(response, b"Last-Modified") if response.status == 200 else None,
            content_hash=content_hash,
            hint=response.meta.get("hint"),
            source_id=response.meta["source"].id,
            is_article=is_article,
        )

    # -- articles -------------------------------------------------------------------------------

    async def parse_article(self, response: Response) -> list[Any]:
        """A coroutine returning a list, not an async generator: Scrapy runs CONCURRENT_ITEMS
        tasks per async generator, which costs more than the page itself."""
        source: Source = response.meta["source"]
        if response.status == 304:
            self.remember(response, is_article=True)
            self.health(response, "ok", "không đổi (304)")
            return []
        reason = self.binary_reason(response)
        if reason:
            self.health(response, "binary", reason)
            return []
        html, _ = decode_body(response.body, _header(response, b"Content-Type"))
        page = PageContext(url=response.url, source_kind=source.kind, section=source.section,
                           language=source.language, overrides=source.article)  # fmt: skip
        fields = await self.context.pool.extract(html, page)
        if not fields["text"] and not (fields["title"] and fields["duration_seconds"]):
            self.health(response, "parse_error", "không tìm thấy nội dung chính của bài trên trang")
            return []
        item = self.article_item(response, source, html, fields)
        self.health(response, "ok", "" if item else "nội dung không đổi")
        return [item] if item is not None else []

    def article_item(self, response: Response, source: Source, html: str,
                     fields: dict[str, Any]) -> ArticleItem | None:  # fmt: skip
        """The item to publish, or ``None`` when the page is known and its content unchanged."""
        digest = content_hash(fields["title"], fields["text"])
        previous = self.context.seen.get(response.meta.get("seen_url") or response.url)
        self.remember(response, digest, is_article=True)
        if previous is not None and previous.content_hash == digest:
            return None
        canonical = fields.pop("canonical_url")
        self.crawler.stats.inc_value("cchc/articles")
        return ArticleItem(url=response.url, html=html, agency_id=source.agency_id,
                           channel_id=source.channel, source_id=source.id, fetched_at=now_iso(),
                           update=previous is not None, canonical_url=canonical, **fields)  # fmt: skip


def content_hash(title: str, text: str) -> str:
    """Hash of what a reader sees (not the raw HTML, whose ads and counters change every visit)."""
    return hashlib.sha256(f"{title}\n{text}".encode()).hexdigest()


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None
