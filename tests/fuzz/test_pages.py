"""Fuzzing what the crawler reads: article pages through ``extract_article``, feeds through the
feed spider's ``parse_feed``, and one real crawl of fuzzed pages served on 127.0.0.1.

Every page and feed must give fields the ``article.collected`` contract accepts (or a health
record saying why not) — never an exception.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scrapy import Request
from scrapy.http import XmlResponse
from scrapy.utils.test import get_crawler

from crawlers.extract.article import PageContext, extract_article
from crawlers.items import ArticleItem, HealthItem, now_iso
from crawlers.registry import load_registry
from crawlers.spiders.sources import SourcesSpider
from stream.events import Envelope
from tests.crawlers.conftest import crawl, read_events
from tests.crawlers.server import Site, serve
from tests.fuzz.conftest import TALLY

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # feedparser 6 notices
FAST = settings(max_examples=80, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow,
                HealthCheck.function_scoped_fixture])  # fmt: skip
ONE = settings(max_examples=1, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow,
               HealthCheck.function_scoped_fixture])  # fmt: skip
BASE = "http://127.0.0.1:9"
WORDS = st.sampled_from(["Cải cách hành chính", "một cửa", "Sở Tư pháp", "Nguồn: Sở Nội vụ",
                         "Tác giả:", "Ngày 15/08/2024", "Thời lượng: 14:30", "Ngôn ngữ: Tiếng Mông",
                         "tiếng Tày", "\x00", "\ufffd", "&amp;", "&#0;", "<", ">", "]]>", "\u2028",
                         "Thứ sáu, ngày 8 tháng 3 năm 2024 - 14:15", "2024-13-45T99:99"])  # fmt: skip
TEXT = st.lists(st.one_of(WORDS, st.text(max_size=20)), max_size=6).map(" ".join)
DATES = st.one_of(st.sampled_from(["2024-08-15T09:00:00+07:00", "15/08/2024", "", "yesterday",
                                   "2024-02-30", "-1", "99999-01-01", "PT14M30S", "P1Y"]),
                  st.text(max_size=15))  # fmt: skip
JSON = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), DATES, TEXT),
                    lambda inner: st.one_of(st.lists(inner, max_size=3),
                                            st.dictionaries(st.sampled_from(
                                                ["@type", "headline", "datePublished", "author",
                                                 "duration", "inLanguage", "name", "@graph",
                                                 "articleSection", "url"]), inner, max_size=5)),
                    max_leaves=12)  # fmt: skip


@st.composite
def html_page(draw: st.DrawFn) -> str:
    parts = [draw(st.sampled_from(['<!DOCTYPE html><html lang="vi">', "<html>", "", "<html lang='x'>"]))]
    if draw(st.booleans()):
        parts.append(f'<meta charset="{draw(st.sampled_from(["utf-8", "windows-1258", "bogus", ""]))}">')
    if draw(st.booleans()):
        parts.append(f"<script type='application/ld+json'>{json.dumps(draw(JSON))}</script>")
    if draw(st.booleans()):
        parts.append(f"<script type='application/ld+json'>{draw(TEXT)}</script>")
    parts.append(f'<link rel="canonical" href="{draw(st.sampled_from(["", "/x", "http://[::1", BASE + "/c"]))}">')
    for _ in range(draw(st.integers(0, 6))):
        tag = draw(st.sampled_from(["h1", "p", "div", "span class='date'", "time datetime='"
                                    + draw(DATES).replace("'", "") + "'", "article", "table",
                                    "h1 class='title'"]))  # fmt: skip
        closed = draw(st.booleans())
        parts.append(f"<{tag}>{draw(TEXT)}" + (f"</{tag.split()[0]}>" if closed else ""))
    return "".join(parts)


@FAST
@given(page=html_page())
def test_any_page_gives_fields_the_article_contract_accepts(page: str) -> None:
    fields = extract_article(page, PageContext(url=f"{BASE}/bai/1.html"))
    canonical = fields.pop("canonical_url")
    assert canonical is None or isinstance(canonical, str)
    item = ArticleItem(url=f"{BASE}/bai/1.html", html=page, agency_id="a", channel_id="a",
                       source_id="a-web", fetched_at=now_iso(), update=False, **fields)  # fmt: skip
    Envelope.new("article.collected", item.payload())
    TALLY["html pages extracted"] += 1


@st.composite
def feed(draw: st.DrawFn) -> bytes:
    items = []
    for _ in range(draw(st.integers(0, 5))):
        link = draw(st.sampled_from([f"{BASE}/bai/1.html", "http://example.com/x", "", "javascript:x",
                                     "/relative", f"{BASE}/bai/{draw(TEXT)}"]))  # fmt: skip
        items.append(f"<item><title>{draw(TEXT)}</title><link>{link}</link>"
                     f"<description>{draw(TEXT)}</description><pubDate>{draw(DATES)}</pubDate>"
                     f"<itunes:duration>{draw(DATES)}</itunes:duration></item>")
    head = draw(st.sampled_from(['<?xml version="1.0" encoding="utf-8"?>', "",
                                 '<?xml version="1.0" encoding="bogus"?>']))  # fmt: skip
    body = f"{head}<rss><channel><language>{draw(TEXT)}</language>{''.join(items)}</channel></rss>"
    if draw(st.booleans()):
        body = body[: draw(st.integers(0, len(body)))]  # a feed cut off mid-download
    return body.encode("utf-8", errors="surrogatepass")


@pytest.fixture(scope="module")
def spider(tmp_path_factory: pytest.TempPathFactory) -> SourcesSpider:
    folder = tmp_path_factory.mktemp("spider")
    (folder / "sources.yaml").write_text(
        f"agencies:\n  - id: a\n    name: A\n    sources:\n"
        f"      - {{id: a-rss, kind: feed, url: '{BASE}/rss.xml'}}\n", encoding="utf-8")
    crawler = get_crawler(SourcesSpider, settings_dict={
        "CCHC_STATE_DIR": str(folder), "CCHC_STREAM_URL": f"embedded://{folder}/stream.db"})
    return SourcesSpider.from_crawler(crawler, registry=load_registry(folder / "sources.yaml"))


@FAST
@given(body=feed())
def test_any_feed_gives_contract_items_and_requests(body: bytes, spider: SourcesSpider) -> None:
    source = spider.registry.sources[0]
    request = Request(source.url, meta={"source": source, "site_host": source.host,
                                        "seen_url": source.url})  # fmt: skip
    response = XmlResponse(source.url, body=body, request=request,
                           headers={"Content-Type": "application/rss+xml"})  # fmt: skip
    for output in spider.parse_feed(response):
        if isinstance(output, ArticleItem):
            Envelope.new("article.collected", output.payload())
        elif isinstance(output, HealthItem):
            Envelope.new("source.health", output.payload())
        else:
            assert isinstance(output, Request), output
    TALLY["feeds parsed"] += 1


@pytest.mark.slow
@ONE
@given(pages=st.lists(html_page(), min_size=8, max_size=8), rss=feed())
def test_one_crawl_of_fuzzed_pages(pages: list[str], rss: bytes, tmp_path: Path) -> None:
    site = Site()
    links = "".join(f'<a class="t" href="/bai/{i}.html">{i}</a>' for i in range(len(pages)))
    site.add("/robots.txt", "User-agent: *\nAllow: /\n", content_type="text/plain")
    site.add("/list", f"<html><body>{links}</body></html>")
    site.add("/rss.xml", rss, content_type="application/rss+xml")
    for i, page in enumerate(pages):
        site.add(f"/bai/{i}.html", page.encode("utf-8", errors="surrogatepass"))
    with serve(site):
        path = tmp_path / "sources.yaml"
        path.write_text(f"""agencies:
  - id: a
    name: A
    sources:
      - {{id: a-list, kind: listing, url: "{site.base}/list", links: "css:a.t::attr(href)"}}
      - {{id: a-rss, kind: feed, url: "{site.base}/rss.xml"}}
""", encoding="utf-8")  # fmt: skip
        stream_url = f"embedded://{tmp_path / 'stream.db'}"
        report = crawl(load_registry(path), stream_url, tmp_path / "state")
    events = read_events(stream_url)
    assert report.finish_reason == "finished"
    read = {h["url"].removeprefix(site.base) for h in events.health}
    assert {f"/bai/{i}.html" for i in range(len(pages))} <= read, read
    assert not [h for h in events.health if "lỗi khi đọc trang" in h["detail"]]
    TALLY["fuzzed pages crawled for real"] += len(pages) + 2


def test_a_broken_canonical_link_keeps_the_page_url() -> None:
    """Found by the fuzzer: ``<link rel="canonical" href="http://[::1">`` raised ValueError, and
    the article was lost with it."""
    page = '<html><link rel="canonical" href="http://[::1"><h1>Một cửa</h1><p>Cải cách</p></html>'
    fields = extract_article(page, PageContext(url=f"{BASE}/bai/1.html"))
    assert fields["canonical_url"] == f"{BASE}/bai/1.html"
