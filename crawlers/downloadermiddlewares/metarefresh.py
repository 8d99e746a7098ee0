"""Meta-refresh redirects, looked for only in pages that can hold one.

Scrapy's middleware decodes every HTML body to search its first 4,096 characters for
``<meta http-equiv="refresh">``: 4% of the crawl process's CPU. Bytes that never spell
``refresh`` cannot hold one (in any ASCII-compatible charset), so those pages skip that work.
"""

from __future__ import annotations

import codecs

from scrapy import Request
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware as ScrapyMetaRefresh
from scrapy.http import Response

_HEAD_BYTES = 4 * 4096  # Scrapy reads 4,096 characters; a character takes at most 4 bytes
_WIDE_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)  # UTF-32 LE starts with UTF-16 LE's


class MetaRefreshMiddleware(ScrapyMetaRefresh):
    def process_response(self, request: Request, response: Response) -> Request | Response:
        head = response.body[:_HEAD_BYTES]
        if b"refresh" not in head.lower() and not head.startswith(_WIDE_BOMS):
            return response
        return super().process_response(request, response)
