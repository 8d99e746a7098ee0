"""HTML chrome of the sample sites (used by _generate.py): each site has its own header, menu,
breadcrumb, date style and footer, so the article extractor has real work to do."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from html import escape

WEEKDAYS = ("Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy", "Chủ nhật")
LANGUAGE_NAMES = {
    "vi": "Tiếng Việt",
    "hmn": "Tiếng Mông",
    "tyz": "Tiếng Tày",
    "ium": "Tiếng Dao",
    "pha": "Tiếng Pà Thẻn",
}


@dataclass(frozen=True)
class Site:
    key: str  # path prefix, e.g. "cong"
    name: str
    menu: tuple[tuple[str, str], ...]  # (label, href)
    footer: str
    date_style: str  # "meta" (meta + dd/mm/yyyy), "numeric" (visible only), "long" (visible only)
    jsonld: bool = False


SITES = {
    "cong": Site(
        "cong",
        "Cổng Thông tin điện tử tỉnh Hà Giang",
        (
            ("Trang chủ", "/cong/"),
            ("Tin tức - Sự kiện", "/cong/"),
            ("Cải cách hành chính", "/cong/chuyen-muc/cai-cach-hanh-chinh/"),
            ("Dịch vụ công", "/cong/"),
            ("Quản trị", "/cong/admin/"),
        ),
        "Cơ quan chủ quản: UBND tỉnh Hà Giang. Địa chỉ: Đường 20/8, phường Nguyễn Trãi, thành phố"
        " Hà Giang. Giấy phép số 15/GP-TTĐT ngày 20/5/2019 của Cục Phát thanh, truyền hình và thông"
        " tin điện tử.",
        "meta",
    ),
    "so-tu-phap": Site(
        "so-tu-phap",
        "Sở Tư pháp tỉnh Hà Giang",
        (
            ("Trang chủ", "/so-tu-phap/"),
            ("Giới thiệu", "/so-tu-phap/"),
            ("Tin tức", "/so-tu-phap/"),
            ("RSS", "/so-tu-phap/rss.xml"),
        ),
        "Sở Tư pháp tỉnh Hà Giang. Địa chỉ: Số 415 đường Nguyễn Trãi, thành phố Hà Giang."
        " Điện thoại: 0219.3866.000. Ghi rõ nguồn khi phát hành lại thông tin từ website này.",
        "meta",
        jsonld=True,
    ),
    "bac-quang": Site(
        "bac-quang",
        "Trang thông tin điện tử huyện Bắc Quang",
        (
            ("Trang chủ", "/bac-quang/"),
            ("Tin tức", "/bac-quang/tin-tuc/"),
            ("Văn bản", "/bac-quang/"),
            ("Liên hệ", "/bac-quang/"),
        ),
        "Bản quyền thuộc UBND huyện Bắc Quang. Địa chỉ: Tổ 7, thị trấn Việt Quang, huyện Bắc Quang,"
        " tỉnh Hà Giang. Điện thoại: 0219.3820.000.",
        "numeric",
    ),
    "vi-xuyen": Site(
        "vi-xuyen",
        "Cổng thông tin điện tử huyện Vị Xuyên",
        (
            ("Trang chủ", "/vi-xuyen/"),
            ("Tin tức - Sự kiện", "/vi-xuyen/tin-tuc-su-kien/"),
            ("Thủ tục hành chính", "/vi-xuyen/"),
            ("Hỏi đáp", "/vi-xuyen/"),
        ),
        "UBND huyện Vị Xuyên, tỉnh Hà Giang. Chịu trách nhiệm nội dung: Chánh Văn phòng HĐND và"
        " UBND huyện. Email: vanphong@vixuyen.hagiang.example",
        "long",
    ),
    "bao-ha-giang": Site(
        "bao-ha-giang",
        "Báo Hà Giang điện tử",
        (
            ("Thời sự", "/bao-ha-giang/"),
            ("Kinh tế", "/bao-ha-giang/"),
            ("Du lịch", "/bao-ha-giang/"),
            ("Pháp luật", "/bao-ha-giang/"),
            (
                "Trao đổi ý kiến bạn đọc về CCHC",
                "/bao-ha-giang/chuyen-muc/trao-doi-y-kien-ban-doc-ve-cchc/",
            ),
        ),
        "Cơ quan của Đảng bộ Đảng Cộng sản Việt Nam tỉnh Hà Giang. Giấy phép hoạt động báo điện tử"
        " số 123/GP-BTTTT. Tổng Biên tập: Nguyễn Văn Hùng.",
        "meta",
        jsonld=True,
    ),
    "dai-ptth": Site(
        "dai-ptth",
        "Đài Phát thanh - Truyền hình Hà Giang",
        (
            ("Trang chủ", "/dai-ptth/"),
            ("Chương trình", "/dai-ptth/chuong-trinh/"),
            ("Chương trình dân tộc", "/dai-ptth/chuong-trinh/"),
            ("Lịch phát sóng", "/dai-ptth/"),
        ),
        "Đài Phát thanh - Truyền hình Hà Giang. Địa chỉ: Tổ 9, phường Minh Khai, thành phố Hà"
        " Giang. Giấy phép cung cấp dịch vụ phát thanh, truyền hình trên mạng số 45/GP-BTTTT.",
        "meta",
    ),
}


def iso(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:00+07:00")


def visible_date(site: Site, when: datetime) -> str:
    if site.date_style == "long":
        return (
            f"{WEEKDAYS[when.weekday()]}, ngày {when.day} tháng {when.month} năm {when.year}"
            f" - {when:%H:%M}"
        )
    if site.date_style == "numeric":
        return f"Cập nhật: {when:%d/%m/%Y %H:%M}"
    return f"{WEEKDAYS[when.weekday()]}, {when:%d/%m/%Y %H:%M}"


def page(
    site: Site,
    *,
    title: str,
    path: str,
    body: str,
    head: str = "",
    lang: str = "vi",
    crumbs: tuple[str, ...] = (),
) -> str:
    """A whole HTML5 page of ``site``; ``{base}`` is replaced by the server at serve time."""
    menu = "".join(f'<li><a href="{h}">{escape(label)}</a></li>' for label, h in site.menu)
    trail = " › ".join(
        [f'<a href="/{site.key}/">Trang chủ</a>'] + [f"<span>{escape(c)}</span>" for c in crumbs]
    )
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} - {escape(site.name)}</title>
<link rel="canonical" href="{{base}}{path}">
<meta property="og:url" content="{{base}}{path}">
<meta property="og:title" content="{escape(title)}">
<meta property="og:site_name" content="{escape(site.name)}">
{head}</head>
<body class="site-{site.key}">
<header class="site-header"><div class="logo"><a href="/{site.key}/">{escape(site.name)}</a></div>
<form class="search" action="/{site.key}/"><input name="q" placeholder="Tìm kiếm..."></form>
<nav class="main-menu"><ul>{menu}</ul></nav></header>
<div class="breadcrumb">{trail}</div>
<main class="container">
{body}
</main>
<footer class="site-footer"><p>{escape(site.footer)}</p></footer>
</body>
</html>
"""


