"""RSS 0.9x/1.0/2.0, Atom and YouTube channel feeds, read with feedparser.

Entries whose link is on the source's site are fetched as article pages; YouTube entries and
entries hosted elsewhere are published from the feed itself (``html`` empty). A feed feedparser
calls ill-formed ("bozo") still yields the entries it could read, plus a parse warning.
"""

from __future__ import annotations

import html as html_lib
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import feedparser
from scrapy.http import Response
from w3lib.html import remove_tags

from cchc.vntext import fold, nfc
from crawlers.downloadermiddlewares.scope import on_site
from crawlers.extract.hints import LANGUAGE_CODES, kind_hint
from crawlers.items import ArticleItem, now_iso
from crawlers.registry import Source
from crawlers.seen import Decision
from crawlers.spiders.base import SourceSpiderBase, content_hash


class FeedSpiderMixin(SourceSpiderBase):
    def parse_feed(self, response: Response) -> Iterator[Any]:
        source: Source = response.meta["source"]
        if response.status == 304:
            self.remember(response)
            self.health(response, "ok", "nguồn tin không đổi (304)")
            yield from self.revisits(response)
            return
        reason = self.binary_reason(response)
        if reason:
            self.health(response, "binary", reason)
            return
        headers = {"content-type": (response.headers.get(b"Content-Type") or b"").decode("latin-1"),
                   "content-location": response.url}  # fmt: skip
        parsed = feedparser.parse(response.body, response_headers=headers)
        entries = parsed.entries
        outcome, detail = _feed_outcome(
            parsed.get("bozo"), parsed.get("bozo_exception"), len(entries)
        )
        empty = sum(1 for entry in entries if not any(_entry_texts(entry)))
        if empty:
            detail += f"; bỏ qua {empty} mục không có tiêu đề lẫn nội dung"
        self.health(response, outcome, detail)
        self.remember(response)
        language = _feed_language(parsed.feed.get("language")) or source.language
        on_site_links: list[tuple[str, str | None]] = []
        for index, entry in enumerate(entries):
            link = entry.get("link") or ""
            if not any(_entry_texts(entry)):
                continue
            if (
                source.kind != "youtube"
                and link.startswith("http")
                and on_site(_host(link), source.host)
            ):
                on_site_links.append(
                    (link, _entry_date(entry, "updated") or _entry_date(entry, "published"))
                )
            else:
                item = self.feed_item(response, source, entry, index, language)
                if item is not None:
                    yield item
        yield from self.article_requests(source, on_site_links)
        yield from self.revisits(response)

    def feed_item(self, response: Response, source: Source, entry: Any, index: int,
                  language: str) -> ArticleItem | None:  # fmt: skip
        """An article made from the feed entry alone; ``None`` when already published unchanged."""
        url = _entry_url(entry, response.url, index)
        title, text = _entry_texts(entry)
        hint = _entry_date(entry, "updated") or _entry_date(entry, "published")
        now = datetime.now(UTC)
        previous = self.context.seen.get(url)
        if self.context.seen.decide(url, hint, now, self.context.revisit_after) is Decision.SKIP:
            return None
        digest = content_hash(title, text)
        self.context.seen.record(url, fetched_at=now, content_hash=digest, hint=hint)
        if previous is not None and previous.content_hash == digest:
            return None
        section = _plain((entry.get("tags") or [{}])[0].get("term")) or source.section
        self.crawler.stats.inc_value("cchc/articles_from_feed")
        return ArticleItem(
            url=url, title=title, text=text, html="", published=_entry_date(entry, "published") or hint,
            author=_plain(entry.get("author")), source_line="", section=section,
            kind_hint=kind_hint({}, source.kind), language_hint=language,
            duration_seconds=_duration(entry), agency_id=source.agency_id, channel_id=source.channel,
            source_id=source.id, fetched_at=now_iso(), update=previous is not None,
        )  # fmt: skip


def _feed_outcome(bozo: Any, problem: Any, count: int) -> tuple[str, str]:
    if not bozo:
        return "ok", f"{count} mục"
    reason = f"{type(problem).__name__}: {str(problem)[:200]}" if problem else "feed không chuẩn"
    if count:
        return (
            "parse_error",
            f"cảnh báo: feed không chuẩn nhưng vẫn đọc được {count} mục ({reason})",
        )
    return "parse_error", f"không đọc được mục nào từ feed ({reason})"


def _entry_texts(entry: Any) -> tuple[str, str]:
    content = entry.get("content") or []
    return _plain(entry.get("title")), _plain(
        content[0].get("value") if content else entry.get("summary")
    )


def _entry_url(entry: Any, feed_url: str, index: int) -> str:
    for candidate in (entry.get("link"), entry.get("id")):
        if candidate and str(candidate).startswith(("http://", "https://")):
            return str(candidate)
    return f"{feed_url}#muc-{entry.get('id') or index}"


def _entry_date(entry: Any, name: str) -> str | None:
    parsed = entry.get(f"{name}_parsed")
    if not parsed:
        return None
    try:
        return datetime(*parsed[:6], tzinfo=UTC).isoformat()
    except (TypeError, ValueError, OverflowError):
        return None


def _duration(entry: Any) -> int | None:
    candidates = [media.get("duration") for media in entry.get("media_content") or []]
    candidates += [entry.get("itunes_duration"), entry.get("yt_duration")]
    for value in candidates:
        seconds = _seconds(str(value or "").strip())
        if seconds is not None:
            return seconds
    return None


def _seconds(value: str) -> int | None:
    """``870``, ``14:30`` or ``00:14:30`` → seconds."""
    parts = value.split(":")
    if not value or len(parts) > 3 or not all(part.isdigit() for part in parts):
        return None
    total = 0
    for part in parts:
        total = total * 60 + int(part)
    return total


def _feed_language(value: str | None) -> str:
    folded = fold(value or "")
    if not folded:
        return ""
    return LANGUAGE_CODES.get(folded, folded.replace("_", "-").split("-")[0])


def _plain(value: Any) -> str:
    """Feed text may carry HTML: tags dropped, entities decoded, whitespace collapsed, NFC."""
    text = html_lib.unescape(remove_tags(str(value or "")))
    return nfc(" ".join(text.split()))


def _host(url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url).hostname or ""
