"""Validation of ``sources.yaml`` on the YAML node tree, so every message carries ``file:line``.

All problems are collected (not just the first) so an operator fixes the file in one pass.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from crawlers.selectorspec import SelectorSyntaxError, to_xpath

SOURCE_KINDS = ("feed", "sitemap", "listing", "programme", "youtube")
AGENCY_KINDS = (
    "so", "ubnd_tinh", "ubnd_huyen", "ubnd_xa", "newspaper", "broadcaster", "portal", "other",
)  # fmt: skip
ARTICLE_KEYS = ("title", "date", "author", "source_line", "section", "language", "duration")
AGENCY_KEYS = ("id", "name", "kind", "groups", "emails", "aliases", "sources")
SOURCE_KEYS = (
    "id", "kind", "url", "channel", "language", "section", "links", "next_page", "max_pages",
    "article",
)  # fmt: skip
NEEDS_LINKS = ("listing", "programme")
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_URL = re.compile(r"^https?://[^\s/]+[^\s]*$")


class _Checker:
    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.problems: list[str] = []
        self.agency_ids: set[str] = set()
        self.source_ids: set[str] = set()

    def error(self, node: Node, message: str) -> None:
        self.problems.append(f"{self.filename}:{node.start_mark.line + 1}: {message}")

    def mapping(self, node: Node, what: str, allowed: tuple[str, ...]) -> dict[str, Node]:
        if not isinstance(node, MappingNode):
            self.error(node, f"{what} phải là một bảng khoá: giá trị")
            return {}
        items: dict[str, Node] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in items:
                self.error(key_node, f"khoá '{key}' lặp lại trong {what}")
            elif key not in allowed:
                self.error(
                    key_node, f"khoá không biết '{key}' trong {what}{_suggest(key, allowed)}"
                )
            items[key] = value_node
        return items

    def scalar(self, node: Node | None, parent: Node, key: str, required: bool = False) -> str:
        if node is None:
            if required:
                self.error(parent, f"thiếu khoá bắt buộc '{key}'")
            return ""
        if not isinstance(node, ScalarNode) or node.value == "" and required:
            self.error(node, f"'{key}' phải là một giá trị (chuỗi) không rỗng")
            return ""
        return str(node.value)

    def choice(self, node: Node | None, parent: Node, key: str, options: tuple[str, ...]) -> str:
        value = self.scalar(node, parent, key, required=True)
        if value and value not in options:
            self.error(node or parent, f"'{key}: {value}' không hợp lệ{_suggest(value, options)}"
                       f" (chọn một trong: {', '.join(options)})")  # fmt: skip
        return value

    def identifier(self, node: Node | None, parent: Node, seen: set[str], what: str) -> str:
        value = self.scalar(node, parent, "id", required=True)
        if value and not _ID.match(value):
            self.error(
                node or parent, f"id '{value}' chỉ được gồm chữ thường không dấu, số, '-' và '_'"
            )
        elif value in seen:
            self.error(node or parent, f"{what} id '{value}' bị trùng")
        seen.add(value)
        return value

    def strings(
        self, node: Node | None, key: str, check: Callable[[str], bool] | None = None
    ) -> None:
        if node is None:
            return
        if not isinstance(node, SequenceNode):
            self.error(node, f"'{key}' phải là một danh sách, ví dụ {key}: [a, b]")
            return
        for item in node.value:
            if not isinstance(item, ScalarNode):
                self.error(item, f"mỗi phần tử của '{key}' phải là một chuỗi")
            elif check and not check(str(item.value)):
                self.error(item, f"giá trị '{item.value}' trong '{key}' không hợp lệ")

    def selector(self, node: Node | None, key: str) -> None:
        if node is None:
            return
        if not isinstance(node, ScalarNode):
            self.error(node, f'\'{key}\' phải là một bộ chọn dạng "css:..." hoặc "xpath:..."')
            return
        try:
            to_xpath(str(node.value))
        except SelectorSyntaxError as error:
            self.error(node, f"'{key}': {error}")


def check_registry_text(text: str, filename: str) -> list[str]:
    """All problems of a registry document, as ``file:line: message`` lines."""
    checker = _Checker(filename)
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        return [f"{filename}:{line}: YAML không hợp lệ: {getattr(error, 'problem', error)}"]
    if root is None:
        return [f"{filename}:1: tệp rỗng; cần khoá 'agencies' với danh sách cơ quan"]
    top = checker.mapping(root, "tệp nguồn tin", ("agencies",))
    agencies = top.get("agencies")
    if agencies is None:
        if isinstance(root, MappingNode):
            checker.error(root, "thiếu khoá 'agencies' (danh sách cơ quan)")
    elif not isinstance(agencies, SequenceNode):
        checker.error(
            agencies, "'agencies' phải là một danh sách cơ quan (mỗi mục bắt đầu bằng '-')"
        )
    else:
        for node in agencies.value:
            _check_agency(checker, node)
    return sorted(checker.problems, key=lambda line: int(line[len(filename) + 1 :].split(":")[0]))


def _check_agency(checker: _Checker, node: Node) -> None:
    items = checker.mapping(node, "cơ quan", AGENCY_KEYS)
    if not items and not isinstance(node, MappingNode):
        return
    checker.identifier(items.get("id"), node, checker.agency_ids, "cơ quan")
    checker.scalar(items.get("name"), node, "name", required=True)
    if "kind" in items:
        checker.choice(items["kind"], node, "kind", AGENCY_KINDS)
    checker.strings(items.get("groups"), "groups")
    checker.strings(items.get("emails"), "emails", lambda value: "@" in value)
    checker.strings(items.get("aliases"), "aliases")
    sources = items.get("sources")
    if sources is not None and not isinstance(sources, SequenceNode):
        checker.error(sources, "'sources' phải là một danh sách nguồn")
    elif sources is not None:
        for source in sources.value:
            _check_source(checker, source)


def _check_source(checker: _Checker, node: Node) -> None:
    items = checker.mapping(node, "nguồn", SOURCE_KEYS)
    if not isinstance(node, MappingNode):
        return
    checker.identifier(items.get("id"), node, checker.source_ids, "nguồn")
    kind = checker.choice(items.get("kind"), node, "kind", SOURCE_KINDS)
    url = checker.scalar(items.get("url"), node, "url", required=True)
    if url and not _URL.match(url):
        checker.error(items["url"], f"url '{url}' phải bắt đầu bằng http:// hoặc https://")
    for key in ("channel", "language", "section"):
        checker.scalar(items.get(key), node, key)
    checker.selector(items.get("links"), "links")
    checker.selector(items.get("next_page"), "next_page")
    if kind in NEEDS_LINKS and "links" not in items:
        checker.error(node, f"nguồn kiểu '{kind}' cần khoá 'links' (bộ chọn liên kết bài viết)")
    max_pages = items.get("max_pages")
    if max_pages is not None and not (
        isinstance(max_pages, ScalarNode)
        and str(max_pages.value).isdigit()
        and int(max_pages.value) > 0
    ):
        checker.error(max_pages, "'max_pages' phải là số nguyên dương")
    article = items.get("article")
    if article is not None:
        for key, value in checker.mapping(article, "article", ARTICLE_KEYS).items():
            checker.selector(value, f"article.{key}")


def _suggest(word: str, options: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return f" — có phải ý bạn là '{close[0]}'?" if close else ""
