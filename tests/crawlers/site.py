"""The fixture site: a small provincial portal with good and broken pages, feeds and sitemaps."""

from __future__ import annotations

import gzip
import unicodedata

from tests.crawlers.server import Site

ROBOTS = "User-agent: *\nDisallow: /rieng/\n"

BODY_1 = (
    "Sáng nay, Sở Nội vụ tỉnh tổ chức hội nghị triển khai kế hoạch cải cách hành chính năm 2024. "
    "Các đại biểu thống nhất đẩy mạnh tiếp nhận hồ sơ trực tuyến ở bộ phận một cửa cấp huyện, "
    "giảm thời gian đi lại cho người dân vùng cao. Lãnh đạo sở đề nghị mỗi cơ quan cử cán bộ "
    "đầu mối theo dõi việc số hóa hồ sơ và báo cáo kết quả hằng quý."
)
BODY_2 = (
    "Ủy ban nhân dân huyện Đồng Văn vừa công bố danh mục thủ tục hành chính được cắt giảm. "
    "Người dân có thể nộp hồ sơ đăng ký hộ tịch qua cổng dịch vụ công mà không phải đến trụ sở. "
    "Cán bộ tư pháp xã được tập huấn để hướng dẫn bà con sử dụng điện thoại thông minh."
)
BODY_3 = (
    "Trung tâm Phục vụ hành chính công tỉnh ghi nhận mức độ hài lòng của người dân tăng rõ rệt. "
    "Nhiều hồ sơ đất đai được trả kết quả sớm hơn hẹn, thái độ phục vụ của công chức được đánh giá cao. "
    "Trung tâm tiếp tục lấy ý kiến người dân qua phiếu khảo sát điện tử."
)
BODY_4 = (
    "Huyện Mèo Vạc phát động phong trào thanh niên hỗ trợ người dân làm thủ tục trên môi trường mạng. "
    "Các tổ công nghệ số cộng đồng đến từng thôn bản, hướng dẫn cài đặt ứng dụng định danh điện tử."
)
BODY_VIDEO = (
    "Chương trình phát thanh bằng tiếng Mông giới thiệu những điểm mới trong thủ tục cấp giấy khai sinh, "
    "giúp đồng bào vùng cao hiểu quyền lợi của mình và chủ động liên hệ bộ phận một cửa của xã."
)


def article(
    title: str, body: str, *, head: str = "", meta: str = "", extra: str = "", lang: str = "vi"
) -> str:
    sentences = [sentence.strip().rstrip(".") for sentence in body.split(". ")]
    paragraphs = "".join(f"<p>{sentence}.</p>" for sentence in sentences if sentence)
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head>{head}<title>{title} | Cổng TTĐT tỉnh</title></head>'
        f'<body><nav class="menu"><a href="/">Trang chủ</a> <a href="/lien-he">Liên hệ</a></nav>'
        f'<div class="breadcrumb"><a href="/">Trang chủ</a> <a href="/chuyen-muc/cchc">Cải cách hành chính</a></div>'
        f'<h1 class="title">{title}</h1><div class="meta">{meta}</div>'
        f'<article class="content">{paragraphs}{extra}</article>'
        f"<footer><p>Bản quyền thuộc Cổng thông tin điện tử tỉnh. Ghi rõ nguồn khi phát hành lại.</p></footer>"
        f"</body></html>"
    )


_TONES = "\u0300\u0301\u0303\u0309\u0323"


def cp1258(text: str) -> bytes:
    """Windows-1258 as legacy Vietnamese sites write it: base letter + combining tone mark."""
    out = bytearray()
    for char in unicodedata.normalize("NFC", text):
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            tone = next(mark for mark in parts if mark in _TONES)
            base = unicodedata.normalize("NFC", parts.replace(tone, ""))
            out += base.encode("cp1258") + tone.encode("cp1258")
    return bytes(out)


def rss(base: str, items: list[tuple[str, str, str]], truncated: bool = False) -> str:
    entries = "".join(
        f"<item><title>{title}</title><link>{link}</link><pubDate>{date}</pubDate>"
        f"<description>{title}</description></item>"
        for title, link, date in items
    )
    text = (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Tin CCHC</title>'
            f"<link>{base}/</link><language>vi</language>{entries}</channel></rss>")  # fmt: skip
    return text[: text.rfind("<item>") + 40] if truncated else text


