"""The crawl benchmark's site: article pages of a provincial portal, and listings linking them.

A real portal's article page is mostly page furniture: a menu of every section, sidebars of the
latest news, documents and linked sites, a related-news list, a comment form, a footer, scripts;
about 40-60 KB of HTML around a 2-4 KB story. That furniture is what an extractor spends its time
on (and must leave out), so ``furnished=True`` pages carry it; ``furnished=False`` pages are the
bare story (~3 KB), the worst case for a framework's per-request overhead.
"""

from __future__ import annotations

import random

LINKS_PER_LISTING = 50
SENTENCES = [
    "Ủy ban nhân dân tỉnh vừa ban hành kế hoạch cải cách hành chính giai đoạn mới",
    "Các sở, ban, ngành được giao rà soát thủ tục hành chính thuộc thẩm quyền giải quyết",
    "Người dân có thể nộp hồ sơ trực tuyến qua cổng dịch vụ công mà không phải đến trụ sở",
    "Bộ phận một cửa cấp huyện tiếp nhận hơn một nghìn hồ sơ trong quý vừa qua",
    "Tỷ lệ hồ sơ giải quyết đúng hạn đạt trên chín mươi phần trăm",
    "Cán bộ tư pháp xã hướng dẫn bà con vùng cao cài đặt ứng dụng định danh điện tử",
    "Hội nghị đánh giá chỉ số hài lòng của người dân đối với sự phục vụ của cơ quan nhà nước",
    "Đài phát thanh huyện duy trì chuyên mục tuyên truyền bằng tiếng Mông và tiếng Dao",
    "Lãnh đạo sở yêu cầu công khai danh mục thủ tục tại nơi tiếp nhận hồ sơ",
    "Việc số hóa hồ sơ, kết quả giải quyết thủ tục được triển khai đồng bộ",
    "Thanh niên tình nguyện đến từng thôn bản hỗ trợ người dân làm thủ tục trên môi trường mạng",
    "Trung tâm Phục vụ hành chính công lấy ý kiến người dân qua phiếu khảo sát điện tử",
]
SECTIONS = ["Giới thiệu", "Tin tức - Sự kiện", "Chính quyền", "Cải cách hành chính",
            "Văn bản pháp luật", "Dịch vụ công", "Kinh tế - Xã hội", "Văn hóa - Du lịch",
            "Quốc phòng - An ninh", "Hỏi đáp", "Thông tin tuyên truyền", "Liên hệ"]  # fmt: skip
OFFICES = ["Sở Nội vụ", "Sở Tư pháp", "Sở Tài chính", "Sở Y tế", "Sở Giáo dục và Đào tạo",
           "Sở Xây dựng", "Sở Công Thương", "Sở Nông nghiệp và Môi trường", "Sở Văn hóa",
           "Sở Khoa học và Công nghệ", "UBND huyện Đồng Văn", "UBND huyện Mèo Vạc"]  # fmt: skip
_SCRIPT = (
    "window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments);}"
    "gtag('js',new Date());gtag('config','G-PORTAL');"
    "var portal={lang:'vi',sid:'%d',menu:[%s],counters:{online:%d,total:%d}};"
    "document.addEventListener('DOMContentLoaded',function(){var m=document.querySelectorAll"
    "('.menu li');for(var i=0;i<m.length;i++){m[i].addEventListener('mouseenter',function(e)"
    "{e.currentTarget.classList.add('open')});}});"
)


def article_html(index: int, rng: random.Random, *, furnished: bool = True) -> str:
    """One article page; ``index`` sets its date and byline."""
    paragraphs = "".join(
        "<p>" + ". ".join(rng.sample(SENTENCES, rng.randint(3, 6))) + ".</p>"
        for _ in range(rng.randint(3, 9))
    )
    head = (
        f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Bài {index} | Cổng TTĐT tỉnh</title>'
        f'<meta property="article:published_time" content="2024-0{1 + index % 9}-1{index % 10}T08:00:00+07:00">'
    )
    story = (
        f'<div class="breadcrumb"><a href="/">Trang chủ</a><a href="/cchc">Cải cách hành chính</a></div>'
        f'<h1>Bài số {index}: đẩy mạnh cải cách hành chính</h1><div class="date">Thứ hai, ngày 1{index % 10} '
        f"tháng 3 năm 2024 - 08:00</div><article>{paragraphs}<p>Tác giả: Phóng viên {index % 17}</p></article>"
    )
    if not furnished:
        menu = "".join(f'<li><a href="/chuyen-muc/{i}">Chuyên mục {i}</a></li>' for i in range(12))
        return (
            f'{head}</head><body><header><ul class="menu">{menu}</ul></header>{story}'
            f"<footer><p>Cổng thông tin điện tử tỉnh. Địa chỉ: số 1 đường Nguyễn Trãi.</p></footer></body></html>"
        )
    return (
        f'{head}<meta name="viewport" content="width=device-width, initial-scale=1">'
        + "".join(
            f'<link rel="stylesheet" href="/static/css/{name}.css?v=2024">'
            for name in ("bootstrap", "portal", "menu", "print")
        )
        + f"<script>{_script(index, rng)}</script></head><body>"
        + f'<header><div class="top-bar"><a href="/">Cổng thông tin điện tử tỉnh</a>'
        f'<form class="search"><input name="q" placeholder="Tìm kiếm"></form></div>{_menu()}</header>'
        + f'<div class="container"><div class="main">{story}{_related(rng)}{_comment_form()}</div>'
        + f'<aside class="sidebar">{_latest(rng, index)}{_documents(rng)}{_links()}</aside></div>'
        + _footer(index)
        + "</body></html>"
    )


