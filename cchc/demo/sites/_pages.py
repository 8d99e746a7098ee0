"""Pages, listings and feeds of each sample site (used by _generate.py). Returns {relative path: text}."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from html import escape

from _templates import (
    LANGUAGE_NAMES,
    SITES,
    Site,
    article_head,
    page,
    paragraphs,
    programme_head,
    related,
    visible_date,
)

from cchc.vntext import fold

VN = timezone(timedelta(hours=7))
SECTIONS = {
    "cong": "Cải cách hành chính",
    "so-tu-phap": "Tin tức - Sự kiện",
    "bac-quang": "Tin tức",
    "vi-xuyen": "Tin tức - Sự kiện",
}
LISTINGS = {  # site: (listing folder, items per page)
    "cong": ("cong/chuyen-muc/cai-cach-hanh-chinh", 8),
    "bac-quang": ("bac-quang/tin-tuc", 7),
    "vi-xuyen": ("vi-xuyen/tin-tuc-su-kien", 6),
    "dai-ptth": ("dai-ptth/chuong-trinh", 10),
}


def path_of(a: dict) -> str:
    folder = {
        "cong": "cong/tin-tuc",
        "so-tu-phap": "so-tu-phap/tin-tuc",
        "bac-quang": "bac-quang/bai-viet",
        "vi-xuyen": "vi-xuyen/tin-tuc-su-kien",
        "dai-ptth": "dai-ptth/chuong-trinh",
    }.get(a["site"])
    if a["site"] == "bao-ha-giang":
        folder = "bao-ha-giang/" + _slug(section_of(a))
    return f"/{folder}/{a['id']}.html"


def section_of(a: dict) -> str:
    if a["site"] == "bao-ha-giang":
        return "Trao đổi ý kiến bạn đọc về CCHC" if a.get("column") else a["section"]
    if a["site"] == "dai-ptth":
        return "Chương trình dân tộc" if a["language"] != "vi" else "Chương trình thời sự"
    return SECTIONS[a["site"]]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")


def render_site(key: str, articles: list[dict], sites: dict) -> dict[str, str]:
    if key == "root":
        return _root()
    if key == "so-tttt":
        return _so_tttt()
    site = SITES[key]
    own = [a for a in articles if a["site"] == key]
    files = {path_of(a).lstrip("/"): _article(site, a, own) for a in own}
    newest = sorted(own, key=lambda a: a["when"], reverse=True)
    files[f"{key}/index.html"] = _home(site, newest[:8])
    files[f"{key}/admin/index.html"] = page(
        site, title="Đăng nhập quản trị", path=f"/{key}/admin/", body="<form>...</form>"
    )
    if key in LISTINGS:
        files.update(_listing(site, newest, *LISTINGS[key]))
    if key == "so-tu-phap":
        files["so-tu-phap/rss.xml"] = _rss(site, newest, "/so-tu-phap/", "Tin tức Sở Tư pháp")
    if key == "bao-ha-giang":
        files.update(_newspaper_extras(site, newest, sites[key]["column"]))
    return files


def _article(site: Site, a: dict, own: list[dict]) -> str:
    path, section = path_of(a), section_of(a)
    if site.key == "dai-ptth":
        head, info = programme_head(site, a, path), _programme_info(a)
    else:
        head, info = article_head(site, a, path, section), ""
    lines = [f'<p class="author">Tác giả: {escape(a["author"])}</p>']
    if a.get("source"):
        lines.append(f'<p class="source">Nguồn: {escape(a["source"])}</p>')
    texts = a["texts"]
    body_html = paragraphs(texts)
    if site.key == "dai-ptth" and a["language"] != "vi":
        body_html = _programme_body(a)
    neighbours = [(b["title"], path_of(b)) for b in own if b is not a][:4]
    body = f"""<div class="row"><article class="news-detail">
