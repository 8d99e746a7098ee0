"""schema.org JSON-LD blocks: NewsArticle, VideoObject, BreadcrumbList (broken JSON is skipped)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from parsel import Selector

ARTICLE_TYPES = {"article", "newsarticle", "reportagenewsarticle", "blogposting", "webpage",
                 "analysisnewsarticle", "opinionnewsarticle", "videoobject", "report"}  # fmt: skip
_DURATION = re.compile(
    r"^P(?:(?P<d>\d+(?:\.\d+)?)D)?(?:T(?:(?P<h>\d+(?:\.\d+)?)H)?(?:(?P<m>\d+(?:\.\d+)?)M)?"
    r"(?:(?P<s>\d+(?:\.\d+)?)S)?)?$",
    re.IGNORECASE,
)


def json_ld_objects(selector: Selector) -> list[dict[str, Any]]:
    """Every JSON-LD object of the page, with ``@graph`` and lists flattened."""
    objects: list[dict[str, Any]] = []
    for raw in selector.xpath('//script[@type="application/ld+json"]/text()').getall():
        try:
            data = json.loads(raw.strip().rstrip(";"))
        except ValueError:
            continue
        objects.extend(_flatten(data))
    return objects


def _flatten(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for item in data:
            yield from _flatten(item)
    elif isinstance(data, dict):
        yield data
        yield from _flatten(data.get("@graph"))


def types_of(obj: dict[str, Any]) -> set[str]:
    value = obj.get("@type")
    values = value if isinstance(value, list) else [value]
    return {str(item).lower() for item in values if item}


def main_object(objects: list[dict[str, Any]]) -> dict[str, Any]:
    """The article-like object (VideoObject counts: broadcasters' programme pages use it)."""
    for obj in objects:
        if types_of(obj) & ARTICLE_TYPES - {"webpage"}:
            return obj
    for obj in objects:
        if "webpage" in types_of(obj):
            return obj
    return {}


def text_of(value: Any) -> str:
    """A JSON-LD value as text: names of persons/organisations, first item of lists."""
    if isinstance(value, list):
        return ", ".join(filter(None, (text_of(item) for item in value)))
    if isinstance(value, dict):
        return text_of(value.get("name") or value.get("@value") or "")
    return str(value).strip() if value is not None else ""


def breadcrumb_section(objects: list[dict[str, Any]], title: str) -> str:
    """The last named crumb that is not the article itself (the column it sits in)."""
    for obj in objects:
        if "breadcrumblist" in types_of(obj):
            items = obj.get("itemListElement") or []
            names = [text_of(item.get("item") if isinstance(item.get("item"), dict) else item)
                     for item in items if isinstance(item, dict)]  # fmt: skip
            names = [name for name in names if name and name != title]
            if names:
                return names[-1]
    return ""


def iso_duration_seconds(value: str | None) -> int | None:
    """``PT14M30S`` → 870; ``None`` for anything that is not an ISO-8601 duration."""
    match = _DURATION.match((value or "").strip())
    if not match or not any(match.groupdict().values()):
        return None
    parts = {key: float(val) if val else 0.0 for key, val in match.groupdict().items()}
    return round(parts["d"] * 86400 + parts["h"] * 3600 + parts["m"] * 60 + parts["s"])
