from __future__ import annotations

from datetime import date, timedelta

from rules.engine import evaluate_plan
from rules.model import Match
from tests.rules.builders import at, data, item, plan, rule

PROGRAMME = rule("r1", "duration", per="week", min_minutes=12, max_minutes=15,
                 match=Match(kinds=("chuong_trinh",)))


def test_each_programme_length_is_checked_per_week() -> None:
    good = item(date(2024, 1, 3), kind="chuong_trinh", duration_seconds=13 * 60)
    short = item(date(2024, 1, 10), kind="chuong_trinh", duration_seconds=8 * 60 + 30)
    unknown = item(date(2024, 1, 11), kind="chuong_trinh")
    found = {v.period.label: v for v in evaluate_plan(plan(PROGRAMME), data(good, short, unknown),
                                                      date(2024, 1, 15)) if v.agency == "a1"}
    assert found["2024-W01"].status == "met" and found["2024-W01"].items == (good,)
    week2 = found["2024-W02"]
    assert (week2.count, week2.status) == (0, "shortfall")
    details = week2.to_json()["evidence_details"]
    assert [d["counted_as"] for d in details] == [
        "out_of_range: 8,5 phút, ngoài khoảng 12–15 phút", "out_of_range: không rõ thời lượng"]
    assert week2.to_json()["evidence"] == []
    assert "2 bài không đúng thời lượng" in week2.reason


def test_bounds_are_inclusive() -> None:
    items = [item(date(2024, 1, 3), kind="chuong_trinh", duration_seconds=12 * 60),
             item(date(2024, 1, 4), kind="chuong_trinh", duration_seconds=15 * 60)]
    week = next(v for v in evaluate_plan(plan(PROGRAMME), data(*items), date(2024, 1, 5))
                if v.agency == "a1")
    assert week.count == 2


def test_a_copy_without_its_length_takes_it_from_its_cluster() -> None:
    """The listing copy (no length, earlier) represents the cluster; the programme page of the
    same broadcast says 13 min 30 s: the week is met, not lost to the copy."""
    listing = item(at(date(2024, 1, 9), 19), kind="chuong_trinh", cluster_id=42)
    page = item(at(date(2024, 1, 9), 21), kind="chuong_trinh", cluster_id=42, duration_seconds=810)
    found = evaluate_plan(plan(PROGRAMME), data(listing, page), date(2024, 1, 15))
    week = next(v for v in found if v.agency == "a1" and v.period.label == "2024-W02")
    assert (week.count, week.status) == (1, "met")


def test_a_week_straddling_the_plans_end_is_judged_whole() -> None:
    """2024 ends on a Tuesday: the week 2025-W01 (30/12–05/01) holds the Thursday programme of
    02/01/2025, and is not judged on its first two days alone."""
    thursdays = [date(2024, 1, 4) + timedelta(days=7 * n) for n in range(53)]
    aired = [item(day, kind="chuong_trinh", duration_seconds=13 * 60) for day in thursdays]
    found = evaluate_plan(plan(PROGRAMME), data(*aired), date(2025, 1, 10))
    statuses = {v.period.label: v.status for v in found if v.agency == "a1"}
    assert statuses["2025-W01"] == "met" and set(statuses.values()) == {"met"}
