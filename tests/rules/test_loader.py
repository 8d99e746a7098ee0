"""The plan loader: what a valid file becomes, and a file:line message for every kind of mistake."""

from __future__ import annotations

import hashlib
import re
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rules.loader import PlanError, find_plan_files, load_plan, load_plans, validate_plan_files
from rules.model import AGENCY_KINDS, ITEM_KINDS, PERIOD_UNITS, RULE_KINDS, Target
from rules.plan_schema import LANGUAGES, RULE_KEYS

VALID = """\
plan:
  id: thu-2024
  title: Kế hoạch thử
  document: Kế hoạch số 1/KH-UBND ngày 08/01/2024
  province: Hà Giang
  starts: 2024-01-01
  ends: 2024-12-31
groups:
  so_ban_nganh: Các sở, ban, ngành
  bao_dai: Báo, đài
agencies:
  - {id: hg-so-noi-vu, name: Sở Nội vụ tỉnh Hà Giang, kind: so, groups: [so_ban_nganh], aliases: [Sở Nội vụ], emails: [sonv@hagiang.gov.vn], overseer: true}
  - {id: hg-so-tu-phap, name: Sở Tư pháp tỉnh Hà Giang, kind: so, groups: [so_ban_nganh]}
  - {id: hg-dai-ptth, name: Đài Phát thanh - Truyền hình tỉnh, kind: broadcaster, groups: [bao_dai]}
rules:
  - id: r-count
    kind: count
    title: Tin, bài CCHC
    cite: Thử 2024, mục 3
    scope: {groups: [so_ban_nganh]}
    match: {kinds: [tin, bai]}
    target: 5
    per: quarter
  - id: r-cadence
    kind: cadence
    title: Chương trình hằng tuần
    cite: Thử 2024, mục 4
    scope: {agencies: [Đài Phát thanh - Truyền hình tỉnh]}
    window_days: 7
  - id: r-manual
    kind: manual
    title: Lớp tập huấn
    cite: Thử 2024, mục 5
    scope: {agencies: [so noi vu]}
    target: 10-15
    unit: lớp
    per: year
    periods: [q2, Q3]
"""


def write(tmp_path: Path, text: str | bytes, name: str = "plan.yaml") -> Path:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def line_with(text: str, needle: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in text")


def test_valid_file_loads_with_path_hash_and_lines(tmp_path: Path) -> None:
    path = write(tmp_path, VALID)
    plan = load_plan(path)
    assert plan.id == "thu-2024" and plan.starts == date(2024, 1, 1)
    assert plan.path == str(path)
    assert plan.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert plan.group_names == {"so_ban_nganh": "Các sở, ban, ngành", "bao_dai": "Báo, đài"}
    rules = {rule.id: rule for rule in plan.rules}
    assert [r.line for r in plan.rules] == [line_with(VALID, f"- id: {i}") for i in rules]
    assert rules["r-count"].target == Target(5, None, "bài")
    assert rules["r-count"].match.kinds == ("tin", "bai") and rules["r-count"].match.topic == "cchc"
    assert rules["r-cadence"].scope.agencies == ("hg-dai-ptth",)  # named, stored as id
    assert rules["r-cadence"].per == "year" and rules["r-cadence"].window_days == 7
    assert rules["r-manual"].scope.agencies == ("hg-so-noi-vu",)  # alias without diacritics
    assert rules["r-manual"].target == Target(10, 15, "lớp")
    assert rules["r-manual"].active_periods == ("Q2", "Q3")


def test_agency_lookup_by_id_name_without_diacritics_and_alias(tmp_path: Path) -> None:
    plan = load_plan(write(tmp_path, VALID))
    assert plan.agency("hg-so-noi-vu").name == "Sở Nội vụ tỉnh Hà Giang"
    assert plan.agency("so noi vu tinh ha giang").id == "hg-so-noi-vu"
    assert plan.agency("SỞ NỘI VỤ").id == "hg-so-noi-vu"
    assert plan.agency("Sở Tư pháp tỉnh Hà Giang").id == "hg-so-tu-phap"
    assert plan.agency("Sở Tài chính") is None
    overseers = [a.id for a in plan.agencies if a.overseer]
    assert overseers == ["hg-so-noi-vu"]


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("7", Target(7)),
        ('"10–15"', Target(10, 15)),
        ("{min: 1000, max: 1500}", Target(1000, 1500)),
        ("{min: 3}", Target(3)),
        ("12..12", Target(12, 12)),
    ],
)
def test_target_forms(tmp_path: Path, target: str, expected: Target) -> None:
    plan = load_plan(write(tmp_path, VALID.replace("target: 5", f"target: {target}")))
    assert plan.rules[0].target == expected


