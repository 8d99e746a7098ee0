"""Read the ``rules:`` entries of a plan file: kind-specific options, scope, match and target."""

from __future__ import annotations

import difflib
from datetime import date
from typing import TYPE_CHECKING, Any

from yaml.nodes import MappingNode, Node, ScalarNode

from cchc.vntext import fold, nfc
from rules import plan_schema as S
from rules.kinds import KINDS
from rules.model import ITEM_KINDS, PERIOD_UNITS, Agency, Match, Rule, Scope, Target
from rules.plan_schema import Invalid

if TYPE_CHECKING:
    from rules.plan_reader import Reader

_INTS = {"window_days": 1, "tolerance_days": 0, "max_age_days": 1}
_DATES = ("due", "starts", "ends")
_TEXTS = ("title", "cite", "unit")


class RuleReader:
    """Turns rule nodes into :class:`Rule`, reporting problems through the file's reader."""

    def __init__(
        self, reader: Reader, plan: dict[str, Any], groups: dict[str, str], agencies: list[Agency]
    ) -> None:
        self.reader = reader
        self.plan = plan
        self.groups = groups
        self.agencies = agencies
        self.names = {fold(n): a.id for a in agencies for n in (a.id, a.name, *a.aliases)}

    def read(self, node: Node) -> Rule | None:
        context = self.reader.label(node, "rule")
        found = self.reader.fields(node, S.RULE_KEYS, context)
        if found is None:
            return None
        rule_id = self._value(context, found, "id", S.identifier, S.RULE_ID, "rule id")
        kind = self._value(context, found, "kind", S.choice, tuple(KINDS), "rule kind")
        required = ("id", "kind", "title", "cite", "scope", *_required(kind))
        self.reader.require(node, found, required, context)
        if kind == "duration" and not {"min_minutes", "max_minutes"} & found.keys():
            self.reader.add(
                node,
                f"{context}: a duration rule needs min_minutes and/or "
                "max_minutes; add e.g. min_minutes: 12 and max_minutes: 15",
            )
        if kind:
            self._drop_foreign(found, kind, context)
        values = self._values(found, context)
        if not self._consistent(found, values, context) or None in (rule_id, kind):
            return None
        if any(values.get(k) is None for k in required if k not in ("id", "kind")):
            return None
        return self._build(rule_id, kind, values, S.line_of(node))

    def _value(self, context: str, found: S.Fields, key: str, conv: Any, *args: Any) -> Any:
        if key not in found:
            return None
        return self.reader.get(context, key, found[key][1], conv, *args)

    def _drop_foreign(self, found: S.Fields, kind: str, context: str) -> None:
        """Report (and forget) options that belong to another rule kind."""
        for key in list(found):
            if key in S.RULE_COMMON_KEYS or key in S.KIND_KEYS[kind]:
                continue
            owners = [k for k, keys in S.KIND_KEYS.items() if key in keys]
            self.reader.add(
                found[key][0],
                f"{context}: {key} does not apply to a {kind} rule "
                f"(it is for {'/'.join(owners)} rules); remove it",
            )
            del found[key]

    def _values(self, found: S.Fields, context: str) -> dict[str, Any]:
        per = self._value(context, found, "per", S.choice, PERIOD_UNITS, "period unit (per)")
        values: dict[str, Any] = {"per": per}
        for key, (_, node) in found.items():
            if key in ("id", "kind", "per", "note"):
                continue
            values[key] = self._one(context, key, node, per)
        return values

    def _one(self, context: str, key: str, node: Node, per: str | None) -> Any:
        get = self.reader.get
        if key in _TEXTS:
            text = get(context, key, node, S.text)
            return nfc(text) if text else None
        if key in _DATES:
            return get(context, key, node, S.day)
        if key in _INTS:
            return get(context, key, node, S.integer, _INTS[key])
        if key in ("min_minutes", "max_minutes"):
            return get(context, key, node, S.number)
        if key == "periods":
            return self.reader.values(context, key, node, S.period_code, per)
        if key == "scope":
            return self._scope(node, context)
        if key == "match":
            return self._match(node, context)
        return self._target(node, context)

    def _scope(self, node: Node, context: str) -> Scope | None:
        found = self.reader.fields(node, S.SCOPE_KEYS, f"{context}: scope")
        if found is None:
            return None
        values = self.reader.values
        groups = (
            values(context, "scope.groups", found["groups"][1], S.member, self.groups, "group")
            if "groups" in found
            else ()
        )
        agencies = (
            values(context, "scope.agencies", found["agencies"][1], self._agency)
            if "agencies" in found
            else ()
        )
        excluded = (
            values(context, "scope.except", found["except"][1], self._agency)
            if "except" in found
            else ()
        )
        scope = Scope(agencies=tuple(dict.fromkeys(agencies)), groups=tuple(dict.fromkeys(groups)),
                      excluded=tuple(dict.fromkeys(excluded)))
        if not scope.agencies and not scope.groups:
            if any(_listed(value) is not False for _, value in found.values()):
                return None  # every entry was wrong, and each is reported already
            self.reader.add(
                node,
                f"{context}: scope names no agency or group; write e.g. "
                "scope: {groups: [so_ban_nganh]} or scope: {agencies: [<id>]}",
            )
            return None
        return scope

    def _agency(self, node: Node) -> str:
        value = S.text(node)
        agency_id = self.names.get(fold(value))
        if agency_id:
            return agency_id
        close = difflib.get_close_matches(fold(value), list(self.names), n=1, cutoff=0.6)
        hint = f'did you mean "{self.names[close[0]]}"? ' if close else ""
        raise Invalid(
            f"unknown agency {S.shown(node)}; {hint}write the id, name or alias of "
            "an agency listed under agencies:"
        )

    def _match(self, node: Node, context: str) -> Match | None:
        if _listed(node) is False:
            return Match()  # "match:" left empty: the default
        found = self.reader.fields(node, S.MATCH_KEYS, f"{context}: match")
        if found is None:
            return None
        values = self.reader.values
        fields: dict[str, Any] = {}
        for key, (_, value) in found.items():
            if key == "topic":
                fields[key] = self.reader.get(context, "match.topic", value, _topic)
            elif key == "kinds":
                fields[key] = values(
                    context, "match.kinds", value, S.choice, ITEM_KINDS, "item kind"
                )
            elif key == "languages":
                fields[key] = values(context, "match.languages", value, S.language)
            elif key == "channels":
                fields[key] = values(
                    context, "match.channels", value, S.identifier, S.CHANNEL_ID, "channel id"
                )
            else:
                fields[key] = self.reader.get(context, "match.section", value, S.text)
        return Match(**fields)

    def _target(self, node: Node, context: str) -> tuple[int, int | None] | None:
        if not isinstance(node, MappingNode):
            return self.reader.get(context, "target", node, S.target_range)
        found = self.reader.fields(node, S.TARGET_KEYS, f"{context}: target")
        if found is None:
            return None
        self.reader.require(node, found, ("min",), f"{context}: target")
        low = self._value(context, found, "min", S.integer, 1)
        high = self._value(context, found, "max", S.integer, 1)
        if low is None:
            return None
        try:
            return S.checked_range(low, high)
        except Invalid as exc:
            self.reader.add(node, f"{context}: target: {exc}")
            return None

    def _consistent(self, found: S.Fields, values: dict[str, Any], context: str) -> bool:
        """Checks between values; every failed check is reported."""
        before = len(self.reader.problems)

        def flag(key: str, message: str) -> None:
            self.reader.add(found[key][1], f"{context}: {message}")

        starts, ends = values.get("starts"), values.get("ends")
        plan_starts, plan_ends = self.plan.get("starts"), self.plan.get("ends")
        if starts and ends and starts > ends:
            flag("ends", f"ends {ends} is before starts {starts}; swap them")
        if starts and _before(starts, plan_starts):
            flag(
                "starts",
                f"starts {starts} is before the plan starts ({plan_starts}); "
                "use a date within the plan",
            )
        if ends and _before(plan_ends, ends):
            flag(
                "ends",
                f"ends {ends} is after the plan ends ({plan_ends}); use a date within the plan",
            )
        due = values.get("due")
        if due and _before(due, plan_starts):
            flag("due", f"due {due} is before the plan starts ({plan_starts})")
        low, high = values.get("min_minutes"), values.get("max_minutes")
        if low and high and low > high:
            flag(
                "max_minutes",
                f"min_minutes {low:g} is more than max_minutes {high:g}; "
                "write the smaller number as min",
            )
        if self._empty_scope(values.get("scope")):
            flag(
                "scope",
                "scope selects no agency: its groups have no members (or all are excepted); add the "
                "group to some agencies' groups:",
            )
        return len(self.reader.problems) == before

    def _empty_scope(self, scope: Scope | None) -> bool:
        if scope is None:
            return False
        return not any(scope.binds(agency) for agency in self.agencies)

    def _build(self, rule_id: str, kind: str, values: dict[str, Any], line: int) -> Rule:
        low, high = values.get("target") or (1, None)
        unit = values.get("unit")
        target = Target(low, high, unit) if unit else Target(low, high)
        return Rule(
            id=rule_id,
            kind=kind,
            title=values["title"],
            cite=values["cite"],
            scope=values["scope"],
            match=values.get("match") or Match(),
            target=target,
            per=values.get("per") or "year",
            active_periods=tuple(values.get("periods") or ()),
            window_days=values.get("window_days"),
            tolerance_days=values.get("tolerance_days") or 0,
            min_minutes=values.get("min_minutes"),
            max_minutes=values.get("max_minutes"),
            max_age_days=values.get("max_age_days"),
            due=values.get("due"),
            starts=values.get("starts"),
            ends=values.get("ends"),
            line=line,
            attested_only=kind == "deadline" and "match" not in values,
        )


def _listed(node: Node) -> bool | None:
    """False for an empty value (``key:`` or ``[]``), True when something is written, None for a
    scalar that is not empty."""
    if isinstance(node, ScalarNode):
        return False if node.value == "" and node.tag.endswith(":null") else None
    return bool(node.value)


def _required(kind: str | None) -> tuple[str, ...]:
    """The options a rule of ``kind`` must state: the loader's own and the kind class's."""
    if kind is None:
        return ()
    return tuple(dict.fromkeys((*S.KIND_REQUIRED[kind], *KINDS[kind].required_options)))


def _topic(node: Node) -> str | None:
    value = S.value_of(node)
    if value is None or value == "cchc":
        return value
    raise Invalid(
        f"topic must be cchc (about administrative reform) or null (any topic), "
        f"found {S.shown(node)}"
    )


def _before(first: date | None, second: date | None) -> bool:
    return first is not None and second is not None and first < second
