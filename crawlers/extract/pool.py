"""Extraction off the reactor: trafilatura is the cost of a crawl (~3 ms a page), so pages are
extracted in worker processes while the reactor keeps downloading."""

from __future__ import annotations

import asyncio
import multiprocessing
from concurrent.futures import Executor, ProcessPoolExecutor
from typing import Any

from crawlers.extract.article import PageContext, extract_article

_WARM_UP_PAGE = "<html><body><article><p>Khởi động.</p></article></body></html>"


class ExtractorPool:
    """``workers=0`` extracts inline (tests, tiny crawls); otherwise a spawn-started process pool.

    The workers start at once and read one tiny page, so their imports and trafilatura's first-use
    set-up overlap the crawl's start (robots.txt, the first listings) instead of delaying the
    first article."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._executor: Executor | None = None
        if workers > 0:
            context = multiprocessing.get_context("spawn")
            self._executor = ProcessPoolExecutor(max_workers=workers, mp_context=context)
            for _ in range(workers):
                self._executor.submit(
                    extract_article, _WARM_UP_PAGE, PageContext(url="http://warm.up/")
                )

    async def extract(self, html: str, context: PageContext) -> dict[str, Any]:
        if self._executor is None:
            return extract_article(html, context)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, extract_article, html, context)

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
