from __future__ import annotations

from datetime import date

from rules.engine import evaluate_plan
from rules.model import Target
from rules.verdict import Verdict
from tests.rules.builders import data, item, plan, rule

WEEKLY = rule("r1", "cadence", per="quarter", window_days=7, target=Target(1, unit="lần"))


def q1(found: list[Verdict]) -> Verdict:
    return next(v for v in found if v.agency == "a1" and v.period.label == "2024-Q1")


def test_every_window_held_so_far_is_met() -> None:
    items = [item(date(2024, 1, 3)), item(date(2024, 1, 9)), item(date(2024, 1, 15))]
    found = q1(evaluate_plan(plan(WEEKLY), data(*items), date(2024, 1, 21)))
    assert (found.count, found.target, found.status) == (3, 3, "met")


def test_current_window_still_open_is_on_track() -> None:
    items = [item(date(2024, 1, 3)), item(date(2024, 1, 9))]
    found = q1(evaluate_plan(plan(WEEKLY), data(*items), date(2024, 1, 16)))
    assert (found.count, found.target, found.status) == (2, 3, "on_track")
    assert found.due == date(2024, 1, 21)


def test_missed_window_is_at_risk_then_shortfall() -> None:
    items = [item(date(2024, 1, 3)), item(date(2024, 1, 16))]
    open_period = q1(evaluate_plan(plan(WEEKLY), data(*items), date(2024, 1, 20)))
    assert (open_period.count, open_period.target, open_period.status) == (2, 3, "at_risk")
    assert "08/01–14/01/2024" in open_period.reason
    closed = q1(evaluate_plan(plan(WEEKLY), data(*items), date(2024, 4, 2)))
    assert (closed.target, closed.status) == (13, "shortfall")


def test_tolerance_lets_an_item_land_a_little_late() -> None:
    tolerant = rule("r1", "cadence", per="quarter", window_days=7, tolerance_days=2)
    items = [item(date(2024, 1, 9))]  # first window ends 07/01, tolerated to 09/01
    found = q1(evaluate_plan(plan(tolerant), data(*items), date(2024, 1, 10)))
    assert (found.count, found.target, found.status) == (2, 2, "met")  # a 9-day gap is allowed
    too_late = q1(evaluate_plan(plan(tolerant), data(item(date(2024, 1, 10))), date(2024, 1, 10)))
    assert (too_late.count, too_late.target, too_late.status) == (1, 2, "at_risk")


def test_every_three_months_over_a_year() -> None:
    dialogue = rule("r1", "cadence", per="year", window_days=92)
    items = [item(date(2024, 2, 1)), item(date(2024, 5, 1)), item(date(2024, 12, 1))]
    found = next(v for v in evaluate_plan(plan(dialogue), data(*items), date(2025, 1, 1))
                 if v.agency == "a1")
    assert (found.count, found.target, found.status) == (3, 4, "shortfall")


def test_a_weekly_programme_never_missed_is_met_in_every_quarter() -> None:
    """92-day quarters end with a stub of a window; a programme aired every Thursday (or every
    Monday) of the year has not missed a week in any of them."""
    for weekday in (0, 3):  # Monday, Thursday
        first = date(2024, 1, 1 + (weekday - date(2024, 1, 1).weekday()) % 7)
        items = [item(date.fromordinal(first.toordinal() + 7 * n)) for n in range(53)]
        found = evaluate_plan(plan(WEEKLY), data(*items), date(2025, 1, 5))
        statuses = {v.period.label: v.status for v in found if v.agency == "a1"}
        assert set(statuses.values()) == {"met"}, (weekday, statuses)