def article_head(site: Site, a: dict, path: str, section: str) -> str:
    """Meta tags and JSON-LD of an article page, as the site's CMS would emit them."""
    parts = [
        f'<meta name="description" content="{escape(a["lead"][:200])}">',
        '<meta property="og:type" content="article">',
    ]
    if site.date_style == "meta":
        parts.append(f'<meta property="article:published_time" content="{iso(a["when"])}">')
        parts.append(f'<meta property="article:section" content="{escape(section)}">')
    if site.jsonld:
        data = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": a["title"],
            "datePublished": iso(a["when"]),
            "articleSection": section,
            "mainEntityOfPage": "{base}" + path,
            "inLanguage": "vi",
            "author": {"@type": "Person", "name": a.get("author") or site.name},
            "publisher": {"@type": "Organization", "name": site.name},
        }
        parts.append(_jsonld(data))
    return "\n".join(parts) + "\n"


def programme_head(site: Site, a: dict, path: str) -> str:
    data = {
        "@context": "https://schema.org",
        "@type": "VideoObject",
        "name": a["title"],
        "description": a["lead"],
        "uploadDate": iso(a["when"]),
        "duration": a["duration"],
        "inLanguage": a["language"],
        "genre": "Chương trình",
        "url": "{base}" + path,
        "publisher": {"@type": "Organization", "name": site.name},
    }
    return (
        f'<meta name="description" content="{escape(a["lead"][:200])}">\n'
        '<meta property="og:type" content="video.episode">\n'
        f'<meta property="article:published_time" content="{iso(a["when"])}">\n'
        + _jsonld(data)
        + "\n"
    )


def _jsonld(data: dict) -> str:
    text = json.dumps(data, ensure_ascii=False, indent=1).replace("</", "<\\/")
    return f'<script type="application/ld+json">\n{text}\n</script>'


def paragraphs(texts: list[str]) -> str:
    return "\n".join(f"<p>{escape(t)}</p>" for t in texts)


def related(links: list[tuple[str, str]]) -> str:
    items = "".join(f'<li><a href="{h}">{escape(t)}</a></li>' for t, h in links)
    return f'<aside class="sidebar"><h3>Tin liên quan</h3><ul>{items}</ul></aside>'
