from __future__ import annotations

import unicodedata

import pytest
from twisted.internet.error import DNSLookupError
from twisted.python.failure import Failure

from crawlers.extract.article import PageContext, extract_article
from crawlers.extract.encoding import decode_body
from crawlers.extract.jsonld import iso_duration_seconds
from crawlers.health import health_summary
from crawlers.outcomes import classify
from crawlers.registry import ArticleOverrides
from monitor.kind import detect_kind
from tests.crawlers.site import BODY_2, cp1258

TEXT = "Người dân Đồng Văn được hướng dẫn nộp hồ sơ trực tuyến"


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (TEXT.encode(), "text/html; charset=utf-8"),
        (cp1258(TEXT), "text/html; charset=windows-1258"),
        (cp1258(TEXT), "text/html"),  # nothing declared
        (TEXT.encode(), "text/html; charset=ISO-8859-1"),  # header lies
        (b'<meta charset="windows-1258">' + TEXT.encode(), None),  # meta lies
        (b'<meta charset="utf-8">' + cp1258(TEXT), None),
        (unicodedata.normalize("NFD", TEXT).encode(), None),  # decomposed UTF-8
    ],
)
def test_decoding_ends_as_nfc_vietnamese(body: bytes, content_type: str | None) -> None:
    text, _ = decode_body(body, content_type)
    assert TEXT in text and unicodedata.is_normalized("NFC", text)


@pytest.mark.parametrize(
    ("fragment", "expected"),
    [
        ('<meta property="article:published_time" content="2024-03-05T08:15:00+07:00">', "2024-03-05T08:15:00+07:00"),
        ('<script type="application/ld+json">{"@graph":[{"@type":"NewsArticle","datePublished":"2023-01-02T03:04:05Z"}]}</script>',
         "2023-01-02T03:04:05+00:00"),
        ('<time datetime="2022-06-07T10:00:00+07:00">7/6</time>', "2022-06-07T10:00:00+07:00"),
        ('<span class="post-date">Thứ hai, ngày 28 tháng 12 năm 2018 - 14:30</span>', "2018-12-28T14:30:00+07:00"),
        ("<p>Cập nhật lúc 28/12/2018</p>", "2018-12-28T00:00:00+07:00"),
    ],
)  # fmt: skip
def test_publish_date_sources_in_order(fragment: str, expected: str) -> None:
    html = f"<html><head>{fragment}</head><body><h1>Tin</h1><p>{BODY_2}</p>{fragment}</body></html>"
    assert extract_article(html, PageContext(url="http://x/a"))["published"] == expected


def test_registry_overrides_and_hints() -> None:
    html = ('<html><body><h1>Tiêu đề chung</h1><h2 class="t">Tiêu đề thật</h2><span class="d">05/01/2024</span>'
            '<span class="len">Thời lượng: 12 phút 30 giây</span><div class="sec">Phóng sự</div>'
            f"<article><p>{BODY_2}</p></article></body></html>")  # fmt: skip
    overrides = ArticleOverrides(title="css:h2.t::text", date="css:.d::text", duration="css:.len::text",
                                 section="css:.sec::text")  # fmt: skip
    fields = extract_article(
        html, PageContext(url="http://x/a", overrides=overrides, language="vi")
    )
    assert fields["title"] == "Tiêu đề thật" and fields["published"] == "2024-01-05T00:00:00+07:00"
    assert fields["duration_seconds"] == 750 and fields["section"] == "Phóng sự"
    assert fields["kind_hint"] == "" and fields["language_hint"] == "vi"
    kind, _ = detect_kind(url="http://x/a", section=fields["section"], title=fields["title"])
    assert kind == "phong_su"  # the section is a cue the monitor reads, not a declared kind


