"""The one place in crawlers/ that talks to the stream: items in, envelopes out."""

from __future__ import annotations

import logging
from collections import Counter
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from scrapy.exceptions import NotConfigured

from crawlers.healthruns import HealthRuns
from crawlers.items import ArticleItem, HealthItem

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from stream.abc import Stream

logger = logging.getLogger(__name__)
ARTICLES_TOPIC = "articles"
HEALTH_TOPIC = "source-health"
_PUBLISHERS: WeakKeyDictionary[Crawler, EventPublisher] = WeakKeyDictionary()


class EventPublisher:
    """Publishes ``article.collected`` and ``source.health`` events keyed by agency id.

    Shared by the item pipeline, the spiders and the health extension of one crawler (see
    :meth:`of`). ``counts`` counts fetches per outcome, even where ok fetches share one event."""

    def __init__(self, stream: Stream) -> None:
        self.stream = stream
        self.counts: Counter[str] = Counter()
        self._runs = HealthRuns(self._publish_health)

    @classmethod
    def of(cls, crawler: Crawler) -> EventPublisher:
        """The crawler's publisher, opened from the ``CCHC_STREAM_URL`` setting on first use."""
        if crawler not in _PUBLISHERS:
            url = crawler.settings.get("CCHC_STREAM_URL")
            if not url:
                raise NotConfigured("CCHC_STREAM_URL is not set: nowhere to publish")
            from stream import open_stream

            outbox = crawler.settings.get("CCHC_STREAM_OUTBOX")
            _PUBLISHERS[crawler] = cls(open_stream(url, outbox_path=outbox))
        return _PUBLISHERS[crawler]

    def article(self, item: ArticleItem) -> None:
        from stream.events import Envelope

        self.stream.publish(
            ARTICLES_TOPIC, item.agency_id, Envelope.new("article.collected", item.payload())
        )
        self.counts["articles_updated" if item.update else "articles_new"] += 1

    def health(self, item: HealthItem) -> None:
        """The outcome of one fetch; consecutive ok fetches of a source share one event."""
        self.counts[f"health/{item.outcome}"] += 1
        if item.outcome != "ok":
            logger.info("source %s: %s %s (%s) %s", item.source_id, item.outcome, item.url,
                        item.status, item.detail)  # fmt: skip
        self._runs.record(item)

    def _publish_health(self, item: HealthItem) -> None:
        from stream.events import Envelope

        self.stream.publish(
            HEALTH_TOPIC, item.agency_id, Envelope.new("source.health", item.payload())
        )

    def close(self) -> None:
        self._runs.close()
        self.stream.flush()
        self.stream.close()
