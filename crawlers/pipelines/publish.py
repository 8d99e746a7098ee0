"""Item pipeline: articles to ``articles`` (health records are published by the spiders)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from crawlers.items import ArticleItem
from crawlers.publisher import EventPublisher

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


class PublishPipeline:
    def __init__(self, publisher: EventPublisher) -> None:
        self.publisher = publisher

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PublishPipeline:
        return cls(EventPublisher.of(crawler))

    def process_item(self, item: Any) -> Any:
        if isinstance(item, ArticleItem):
            self.publisher.article(item)
        return item

    def close_spider(self) -> None:
        self.publisher.close()
