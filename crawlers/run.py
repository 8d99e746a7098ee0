"""Running a crawl: every registry source once, then return.

A Twisted reactor cannot be restarted inside one process, so :func:`run_crawl` runs each crawl in
a fresh child process (``multiprocessing`` spawn) that opens the stream itself from its URL. That
makes it callable any number of times from one process (CLI, scheduler, tests).
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cchc.errors import CchcError
from crawlers.registry import Registry


class CrawlError(CchcError):
    """The crawl process failed as a whole (not one source: those are health events)."""


@dataclass(frozen=True)
class CrawlReport:
    sources: int
    requests: int
    responses: int
    not_modified: int
    articles_new: int
    articles_updated: int
    health: dict[str, int] = field(default_factory=dict)
    errors: int = 0
    elapsed_s: float = 0.0
    finish_reason: str = ""

    @property
    def articles(self) -> int:
        return self.articles_new + self.articles_updated


def run_crawl(registry: Registry, stream_url: str, *, state_dir: Path,
              settings: dict[str, Any] | None = None, timeout_s: float | None = None) -> CrawlReport:  # fmt: skip
    """Crawl every source of ``registry`` once in a child process, publishing to ``stream_url``.

    ``state_dir`` keeps the seen-URL store between crawls; ``settings`` override
    :data:`crawlers.settings.SETTINGS` (any Scrapy setting, plus ``CCHC_*``)."""
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(
        target=_child, args=(registry, stream_url, str(state_dir), settings or {}, sender),
        name="cchc-crawl",
    )  # fmt: skip
    child.start()
    sender.close()
    try:
        if not receiver.poll(timeout_s):
            raise CrawlError(
                f"thu thập chưa xong sau {timeout_s} giây; đã dừng tiến trình thu thập"
            )
        outcome = receiver.recv()
    except EOFError:
        outcome = None
    finally:
        if child.is_alive() and not receiver.poll(0):
            child.terminate()
        child.join()
    if not isinstance(outcome, CrawlReport):
        raise CrawlError(f"tiến trình thu thập lỗi (mã thoát {child.exitcode}): {outcome or 'không có báo cáo'}."
                         " Xem nhật ký ở trên để biết nguyên nhân.")  # fmt: skip
    return outcome


def crawl_in_this_process(registry: Registry, stream_url: str, state_dir: Path,
                          settings: dict[str, Any]) -> CrawlReport:  # fmt: skip
    """The crawl itself; starts a reactor, so call it at most once per process."""
    from scrapy.crawler import CrawlerProcess

    from crawlers.publisher import EventPublisher
    from crawlers.settings import SETTINGS
    from crawlers.spiders.sources import SourcesSpider

    merged = {
        **SETTINGS,
        **settings,
        "CCHC_STREAM_URL": stream_url,
        "CCHC_STATE_DIR": str(state_dir),
    }
    started = time.monotonic()
    # Imported here, near the bottom of the stack: importing it calls inspect.stack() (Scrapy's
    # deprecated-class shims), which reads the source of every frame above. Inside the engine's
    # start-up that stack is deep and the import took ~0.7 s instead of ~0.1 s.
    import scrapy.core.downloader.handlers.http11  # noqa: F401

    process = CrawlerProcess(merged)
    crawler = process.create_crawler(SourcesSpider)
    process.crawl(crawler, registry=registry)
    _spend_less(process.settings.get("LOG_LEVEL"))
    process.start()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    counts = EventPublisher.of(crawler).counts
    return CrawlReport(
        sources=len(registry.sources),
        requests=int(stats.get("downloader/request_count", 0)),
        responses=int(stats.get("downloader/response_count", 0)),
        not_modified=int(stats.get("downloader/response_status_count/304", 0)),
        articles_new=counts["articles_new"],
        articles_updated=counts["articles_updated"],
        health={
            key.removeprefix("health/"): value
            for key, value in counts.items()
            if key.startswith("health/")
        },
        errors=int(stats.get("log_count/ERROR", 0)),
        elapsed_s=round(time.monotonic() - started, 3),
        finish_reason=str(stats.get("finish_reason", "")),
    )


def _spend_less(log_level: str) -> None:
    """Process-wide tuning of the crawl process, which only crawls and then exits.

    Scrapy filters log records in its handler, after each debug record ("Crawled", "Scraped
    from") was built (its logging config sets the ``scrapy`` logger to DEBUG); this process has
    no other handler, so the loggers filter instead (set once the crawler is configured:
    configuring resets them). The crawl allocates millions
    of short-lived objects (Deferreds, coroutines, requests): at the default thresholds the
    cyclic collector took ~15% of the process's CPU, mostly re-scanning the modules imported at
    start. Those are frozen out of collection and young objects are collected less often."""
    for logger in (logging.root, logging.getLogger("scrapy")):
        logger.setLevel(log_level)
    gc.freeze()
    gc.set_threshold(20_000, 20, 100)


def _child(
    registry: Registry, stream_url: str, state_dir: str, settings: dict[str, Any], sender: Any
) -> None:
    try:
        report: object = crawl_in_this_process(registry, stream_url, Path(state_dir), settings)
    except BaseException as error:  # noqa: BLE001 - reported to the parent, which raises CrawlError
        report = f"{type(error).__name__}: {error}"
    sender.send(report)
    sender.close()
