"""Load and validate plan files (``plans/*.yaml``) into :class:`rules.model.Plan`.

The YAML is read as nodes (``yaml.compose``) rather than plain data so every problem can name its
line, and the whole file is checked before giving up: an operator fixes all mistakes in one pass.
Schema and messages: :mod:`rules.plan_schema`; the format for people: ``docs/plans.md``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from cchc.vntext import fold, nfc
from rules import plan_schema as S
from rules.model import AGENCY_KINDS, Agency, Plan, Rule
from rules.plan_reader import Reader, parse
from rules.plan_rules import RuleReader
from rules.plan_schema import PlanError, PlanProblem

__all__ = [
    "PlanError",
    "PlanProblem",
    "find_plan_files",
    "load_plan",
    "load_plans",
    "validate_plan_files",
]


def _read_header(reader: Reader, node: Node) -> dict[str, Any] | None:
    found = reader.fields(node, S.PLAN_KEYS, "plan")
    if found is None:
        return None
    reader.require(node, found, ("id", "title", "document", "province", "starts", "ends"), "plan")
    convs = {"id": (S.identifier, S.PLAN_ID, "plan id"), "starts": (S.day,), "ends": (S.day,)}
    header: dict[str, Any] = {}
    for key, (_, value) in found.items():
        conv, *args = convs.get(key, (S.text,))
        header[key] = reader.get("plan", key, value, conv, *args)
    starts, ends = header.get("starts"), header.get("ends")
    if starts and ends and starts > ends:
        reader.add(found["ends"][1], f"plan: ends {ends} is before starts {starts}; swap them")
    return header if all(header.get(k) for k in ("id", "starts", "ends")) else None


def _read_groups(reader: Reader, node: Node) -> dict[str, str]:
    if not isinstance(node, MappingNode):
        reader.add(
            node,
            f"groups: expected lines of group_id: label (e.g. so_ban_nganh: Các sở, "
            f"ban, ngành), found {S.shown(node)}",
        )
        return {}
    found = reader.fields(node, tuple(_mapping_keys(node)), "groups")
    groups: dict[str, str] = {}
    for key, (key_node, value) in (found or {}).items():
        group = reader.get("groups", key, key_node, S.identifier, S.GROUP_ID, "group id")
        label = reader.get("groups", key, value, S.text)
        if group and label:
            groups[group] = nfc(label)
    return groups


def _mapping_keys(node: MappingNode) -> list[str]:
    return [k.value for k, _ in node.value if isinstance(k, ScalarNode)]


def _read_agencies(reader: Reader, node: Node, groups: dict[str, str]) -> list[Agency]:
    agencies: list[Agency] = []
    first_line: dict[str, int] = {}
    names: dict[str, tuple[str, int]] = {}  # folded id/name/alias -> (agency id, line)
    for item in reader.sequence(node, "agencies"):
        agency = _read_agency(reader, item, groups)
        if agency is None:
            continue
        line = S.line_of(item)
        if agency.id in first_line:
            reader.add(
                item,
                f'agency "{agency.id}" is defined twice (first on line '
                f"{first_line[agency.id]}); agency ids must be unique",
            )
            continue
        first_line[agency.id] = line
        for name in dict.fromkeys(fold(n) for n in (agency.id, agency.name, *agency.aliases)):
            other = names.setdefault(name, (agency.id, line))
            if other[0] != agency.id:
                reader.add(
                    item,
                    f'agency "{agency.id}": the name "{name}" also names '
                    f'"{other[0]}" (line {other[1]}); each name must point to one '
                    "agency, make the alias more specific",
                )
        agencies.append(agency)
    if isinstance(node, SequenceNode) and not node.value:
        reader.add(node, "agencies: the list is empty; list the agencies the plan binds")
    return agencies


def _read_agency(reader: Reader, node: Node, groups: dict[str, str]) -> Agency | None:
    context = reader.label(node, "agency")
    found = reader.fields(node, S.AGENCY_KEYS, context)
    if found is None:
        return None
    ident = found.get("id")
    agency_id = (
        reader.get(context, "id", ident[1], S.identifier, S.AGENCY_ID, "agency id")
        if ident
        else None
    )
    reader.require(node, found, ("id", "name", "kind"), context, S.AGENCY_EXAMPLES)
    values: dict[str, Any] = {}
    for key, (_, value) in found.items():
        if key == "id" or key == "note":
            continue
        if key == "groups":
            values[key] = reader.values(context, key, value, S.member, groups, "group")
        elif key in ("aliases", "emails"):
            conv = S.email if key == "emails" else S.text
            values[key] = tuple(nfc(v) for v in reader.values(context, key, value, conv))
        elif key == "kind":
            values[key] = reader.get(context, key, value, S.choice, AGENCY_KINDS, "agency kind")
        elif key == "overseer":
            values[key] = reader.get(context, key, value, S.boolean)
        else:
            values[key] = reader.get(context, key, value, S.text)
    if not (agency_id and values.get("name") and values.get("kind")):
        return None
    values["name"] = nfc(values["name"])
    values["overseer"] = bool(values.get("overseer"))
    return Agency(id=agency_id, **values)


def _read_rules(
    reader: Reader, node: Node, plan: dict[str, Any], groups: dict[str, str], agencies: list[Agency]
) -> list[Rule]:
    rule_reader = RuleReader(reader, plan, groups, agencies)
    rules: list[Rule] = []
    first_line: dict[str, int] = {}
    for item in reader.sequence(node, "rules"):
        rule = rule_reader.read(item)
        if rule is None:
            continue
        if rule.id in first_line:
            reader.add(
                item,
                f'rule "{rule.id}" is defined twice (first on line '
                f"{first_line[rule.id]}); rule ids must be unique",
            )
            continue
        first_line[rule.id] = rule.line
        rules.append(rule)
    if isinstance(node, SequenceNode) and not node.value:
        reader.add(node, "rules: the list is empty; add the plan's quotas and tasks")
    return rules


def _read(path: Path) -> tuple[Plan | None, list[PlanProblem]]:
    reader = Reader(str(path))
    try:
        data = path.read_bytes()
    except OSError as exc:
        reader.add(1, f"cannot read the file ({exc.strerror or exc}); check the path")
        return None, reader.problems
    root = parse(reader, data)
    if root is None:
        return None, reader.problems
    top = reader.fields(root, S.TOP_KEYS, "file")
    if top is None:
        return None, reader.problems
    reader.require(root, top, ("plan", "agencies", "rules"), "file")
    header = _read_header(reader, top["plan"][1]) if "plan" in top else None
    groups = _read_groups(reader, top["groups"][1]) if "groups" in top else {}
    agencies = _read_agencies(reader, top["agencies"][1], groups) if "agencies" in top else []
    rules = (
        _read_rules(reader, top["rules"][1], header or {}, groups, agencies)
        if "rules" in top
        else []
    )
    if reader.problems or header is None:
        return None, reader.problems
    plan = Plan(
        id=header["id"],
        title=nfc(header["title"]),
        document=nfc(header["document"]),
        province=nfc(header["province"]),
        starts=header["starts"],
        ends=header["ends"],
        agencies=tuple(agencies),
        rules=tuple(rules),
        path=str(path),
        sha256=hashlib.sha256(data).hexdigest(),
        group_names=groups,
    )
    return plan, []


def load_plan(path: str | Path) -> Plan:
    """Load one plan file; raises :class:`PlanError` listing every problem in it."""
    plan, problems = _read(Path(path))
    if plan is None:
        raise PlanError(problems)
    return plan


def validate_plan_files(paths: Iterable[str | Path]) -> list[PlanProblem]:
    """Every problem in every file, in file order; an empty list means all load."""
    problems: list[PlanProblem] = []
    for path in paths:
        problems.extend(_read(Path(path))[1])
    return problems


def find_plan_files(directory: str | Path) -> list[Path]:
    """The ``*.yaml``/``*.yml`` files of a plans folder, sorted by name."""
    folder = Path(directory)
    return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())


def load_plans(paths_or_dir: str | Path | Iterable[str | Path]) -> list[Plan]:
    """Load a folder of plans or a list of files; raises :class:`PlanError` with all problems."""
    if isinstance(paths_or_dir, (str, Path)) and Path(paths_or_dir).is_dir():
        paths: list[Path] = find_plan_files(paths_or_dir)
    elif isinstance(paths_or_dir, (str, Path)):
        paths = [Path(paths_or_dir)]
    else:
        paths = [Path(p) for p in paths_or_dir]
    results = [_read(path) for path in paths]
    problems = [problem for _, found in results for problem in found]
    if problems:
        raise PlanError(problems)
    plans = [plan for plan, _ in results if plan is not None]
    seen: dict[str, str] = {}
    for plan in plans:
        if plan.id in seen:
            raise PlanError(
                [
                    PlanProblem(
                        plan.path,
                        1,
                        f'plan id "{plan.id}" is also used by '
                        f"{seen[plan.id]}; plan ids must be unique",
                    )
                ]
            )
        seen[plan.id] = plan.path
    return plans
