"""The spider of a crawl: every registry source, each read by the reader of its kind."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from scrapy import Request

from crawlers.registry import Registry, Source
from crawlers.spiders.feeds import FeedSpiderMixin
from crawlers.spiders.listings import ListingSpiderMixin
from crawlers.spiders.sitemaps import SitemapSpiderMixin


class SourcesSpider(FeedSpiderMixin, SitemapSpiderMixin, ListingSpiderMixin):
    name = "sources"

    def __init__(self, registry: Registry, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.registry = registry

    async def start(self) -> AsyncIterator[Request]:
        for source in self.registry.sources:
            yield self.source_request(source, source.url, self.callback_for(source))

    def callback_for(self, source: Source) -> Any:
        return {
            "feed": self.parse_feed,
            "youtube": self.parse_feed,
            "sitemap": self.parse_sitemap,
            "listing": self.parse_listing,
            "programme": self.parse_listing,
        }[source.kind]
