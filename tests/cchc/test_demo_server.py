"""The sample-sites server: real HTTP on loopback, against the bundled sites and a tiny tmp site."""

from __future__ import annotations

import http.client
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from cchc.demo.server import DemoServer, RoutesError, content_type, serve_sites


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
