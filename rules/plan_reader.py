"""Read a plan file's bytes into YAML nodes, and collect problems while walking them.

:class:`Reader` keeps every problem of one file (with its line) instead of stopping at the first,
and holds the small structural checks shared by the plan, agency and rule readers.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from rules import plan_schema as S
from rules.plan_schema import Invalid, PlanProblem


class Reader:
    """Reads one file's nodes, collecting every problem instead of stopping at the first."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[PlanProblem] = []

    def add(self, where: Node | int, message: str) -> None:
        line = where if isinstance(where, int) else S.line_of(where)
        self.problems.append(PlanProblem(self.path, line, message))

    def get(self, context: str, key: str, node: Node, conv: Callable[..., Any], *args: Any) -> Any:
        """``conv(node, *args)``, or None after recording why the value is wrong."""
        try:
            return conv(node, *args)
        except Invalid as exc:
            self.add(node, f"{context}: {key}: {exc}")
            return None

    def fields(self, node: Node, allowed: tuple[str, ...], context: str) -> S.Fields | None:
        if not isinstance(node, MappingNode):
            self.add(
                node,
                f"{context}: expected a mapping of keys ({', '.join(allowed)}), "
                f"found {S.shown(node)}",
            )
            return None
        found: S.Fields = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, ScalarNode) else None
            if key not in allowed:
                self.add(key_node, f"{context}: {self._unknown_key(key_node, allowed)}")
            elif key in found:
                first = S.line_of(found[key][0])
                self.add(
                    key_node,
                    f"{context}: key {key} is given twice (first on line {first}); keep one",
                )
            else:
                found[key] = (key_node, value_node)
        return found

    @staticmethod
    def label(node: Node, what: str) -> str:
        """'rule "hg-03"' when the mapping has a readable id, else just 'rule'."""
        if isinstance(node, MappingNode):
            for key, value in node.value:
                if (
                    isinstance(key, ScalarNode)
                    and key.value == "id"
                    and isinstance(value, ScalarNode)
                    and value.value.strip()
                ):
                    return f'{what} "{value.value.strip()[:60]}"'
        return what

    @staticmethod
    def _unknown_key(node: Node, allowed: tuple[str, ...]) -> str:
        if not isinstance(node, ScalarNode):
            return f"keys must be plain words, found {S.shown(node)}"
        close = difflib.get_close_matches(node.value, allowed, n=1, cutoff=0.6)
        hint = f'did you mean "{close[0]}"?' if close else f"allowed keys: {', '.join(allowed)}"
        return f'unknown key "{node.value}"; {hint}'

    def require(
        self,
        node: Node,
        found: S.Fields,
        keys: Iterable[str],
        context: str,
        examples: dict[str, str] = S.EXAMPLES,
    ) -> None:
        for key in keys:
            if key not in found:
                example = examples.get(key, f"{key}: ...")
                self.add(node, f"{context}: missing {key}; add e.g. {example}")

    def sequence(self, node: Node, context: str) -> list[Node]:
        if isinstance(node, SequenceNode):
            return list(node.value)
        if isinstance(node, ScalarNode) and S.value_of(node) is None:
            return []
        self.add(
            node, f"{context}: expected a list (lines starting with '- '), found {S.shown(node)}"
        )
        return []

    def values(
        self, context: str, key: str, node: Node, conv: Callable[..., Any], *args: Any
    ) -> tuple[Any, ...]:
        """A list of values; a single value is taken as a list of one."""
        nodes = [node] if isinstance(node, ScalarNode) and node.value else None
        if nodes is None:
            nodes = self.sequence(node, f"{context}: {key}")
        results = (self.get(context, key, item, conv, *args) for item in nodes)
        return tuple(value for value in results if value is not None)


def parse(reader: Reader, data: bytes) -> Node | None:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        reader.add(
            line,
            f"the file is not UTF-8 (byte 0x{data[exc.start]:02x}); "
            "save it as UTF-8 from your editor",
        )
        return None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        reader.add(*_syntax_error(exc))
        return None
    except RecursionError:
        reader.add(1, "the YAML nests too deeply to read; a plan needs only a few levels")
        return None
    except yaml.YAMLError as exc:
        reader.add(1, f"cannot read the YAML: {exc}")
        return None
    if node is None:
        reader.add(
            1,
            "the file is empty; a plan has plan:, groups:, agencies: and rules: "
            "(see docs/plans.md)",
        )
    return node


def _syntax_error(exc: yaml.MarkedYAMLError) -> tuple[int, str]:
    """The line to look at: where an unclosed bracket opened, else where parsing gave up."""
    problem, context = exc.problem_mark, exc.context_mark
    what = exc.problem or "unreadable YAML"
    line = problem.line + 1 if problem else 1
    if context and exc.context and "flow" in exc.context:
        what = f"{exc.context} opened here, {what} (noticed on line {line})"
        line = context.line + 1
    elif exc.context:
        what = f"{exc.context}, {what}"
    return line, f"YAML syntax error: {what}; check indentation, colons, brackets and quotes"
