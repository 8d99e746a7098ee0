"""Crawl fixtures: the fixture site served for real, crawls run with run_crawl, events read back
from the real embedded stream."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crawlers.registry import Registry, load_registry
from crawlers.run import CrawlReport, run_crawl
from stream import open_stream
from stream.events import Envelope

# Fast but still polite-by-construction settings for loopback tests.
TEST_SETTINGS: dict[str, Any] = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_START_DELAY": 0.01,
    "DOWNLOAD_TIMEOUT": 1,
    "RETRY_TIMES": 0,
    "DOWNLOAD_MAXSIZE": 200_000,
    "DOWNLOAD_WARNSIZE": 0,
    "LOG_LEVEL": "WARNING",
}

REGISTRY = """\
agencies:
  - id: hg-so-noi-vu
    name: Sở Nội vụ tỉnh Hà Giang
    kind: so
    groups: [so_ban_nganh]
    emails: [sonoivu@hagiang.example]
    sources:
      - {{id: snv-rss, kind: feed, url: "{b}/rss.xml", section: Cải cách hành chính}}
      - {{id: snv-rss-hong, kind: feed, url: "{b}/hong.rss"}}
      - {{id: snv-sitemap, kind: sitemap, url: "{b}/sitemap.xml"}}
      - {{id: snv-sitemap-hong, kind: sitemap, url: "{b}/sitemap-hong.xml"}}
      - id: snv-cchc
        kind: listing
        url: "{b}/chuyen-muc/cchc"
        links: "css:.news-list a.title::attr(href)"
        next_page: "css:a.next::attr(href)"
        max_pages: 3
      - id: snv-doi-giao-dien
        kind: listing
        url: "{b}/chuyen-muc/doi-giao-dien"
        links: "xpath://ul[@class='news-list']//a/@href"
  - id: hg-dai-ptth
    name: Đài Phát thanh và Truyền hình tỉnh
    kind: broadcaster
    sources:
      - {{id: ptth-youtube, kind: youtube, url: "{b}/youtube.xml", channel: ptth-youtube}}
      - id: ptth-tieng-mong
        kind: programme
        url: "{b}/chuong-trinh/tieng-mong"
        links: "css:.programmes a::attr(href)"
      - {{id: ptth-tat, kind: feed, url: "http://127.0.0.1:9/rss.xml"}}
"""


@dataclass
class Events:
    articles: list[dict[str, Any]] = field(default_factory=list)
    health: list[dict[str, Any]] = field(default_factory=list)
    keys: list[tuple[str, str]] = field(default_factory=list)

    def article(self, path: str) -> dict[str, Any]:
        found = [a for a in self.articles if a["url"].endswith(path)]
        assert found, f"no article for {path}; have {[a['url'] for a in self.articles]}"
        return found[-1]

    def health_for(self, path: str) -> list[dict[str, Any]]:
        return [h for h in self.health if h["url"].endswith(path)]


def read_events(stream_url: str) -> Events:
    """Everything on ``articles`` and ``source-health`` so far, through a fresh consumer group."""
    stream = open_stream(stream_url)
    consumer = stream.consumer(f"test-{uuid.uuid4().hex}", ["articles", "source-health"])
    events = Events()
    try:
        while records := consumer.poll(max_records=5000, timeout_s=0.2):
            for record in records:
                envelope = Envelope.decode(record.value)
                target = events.articles if record.topic == "articles" else events.health
                target.append(envelope.payload)
                events.keys.append((record.topic, record.key))
    finally:
        consumer.close()
        stream.close()
    return events


def write_registry(directory: Path, text: str) -> Registry:
    path = directory / "sources.yaml"
    path.write_text(text, encoding="utf-8")
    return load_registry(path)


def crawl(registry: Registry, stream_url: str, state_dir: Path, **settings: Any) -> CrawlReport:
    return run_crawl(
        registry,
        stream_url,
        state_dir=state_dir,
        settings={**TEST_SETTINGS, **settings},
        timeout_s=120,
    )