def build_site(site: Site) -> None:
    """Routes need ``site.base`` (the server must be up): feeds carry absolute links."""
    b = site.base
    site.add("/robots.txt", ROBOTS, content_type="text/plain")
    jsonld = ('<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle",'
              '"headline":"Sở Nội vụ triển khai kế hoạch CCHC 2024","datePublished":"2024-03-05T08:15:00+07:00",'
              '"author":{"@type":"Person","name":"Lê Thu Hà"}}</script>')  # fmt: skip
    site.add("/tin/cchc-1.html", article(
        "Sở Nội vụ triển khai kế hoạch CCHC 2024", BODY_1,
        head=f'<link rel="canonical" href="{b}/tin/cchc-1.html?ref=goc">{jsonld}'
             '<meta property="article:section" content="Thời sự">',
        extra="<p>Tác giả: Lê Thu Hà</p><p>Nguồn: Sở Nội vụ tỉnh Hà Giang</p>"))  # fmt: skip
    site.add("/tin/cchc-2.html", cp1258(article(
        "Đồng Văn cắt giảm thủ tục hành chính", BODY_2,
        head='<meta http-equiv="Content-Type" content="text/html; charset=windows-1258">',
        meta="Thứ hai, ngày 28 tháng 12 năm 2018 - 14:30")),
        content_type="text/html; charset=windows-1258")  # fmt: skip
    site.add("/tin/cchc-3.html", article(
        "Người dân hài lòng với Trung tâm Phục vụ hành chính công", BODY_3, meta="Cập nhật 28/12/2018",
        extra="<p>Theo Báo Hà Giang</p>"), content_type="text/html; charset=ISO-8859-1")  # fmt: skip
    site.add("/tin/cchc-4.html", cp1258(article(
        "Mèo Vạc hướng dẫn làm thủ tục trực tuyến", BODY_4,
        head='<meta charset="utf-8">', meta='<time datetime="2024-04-02T09:00:00+07:00">02/04/2024</time>')),
        content_type="text/html")  # fmt: skip
    video_ld = ('<script type="application/ld+json">{"@type":"VideoObject","name":"Chương trình tiếng Mông số 12",'
                '"duration":"PT14M30S","uploadDate":"2024-05-10T19:00:00+07:00"}</script>')  # fmt: skip
    site.add(
        "/video/chuong-trinh-12.html",
        article(
            "Chương trình tiếng Mông số 12", BODY_VIDEO, head=video_ld, meta="Ngôn ngữ: Tiếng Mông"
        ),
    )
    site.add("/tin/hong.html", "<html><head><title>Trang hỏng</title><body><h1>Trang hỏng vẫn đọc được</h1>"
             "<div><p>Thủ tục hành chính được niêm yết công khai tại trụ sở xã, người dân dễ dàng tra cứu "
             "và so sánh với hướng dẫn trên cổng dịch vụ công<p>Thông tin này được cán bộ một cửa cập nhật "
             "mỗi tuần để bảo đảm người dân luôn có số liệu mới<table><tr><td>ô lỗi</div></span>")  # fmt: skip
    site.add("/tin/anh.html", b"\x89PNG\r\n\x1a\n" + bytes(200), content_type="image/png")
    site.add(
        "/tin/nul.html", b"<html><body>\x00\x00\x01binary</body></html>", content_type="text/html"
    )
    site.add("/tin/lon.html", "<html><body>" + "<p>Rất dài. </p>" * 40_000 + "</body></html>")
    site.add("/tin/vong.html", b"", status=302, headers={"Location": "/tin/vong-2.html"})
    site.add("/tin/vong-2.html", b"", status=302, headers={"Location": "/tin/vong.html"})
    site.add("/tin/loi.html", b"server error", status=500, content_type="text/plain")
    site.add("/tin/cham.html", article("Trang chậm", BODY_3), delay_s=2.5)
    site.add("/rieng/noi-bo.html", article("Trang nội bộ", BODY_3))
    offsite = b.replace("127.0.0.1", "localhost")
    links = ["/tin/hong.html", "/tin/anh.html", "/tin/nul.html", "/tin/lon.html", "/tin/vong.html",
             "/tin/loi.html", "/tin/mat.html", "/tin/cham.html", "/rieng/noi-bo.html",
             f"{offsite}/tin/ngoai.html"]  # fmt: skip
    anchors = "".join(
        f'<li><a class="title" href="{link}">Bài {i}</a></li>' for i, link in enumerate(links)
    )
    site.add("/chuyen-muc/cchc", f'<html><body><ul class="news-list">{anchors}</ul>'
             '<a class="next" href="/chuyen-muc/cchc?trang=2">Trang sau</a></body></html>')  # fmt: skip
    site.add("/chuyen-muc/cchc?trang=2", '<html><body><ul class="news-list">'
             '<li><a class="title" href="/tin/cchc-3.html">Bài</a></li>'
             '<li><a class="title" href="/tin/chuyen-trang.html">Bài đã chuyển</a></li></ul></body></html>')  # fmt: skip
    site.add("/tin/chuyen-trang.html", '<html><head><META HTTP-EQUIV="Refresh" CONTENT="0; '
             'URL=/tin/cchc-5.html"></head><body>Đang chuyển trang…</body></html>')  # fmt: skip
    site.add("/tin/cchc-5.html", article("Bộ phận một cửa chuyển về trụ sở mới", BODY_3))
    site.add(
        "/chuyen-muc/doi-giao-dien",
        "<html><body><div class='new-layout'>Không có danh sách</div></body></html>",
    )
    site.add("/chuong-trinh/tieng-mong", '<html><body><div class="programmes">'
             '<a href="/video/chuong-trinh-12.html">Số 12</a></div></body></html>')  # fmt: skip
    site.add("/rss.xml", rss(b, [
        ("Sở Nội vụ triển khai kế hoạch CCHC 2024", f"{b}/tin/cchc-1.html", "Tue, 05 Mar 2024 01:15:00 GMT"),
        ("Đồng Văn cắt giảm thủ tục hành chính", f"{b}/tin/cchc-2.html", "Mon, 28 Dec 2018 07:30:00 GMT"),
        ("Tin đăng lại từ báo tỉnh", "http://baohagiang.example/tin/dang-lai.html", "Wed, 06 Mar 2024 02:00:00 GMT"),
    ]), content_type="application/rss+xml")  # fmt: skip
    site.add("/hong.rss", rss(b, [
        ("Bản tin một cửa tháng 3", "http://baohagiang.example/tin/mot-cua-3.html", "Fri, 01 Mar 2024 02:00:00 GMT"),
        ("Bản tin một cửa tháng 4", "http://baohagiang.example/tin/mot-cua-4.html", "Mon, 01 Apr 2024 02:00:00 GMT"),
        ("Bản tin một cửa tháng 5", "http://baohagiang.example/tin/mot-cua-5.html", "Wed, 01 May 2024 02:00:00 GMT"),
    ], truncated=True), content_type="application/rss+xml")  # fmt: skip
    site.add("/youtube.xml", YOUTUBE, content_type="application/atom+xml")
    site.add("/sitemap.xml", f'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
             f"<sitemap><loc>{b}/sitemap-tin.xml.gz</loc></sitemap></sitemapindex>", content_type="application/xml")  # fmt: skip
    site.add("/sitemap-tin.xml.gz", gzip.compress(NEWS_SITEMAP.replace("{b}", b).encode()),
             content_type="application/x-gzip")  # fmt: skip
    site.add("/sitemap-hong.xml", "<?xml version='1.0'?><urlset><url><loc>" + b + "/tin/cchc-4.html</loc>"
             "<lastmod>2024-04-02</lastmod></url><url><loc>oops", content_type="application/xml")  # fmt: skip


