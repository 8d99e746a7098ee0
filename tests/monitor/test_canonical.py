from __future__ import annotations

import pytest

from monitor.canonical import canonical_url

BASE = "https://baohagiang.vn/cai-cach-hanh-chinh/tin-tuc-123.html"


@pytest.mark.parametrize(
    "variant",
    [
        "http://baohagiang.vn/cai-cach-hanh-chinh/tin-tuc-123.html",
        "HTTPS://BaoHaGiang.VN/cai-cach-hanh-chinh/tin-tuc-123.html",
        "https://www.baohagiang.vn/cai-cach-hanh-chinh/tin-tuc-123.html",
        "https://m.baohagiang.vn/cai-cach-hanh-chinh/tin-tuc-123.html",
        "https://mobile.baohagiang.vn/cai-cach-hanh-chinh/tin-tuc-123.html",
        "https://baohagiang.vn/cai-cach-hanh-chinh/tin-tuc-123.html/",
        "https://baohagiang.vn/cai-cach-hanh-chinh/tin-tuc-123.html#binh-luan",
        "https://baohagiang.vn:443/cai-cach-hanh-chinh/tin-tuc-123.html",
        "http://baohagiang.vn:80/cai-cach-hanh-chinh/tin-tuc-123.html",
        "https://baohagiang.vn/cai-cach-hanh-chinh/tin-tuc-123.html?utm_source=zalo&utm_medium=zalo",
        "https://baohagiang.vn/cai-cach-hanh-chinh/tin-tuc-123.html?fbclid=IwAR0abc",
        "https://baohagiang.vn/cai-cach-hanh-chinh/tin-tuc-123.html?gclid=x&zarsrc=31&gidzl=ab",
        "https://baohagiang.vn/cai-cach-hanh-chinh/./tin-tuc-123.html",
        "https://baohagiang.vn/khac/../cai-cach-hanh-chinh/tin-tuc-123.html",
        "https://baohagiang.vn/cai-cach-hanh-chinh/tin%2Dtuc%2D123.html",
        "  https://baohagiang.vn/cai-cach-hanh-chinh/tin-tuc-123.html  ",
        "//baohagiang.vn/cai-cach-hanh-chinh/tin-tuc-123.html",
        "https://baohagiang.vn./cai-cach-hanh-chinh/tin-tuc-123.html",
    ],
)
def test_variants_collapse_to_one(variant: str) -> None:
    assert canonical_url(variant) == BASE


def test_canonical_is_idempotent() -> None:
    messy = "HTTP://WWW.Example.VN:80/a/b/?b=2&a=1&utm_campaign=x#top"
    once = canonical_url(messy)
    assert once == "https://example.vn/a/b?a=1&b=2"
    assert canonical_url(once) == once


def test_query_is_sorted_and_kept() -> None:
    assert canonical_url("https://x.vn/p?page=2&id=7") == "https://x.vn/p?id=7&page=2"
    assert canonical_url("https://x.vn/p?id=7&page=2") == "https://x.vn/p?id=7&page=2"


def test_meaningful_query_is_not_tracking() -> None:
    assert canonical_url("https://x.vn/news.aspx?ItemID=42") != canonical_url(
        "https://x.vn/news.aspx?ItemID=43"
    )


def test_tracking_names_are_case_insensitive() -> None:
    assert canonical_url("https://x.vn/a?UTM_Source=fb&FBCLID=1") == "https://x.vn/a"


def test_non_default_port_is_kept() -> None:
    assert canonical_url("http://127.0.0.1:8081/tin/1") == "https://127.0.0.1:8081/tin/1"


def test_percent_escapes_are_normalised() -> None:
    assert canonical_url("https://x.vn/t%c3%a0i-li%c3%aau") == "https://x.vn/t%C3%A0i-li%C3%AAu"
    assert canonical_url("https://x.vn/tài-liêu") == "https://x.vn/t%C3%A0i-li%C3%AAu"
    nfd = "https://x.vn/ta\u0300i-lie\u0302u"
    assert canonical_url(nfd) == "https://x.vn/t%C3%A0i-li%C3%AAu"
    assert canonical_url("https://x.vn/a%20b") == canonical_url("https://x.vn/a b")
    assert canonical_url("https://x.vn/a%2Fb") == "https://x.vn/a%2Fb"  # an escaped slash stays one


def test_query_values_are_normalised() -> None:
    assert canonical_url("https://x.vn/s?q=c%e1%ba%a3i") == canonical_url("https://x.vn/s?q=cải")
    assert canonical_url("https://x.vn/s?token=a=b") == "https://x.vn/s?token=a=b"


def test_idna_host() -> None:
    assert canonical_url("https://www.bücher.de/x") == "https://xn--bcher-kva.de/x"
    assert canonical_url("https://xn--bcher-kva.de/x/") == "https://xn--bcher-kva.de/x"


def test_root_and_empty_path() -> None:
    assert canonical_url("https://www.x.vn") == "https://x.vn/"
    assert canonical_url("http://x.vn/") == "https://x.vn/"


def test_mobile_prefix_only_on_subdomain() -> None:
    assert canonical_url("https://m.vn/a") == "https://m.vn/a"
    assert canonical_url("https://www.m.vn/a") == "https://m.vn/a"


def test_other_schemes_and_garbage_are_left_alone() -> None:
    assert canonical_url("mailto:sonoivu@hagiang.gov.vn") == "mailto:sonoivu@hagiang.gov.vn"
    assert canonical_url("not a url") == "not a url"
    assert canonical_url("") == ""


def test_bad_port_does_not_raise() -> None:
    assert canonical_url("https://x.vn:99999/a").startswith("https://x.vn")


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("https://hagiang.gov.vn/#/tin-tuc/chi-tiet/1234", "https://hagiang.gov.vn/#/tin-tuc/chi-tiet/1235"),
        ("https://hagiang.gov.vn/#!/tin/5", "https://hagiang.gov.vn/#!/tin/6"),
        ("https://sonoivu.gov.vn/tin?pk_id=1", "https://sonoivu.gov.vn/tin?pk_id=2"),
    ],
)  # fmt: skip
def test_addresses_of_two_articles_stay_two(first: str, second: str) -> None:
    """A browser-routed portal's fragment, or a 'pk_id' that is not Piwik's, names the article."""
    assert canonical_url(first) != canonical_url(second)


def test_piwik_campaign_tags_and_page_anchors_still_go() -> None:
    assert canonical_url("https://x.vn/a?pk_campaign=t&pk_kwd=k&id=3#binh-luan") == "https://x.vn/a?id=3"
