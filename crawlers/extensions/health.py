"""Nothing is silent: an exception in a spider callback becomes a ``parse_error`` health event
for the page that caused it (errbacks cover download failures; this covers our own code)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy import signals

from crawlers.items import HealthItem
from crawlers.publisher import EventPublisher

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from twisted.python.failure import Failure


class HealthExtension:
    def __init__(self, publisher: EventPublisher) -> None:
        self.publisher = publisher

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> HealthExtension:
        extension = cls(EventPublisher.of(crawler))
        crawler.signals.connect(extension.spider_error, signal=signals.spider_error)
        return extension

    def spider_error(self, failure: Failure, response: Response, spider: Spider) -> None:
        source = response.meta.get("source")
        if source is None:
            return
        self.publisher.health(HealthItem(
            source_id=source.id, agency_id=source.agency_id, url=response.url, outcome="parse_error",
            status=response.status, detail=f"lỗi khi đọc trang: {failure.getErrorMessage()[:300]}",
        ))  # fmt: skip