YOUTUBE = """<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns:yt="http://www.youtube.com/xml/schemas/2015" xmlns:media="http://search.yahoo.com/mrss/"
      xmlns="http://www.w3.org/2005/Atom">
 <title>Đài PT-TH tỉnh</title>
 <entry>
  <id>yt:video:abc123</id><yt:videoId>abc123</yt:videoId>
  <title>Tọa đàm: Chuyển đổi số trong giải quyết thủ tục hành chính</title>
  <link rel="alternate" href="https://www.youtube.com/watch?v=abc123"/>
  <published>2024-06-01T12:00:00+00:00</published><updated>2024-06-02T12:00:00+00:00</updated>
  <media:group>
   <media:title>Tọa đàm: Chuyển đổi số trong giải quyết thủ tục hành chính</media:title>
   <media:content url="https://www.youtube.com/v/abc123" type="application/x-shockwave-flash" duration="870"/>
   <media:description>Khách mời trao đổi về dịch vụ công trực tuyến toàn trình và cách người dân vùng cao tiếp cận.</media:description>
  </media:group>
 </entry>
</feed>"""

NEWS_SITEMAP = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
 <url><loc>{b}/tin/cchc-4.html</loc>
  <news:news><news:publication><news:name>Cổng TTĐT</news:name><news:language>vi</news:language></news:publication>
   <news:publication_date>2024-04-02T09:00:00+07:00</news:publication_date>
   <news:title>Mèo Vạc hướng dẫn làm thủ tục trực tuyến</news:title></news:news></url>
 <url><loc>{b}/tin/cchc-1.html</loc><lastmod>2024-03-05</lastmod></url>
</urlset>"""