<div class="section-name">{escape(section)}</div>
<h1 class="title">{escape(a["title"])}</h1>
<div class="meta"><span class="date">{visible_date(site, a["when"])}</span></div>
{info}<div class="content">
{body_html}
</div>
{"".join(lines)}
</article>
{related(neighbours)}</div>"""
    lang = "hmn" if a.get("language") == "hmn" else "vi"
    return page(
        site, title=a["title"], path=path, body=body, head=head, lang=lang, crumbs=(section,)
    )


def _programme_info(a: dict) -> str:
    match = re.fullmatch(r"PT(?:(\d+)M)?(?:(\d+)S)?", a["duration"])
    minutes, seconds = (int(x or 0) for x in match.groups())
    length = f"{minutes} phút" + (f" {seconds} giây" if seconds else "")
    return (
        f'<ul class="programme-info"><li>Phát sóng: {a["when"]:%d/%m/%Y %H:%M}</li>'
        f"<li>Thời lượng: {length}</li>"
        f"<li>Ngôn ngữ: {LANGUAGE_NAMES[a['language']]}</li></ul>\n"
        f'<div class="player" data-src="/dai-ptth/media/{a["id"]}.mp4"></div>\n'
    )


def _programme_body(a: dict) -> str:
    summary, ethnic = a["texts"], a["ethnic"]
    name = LANGUAGE_NAMES[a["language"]].lower()
    html = f"<h2>Tóm tắt nội dung bằng tiếng Việt</h2>\n{paragraphs(summary)}\n"
    if ethnic:
        html += (
            f'<h2>Trích lời dẫn chương trình</h2>\n<div class="ethnic-text" '
            f'lang="{a["language"]}">\n{paragraphs(ethnic)}\n</div>'
        )
    else:
        html += f"<p>Chương trình phát sóng bằng {name}; bản ghi lưu tại Đài.</p>"
    return html


def _home(site: Site, latest: list[dict]) -> str:
    items = "".join(f'<li><a href="{path_of(a)}">{escape(a["title"])}</a></li>' for a in latest)
    body = f'<section class="home-latest"><h2>Tin mới</h2><ul>{items}</ul></section>'
    return page(site, title="Trang chủ", path=f"/{site.key}/", body=body)


def _listing(site: Site, newest: list[dict], folder: str, size: int) -> dict[str, str]:
    chunks = [newest[i : i + size] for i in range(0, len(newest), size)]
    names = ["index.html"] + [f"trang-{n}.html" for n in range(2, len(chunks) + 1)]
    files = {}
    for number, (name, chunk) in enumerate(zip(names, chunks, strict=True), 1):
        items = "".join(_listing_item(site, a) for a in chunk)
        pager = " ".join(f'<a href="{n}">{i}</a>' for i, n in enumerate(names, 1))
        if number < len(names):
            pager += f' <a class="next" rel="next" href="{names[number]}">Trang sau ›</a>'
        path = f"/{folder}/" + ("" if name == "index.html" else name)
        title = section_of(chunk[0]) if site.key != "dai-ptth" else "Chương trình"
        body = (
            f'<h1 class="page-title">{escape(title)}</h1>\n<div class="list-news">{items}'
            f'</div>\n<div class="paging">{pager}</div>'
        )
        files[f"{folder}/{name}"] = page(
            site, title=f"{title} - Trang {number}", path=path, body=body, crumbs=(title,)
        )
    return files


def _listing_item(site: Site, a: dict) -> str:
    shown = (
        a["when"].strftime("%d/%m/%Y")
        if site.date_style != "long"
        else visible_date(site, a["when"])
    )
    return (
        f'<div class="item"><h3 class="item-title"><a href="{path_of(a)}">'
        f'{escape(a["title"])}</a></h3><span class="date">{shown}</span>'
        f'<p class="sapo">{escape(a["lead"][:160])}</p></div>'
    )


def _rss(site: Site, items: list[dict], home: str, title: str) -> str:
    entries = "".join(
        f"""
<item>
<title>{escape(a["title"])}</title>
<link>{{base}}{path_of(a)}</link>
<guid isPermaLink="true">{{base}}{path_of(a)}</guid>
<pubDate>{format_datetime(a["when"].replace(tzinfo=VN))}</pubDate>
<category>{escape(section_of(a))}</category>
<dc:creator>{escape(a["author"])}</dc:creator>
<description>{escape(a["lead"])}</description>
</item>"""
        for a in items
    )
    built = format_datetime(datetime(2024, 12, 31, 23, 0, tzinfo=VN))
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
<title>{escape(title)} - {escape(site.name)}</title>
<link>{{base}}{home}</link>
<description>{escape(title)}</description>
<language>vi</language>
<lastBuildDate>{built}</lastBuildDate>{entries}
</channel>
</rss>
"""


def _newspaper_extras(site: Site, newest: list[dict], column: dict) -> dict[str, str]:
    issues = [a for a in newest if a.get("column")]
    folder = f"bao-ha-giang/chuyen-muc/{column['slug']}"
    listing = _listing(site, issues, folder, 20)
    return {
        "bao-ha-giang/rss.xml": _rss(site, newest, "/bao-ha-giang/", "Tin mới"),
        "bao-ha-giang/rss/trao-doi-y-kien-ban-doc.xml": _rss(
            site, issues, f"/{folder}/", column["name"]
        ),
        **listing,
    }


def _so_tttt() -> dict[str, str]:
    site = Site(
        "so-tttt",
        "Sở Thông tin và Truyền thông tỉnh Hà Giang",
        (
            ("Trang chủ", "/so-tttt/"),
            ("Cải cách hành chính", "/so-tttt/chuyen-muc/cai-cach-hanh-chinh/"),
        ),
        "Sở Thông tin và Truyền thông tỉnh Hà Giang.",
        "meta",
    )
    home = "<p>Trang thông tin đang được nâng cấp. Một số chuyên mục tạm thời gián đoạn.</p>"
    slow = "<p>Trang này chỉ trả lời sau một thời gian chờ (xem _routes.yaml).</p>"
    return {
        "so-tttt/index.html": page(site, title="Trang chủ", path="/so-tttt/", body=home),
        "so-tttt/slow/index.html": page(site, title="Tin tức", path="/so-tttt/slow/", body=slow),
    }


def _root() -> dict[str, str]:
    links = "".join(f'<li><a href="/{s.key}/">{escape(s.name)}</a></li>' for s in SITES.values())
    links += '<li><a href="/so-tttt/">Sở Thông tin và Truyền thông tỉnh Hà Giang</a></li>'
    robots = (
        "User-agent: *\n"
        + "".join(f"Disallow: /{key}/admin/\n" for key in (*SITES, "so-tttt"))
        + "Allow: /\n"
    )
    index = f"""<!DOCTYPE html>
<html lang="vi">
<head><meta charset="utf-8"><title>Các trang mẫu của bản chạy thử CCHC Monitor</title></head>
<body><h1>Các trang mẫu (dữ liệu giả lập, tỉnh Hà Giang 2024)</h1><ul>{links}</ul></body>
</html>
"""
    return {"robots.txt": robots, "index.html": index}
