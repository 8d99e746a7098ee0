"""Hints for the monitor: language, programme duration and kind of item (tin, phóng sự, video...)."""

from __future__ import annotations

import re
from typing import Any

from parsel import Selector

from cchc.vntext import fold
from crawlers.extract.jsonld import iso_duration_seconds, types_of
from crawlers.selectorspec import select_first

# ISO 639 codes of the languages broadcast in the northern provinces (see docs/sources.md).
LANGUAGE_CODES = {
    "viet": "vi", "kinh": "vi", "tay": "tyz", "nung": "nut", "mong": "hmn", "h'mong": "hmn",
    "hmong": "hmn", "dao": "ium", "pa then": "pha", "thai": "tmp", "giay": "pcc", "lo lo": "llo",
    "english": "en", "anh": "en",
}  # fmt: skip
_LANGUAGE_LABEL = re.compile(r"ngon ngu\s*:\s*(?:tieng\s+)?(h'mong|pa then|lo lo|[a-z]+)")
_MINUTES = re.compile(
    r"thoi luong\s*:?\s*(?:(?P<h>\d+)\s*(?:gio|h)\s*)?(?:(?P<m>\d+)\s*phut)?\s*(?:(?P<s>\d+)\s*giay)?"
)
_CLOCK = re.compile(r"thoi luong\s*:?\s*(?:(?P<h>\d{1,2}):)?(?P<m>\d{1,2}):(?P<s>\d{2})\b")
# "Thời gian" is also when a meeting starts ("Thời gian: 8h00, ngày 15/3"): only minutes count.
_SPAN = re.compile(
    r"thoi gian(?: phat song)?\s*:?\s*(?P<m>\d+)\s*phut(?:\s*(?P<s>\d+)\s*giay)?(?!\s*ngay)"
)


def language_hint(selector: Selector, main: dict[str, Any], override: str | None, registry: str,
                  page_text: str) -> str:  # fmt: skip
    """What the page declares: a "Ngôn ngữ: Tiếng Mông" label (programme pages), JSON-LD
    ``inLanguage``, a registry override, the page's language code. A mere mention ("tuyên
    truyền bằng tiếng Mông", a sidebar headline) is not a declaration: the hint would win over
    the monitor's own reading of the text and count a Vietnamese article as a Mông one."""
    if override:
        code = _code(select_first(selector, override))
        if code:
            return code
    label = _LANGUAGE_LABEL.search(_near(page_text, ("ngôn ngữ", "ngon ngu")))
    if label and label.group(1) in LANGUAGE_CODES:  # an explicit "Ngôn ngữ: Tiếng Việt" wins
        return LANGUAGE_CODES[label.group(1)]
    structured = _code(str(main.get("inLanguage") or ""))
    if structured:
        return structured
    declared = [
        selector.xpath("/html/@lang | /html/@xml:lang").get(),
        selector.css('meta[http-equiv="content-language" i]::attr(content)').get(),
        selector.css('meta[name="language"]::attr(content)').get(),
        selector.css('meta[property="og:locale"]::attr(content)').get(),
        registry,
    ]
    for value in declared:
        code = _code(value)
        if code:
            return code
    return ""


def duration_seconds(selector: Selector, main: dict[str, Any], override: str | None,
                     page_text: str) -> int | None:  # fmt: skip
    if override:
        found = _text_duration("thoi luong: " + fold(select_first(selector, override)))
        if found is None:
            found = iso_duration_seconds(select_first(selector, override))
        if found is not None:
            return found
    for value in (
        main.get("duration"),
        selector.css('meta[itemprop="duration"]::attr(content)').get(),
    ):
        found = iso_duration_seconds(value if isinstance(value, str) else None)
        if found is not None:
            return found
    seconds = selector.css('meta[property="video:duration"]::attr(content), '
                           'meta[property="og:video:duration"]::attr(content)').get()  # fmt: skip
    if seconds and seconds.strip().isdigit():
        return int(seconds)
    return _text_duration(_near(page_text, ("thời lượng", "thời gian", "thoi luong", "thoi gian")))


def kind_hint(main: dict[str, Any], source_kind: str) -> str:
    """What the source or the page declares: a programme source, a video, a reportage. Words in
    the section or URL are cues the monitor reads itself (:mod:`monitor.kind`), not
    declarations: "trien-khai-chuong-trinh-tong-the-cai-cach-..." is news about a reform
    programme, not a broadcast one."""
    types = types_of(main)
    if source_kind == "programme":
        return "chuong_trinh"
    if "videoobject" in types or source_kind == "youtube":
        return "video"
    if "reportagenewsarticle" in types:
        return "phong_su"
    return ""


def _near(page_text: str, words: tuple[str, ...], width: int = 60) -> str:
    """Folded snippets after each keyword: folding a whole page costs more than extracting it."""
    lowered = page_text[:8000].lower()
    snippets = []
    for word in words:
        start = lowered.find(word)
        while start != -1 and len(snippets) < 8:
            snippets.append(fold(page_text[start : start + len(word) + width]))
            start = lowered.find(word, start + 1)
    return " | ".join(snippets)


def _code(value: str | None) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    folded = fold(value).removeprefix("tieng ").strip()
    if folded in LANGUAGE_CODES:
        return LANGUAGE_CODES[folded]
    return (
        value.replace("_", "-").split("-")[0].lower()
        if re.match(r"^[A-Za-z]{2,3}([-_]|$)", value)
        else ""
    )


def _text_duration(folded: str) -> int | None:
    match = _CLOCK.search(folded)
    if not match:
        match = _MINUTES.search(folded)
        if not match or not (match.group("h") or match.group("m") or match.group("s")):
            match = _SPAN.search(folded)
            if not match:
                return None
    parts = {key: int(value) if value else 0 for key, value in match.groupdict().items()}
    return parts.get("h", 0) * 3600 + parts["m"] * 60 + parts["s"]