def _script(index: int, rng: random.Random) -> str:
    items = ",".join(f"{{id:{i},t:'{section}'}}" for i, section in enumerate(SECTIONS))
    return _SCRIPT % (index, items, rng.randint(50, 900), rng.randint(10**6, 10**7))


def _menu() -> str:
    entries = "".join(
        f'<li><a href="/chuyen-muc/{i}">{section}</a><ul class="sub">'
        + "".join(
            f'<li><a href="/chuyen-muc/{i}/{j}">{section}: {office}</a></li>'
            for j, office in enumerate(OFFICES[:8])
        )
        + "</ul></li>"
        for i, section in enumerate(SECTIONS)
    )
    return f'<nav><ul class="menu">{entries}</ul></nav>'


def _headline(rng: random.Random) -> str:
    return f"{rng.choice(OFFICES)}: {rng.choice(SENTENCES).lower()}"


def _latest(rng: random.Random, index: int) -> str:
    items = "".join(
        f'<li><a href="/tin/{(index + step) * 7 % 100_000}.html">{_headline(rng)}</a>'
        f'<span class="time">{rng.randint(1, 28)}/0{rng.randint(1, 9)}/2024</span></li>'
        for step in range(1, 16)
    )
    return f'<div class="box"><h3>Tin mới nhất</h3><ul class="news">{items}</ul></div>'


def _related(rng: random.Random) -> str:
    items = "".join(
        f'<li><a href="/tin/lien-quan-{rng.randint(1, 9999)}.html">{_headline(rng)}</a></li>'
        for _ in range(8)
    )
    return f'<div class="related"><h3>Tin liên quan</h3><ul>{items}</ul></div>'


def _documents(rng: random.Random) -> str:
    items = "".join(
        f'<li><a href="/van-ban/{rng.randint(1, 9999)}">Quyết định số {rng.randint(1, 3000)}/QĐ-UBND'
        f" về việc công bố danh mục thủ tục hành chính của {rng.choice(OFFICES)}</a></li>"
        for _ in range(10)
    )
    return f'<div class="box"><h3>Văn bản chỉ đạo điều hành</h3><ul class="docs">{items}</ul></div>'


def _links() -> str:
    options = "".join(
        f'<option value="https://so-{i}.gov.vn">{office}</option>'
        for i, office in enumerate(OFFICES * 3)
    )
    banners = "".join(
        f'<a href="/banner/{i}"><img src="/static/banner-{i}.jpg" alt="{section}"></a>'
        for i, section in enumerate(SECTIONS[:6])
    )
    return (
        f'<div class="box"><h3>Liên kết website</h3><select>{options}</select></div>'
        f'<div class="banners">{banners}</div>'
    )


def _comment_form() -> str:
    return (
        '<div class="comment"><h3>Ý kiến bạn đọc</h3><form method="post" action="/binh-luan">'
        '<input name="ho_ten" placeholder="Họ và tên"><input name="email" placeholder="Thư điện tử">'
        '<textarea name="noi_dung" placeholder="Nội dung"></textarea><button>Gửi ý kiến</button>'
        "</form></div>"
    )


def _footer(index: int) -> str:
    return (
        '<footer><div class="footer-info"><p>CỔNG THÔNG TIN ĐIỆN TỬ TỈNH</p>'
        "<p>Cơ quan chủ quản: Ủy ban nhân dân tỉnh. Chịu trách nhiệm chính: Chánh Văn phòng UBND tỉnh.</p>"
        "<p>Địa chỉ: số 1 đường Nguyễn Trãi, thành phố. Điện thoại: 0219 386 0000. "
        "Thư điện tử: congthongtin@tinh.gov.vn</p><p>Giấy phép số 01/GP-TTĐT. Ghi rõ nguồn "
        "khi phát hành lại thông tin từ cổng thông tin điện tử này.</p></div>"
        f'<div class="counter">Đang truy cập: {index % 300}</div></footer>'
    )


def build_pages(count: int, *, furnished: bool = True) -> dict[str, bytes]:
    """Path -> body: robots.txt, ``count`` articles and listings of 50 links each."""
    rng = random.Random(7)
    pages = {"/robots.txt": b"User-agent: *\nAllow: /\n"}
    for index in range(count):
        pages[f"/tin/{index}.html"] = article_html(index, rng, furnished=furnished).encode()
    for listing in range((count + LINKS_PER_LISTING - 1) // LINKS_PER_LISTING):
        links = range(listing * LINKS_PER_LISTING, min(count, (listing + 1) * LINKS_PER_LISTING))
        anchors = "".join(f'<a class="t" href="/tin/{i}.html">Bài {i}</a>' for i in links)
        pages[f"/ds/{listing}"] = (
            f"<html><body><div class='list'>{anchors}</div></body></html>".encode()
        )
    return pages
