"""Article metadata from a parsed page: canonical URL, title, date, byline, source line, section.

Each field tries the most explicit signal first (registry override, meta tags, JSON-LD) and falls
back to the Vietnamese conventions of provincial portals ("Tác giả:", "Nguồn:", "Theo ...",
"Thứ hai, ngày 28 tháng 12 năm 2018 - 14:30").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import urljoin

from lxml.etree import XPath
from parsel import Selector

from cchc.credits import credited_sources
from cchc.vntext import fold, nfc, parse_iso_datetime, parse_vn_datetime
from crawlers.extract.jsonld import breadcrumb_section, text_of
from crawlers.registry import ArticleOverrides
from crawlers.selectorspec import select_first

_META_DATES = (
    'meta[property="article:published_time"]::attr(content)',
    'meta[itemprop="datePublished"]::attr(content)',
    'meta[name="pubdate"]::attr(content)',
    'meta[name="publishdate"]::attr(content)',
    'meta[name="date"]::attr(content)',
    'meta[name="dc.date.issued"]::attr(content)',
    'meta[property="og:published_time"]::attr(content)',
)
_DATE_NODES = XPath(
    "//*[contains(@class,'date') or contains(@class,'time') or contains(@class,'ngay')"
    " or contains(@id,'date') or contains(@class,'publish')]"
)
# Compiled lxml queries, used on ``selector.root``: through parsel, every element and text node
# found becomes a ``Selector`` object, which made text_lines nearly half of the extraction time
# of a real 100 KB news page.
_LINE_NODES = XPath("//body//*[self::p or self::div or self::span or self::em or self::strong"
                    " or self::b or self::i][not(ancestor::script)]")  # fmt: skip
_TEXTS = XPath(".//text()", smart_strings=False)
_BODY_TEXTS = XPath("//body//text()", smart_strings=False)
_TIMES = XPath("//time[@datetime]")
_HEADINGS = XPath("//body//h1 | //body//h2")
_H1 = XPath("//h1")
_TITLE_SEPARATOR = re.compile(r"\s+[-|–—]\s+")
_VISIBLE_BODY_TEXTS = XPath("//body//text()[not(ancestor::script)]", smart_strings=False)
_AUTHOR = re.compile(r"^\s*(?:tác\s*giả|bài(?:\s*và\s*ảnh)?|người\s*viết)\s*:\s*(?P<v>.{2,80}?)\s*$",
                     re.IGNORECASE)  # fmt: skip
_HOME = {"trang chu", "home", "trang nhat"}


def canonical_url(selector: Selector, url: str) -> str:
    for query in ('link[rel="canonical"]::attr(href)', 'meta[property="og:url"]::attr(content)'):
        found = (selector.css(query).get() or "").strip()
        if found.startswith(("http", "/")):
            try:
                return urljoin(url, found)
            except ValueError:  # e.g. "http://[::1": a broken link must not lose the article
                continue
    return url


def title(selector: Selector, main: dict[str, Any], overrides: ArticleOverrides) -> str:
    candidates = [
        select_first(selector, overrides.title),
        selector.css('meta[property="og:title"]::attr(content)').get(),
        text_of(main.get("headline") or main.get("name")),
        _headline_h1(selector),
        selector.css("title::text").get(),
    ]
    return _first(candidates)


def _headline_h1(selector: Selector) -> str:
    """The longest <h1>, unless it is only the site's name: a template may put the logo in an
    <h1> and the headline in an <h2>, the <title> reading "Headline - Site name"."""
    texts = [" ".join(" ".join(_TEXTS(node)).split()) for node in _H1(selector.root)]
    best = max(texts, key=len, default="")
    parts = _title_parts(selector.css("title::text").get() or "")
    if fold(best) in parts:
        others = {part for part in parts if part != fold(best)}
        headings = {fold(" ".join(_TEXTS(node))) for node in _HEADINGS(selector.root)}
        if others & headings:  # another heading carries the rest of the title
            return ""
    return best


def _title_parts(page_title: str) -> list[str]:
    """Folded parts of a title split at " - ", " | "..., the longest (the headline) first."""
    parts = [fold(part) for part in _TITLE_SEPARATOR.split(page_title) if part.strip()]
    return sorted(parts, key=len, reverse=True)


def published(selector: Selector, main: dict[str, Any], overrides: ArticleOverrides,
              headline: str = "") -> datetime | None:  # fmt: skip
    """The page's own date (meta tags, JSON-LD), else the date written nearest the headline.

    Many portals declare no date and put a dated list of the latest news, or today's date, before
    the article: the first date of the page would then move the article to another quarter."""
    if overrides.date:
        found = select_first(selector, overrides.date)
        parsed = parse_iso_datetime(found) or parse_vn_datetime(found)
        if parsed:
            return parsed
    explicit = [selector.css(query).get() for query in _META_DATES]
    explicit += [text_of(main.get("datePublished") or main.get("uploadDate"))]
    for value in explicit:
        parsed = parse_iso_datetime(value) if value else None
        if parsed:
            return parsed
    root = selector.root
    for node in _nearest_first(root, headline)(_TIMES(root) + _DATE_NODES(root))[:30]:
        machine = node.get("datetime") if node.tag == "time" else None
        written = " ".join(_TEXTS(node))
        parsed = parse_iso_datetime(machine or written.strip()) or parse_vn_datetime(written)
        if parsed:
            return parsed
    return parse_vn_datetime(body_text(selector)[:4000])


def _nearest_first(root: Any, headline: str) -> Callable[[list[Any]], list[Any]]:
    """Orders elements from the heading that carries the page's title outwards: first those in
    its nearest enclosing element, then in the next one up, each by distance in document order
    (a sidebar of dated news sits outside the article's container, however long the story).
    In document order when no heading carries the title."""
    parts = _title_parts(headline)
    wanted = parts[0] if parts else ""
    scored = [(_overlap(fold(" ".join(_TEXTS(node))), wanted), node) for node in _HEADINGS(root)]
    best = max((score for score, _ in scored), default=0)
    if not best:
        return lambda nodes: nodes
    anchor = next(node for score, node in scored if score == best)
    position = {node: number for number, node in enumerate(root.iter())}
    enclosing = {node: steps for steps, node in enumerate(anchor.iterancestors(), start=1)}

    def key(node: Any) -> tuple[int, int]:
        up = next((enclosing[above] for above in node.iterancestors() if above in enclosing), 0)
        return up, abs(position[node] - position[anchor])

    return lambda nodes: sorted(nodes, key=key)


def _overlap(heading: str, title: str) -> int:
    """How much of the title a heading carries (0: none of it)."""
    if not heading or not title:
        return 0
    return len(heading) if heading in title else len(title) if title in heading else 0


def author(
    selector: Selector, main: dict[str, Any], lines: list[str], overrides: ArticleOverrides
) -> str:
    candidates = [
        select_first(selector, overrides.author),
        _matching(lines, _AUTHOR),
        text_of(main.get("author")),
        selector.css('meta[name="author"]::attr(content)').get(),
        " ".join(selector.css('[rel="author"] ::text, .author ::text, .byline ::text').getall()),
    ]
    return _strip_label(_first(candidates), _AUTHOR)


def source_line(selector: Selector, lines: list[str], overrides: ArticleOverrides) -> str:
    return _first([select_first(selector, overrides.source_line), *credited_sources(lines)[:1]])


def section(selector: Selector, objects: list[dict[str, Any]], main: dict[str, Any],
            page_title: str, overrides: ArticleOverrides, registry_section: str) -> str:  # fmt: skip
    crumbs = [nfc(" ".join(node.xpath(".//text()").getall())) for node in selector.css(
        ".breadcrumb a, .breadcrumbs a, [itemtype*=BreadcrumbList] [itemprop=name], nav.breadcrumb li"
    )]  # fmt: skip
    crumbs = [c for c in crumbs if c and fold(c) not in _HOME and c != page_title]
    json_crumb = breadcrumb_section(objects, page_title)
    candidates = [
        select_first(selector, overrides.section),
        crumbs[-1] if crumbs else "",
        "" if fold(json_crumb) in _HOME else json_crumb,
        selector.css('meta[property="article:section"]::attr(content)').get(),
        text_of(main.get("articleSection")),
        registry_section,
    ]
    return _first(candidates)


def text_lines(selector: Selector) -> list[str]:
    """Short visible lines of the body (bylines and source lines live in their own elements)."""
    lines = []
    for node in _LINE_NODES(selector.root):
        text = nfc(" ".join(" ".join(_TEXTS(node)).split()))
        if 2 < len(text) <= 140:
            lines.append(text)
    return lines


def body_text(selector: Selector, *, scripts: bool = True) -> str:
    """The body's text nodes joined by spaces; ``scripts=False`` leaves out those in scripts."""
    return " ".join((_BODY_TEXTS if scripts else _VISIBLE_BODY_TEXTS)(selector.root))


def _matching(lines: list[str], pattern: re.Pattern[str]) -> str:
    for line in lines:
        match = pattern.match(line)
        if match:
            return match.group("v").strip(" .;-")
    return ""


def _strip_label(value: str, pattern: re.Pattern[str]) -> str:
    match = pattern.match(value)
    return match.group("v").strip(" .;-") if match else value


def _first(candidates: list[str | None]) -> str:
    for candidate in candidates:
        value = nfc(" ".join((candidate or "").split()))
        if value:
            return value
    return ""
