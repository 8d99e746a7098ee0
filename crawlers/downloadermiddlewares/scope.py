"""Keep each source on its own site, redirects included; leaving it is recorded as ``offsite``."""

from __future__ import annotations

from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.httpobj import urlparse_cached


class OffsiteRequest(IgnoreRequest):
    """A request (or redirect) that leaves the source's site."""


def site_of(host: str) -> str:
    return host.lower().removeprefix("www.")


def on_site(host: str, site_host: str) -> bool:
    """Same host, or a subdomain of the source's site (``sotuphap.hagiang.gov.vn`` under ``hagiang.gov.vn``)."""
    host, site = site_of(host), site_of(site_host)
    return host == site or host.endswith("." + site)


class SourceScopeMiddleware:
    def process_request(self, request: Request) -> None:
        site = request.meta.get("site_host")
        host = urlparse_cached(request).hostname or ""
        if site and not on_site(host, site):
            raise OffsiteRequest(f"liên kết ra ngoài trang của nguồn ({host} ≠ {site})")
