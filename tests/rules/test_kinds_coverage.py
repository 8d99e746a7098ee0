from __future__ import annotations

from datetime import date

from rules.engine import evaluate_plan
from rules.model import Match
from tests.rules.builders import data, item, plan, rule

COLUMN = rule("r1", "coverage", per="quarter", max_age_days=30,
              match=Match(section="cai cach hanh chinh"))


def by_agency(as_of: date, *items: object) -> dict[str, object]:
    found = evaluate_plan(plan(COLUMN), data(*items), as_of)  # type: ignore[arg-type]
    return {v.agency: v for v in found if v.period.label == "2024-Q2"}


def test_fresh_column_item_is_met_and_stale_is_at_risk() -> None:
    fresh = [item(date(2024, 4, 25), "a1"), item(date(2024, 5, 20), "a1")]
    stale = item(date(2024, 4, 1), "a2")
    found = by_agency(date(2024, 6, 1), *fresh, stale)
    assert found["a1"].status == "met"  # type: ignore[attr-defined]
    assert found["a2"].status == "at_risk"  # type: ignore[attr-defined]
    assert "30 ngày" in found["a2"].reason  # type: ignore[attr-defined]


def test_closed_period_judged_at_its_end_and_window_reaches_back() -> None:
    kept = [item(day, "a1") for day in (date(2024, 4, 20), date(2024, 5, 15), date(2024, 6, 10))]
    found = by_agency(date(2024, 8, 1), *kept, item(date(2024, 5, 1), "a2"))
    assert found["a1"].status == "met"  # type: ignore[attr-defined]
    assert found["a2"].status == "shortfall"  # type: ignore[attr-defined]
    early = evaluate_plan(plan(COLUMN), data(item(date(2024, 3, 20), "a1")), date(2024, 4, 5))
    assert next(v for v in early if v.agency == "a1" and v.period.label == "2024-Q2").status == (
        "met")


def test_items_outside_the_cchc_column_do_not_count() -> None:
    found = by_agency(date(2024, 6, 1), item(date(2024, 5, 30), "a1", section="Tin tức"))
    assert found["a1"].status == "at_risk"  # type: ignore[attr-defined]


def test_a_long_gap_inside_a_closed_period_is_a_shortfall() -> None:
    """Updated on 02/01 and 20/03 only: fresh at the quarter's end, but not kept up in between."""
    found = evaluate_plan(plan(COLUMN), data(item(date(2024, 1, 2)), item(date(2024, 3, 20))),
                          date(2024, 4, 10))  # fmt: skip
    q1 = next(v for v in found if v.agency == "a1" and v.period.label == "2024-Q1")
    assert q1.status == "shortfall"
    assert "02/02 đến 19/03/2024" in q1.reason
