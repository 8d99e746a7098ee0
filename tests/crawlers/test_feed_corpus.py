"""Every feed of feedparser's own test suite (~2,100 real-world and ill-formed feeds), served over
HTTP and read in one crawl: none may crash the spider; each yields entries or a health reason."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import feedparser
import pytest

from tests.crawlers.conftest import crawl, read_events, write_registry
from tests.crawlers.server import Site, serve

pytestmark = pytest.mark.slow


def test_feedparser_corpus_goes_through_the_feed_spider(corpus_dir: Path, tmp_path: Path) -> None:
    files = sorted(p for p in (corpus_dir / "feedparser-tests").rglob("*.xml") if p.is_file())
    assert len(files) > 2000
    site = Site()
    lines = ["agencies:", "  - id: corpus", "    name: Feedparser corpus", "    sources:"]
    for index, path in enumerate(files):
        site.add(
            f"/f/{index}.xml", path.read_bytes(), content_type="application/xml", validators=False
        )
        lines.append(f'      - {{id: f{index}, kind: feed, url: "{{b}}/f/{index}.xml"}}')
    with serve(site):
        site.add("/robots.txt", "User-agent: *\nAllow: /\n", content_type="text/plain")
        registry = write_registry(tmp_path, "\n".join(lines).replace("{b}", site.base) + "\n")
        stream_url = f"embedded://{tmp_path / 'stream.db'}"
        report = crawl(
            registry,
            stream_url,
            tmp_path / "state",
            CONCURRENT_REQUESTS=64,
            CONCURRENT_REQUESTS_PER_DOMAIN=64,
            AUTOTHROTTLE_ENABLED=False,
            DOWNLOAD_TIMEOUT=10,
        )
    events = read_events(stream_url)
    assert report.finish_reason == "finished"
    health = defaultdict(list)
    for event in events.health:
        health[event["source_id"]].append(event)
    articles = {event["source_id"] for event in events.articles}
    published = {event["url"] for event in events.articles}
    missing = [f"f{i} {files[i].name}" for i in range(len(files)) if f"f{i}" not in health]
    assert not missing, f"feeds with no health record: {missing[:10]}"
    for index in range(len(files)):
        feed_events = [e for e in health[f"f{index}"] if e["url"].endswith(f"/f/{index}.xml")]
        assert feed_events, files[index]
        outcome = feed_events[0]["outcome"]
        detail = feed_events[0]["detail"]
        reason = outcome != "ok" or detail.startswith("0 ") or "bỏ qua" in detail
        fetched_entries = len(health[f"f{index}"]) > len(feed_events)  # article pages tried
        if f"f{index}" not in articles and not reason and not fetched_entries:
            # its entries were published already, from another feed of the corpus
            parsed = feedparser.parse(files[index].read_bytes())
            links = {entry.get("link") or entry.get("id") for entry in parsed.entries}
            assert links and links <= published, (files[index], feed_events[0])
    spider_errors = [e for e in events.health if "lỗi khi đọc trang" in e["detail"]]
    assert not spider_errors, spider_errors[:5]
    assert len(articles) > 400  # most corpus feeds test channel-level elements and have no entry