def test_empty_match_means_the_default(tmp_path: Path) -> None:
    plan = load_plan(write(tmp_path, VALID.replace("match: {kinds: [tin, bai]}", "match:")))
    assert plan.rules[0].match.topic == "cchc" and plan.rules[0].match.kinds == ()


def test_one_message_per_mistake_in_a_scope(tmp_path: Path) -> None:
    text = VALID.replace("{groups: [so_ban_nganh]}", "{groups: [x]}")
    [problem] = validate_plan_files([write(tmp_path, text)])
    assert 'unknown group "x"' in problem.message


def test_vietnamese_date_form_is_accepted(tmp_path: Path) -> None:
    text = VALID.replace("    window_days: 7", "    window_days: 7\n    starts: 01/04/2024")
    assert load_plan(write(tmp_path, text)).rules[1].starts == date(2024, 4, 1)


BROKEN = [
    # (old, new, line needle, message fragment)
    ("    target: 5", "    tagret: 5", "tagret", 'unknown key "tagret"; did you mean "target"?'),
    ("    target: 5", "    target: many", "target: many", "expected a number or a range"),
    ("    target: 5", "    target: 15-10", "target: 15-10", "min 15 is more than max 10"),
    ("target: 10-15", "target: {min: 15, max: 10}", "target: {min", "min 15 is more than max 10"),
    ("    target: 5", "    target: 0", "target: 0", "target must be at least 1"),
    (
        "kind: count",
        "kind: counts",
        "kind: counts",
        'unknown rule kind "counts"; did you mean "count"',
    ),
    ("per: quarter", "per: quater", "per: quater", 'did you mean "quarter"'),
    (
        "kinds: [tin, bai]",
        "kinds: [tin, article]",
        "kinds: [tin, article]",
        'unknown item kind "article"',
    ),
    ("kinds: [tin, bai]", "languages: [Mông]", "languages", 'written as code "hmn"'),
    ("kinds: [tin, bai]", "languages: [klingon]", "languages", 'unknown language "klingon"'),
    ("kinds: [tin, bai]", "topic: politics", "topic", "topic must be cchc"),
    ("    window_days: 7", "    tolerance_days: 2", "- id: r-cadence", "missing window_days"),
    (
        "    per: quarter\n",
        "    per: quarter\n    window_days: 3\n",
        "window_days: 3",
        "window_days does not apply to a count rule (it is for cadence rules); remove it",
    ),
    (
        "periods: [q2, Q3]",
        "periods: [W5]",
        "periods: [W5]",
        "does not fit per: year; use Q1..Q4, M1..M12",
    ),
    ("periods: [q2, Q3]", "periods: [Q5]", "periods: [Q5]", 'unknown period "Q5"'),
    (
        "{groups: [so_ban_nganh]}",
        "{groups: [so_ban_ngnah]}",
        "so_ban_ngnah",
        'unknown group "so_ban_ngnah"; did you mean "so_ban_nganh"?',
    ),
    ("[so noi vu]", "[so noi vuu]", "so noi vuu", 'did you mean "hg-so-noi-vu"?'),
    ("{groups: [so_ban_nganh]}", "{}", "scope: {}", "scope names no agency or group"),
    ("{groups: [so_ban_nganh]}", "{groups: []}", "scope: {groups: []}", "scope names no agency"),
    (
        "groups:\n  so_ban_nganh: Các sở, ban, ngành\n  bao_dai: Báo, đài\n",
        "groups: [a]\n",
        "groups: [a]",
        "groups: expected lines of group_id: label",
    ),
    (
        "  - id: r-cadence",
        "  - id: r-count",
        "- id: r-count\n    kind: cadence",
        'rule "r-count" is defined twice (first on line 16)',
    ),
    (
        "- {id: hg-so-tu-phap",
        "- {id: hg-so-noi-vu",
        "Sở Tư pháp",
        'agency "hg-so-noi-vu" is defined twice',
    ),
    (
        "name: Sở Tư pháp tỉnh Hà Giang",
        "name: Sở Nội vụ",
        "Sở Nội vụ, kind",
        'also names "hg-so-noi-vu"',
    ),
    ("[sonv@hagiang.gov.vn]", "[sonv]", "[sonv]", '"sonv" is not an email address'),
    (
        "kind: so, groups: [so_ban_nganh]}",
        "kind: sở, groups: [so_ban_nganh]}",
        "kind: sở",
        'unknown agency kind "sở"',
    ),
    ("groups: [bao_dai]", "groups: [bao_dia]", "bao_dia", 'unknown group "bao_dia"'),
    ("overseer: true", "overseer: maybe", "overseer: maybe", "expected true or false"),
    ("  ends: 2024-12-31", "  ends: 2024-02-30", "2024-02-30", "is not a valid value"),
    ("  ends: 2024-12-31", "  ends: 2023-12-31", "ends: 2023", "ends 2023-12-31 is before starts"),
    ("  ends: 2024-12-31", "  ends: soon", "ends: soon", "expected a date"),
    (
        "    window_days: 7",
        "    window_days: 7\n    starts: 2023-06-01",
        "starts: 2023",
        "before the plan starts (2024-01-01)",
    ),
    ("    window_days: 7", "    window_days: 7.5", "window_days: 7.5", "expected a whole number"),
    ("  title: Kế hoạch thử", "  title: 2024", "title: 2024", 'expected text, found "2024"'),
    ("  title: Kế hoạch thử", "  title: [unclosed", "title: [unclosed", "YAML syntax error"),
    (
        "  province: Hà Giang\n",
        "  province: Hà Giang\n  province: Hà Tĩnh\n",
        "Hà Tĩnh",
        "key province is given twice (first on line 5)",
    ),
    ("  province: Hà Giang\n", "", "id: thu-2024", "plan: missing province; add e.g. province:"),
    (
        "groups:\n  so_ban_nganh",
        "groups:\n  So Ban",
        "So Ban",
        "has characters that are not allowed",
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "needle", "fragment"), BROKEN, ids=[case[3][:40] for case in BROKEN]
)
def test_broken_file_names_line_and_fix(
    tmp_path: Path, old: str, new: str, needle: str, fragment: str
) -> None:
    assert old in VALID
    text = VALID.replace(old, new, 1)
    path = write(tmp_path, text)
    problems = validate_plan_files([path])
    first = needle.split("\n")[0]
    lines = [n for n, line in enumerate(text.splitlines(), start=1) if first in line]
    if "\n" in needle:  # the second of two identical lines
        lines = lines[1:]
    expected_line = lines[0]
    rendered = [str(p) for p in problems]
    assert any(p.line == expected_line and fragment in p.message for p in problems), rendered
    assert all(r.startswith(f"{path}:") for r in rendered)
    with pytest.raises(PlanError) as raised:
        load_plan(path)
    assert f"{path}:{expected_line}: " in str(raised.value)


