"""Registry selectors: ``"css:..."`` or ``"xpath:..."`` strings, checked once and applied with parsel."""

from __future__ import annotations

from functools import lru_cache

from lxml import etree
from parsel import Selector
from parsel.csstranslator import css2xpath

PREFIXES = ("css:", "xpath:")


class SelectorSyntaxError(ValueError):
    """A registry selector that cannot be compiled; the message says why."""


@lru_cache(maxsize=512)
def to_xpath(spec: str) -> str:
    """Compile a registry selector to XPath, raising :class:`SelectorSyntaxError` when it is bad."""
    kind, _, expr = spec.partition(":")
    expr = expr.strip()
    if kind not in ("css", "xpath") or not expr:
        raise SelectorSyntaxError(f"cần dạng 'css:...' hoặc 'xpath:...', có {spec!r}")
    try:
        xpath = css2xpath(expr) if kind == "css" else expr
        etree.XPath(xpath)
    except Exception as error:  # cssselect and lxml raise several unrelated types
        raise SelectorSyntaxError(f"bộ chọn {kind} không hợp lệ {expr!r}: {error}") from error
    return xpath


def select_all(selector: Selector, spec: str) -> list[str]:
    """All string results of ``spec`` (text nodes, attributes, or element text)."""
    results = []
    for node in selector.xpath(to_xpath(spec)):
        value = (
            node.get() if isinstance(node.root, str) else " ".join(node.xpath(".//text()").getall())
        )
        value = " ".join(value.split())
        if value:
            results.append(value)
    return results


def select_first(selector: Selector, spec: str | None) -> str:
    if not spec:
        return ""
    found = select_all(selector, spec)
    return found[0] if found else ""