@pytest.mark.parametrize(
    ("url", "section", "expected"),
    [
        ("https://snv.hagiang.gov.vn/tin-tuc/trien-khai-chuong-trinh-tong-the-cai-cach-hanh-chinh-12345.html",
         "Tin tức - Sự kiện", "tin"),
        ("https://snv.hagiang.gov.vn/tin-tuc/chuong-trinh-hanh-dong-cai-cach-hanh-chinh-2024.html",
         "Tin tức", "tin"),
        ("https://snv.hagiang.gov.vn/tin-tuc/hop-truc-tuyen-qua-video-voi-cac-xa.html", "Tin tức", "tin"),
        ("https://dai.hagiang.gov.vn/chuong-trinh/so-12.html", "", "chuong_trinh"),
    ],
)  # fmt: skip
def test_words_of_a_slug_do_not_make_a_kind(url: str, section: str, expected: str) -> None:
    """A slug repeats the headline: news about "chương trình tổng thể CCHC" is news."""
    html = f"<html><body><h1>Tin CCHC</h1><article><p>{BODY_2}</p></article></body></html>"
    fields = extract_article(html, PageContext(url=url, section=section))
    kind, _ = detect_kind(url=url, section=fields["section"], title=fields["title"],
                          kind_hint=fields["kind_hint"], text=fields["text"])  # fmt: skip
    assert kind == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Thời gian: 8h00, ngày 15/3/2024. Địa điểm: Hội trường UBND tỉnh.", None),
        ("Thời gian: 14:30 ngày 15/3/2024", None),
        ("Thời gian phát sóng: 15 phút", 900),
        ("Thời lượng: 14:30", 870),
    ],
)
def test_a_meeting_time_is_not_a_duration(line: str, expected: int | None) -> None:
    html = f"<html><body><h1>Thông báo</h1><article><p>{BODY_2}</p><p>{line}</p></article></body></html>"
    assert extract_article(html, PageContext(url="http://x/a"))["duration_seconds"] == expected


def test_a_language_named_in_a_sentence_is_not_a_label() -> None:
    body = "Đài duy trì các chương trình phát sóng bằng ngôn ngữ Mông, Dao, Tày. " + BODY_2
    html = f'<html lang="vi"><body><h1>Đài PT-TH tỉnh</h1><article><p>{body}</p></article></body></html>'
    assert extract_article(html, PageContext(url="http://x/a"))["language_hint"] == "vi"


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Ngôn ngữ: Tiếng Việt", "vi"),
        ("Ngôn ngữ: Tiếng Mông", "hmn"),
        ("Ngôn ngữ: Tiếng Tày", "tyz"),
    ],
)
def test_an_explicit_language_label_beats_menu_text(label: str, expected: str) -> None:
    menu = "<nav><a>Phát thanh tiếng Mông</a> <a>Chương trình tiếng Dao</a></nav>"
    html = (
        f'<html lang="hmn"><body>{menu}<h1>Chuyên mục CCHC</h1><ul><li>{label}</li></ul>'
        f"<article><p>{BODY_2}</p></article></body></html>"
    )
    assert extract_article(html, PageContext(url="http://x/a"))["language_hint"] == expected


def test_a_mention_of_a_language_is_not_a_declaration() -> None:
    """A Vietnamese article about broadcasts in Mông, beside a sidebar of such headlines, stays
    Vietnamese: the hint wins over the monitor's reading, so it must only carry declarations."""
    sidebar = "<aside><a>Đài huyện phát thanh bằng tiếng Mông và tiếng Dao</a></aside>"
    body = "Huyện duy trì chuyên mục tuyên truyền cải cách hành chính bằng tiếng Mông. " + BODY_2
    html = (f'<html lang="vi"><body>{sidebar}<h1>Tuyên truyền CCHC ở vùng cao</h1>'
            f"<article><p>{body}</p></article></body></html>")  # fmt: skip
    assert extract_article(html, PageContext(url="http://x/a"))["language_hint"] == "vi"


_SIDEBAR = ('<aside><h3>Tin mới nhất</h3><ul>'
            '<li><a href="/tin/9">Hội nghị tổng kết</a><span class="time">09/07/2024</span></li>'
            '<li><a href="/tin/8">Lễ ra quân</a><time datetime="2024-07-08T10:00:00+07:00">8/7</time></li>'
            "</ul></aside>")  # fmt: skip
_TODAY = (
    '<header><div class="date">Thứ sáu, ngày 22/11/2024</div><a href="/">Cổng TTĐT</a></header>'
)


@pytest.mark.parametrize(
    ("before", "date_line", "expected"),
    [
        (_SIDEBAR, '<div class="date">Thứ hai, ngày 15 tháng 3 năm 2024 - 08:00</div>',
         "2024-03-15T08:00:00+07:00"),
        (_TODAY + _SIDEBAR, '<p class="ngay-dang">15/03/2024 08:00</p>', "2024-03-15T08:00:00+07:00"),
        (_SIDEBAR, '<time datetime="2024-03-15T08:00:00+07:00">15/3/2024</time>',
         "2024-03-15T08:00:00+07:00"),
    ],
)  # fmt: skip
def test_the_date_is_the_articles_not_a_sidebar_or_header_date(
    before: str, date_line: str, expected: str
) -> None:
    """Many portals put a dated news list, or today's date, before the article, and declare no
    date in meta tags: the date nearest the headline is the article's, not the first one."""
    html = (f"<html><head><title>Sở Nội vụ rà soát thủ tục | Cổng TTĐT</title></head><body>{before}"
            f"<div class='main'><h1>Sở Nội vụ rà soát thủ tục</h1>{date_line}"
            f"<article><p>{BODY_2}</p></article></div></body></html>")  # fmt: skip
    assert extract_article(html, PageContext(url="http://x/a"))["published"] == expected


