from __future__ import annotations

import json
from datetime import date

import pytest

from rules.engine import evaluate_plan, evaluate_plans
from rules.model import Scope, Target
from tests.rules.builders import agency, data, item, plan, rule

ROSTER = (agency("so-a", "so"), agency("so-b", "so"), agency("huyen-c", "huyen"))
KEYS = ["plan", "plan_sha256", "rule", "cite", "rule_title", "rule_kind", "agency", "agency_name",
        "period", "period_start", "period_end", "as_of", "count", "target", "target_max", "unit",
        "status", "needed", "due", "reason", "evidence", "evidence_details", "duplicates"]


def test_roster_every_agency_of_the_scope_every_started_period() -> None:
    quarterly = rule("r1", per="quarter", scope=Scope(groups=("so",)))
    district = rule("r2", per="month", scope=Scope(agencies=("huyen-c",)), target=Target(1))
    found = evaluate_plan(plan(quarterly, district, agencies=ROSTER),
                          data(item(date(2024, 2, 1), "so-a")), date(2024, 5, 10))
    cells = [(v.rule, v.agency, v.period.label) for v in found]
    assert cells == [
        ("r1", "so-a", "2024-Q1"), ("r1", "so-a", "2024-Q2"),
        ("r1", "so-b", "2024-Q1"), ("r1", "so-b", "2024-Q2"),
        *[("r2", "huyen-c", f"2024-0{m}") for m in range(1, 6)],
    ]


def test_json_has_exactly_the_documented_keys_and_is_deterministic() -> None:
    quarterly = rule("r1", per="quarter", target=Target(3))
    items = [item(date(2024, 2, d), "so-a") for d in (9, 3, 5)]
    first = evaluate_plan(plan(quarterly, agencies=ROSTER), data(*items), date(2024, 2, 20))
    again = evaluate_plan(plan(quarterly, agencies=ROSTER), data(*reversed(items)),
                          date(2024, 2, 20))
    payload = first[0].to_json()
    assert list(payload) == KEYS
    assert json.dumps([v.to_json() for v in first]) == json.dumps([v.to_json() for v in again])
    assert [d["published"][:10] for d in payload["evidence_details"]] == [
        "2024-02-03", "2024-02-05", "2024-02-09"]
    assert payload["evidence"] == [d["url"] for d in payload["evidence_details"]]


def test_evaluate_plans_keeps_plans_apart() -> None:
    first = plan(rule("r1", per="year"), plan_id="p1")
    second = plan(rule("r1", per="year", target=Target(5)), plan_id="p2")
    found = evaluate_plans([first, second], data(item(date(2024, 3, 1))), date(2024, 3, 2))
    assert [(v.plan, v.agency, v.status) for v in found] == [
        ("p1", "a1", "met"), ("p1", "a2", "on_track"), ("p2", "a1", "on_track"),
        ("p2", "a2", "on_track")]  # 2 March: less than one whole item is due yet


def test_agency_without_items_or_sources_still_listed() -> None:
    found = evaluate_plan(plan(rule("r1", per="year")), data(monitored=()), date(2024, 3, 2))
    assert [v.status for v in found] == ["unknown", "unknown"]


def test_missing_option_and_unknown_kind_are_named() -> None:
    with pytest.raises(ValueError, match="rule 'r1' .* needs window_days"):
        evaluate_plan(plan(rule("r1", "cadence", line=12)), data(), date(2024, 3, 2))
    with pytest.raises(ValueError, match="unknown rule kind 'quota'"):
        evaluate_plan(plan(rule("r1", "quota")), data(), date(2024, 3, 2))
