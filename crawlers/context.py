"""Per-crawl shared state built from settings: the seen-URL store and the extraction pool."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from scrapy import signals

from crawlers.extract.pool import ExtractorPool
from crawlers.seen import SeenStore

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

_CONTEXTS: WeakKeyDictionary[Crawler, CrawlContext] = WeakKeyDictionary()


@dataclass
class CrawlContext:
    seen: SeenStore
    pool: ExtractorPool
    revisit_after: timedelta | None

    @classmethod
    def of(cls, crawler: Crawler) -> CrawlContext:
        """Built on first use from ``CCHC_STATE_DIR``, ``CCHC_REVISIT_DAYS``, ``CCHC_EXTRACT_WORKERS``;
        closed when the spider closes."""
        if crawler not in _CONTEXTS:
            settings = crawler.settings
            state_dir = Path(settings.get("CCHC_STATE_DIR") or ".cchc/crawl-state")
            days = settings.getfloat("CCHC_REVISIT_DAYS", 0)
            context = cls(
                seen=SeenStore(state_dir / "seen.sqlite"),
                pool=ExtractorPool(settings.getint("CCHC_EXTRACT_WORKERS", 0)),
                revisit_after=timedelta(days=days) if days > 0 else None,
            )
            crawler.signals.connect(context.close, signal=signals.spider_closed)
            _CONTEXTS[crawler] = context
        return _CONTEXTS[crawler]

    def close(self) -> None:
        self.seen.close()
        self.pool.close()