def test_a_sentence_quoting_an_agency_is_not_the_source_line() -> None:
    quote = "<p>Theo Sở Y tế, toàn tỉnh có 95% hồ sơ trực tuyến.</p>"
    html = f"<html><body><h1>Tin CCHC</h1><article><p>{BODY_2}</p>{quote}</article></body></html>"
    assert extract_article(html, PageContext(url="http://x/a"))["source_line"] == ""


_HEADLINE = "Hội nghị tổng kết công tác cải cách hành chính năm 2023"
_LOGO = '<header><h1 class="logo"><a href="/">Sở Nội vụ tỉnh Hà Giang</a></h1><div class="date">05/01/2024</div></header>'
_LATEST = "".join(
    f'<li><a href="/t{i}">Tin số {i}</a> <span class="date">0{i}/01/2024</span></li>'
    for i in range(1, 6)
)


@pytest.mark.parametrize(
    ("head", "body"),
    [
        ("", f'{_LOGO}<div class="main"><h2>{_HEADLINE}</h2><div class="date">28/12/2023</div>'
             f"<p>{BODY_2}</p></div>"),
        (f'<meta property="og:title" content="{_HEADLINE} - Sở Nội vụ tỉnh Hà Giang">',
         f'{_LOGO}<div class="main"><h2>{_HEADLINE}</h2><div class="date">28/12/2023</div>'
         f"<p>{BODY_2}</p></div>"),
        ("", f'<div class="left"><ul>{_LATEST}</ul></div><div class="main"><h1>{_HEADLINE}</h1>'
             + f"<p>{BODY_2}</p>" * 12 + '<div class="post-date">Ngày đăng: 28/12/2023</div></div>'),
        ("", f'<h1>{_HEADLINE}</h1><span class="date">2023-12-28 08:30:00</span><p>{BODY_2}</p>'
             f'<div class="other"><ul><li>Lịch tiếp công dân <span class="date">05/01/2024</span></li></ul></div>'),
    ],
)  # fmt: skip
def test_the_headline_not_the_logo_anchors_the_date(head: str, body: str) -> None:
    """A logo in <h1>, a date below a long story, a date printed as an ISO timestamp: the
    article's date is still the one in the article's own container."""
    html = f"<html><head><title>{_HEADLINE} - Sở Nội vụ tỉnh Hà Giang</title>{head}</head><body>{body}</body></html>"
    fields = extract_article(html, PageContext(url="http://x/a"))
    assert fields["published"].startswith("2023-12-28")
    assert fields["title"].startswith(_HEADLINE)


def test_iso_durations() -> None:
    assert iso_duration_seconds("PT14M30S") == 870
    assert iso_duration_seconds("PT1H") == 3600
    assert iso_duration_seconds("P0D") == 0
    assert iso_duration_seconds("14:30") is None and iso_duration_seconds("PT") is None


def test_dns_failure_is_classified() -> None:
    assert classify(Failure(DNSLookupError("khong-co.invalid")))[0] == "dns_error"


def test_health_summary_takes_latest_state() -> None:
    events = [
        {"source_id": "a", "agency_id": "x", "url": "u1", "outcome": "ok", "status": 200, "detail": "", "at": "2024-01-01T00:00:00+00:00"},
        {"source_id": "a", "agency_id": "x", "url": "u1", "outcome": "timeout", "status": None, "detail": "chậm", "at": "2024-01-02T00:00:00+00:00"},
        {"source_id": "b", "agency_id": "x", "url": "u2", "outcome": "ok", "status": 304, "detail": "", "at": "2024-01-01T00:00:00+00:00"},
    ]  # fmt: skip
    a, b = health_summary(reversed(events))
    assert (a.source_id, a.healthy, a.last_ok_at[:10], a.outcomes["timeout"]) == (
        "a",
        False,
        "2024-01-01",
        1,
    )
    assert a.last_problem == "timeout u1: chậm" and b.healthy
