"""Conditional GET: a request marked ``revalidate`` carries the stored ETag / Last-Modified, so an
unchanged page answers 304 with no body."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy import Request

from crawlers.context import CrawlContext
from crawlers.seen import SeenStore

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


class ConditionalGetMiddleware:
    def __init__(self, seen: SeenStore) -> None:
        self.seen = seen

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ConditionalGetMiddleware:
        return cls(CrawlContext.of(crawler).seen)

    def process_request(self, request: Request) -> None:
        if not request.meta.get("revalidate"):
            return
        entry = self.seen.get(request.meta.get("seen_url") or request.url)
        if entry is None:
            return
        if entry.etag:
            request.headers.setdefault(b"If-None-Match", entry.etag)
        if entry.last_modified:
            request.headers.setdefault(b"If-Modified-Since", entry.last_modified)
        statuses = request.meta.setdefault("handle_httpstatus_list", [])
        if 304 not in statuses:
            statuses.append(304)
