"""Real crawls of the fixture site; assertions on what reaches the embedded stream."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from crawlers.registry import Registry
from crawlers.run import CrawlReport
from tests.crawlers.conftest import REGISTRY, Events, crawl, read_events, write_registry
from tests.crawlers.server import Site, serve
from tests.crawlers.site import build_site, rss


@dataclass
class Crawled:
    site: Site
    registry: Registry
    stream_url: str
    state_dir: Path
    report: CrawlReport
    events: Events
    first_log_size: int


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawled]:
    tmp = tmp_path_factory.mktemp("crawl")
    with serve(Site()) as site:
        build_site(site)
        registry = write_registry(tmp, REGISTRY.format(b=site.base))
        stream_url = f"embedded://{tmp / 'stream.db'}"
        report = crawl(registry, stream_url, tmp / "state")
        yield Crawled(
            site,
            registry,
            stream_url,
            tmp / "state",
            report,
            read_events(stream_url),
            len(site.log),
        )


def test_articles_are_published_keyed_by_agency(crawled: Crawled) -> None:
    article = crawled.events.article("/tin/cchc-1.html")
    assert article["agency_id"] == "hg-so-noi-vu" and article["source_id"] == "snv-rss"
    assert article["channel_id"] == "hg-so-noi-vu"
    assert ("articles", "hg-so-noi-vu") in crawled.events.keys
    assert ("source-health", "hg-dai-ptth") in crawled.events.keys
    assert article["update"] is False
    assert "<h1" in article["html"] and article["fetched_at"]


def test_article_fields(crawled: Crawled) -> None:
    article = crawled.events.article("/tin/cchc-1.html")
    assert article["title"] == "Sở Nội vụ triển khai kế hoạch CCHC 2024"
    assert "hồ sơ trực tuyến ở bộ phận một cửa" in article["text"]
    assert "Bản quyền thuộc" not in article["text"]  # footer is boilerplate, not body
    assert "Liên hệ" not in article["text"]
    assert article["published"] == "2024-03-05T08:15:00+07:00"
    assert article["author"] == "Lê Thu Hà"
    assert article["source_line"] == "Sở Nội vụ tỉnh Hà Giang"
    assert article["section"] == "Cải cách hành chính"  # breadcrumb beats meta article:section
    assert article["canonical_url"].endswith("/tin/cchc-1.html?ref=goc")
    assert article["language_hint"] == "vi"


def test_vietnamese_dates_and_theo_line(crawled: Crawled) -> None:
    assert crawled.events.article("/tin/cchc-2.html")["published"] == "2018-12-28T14:30:00+07:00"
    third = crawled.events.article("/tin/cchc-3.html")
    assert third["published"] == "2018-12-28T00:00:00+07:00"
    assert third["source_line"] == "Báo Hà Giang"
    assert crawled.events.article("/tin/cchc-4.html")["published"] == "2024-04-02T09:00:00+07:00"


@pytest.mark.parametrize(
    ("path", "phrase"),
    [
        ("/tin/cchc-1.html", "Sở Nội vụ tỉnh tổ chức hội nghị"),  # UTF-8
        ("/tin/cchc-2.html", "Ủy ban nhân dân huyện Đồng Văn"),  # Windows-1258 (combining tones)
        (
            "/tin/cchc-3.html",
            "Trung tâm Phục vụ hành chính công",
        ),  # header says ISO-8859-1, bytes UTF-8
        (
            "/tin/cchc-4.html",
            "Huyện Mèo Vạc phát động phong trào",
        ),  # meta says UTF-8, bytes Windows-1258
    ],
)
def test_encodings_end_as_nfc_vietnamese(crawled: Crawled, path: str, phrase: str) -> None:
    article = crawled.events.article(path)
    assert phrase in article["text"]
    for value in (article["title"], article["text"], article["html"]):
        assert unicodedata.is_normalized("NFC", value)


def test_programme_page_duration_language_kind(crawled: Crawled) -> None:
    programme = crawled.events.article("/video/chuong-trinh-12.html")
    assert programme["duration_seconds"] == 870
    assert programme["language_hint"] == "hmn"
    assert programme["kind_hint"] == "chuong_trinh"
    assert programme["published"] == "2024-05-10T19:00:00+07:00"


def test_youtube_feed_entries_carry_duration_and_description(crawled: Crawled) -> None:
    video = crawled.events.article("watch?v=abc123")
    assert video["kind_hint"] == "video" and video["duration_seconds"] == 870
    assert video["text"].startswith("Khách mời trao đổi về dịch vụ công")
    assert video["html"] == "" and video["channel_id"] == "ptth-youtube"


def test_offsite_feed_entry_published_from_the_feed(crawled: Crawled) -> None:
    entry = crawled.events.article("baohagiang.example/tin/dang-lai.html")
    assert entry["title"] == "Tin đăng lại từ báo tỉnh" and entry["html"] == ""
    assert not [url for url, *_ in crawled.site.log if "dang-lai" in url]


def test_bozo_feed_yields_good_entries_and_a_parse_warning(crawled: Crawled) -> None:
    titles = {a["title"] for a in crawled.events.articles if a["source_id"] == "snv-rss-hong"}
    assert {"Bản tin một cửa tháng 3", "Bản tin một cửa tháng 4"} <= titles
    (warning,) = crawled.events.health_for("/hong.rss")
    assert warning["outcome"] == "parse_error" and "vẫn đọc được" in warning["detail"]


def test_sitemap_index_gzip_and_news(crawled: Crawled) -> None:
    (index,) = [h for h in crawled.events.health if h["source_id"] == "snv-sitemap"]
    assert index["outcome"] == "ok" and index["url"].endswith("/sitemap.xml")
    assert index["detail"].startswith("2 lần đọc thành công")  # the index and the .gz sitemap
    assert crawled.events.article("/tin/cchc-4.html")["source_id"] in {
        "snv-sitemap",
        "snv-sitemap-hong",
    }
    (broken,) = crawled.events.health_for("/sitemap-hong.xml")
    assert broken["outcome"] == "parse_error" and "XML hỏng" in broken["detail"]


def test_listing_pagination_and_stale_selector(crawled: Crawled) -> None:
    assert crawled.events.article("/tin/cchc-3.html")  # only linked from page 2
    (stale,) = crawled.events.health_for("/chuyen-muc/doi-giao-dien")
    assert stale["outcome"] == "parse_error" and "không tìm thấy liên kết" in stale["detail"]


@pytest.mark.parametrize(
    ("path", "outcome", "status"),
    [
        ("/tin/mat.html", "http_error", 404),
        ("/tin/loi.html", "http_error", 500),
        ("/tin/cham.html", "timeout", None),
        ("/tin/vong.html", "redirect_loop", None),
        ("/tin/lon.html", "too_large", None),
        ("/tin/anh.html", "binary", 200),
        ("/tin/nul.html", "binary", 200),
        ("/rieng/noi-bo.html", "robots_denied", None),
        ("localhost:{port}/tin/ngoai.html", "offsite", None),
        ("127.0.0.1:9/rss.xml", "connection_error", None),
        ("127.0.0.1:{port}/rss.xml", "ok", 200),  # the feed and its articles: one run of oks
    ],
)
def test_every_fetch_outcome_is_a_health_event(
    crawled: Crawled, path: str, outcome: str, status: int | None
) -> None:
    path = path.format(port=crawled.site.base.rsplit(":", 1)[1])
    (event,) = crawled.events.health_for(path)
    assert (event["outcome"], event["status"]) == (outcome, status)
    assert event["source_id"] and event["agency_id"] and event["at"]
    assert event["outcome"] == "ok" or event["detail"]


def test_ok_fetches_share_an_event_per_source_and_failures_do_not(crawled: Crawled) -> None:
    health, counts = crawled.events.health, crawled.report.health
    failures = [h for h in health if h["outcome"] != "ok"]
    assert len(failures) == sum(n for outcome, n in counts.items() if outcome != "ok")
    oks = [h for h in health if h["outcome"] == "ok"]
    assert len(oks) < counts["ok"]  # the report still counts every ok fetch
    fetched = sum(int(h["detail"].split()[0]) if "lần đọc" in h["detail"] else 1 for h in oks)
    assert fetched == counts["ok"]
    (listing_ok, *rest) = [h for h in health if h["source_id"] == "snv-cchc"]
    assert listing_ok["url"].endswith("/chuyen-muc/cchc") and rest  # a failure ended the run


def test_meta_refresh_is_followed(crawled: Crawled) -> None:
    moved = crawled.events.article("/tin/cchc-5.html")
    assert moved["title"] == "Bộ phận một cửa chuyển về trụ sở mới"
    assert [path for path, *_ in crawled.site.log if path.startswith("/tin/c")].count(
        "/tin/cchc-5.html"
    ) == 1


def test_malformed_html_is_still_read(crawled: Crawled) -> None:
    assert "niêm yết công khai tại trụ sở xã" in crawled.events.article("/tin/hong.html")["text"]


def test_politeness_user_agent_and_robots(crawled: Crawled) -> None:
    assert crawled.site.log[0][0] == "/robots.txt"
    assert not [path for path, *_ in crawled.site.log if path.startswith("/rieng/")]
    assert crawled.report.errors >= 0 and crawled.report.finish_reason == "finished"


def test_log_records_at_the_log_level_still_reach_scrapy(crawled: Crawled) -> None:
    """The crawl process filters records at the loggers; errors are still logged and counted
    (giving up on the refused feed and on the HTTP 500 page)."""
    assert crawled.report.errors >= 2


def test_second_crawl_of_unchanged_site_fetches_no_article(crawled: Crawled) -> None:
    before = len(crawled.site.log)
    report = crawl(crawled.registry, crawled.stream_url, crawled.state_dir)
    second = crawled.site.log[before:]
    pages = [entry for entry in second if entry[0] != "/robots.txt"]
    assert all(status == 304 and conditional for _, status, conditional in pages), second
    assert not [path for path, *_ in pages if path.startswith(("/tin/", "/video/"))]
    assert report.articles == 0 and report.not_modified == len(pages)


def test_changed_article_is_republished_as_update(crawled: Crawled) -> None:
    base = crawled.site.base
    crawled.site.add("/tin/cchc-1.html", crawled.site.routes["/tin/cchc-1.html"].body.replace(
        "hằng quý".encode(), "hằng tháng, kèm số liệu hồ sơ quá hạn".encode()))  # fmt: skip
    crawled.site.add("/rss.xml", rss(base, [
        ("Sở Nội vụ triển khai kế hoạch CCHC 2024", f"{base}/tin/cchc-1.html", "Wed, 06 Mar 2024 01:15:00 GMT"),
    ]), content_type="application/rss+xml")  # fmt: skip
    before = len(crawled.site.log)
    report = crawl(crawled.registry, crawled.stream_url, crawled.state_dir, CCHC_EXTRACT_WORKERS=1)
    fetched = [entry for entry in crawled.site.log[before:] if entry[0].startswith("/tin/")]
    assert fetched == [("/tin/cchc-1.html", 200, True)]  # conditional GET, changed → 200
    assert report.articles_updated == 1 and report.articles_new == 0
    updated = read_events(crawled.stream_url).article("/tin/cchc-1.html")
    assert updated["update"] is True and "số liệu hồ sơ quá hạn" in updated["text"]


def test_revisit_age_rechecks_known_articles_conditionally(crawled: Crawled) -> None:
    before = len(crawled.site.log)
    crawl(crawled.registry, crawled.stream_url, crawled.state_dir, CCHC_REVISIT_DAYS=1e-9)
    articles = [
        entry
        for entry in crawled.site.log[before:]
        if entry[0] in ("/tin/cchc-2.html", "/tin/cchc-3.html")
    ]
    assert sorted(articles) == [("/tin/cchc-2.html", 304, True), ("/tin/cchc-3.html", 304, True)]
