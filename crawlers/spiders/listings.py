"""Listing pages ("chuyên mục") and broadcasters' programme pages, read with registry selectors.

A listing whose ``links`` selector finds nothing is reported: the site was probably redesigned,
and "no articles" must not be mistaken for "agency published nothing".
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from parsel import Selector
from scrapy.http import Response

from crawlers.extract.encoding import decode_body
from crawlers.registry import Source
from crawlers.selectorspec import select_all, select_first
from crawlers.spiders.base import SourceSpiderBase


class ListingSpiderMixin(SourceSpiderBase):
    def parse_listing(self, response: Response) -> Iterator[Any]:
        source: Source = response.meta["source"]
        page = response.meta.get("page", 1)
        if response.status == 304:
            self.remember(response)
            self.health(response, "ok", f"trang {page} không đổi (304)")
            yield from self.revisits(response)
            return
        reason = self.binary_reason(response)
        if reason:
            self.health(response, "binary", reason)
            return
        content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
        html, _ = decode_body(response.body, content_type)
        selector = Selector(text=html or "<html></html>", type="html")
        assert source.links  # the registry check requires it for listings and programmes
        links = [response.urljoin(link) for link in select_all(selector, source.links)]
        self.remember(response)
        if links:
            self.health(response, "ok", f"trang {page}: {len(links)} liên kết")
        else:
            self.health(response, "parse_error",
                              f"trang {page}: bộ chọn links {source.links!r} không tìm thấy liên kết nào")  # fmt: skip
        yield from self.article_requests(source, [(link, None) for link in links])
        yield from self.revisits(response)
        next_url = select_first(selector, source.next_page) if source.next_page else ""
        if next_url and page < source.max_pages:
            yield self.source_request(
                source, response.urljoin(next_url), self.parse_listing, page=page + 1
            )