def test_scope_on_a_group_without_members(tmp_path: Path) -> None:
    text = VALID.replace("bao_dai: Báo, đài", "bao_dai: Báo, đài\n  trong: Nhóm trống").replace(
        "{groups: [so_ban_nganh]}", "{groups: [trong]}"
    )
    [problem] = validate_plan_files([write(tmp_path, text)])
    assert problem.line == line_with(text, "{groups: [trong]}")
    assert "scope selects no agency" in problem.message


def test_scope_except_leaves_out_an_agency_of_the_group(tmp_path: Path) -> None:
    """A rule asking the departments to report to Sở Nội vụ does not bind Sở Nội vụ."""
    text = VALID.replace("{groups: [so_ban_nganh]}", "{groups: [so_ban_nganh], except: [Sở Nội vụ]}")
    plan = load_plan(write(tmp_path, text))
    rule = next(r for r in plan.rules if r.id == "r-count")
    assert [a.id for a in plan.scope_agencies(rule.scope)] == ["hg-so-tu-phap"]


def test_scope_except_names_a_known_agency_and_leaves_someone(tmp_path: Path) -> None:
    typo = VALID.replace("{groups: [so_ban_nganh]}", "{groups: [so_ban_nganh], except: [so noi vuu]}")
    [problem] = validate_plan_files([write(tmp_path, typo)])
    assert 'did you mean "hg-so-noi-vu"?' in problem.message
    everyone = VALID.replace(
        "{groups: [so_ban_nganh]}",
        "{groups: [so_ban_nganh], except: [hg-so-noi-vu, hg-so-tu-phap]}")
    [problem] = validate_plan_files([write(tmp_path, everyone, "b.yaml")])
    assert "scope selects no agency" in problem.message


