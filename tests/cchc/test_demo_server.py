"""The sample-sites server: real HTTP on loopback, against the bundled sites and a tiny tmp site."""

from __future__ import annotations

import http.client
import importlib
import itertools
import re
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from urllib.parse import urljoin

import feedparser
import httpx
import pytest
import yaml
from parsel import Selector

from cchc.demo.server import DemoServer, RoutesError, content_type, serve_sites
from crawlers.registry import load_registry
from crawlers.registry_check import check_registry_text
from crawlers.selectorspec import select_all
from monitor.neardup import hamming, simhash


@pytest.fixture(scope="module")
def sites() -> Iterator[DemoServer]:
    with serve_sites(delay_seconds=1.0) as server:
        yield server


@pytest.fixture()
def tiny(tmp_path: Path) -> Iterator[DemoServer]:
    root = tmp_path / "root"
    (root / "a").mkdir(parents=True)
    (root / "a" / "index.html").write_text("<a href='{base}/a/x.html'>x</a>", encoding="utf-8")
    (root / "_secret.txt").write_text("hidden", encoding="utf-8")
    (tmp_path / "outside.txt").write_text("outside", encoding="utf-8")
    with serve_sites(root) as server:
        yield server


def raw_get(server: DemoServer, path: str) -> int:
    """GET a path exactly as written (no client-side normalisation of ../)."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    try:
        conn.request("GET", path)
        return conn.getresponse().status
    finally:
        conn.close()


def test_serves_html_with_base_replaced_and_validators(tiny: DemoServer) -> None:
    response = httpx.get(f"{tiny.base_url}/a/")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.text == f"<a href='{tiny.base_url}/a/x.html'>x</a>"
    assert response.headers["etag"].startswith('"')
    assert response.headers["last-modified"].endswith("GMT")


def test_conditional_get_answers_304(tiny: DemoServer) -> None:
    first = httpx.get(f"{tiny.base_url}/a/index.html")
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    by_etag = httpx.get(f"{tiny.base_url}/a/index.html", headers={"If-None-Match": etag})
    by_date = httpx.get(f"{tiny.base_url}/a/index.html", headers={"If-Modified-Since": modified})
    stale = httpx.get(f"{tiny.base_url}/a/index.html", headers={"If-None-Match": '"other"'})
    assert (by_etag.status_code, by_etag.content) == (304, b"")
    assert by_etag.headers["etag"] == etag
    assert by_date.status_code == 304
    assert stale.status_code == 200


def test_no_traversal_and_no_hidden_files(tiny: DemoServer) -> None:
    assert raw_get(tiny, "/../outside.txt") == 404
    assert raw_get(tiny, "/a/../../outside.txt") == 404
    assert raw_get(tiny, "/a/%2e%2e/%2e%2e/outside.txt") == 404
    assert raw_get(tiny, "/_secret.txt") == 404
    assert raw_get(tiny, "/a/index.html") == 200


def test_bundled_robots_feed_and_article(sites: DemoServer) -> None:
    robots = httpx.get(f"{sites.base_url}/robots.txt")
    assert robots.status_code == 200 and "Disallow: /cong/admin/" in robots.text
    feed = httpx.get(f"{sites.base_url}/so-tu-phap/rss.xml")
    assert feed.headers["content-type"] == "application/rss+xml; charset=utf-8"
    links = [e.text for e in ET.fromstring(feed.content).iter("link")]
    article_links = [link for link in links if link and link.endswith(".html")]
    assert article_links and all(link.startswith(sites.base_url) for link in article_links)
    page = httpx.get(article_links[0])
    assert page.status_code == 200 and '<html lang="vi">' in page.text
    assert "{base}" not in page.text and "<article" in page.text


def test_routes_file_is_not_served(sites: DemoServer) -> None:
    assert httpx.get(f"{sites.base_url}/_routes.yaml").status_code == 404
    assert httpx.get(f"{sites.base_url}/_generate.py").status_code == 404


def test_broken_listing_answers_503(sites: DemoServer) -> None:
    response = httpx.get(f"{sites.base_url}/so-tttt/chuyen-muc/cai-cach-hanh-chinh/")
    assert response.status_code == 503
    assert response.headers["retry-after"] == "3600"
    assert "bảo trì" in response.text


def test_slow_path_exceeds_a_short_client_timeout(sites: DemoServer) -> None:
    started = time.monotonic()
    with pytest.raises(httpx.ReadTimeout):
        httpx.get(f"{sites.base_url}/so-tttt/slow/", timeout=0.3)
    assert time.monotonic() - started < 1.0
    assert httpx.get(f"{sites.base_url}/so-tttt/slow/", timeout=3).status_code == 200


def test_stop_frees_the_port_even_with_a_slow_request_pending(tmp_path: Path) -> None:
    (tmp_path / "routes").mkdir()
    (tmp_path / "routes" / "_routes.yaml").write_text(
        "routes:\n  - path: /wait/\n    delay_seconds: 30\n", encoding="utf-8"
    )
    server = serve_sites(tmp_path / "routes")
    with pytest.raises(httpx.ReadTimeout):
        httpx.get(f"{server.base_url}/wait/x", timeout=0.2)
    started = time.monotonic()
    server.stop()
    assert time.monotonic() - started < 3
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{server.base_url}/", timeout=1)


def test_bad_routes_file_names_the_entry(tmp_path: Path) -> None:
    (tmp_path / "_routes.yaml").write_text("routes:\n  - path: nope\n", encoding="utf-8")
    with pytest.raises(RoutesError, match="route 1"):
        serve_sites(tmp_path)


def test_content_types() -> None:
    assert content_type(Path("rss.xml")) == "application/rss+xml; charset=utf-8"
    assert content_type(Path("sitemap.xml")) == "application/xml; charset=utf-8"
    assert content_type(Path("robots.txt")) == "text/plain; charset=utf-8"


# ---- the bundled content: up to date, consistent with EXPECTED.md, crawlable as registered ----

SITES_DIR = Path(__file__).resolve().parents[2] / "cchc" / "demo" / "sites"
EXPECTED_MD = SITES_DIR.parent / "EXPECTED.md"
SOURCES_YAML = SITES_DIR.parent / "sources.yaml"


@pytest.fixture(scope="module")
def generator() -> ModuleType:
    sys.path.insert(0, str(SITES_DIR))
    sys.dont_write_bytecode = True
    try:
        return importlib.import_module("_generate")
    finally:
        sys.path.remove(str(SITES_DIR))


def served_files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and not any(part.startswith("_") for part in p.relative_to(root).parts)
    }


def test_committed_sites_match_the_generator(generator: ModuleType, tmp_path: Path) -> None:
    generator.generate(tmp_path)
    assert served_files(tmp_path) == served_files(SITES_DIR)


def test_expected_md_states_the_designed_counts(generator: ModuleType) -> None:
    block = re.search(r"```yaml\n(.*?)```", EXPECTED_MD.read_text(encoding="utf-8"), re.DOTALL)
    assert block, "EXPECTED.md needs a ```yaml block of counts"
    designed = generator.expected_counts(generator.build_articles(*generator.load()))
    assert yaml.safe_load(block.group(1))["counts"] == designed


def test_distinct_articles_are_not_near_duplicates(generator: ModuleType) -> None:
    articles = generator.build_articles(*generator.load())
    hashes = {
        (a["site"], a["id"]): simhash("\n".join([a["title"], *a["texts"], *a.get("ethnic", [])]))
        for a in articles
    }
    close = {
        tuple(sorted((x[1], y[1])))
        for x, y in itertools.combinations(hashes, 2)
        if hamming(hashes[x], hashes[y]) <= 6
    }
    assert close == {("stp-lien-thong-khai-sinh-thuong-tru", "tp-lien-thong-khai-sinh-thuong-tru")}


def source_links(server: DemoServer, url: str, links: str, next_page: str | None) -> list[str]:
    found: list[str] = []
    while url:
        response = httpx.get(url)
        assert response.status_code == 200, url
        selector = Selector(text=response.text)
        found += [urljoin(url, href) for href in select_all(selector, links)]
        following = select_all(selector, next_page) if next_page else []
        url = urljoin(url, following[0]) if following else ""
    return found


def test_every_registered_source_reads_as_designed(sites: DemoServer, tmp_path: Path) -> None:
    text = SOURCES_YAML.read_text(encoding="utf-8").replace("{base}", sites.base_url)
    assert check_registry_text(text, "sources.yaml") == []
    (tmp_path / "sources.yaml").write_text(text, encoding="utf-8")
    registry = load_registry(tmp_path / "sources.yaml")
    found = {}
    for source in registry.sources:
        if source.id == "hg-so-tttt-cchc":
            assert httpx.get(source.url).status_code == 503
        elif source.kind == "feed":
            feed = feedparser.parse(httpx.get(source.url).content)
            assert not feed.bozo and all(e.published_parsed for e in feed.entries)
            found[source.id] = [e.link for e in feed.entries]
        else:
            found[source.id] = source_links(sites, source.url, source.links, source.next_page)
    assert {key: len(set(links)) for key, links in found.items()} == {
        "hg-cong-ttdt-cchc": 23, "hg-so-tu-phap-rss": 25, "hg-huyen-bac-quang-tin-tuc": 21,
        "hg-huyen-vi-xuyen-tin-tuc": 11, "hg-bao-ha-giang-rss": 21,
        "hg-bao-ha-giang-ban-doc-cchc": 13, "hg-dai-ptth-chuong-trinh": 18,
    }  # fmt: skip
    for link in {links[0] for links in found.values()}:
        page = httpx.get(link)
        assert page.status_code == 200 and f'href="{link}"' in page.text  # canonical
