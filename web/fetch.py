"""Fetching a claimed page and publishing it as an ``article.collected`` event.

The monitor then treats it like anything a crawler found: it classifies, attributes and counts it
(or not). Bounded: a timeout, a size cap, few redirects, http(s) and HTML only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import trafilatura

from cchc.vntext import nfc
from stream import open_stream
from stream.events import ARTICLE_COLLECTED, ARTICLES, Envelope

USER_AGENT = "CCHC-Monitor/0.1 (+xac-nhan-bai-bi-bo-sot)"
_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_-]+)""", re.IGNORECASE)
_LANG = re.compile(r"""<html[^>]*\blang=["']?([A-Za-z-]+)""", re.IGNORECASE)


class FetchError(Exception):
    """Why a claimed page could not be used, in Vietnamese for the officer."""


@dataclass(frozen=True)
class Page:
    url: str
    html: str


def fetch_page(url: str, *, timeout_s: float, max_bytes: int) -> Page:
    if not url.startswith(("http://", "https://")):
        raise FetchError("Chỉ nhận địa chỉ http:// hoặc https://.")
    try:
        with httpx.Client(timeout=timeout_s, follow_redirects=True, max_redirects=5,
                          headers={"User-Agent": USER_AGENT}) as client, \
                client.stream("GET", url) as response:
            if response.status_code >= 400:
                raise FetchError(f"Trang trả về lỗi HTTP {response.status_code}.")
            kind = response.headers.get("content-type", "text/html").split(";")[0].strip().lower()
            if kind not in ("text/html", "application/xhtml+xml"):
                raise FetchError(f"Địa chỉ không phải trang HTML (kiểu {kind}).")
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > max_bytes:
                    raise FetchError(f"Trang lớn hơn giới hạn {max_bytes // 1_000_000} MB.")
            return Page(str(response.url), _decode(bytes(body), response.charset_encoding))
    except httpx.TimeoutException:
        raise FetchError(f"Quá thời gian chờ ({timeout_s:g} giây) khi tải trang.") from None
    except httpx.TooManyRedirects:
        raise FetchError("Trang chuyển hướng quá nhiều lần.") from None
    except httpx.HTTPError as error:
        raise FetchError(f"Không tải được trang: {error.__class__.__name__}.") from None


def _decode(body: bytes, declared: str | None) -> str:
    found = _CHARSET.search(body[:4096])
    for encoding in (declared, found.group(1).decode("ascii") if found else None, "utf-8"):
        if encoding:
            try:
                return body.decode(encoding)
            except (LookupError, UnicodeDecodeError):
                continue
    return body.decode("utf-8", errors="replace")


def article_payload(page: Page, agency_id: str) -> dict[str, Any]:
    """The ``article.collected`` v1 payload (docs/architecture.md) of a fetched page."""
    doc = trafilatura.bare_extraction(page.html, url=page.url, with_metadata=True,
                                      include_comments=False)
    if doc is None or not (doc.text or "").strip():
        raise FetchError("Không trích được nội dung bài viết từ trang này.")
    lang = _LANG.search(page.html[:4096])
    return {
        "url": page.url, "title": nfc(doc.title or ""), "text": nfc(doc.text), "html": page.html,
        "published": f"{doc.date}T00:00:00+07:00" if doc.date else None,
        "author": nfc(doc.author or ""), "source_line": "",
        "section": nfc(", ".join(doc.categories or [])), "kind_hint": "",
        "language_hint": lang.group(1).split("-")[0].lower() if lang else "",
        "duration_seconds": None, "agency_id": agency_id, "channel_id": agency_id,
        "source_id": "claim", "fetched_at": datetime.now(UTC).isoformat(), "update": False,
    }


def publish_article(stream_url: str, outbox_path: str, payload: dict[str, Any]) -> str:
    """Publish to ``articles`` keyed by agency; returns the event id."""
    event = Envelope.new(ARTICLE_COLLECTED, payload)
    stream = open_stream(stream_url, outbox_path=outbox_path)
    try:
        stream.publish(ARTICLES, payload["agency_id"], event)
        stream.flush()
    finally:
        stream.close()
    return event.id