def test_every_problem_in_a_file_is_reported(tmp_path: Path) -> None:
    text = (
        VALID.replace("    target: 5", "    tagret: 5")
        .replace("kinds: [tin, bai]", "kinds: [tin, clip]")
        .replace("window_days: 7", "window_days: -1")
        .replace("[sonv@hagiang.gov.vn]", "[sonv]")
    )
    problems = validate_plan_files([write(tmp_path, text)])
    lines = sorted(p.line for p in problems)
    assert {
        line_with(text, "tagret"),
        line_with(text, "clip"),
        line_with(text, "window_days"),
        line_with(text, "[sonv]"),
    } <= set(lines)
    assert any("missing target" in p.message for p in problems)


def test_several_files_in_order(tmp_path: Path) -> None:
    good = write(tmp_path, VALID, "a.yaml")
    bad = write(tmp_path, VALID.replace("per: quarter", "per: fortnight"), "b.yaml")
    problems = validate_plan_files([good, bad])
    assert [p.path for p in problems] == [str(bad)]


@pytest.mark.parametrize(
    ("content", "line", "fragment"),
    [
        (b"", 1, "the file is empty"),
        (b"- just\n- a list\n", 1, "file: expected a mapping"),
        ("plan:\n  id: x\n  title: caf\xe9\n".encode("latin-1"), 3, "not UTF-8 (byte 0xe9)"),
        (
            b"plan: {id: a\nrules: [\n",
            1,
            "YAML syntax error: while parsing a flow mapping opened here",
        ),
        (b"plan:\n  id: a\n title: b\n", 3, "YAML syntax error"),
        (b"plan:\n  id: a\n---\nplan: b\n", 3, "YAML syntax error"),
        (b"plan: {title: !!python/name:os.system ''}\n", 1, "is not a valid value"),
        (b"plan: {}\nagencies: []\nrules: []\n", 2, "agencies: the list is empty"),
        (b"plan: x\nagencies: 5\nrules: {}\n", 1, "plan: expected a mapping"),
        (b"plan: x\nagencies: 5\nrules: {}\n", 2, "agencies: expected a list"),
    ],
)
def test_unreadable_content(tmp_path: Path, content: bytes, line: int, fragment: str) -> None:
    path = write(tmp_path, content)
    problems = validate_plan_files([path])
    assert any(p.line == line and fragment in p.message for p in problems), problems


