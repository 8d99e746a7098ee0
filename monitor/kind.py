"""What kind of item an article is (tin, bài, phóng sự, chuyên mục, chương trình, video).

Plans count kinds separately ("1 phóng sự per quarter", "a weekly 12–15 minute programme",
"13 reader-exchange columns"), so the kind must come with a reason an auditor can check.
Evidence is taken strongest first: the source's explicit hint, schema.org type, section name,
URL path, title wording, media duration, and finally length.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from monitor.fastfold import fold, word_count

KINDS = ("tin", "bai", "phong_su", "chuyen_muc", "chuong_trinh", "video")
PROGRAMME_MIN_SECONDS = 600
ARTICLE_MIN_WORDS = 600

_HINT_ALIASES = {
    "tin": "tin",
    "tin tuc": "tin",
    "news": "tin",
    "bai": "bai",
    "bai viet": "bai",
    "article": "bai",
    "phong su": "phong_su",
    "phong_su": "phong_su",
    "reportage": "phong_su",
    "chuyen muc": "chuyen_muc",
    "chuyen_muc": "chuyen_muc",
    "column": "chuyen_muc",
    "chuong trinh": "chuong_trinh",
    "chuong_trinh": "chuong_trinh",
    "programme": "chuong_trinh",
    "program": "chuong_trinh",
    "video": "video",
    "clip": "video",
}
_JSONLD = {
    "videoobject": "video",
    "tvepisode": "chuong_trinh",
    "radioepisode": "chuong_trinh",
    "episode": "chuong_trinh",
    "broadcastevent": "chuong_trinh",
    "tvseries": "chuong_trinh",
    "radioseries": "chuong_trinh",
    "podcastepisode": "chuong_trinh",
    "audioobject": "chuong_trinh",
    "reportagenewsarticle": "phong_su",
    "opinionnewsarticle": "chuyen_muc",
}
# Folded cues, checked in this order for section names and titles.
_CUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "chuong_trinh",
        re.compile(
            r"\b(chuong trinh (phat thanh|truyen hinh|tieng)|phat thanh tieng|truyen hinh tieng|"
            r"ban tin (phat thanh|truyen hinh|thoi su)|thoi su \d+h|tap chi truyen hinh|podcast)\b"
        ),
    ),
    ("phong_su", re.compile(r"\b(phong su|ky su|reportage)\b")),
    (
        "chuyen_muc",
        re.compile(
            r"\b(chuyen muc|chuyen trang|trao doi y kien|y kien ban doc|ban doc hoi|hoi dap|"
            r"hoi - dap|giai dap|toa dam|doi thoai truc tuyen)\b"
        ),
    ),
    ("video", re.compile(r"(^|[\[(\s])(video|clip|e-?magazine video)(\b|[\]):])")),
)
# A title that opens on an event is news about it ("Tọa đàm về cải cách hành chính ..."); as a
# label ("[Tọa đàm] ...", "Tọa đàm: ...") it names a column.
_EVENT_OPENING = re.compile(r"(toa dam|doi thoai truc tuyen)\b")
_SECTION_PROGRAMME = re.compile(r"^(chuong trinh|truyen hinh|phat thanh)\b")
_SERIES = re.compile(r"^(bai|ky) \d+\s*[:.-]")
_URL_CUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "chuong_trinh",
        re.compile(r"/(chuong-trinh|chuongtrinh|truyen-hinh|phat-thanh|podcasts?|radio|tv)(/|-|$)"),
    ),
    ("phong_su", re.compile(r"/(phong-su|phongsu|ky-su)(/|-|$)")),
    ("chuyen_muc", re.compile(r"/(hoi-dap|y-kien-ban-doc|trao-doi-y-kien|toa-dam)(/|-|$)")),
    ("video", re.compile(r"/(videos?|clips?|media/video)(/|-|$)")),
)


def detect_kind(
    *,
    url: str = "",
    section: str = "",
    title: str = "",
    kind_hint: str = "",
    jsonld_type: str = "",
    duration_seconds: int | None = None,
    text: str = "",
) -> tuple[str, str]:
    """Return ``(kind, reason)``; ``kind`` is one of :data:`KINDS`, the reason is Vietnamese."""
    hint = _HINT_ALIASES.get(fold(kind_hint).replace("-", " ").strip())
    if hint:
        return hint, f"nguồn khai báo loại: {kind_hint.strip()}"
    cues = _cues(url, section, title)
    long_media = duration_seconds is not None and duration_seconds >= PROGRAMME_MIN_SECONDS
    by_type = _JSONLD.get(fold(jsonld_type).split("/")[-1].replace(" ", ""))
    if by_type == "video":
        if "chuong_trinh" in cues:
            return "chuong_trinh", f"VideoObject; {cues['chuong_trinh']}"
        if long_media:
            return "chuong_trinh", f"VideoObject dài {_minutes(duration_seconds)}"
        return "video", f"JSON-LD {jsonld_type.strip()}"
    if by_type:
        return by_type, f"JSON-LD {jsonld_type.strip()}"
    for kind in ("chuong_trinh", "phong_su", "chuyen_muc", "video"):
        if kind in cues:
            return kind, cues[kind]
    if duration_seconds:
        if long_media:
            return "chuong_trinh", f"có thời lượng {_minutes(duration_seconds)}"
        return "video", f"có thời lượng {_minutes(duration_seconds)}"
    if _SERIES.match(fold(title)):
        return "bai", "tiêu đề là một kỳ của loạt bài"
    words = word_count(text)
    if words >= ARTICLE_MIN_WORDS:
        return "bai", f"bài dài {words} từ"
    return "tin", f"tin ngắn ({words} từ)" if text else "mặc định: tin"


def _cues(url: str, section: str, title: str) -> dict[str, str]:
    """First reason found for each kind, section before URL before title."""
    found: dict[str, str] = {}
    folded_section = fold(section)
    if _SECTION_PROGRAMME.match(folded_section):
        found["chuong_trinh"] = f"chuyên mục/mục: {section.strip()}"
    for kind, pattern in _CUES:
        if folded_section and pattern.search(folded_section):
            found.setdefault(kind, f"chuyên mục/mục: {section.strip()}")
    # The folders of the path name sections; its last part is the article's own slug, which
    # repeats the headline ("/tin-tuc/chuong-trinh-hanh-dong-cai-cach-...html" is news).
    path = fold(unquote(urlsplit(url).path)).rpartition("/")[0] + "/" if url else ""
    for kind, pattern in _URL_CUES:
        if path and pattern.search(path):
            found.setdefault(kind, f"đường dẫn: {path}")
    folded_title = fold(title)
    label, opening = _title_label(folded_title), " ".join(folded_title.split()[:4])
    for kind, pattern in _CUES:
        named = bool(label) and pattern.search(label)
        opens = (
            bool(opening)
            and pattern.search(opening)
            and not (kind == "chuyen_muc" and _EVENT_OPENING.match(opening))
        )
        if named or opens:
            found.setdefault(kind, f"tiêu đề: {title.strip()[:80]}")
    return found


def _title_label(title: str) -> str:
    """The part of a title that names its format: bracketed tags and a short "X:" prefix.
    (Its first words are read too, apart: "Phóng sự: ..." and "Phóng sự về ..." are reports;
    "Trao giải phóng sự ..." is news about one.)"""
    parts = re.findall(r"[\[(]([^\])]{1,40})[\])]", title)
    head, colon, _ = title.partition(":")
    if colon and len(head.split()) <= 6:
        parts.append(head)
    return " | ".join(parts)


def _minutes(seconds: int | None) -> str:
    total = int(seconds or 0)
    return f"{total // 60} phút {total % 60} giây" if total % 60 else f"{total // 60} phút"
