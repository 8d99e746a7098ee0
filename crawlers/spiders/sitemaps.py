"""XML sitemaps: sitemap indexes, news sitemaps (``news:publication_date``), gzip files.

Malformed XML is read with lxml's recovering parser: what can be read is used, and the damage is
recorded as a parse warning.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from lxml import etree
from scrapy.http import Response
from scrapy.utils.gz import gunzip

from crawlers.registry import Source
from crawlers.spiders.base import SourceSpiderBase

_GZIP_MAGIC = b"\x1f\x8b"


def _xml_parser() -> etree.XMLParser:
    return etree.XMLParser(
        recover=True, resolve_entities=False, no_network=True, remove_comments=True
    )


def _child_text(node: etree._Element, name: str) -> str | None:
    found = node.xpath(f".//*[local-name()='{name}']/text()")
    return str(found[0]).strip() if found else None


class SitemapSpiderMixin(SourceSpiderBase):
    def parse_sitemap(self, response: Response) -> Iterator[Any]:
        source: Source = response.meta["source"]
        if response.status == 304:
            self.remember(response)
            self.health(response, "ok", "sitemap không đổi (304)")
            yield from self.revisits(response)
            return
        body = response.body
        if body[:2] == _GZIP_MAGIC:
            try:
                body = gunzip(body, max_size=self.crawler.settings.getint("DOWNLOAD_MAXSIZE"))
            except Exception as error:  # noqa: BLE001 - gzip errors and the size cap differ in type
                self.health(response, "parse_error", f"không giải nén được sitemap gzip: {error}")
                return
        reason = self.binary_reason(response, body)
        if reason:
            self.health(response, "binary", reason)
            return
        parser = _xml_parser()
        try:
            root = etree.fromstring(body, parser=parser)
        except etree.XMLSyntaxError as error:
            root, parser_error = None, str(error)
        else:
            parser_error = "; ".join(str(e.message) for e in list(parser.error_log)[:3])
        kind = etree.QName(root).localname if root is not None else ""
        if kind not in ("urlset", "sitemapindex"):
            self.health(response, "parse_error",
                              f"không phải sitemap XML ({parser_error or 'phần tử gốc ' + kind})")  # fmt: skip
            return
        self.remember(response)
        entries = root.xpath("./*[local-name()='url' or local-name()='sitemap']")
        limit = self.crawler.settings.getint("CCHC_MAX_SITEMAP_URLS", 5000)
        detail = f"{len(entries)} mục" + (f" (chỉ đọc {limit})" if len(entries) > limit else "")
        if parser_error:
            self.health(
                response,
                "parse_error",
                f"cảnh báo: XML hỏng, vẫn đọc được {detail}: {parser_error}",
            )
        else:
            self.health(response, "ok", detail)
        links = [(_child_text(node, "loc"), _child_text(node, "publication_date") or _child_text(node, "lastmod"))
                 for node in entries[:limit]]  # fmt: skip
        links = [
            (loc, hint) for loc, hint in links if loc and loc.startswith(("http://", "https://"))
        ]
        if kind == "sitemapindex":
            for loc, _ in links:
                yield self.source_request(source, loc, self.parse_sitemap)
        else:
            yield from self.article_requests(source, links)
        yield from self.revisits(response)