def test_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "khong-co.yaml"
    [problem] = validate_plan_files([missing])
    assert (
        str(problem) == f"{missing}:1: cannot read the file (No such file or directory); "
        "check the path"
    )
    with pytest.raises(PlanError):
        load_plan(missing)


def test_load_plans_from_folder_and_duplicate_plan_ids(tmp_path: Path) -> None:
    write(tmp_path, VALID, "a.yaml")
    write(tmp_path, "not a plan", "notes.txt")
    assert [p.name for p in find_plan_files(tmp_path)] == ["a.yaml"]
    assert [plan.id for plan in load_plans(tmp_path)] == ["thu-2024"]
    write(tmp_path, VALID, "b.yml")
    with pytest.raises(PlanError, match='plan id "thu-2024" is also used by'):
        load_plans(tmp_path)
    assert len(load_plans([tmp_path / "a.yaml"])) == 1


def test_schema_docs_list_every_code() -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "plans.md").read_text(encoding="utf-8")
    codes = [*LANGUAGES, *ITEM_KINDS, *RULE_KINDS, *AGENCY_KINDS, *PERIOD_UNITS, *RULE_KEYS]
    missing = [code for code in codes if f"`{code}`" not in docs]
    assert missing == []


# ---- fuzzing: whatever the bytes, validation answers with file:line problems and never raises ----

NOISE = st.sampled_from(list(":-[]{}#&*!|>'\"%@`,?\t \n") + list("aZ09ơđỹ") + ["\ufeff", "\x00"])


@st.composite
def mutated_plans(draw: st.DrawFn) -> bytes:
    lines = VALID.splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(lines) - 1))
        operation = draw(st.sampled_from(["delete", "duplicate", "char", "indent", "truncate"]))
        if operation == "delete" and len(lines) > 1:
            del lines[at]
        elif operation == "duplicate":
            lines.insert(at, lines[at])
        elif operation == "char":
            line = lines[at]
            pos = draw(st.integers(0, max(len(line) - 1, 0)))
            lines[at] = line[:pos] + draw(NOISE) + line[pos + 1 :]
        elif operation == "indent":
            lines[at] = " " * draw(st.integers(0, 5)) + lines[at].lstrip(" ")
        else:
            lines[at] = lines[at][: draw(st.integers(0, len(lines[at])))]
    return "".join(lines).encode("utf-8", "surrogatepass")


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz") / "plan.yaml"


def last_line_number(content: bytes) -> int:
    """Lines as YAML counts them (\\r, \\x85, \\u2028 also break lines)."""
    try:
        return len(re.findall("\r\n|[\r\n\x85\u2028\u2029]", content.decode("utf-8"))) + 1
    except UnicodeDecodeError:
        return content.count(b"\n") + 1


def check_answer(path: Path, content: bytes) -> None:
    path.write_bytes(content)
    problems = validate_plan_files([path])
    last_line = last_line_number(content)
    for problem in problems:
        assert 1 <= problem.line <= last_line, problem
        assert problem.message and str(problem).startswith(f"{path}:{problem.line}: ")
    try:
        load_plan(path)
    except PlanError as error:
        assert problems and error.problems == problems
    else:
        assert problems == []


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(content=mutated_plans())
def test_mutated_plans_never_raise(scratch: Path, content: bytes) -> None:
    check_answer(scratch, content)


@settings(max_examples=100, deadline=None)
@given(
    content=st.one_of(
        st.binary(max_size=200),
        st.text(st.one_of(NOISE, st.characters()), max_size=200).map(
            lambda t: t.encode("utf-8", "surrogatepass")
        ),
    )
)
def test_random_bytes_never_raise(scratch: Path, content: bytes) -> None:
    check_answer(scratch, content)
