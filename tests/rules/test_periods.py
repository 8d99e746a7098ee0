from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from cchc.vntext import VN_TZ
from rules.periods import Period, all_periods, period_of, periods_for, unit_bounds, vn_ordinal
from tests.rules.builders import plan, rule


def test_iso_week_across_new_year() -> None:
    assert unit_bounds(date(2024, 12, 30), "week") == Period(
        "2025-W01", date(2024, 12, 30), date(2025, 1, 5))
    assert unit_bounds(date(2021, 1, 3), "week").label == "2020-W53"
    assert unit_bounds(date(2024, 1, 29), "week").label == "2024-W05"


@pytest.mark.parametrize(("day", "unit", "label", "start", "end"), [
    (date(2024, 8, 15), "month", "2024-08", date(2024, 8, 1), date(2024, 8, 31)),
    (date(2024, 2, 10), "month", "2024-02", date(2024, 2, 1), date(2024, 2, 29)),
    (date(2024, 9, 30), "quarter", "2024-Q3", date(2024, 7, 1), date(2024, 9, 30)),
    (date(2024, 12, 31), "quarter", "2024-Q4", date(2024, 10, 1), date(2024, 12, 31)),
    (date(2024, 6, 1), "year", "2024", date(2024, 1, 1), date(2024, 12, 31)),
])
def test_unit_bounds(day: date, unit: str, label: str, start: date, end: date) -> None:
    assert unit_bounds(day, unit) == Period(label, start, end)


def test_period_of_uses_vietnam_local_date() -> None:
    assert period_of(datetime(2024, 3, 31, 23, 30, tzinfo=VN_TZ), "quarter").label == "2024-Q1"
    late_utc = datetime(2024, 3, 31, 17, 30, tzinfo=UTC)  # 00:30 on 1 April in Vietnam
    assert period_of(late_utc, "quarter").label == "2024-Q2"
    assert period_of(datetime(2024, 3, 31, 16, 59, tzinfo=UTC), "quarter").label == (
        "2024-Q1")
    assert vn_ordinal(late_utc) == date(2024, 4, 1).toordinal()


def test_unknown_unit_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="unknown period unit 'fortnight'"):
        unit_bounds(date(2024, 1, 1), "fortnight")


def test_periods_started_by_as_of() -> None:
    quarterly = rule(per="quarter")
    labels = [p.label for p in periods_for(quarterly, plan(quarterly), date(2024, 7, 1))]
    assert labels == ["2024-Q1", "2024-Q2", "2024-Q3"]


def test_active_quarters_q2_to_q4() -> None:
    columns = rule(per="quarter", active_periods=("Q2", "Q3", "Q4"))
    labels = [p.label for p in all_periods(columns, plan(columns))]
    assert labels == ["2024-Q2", "2024-Q3", "2024-Q4"]
    assert periods_for(columns, plan(columns), date(2024, 3, 31)) == []


def test_year_rule_active_q2_to_q4_is_clipped_to_april() -> None:
    yearly = rule(per="year", active_periods=("Q2", "Q3", "Q4"))
    assert all_periods(yearly, plan(yearly)) == [
        Period("2024", date(2024, 4, 1), date(2024, 12, 31))]


def test_weekly_periods_are_whole_weeks_at_the_plan_edges() -> None:
    """A week is judged whole, even where it straddles the plan's end (two days of a week would
    ask a weekly programme to have aired in them)."""
    weekly = rule(per="week")
    periods = all_periods(weekly, plan(weekly))
    assert periods[0] == Period("2024-W01", date(2024, 1, 1), date(2024, 1, 7))
    assert periods[-1] == Period("2025-W01", date(2024, 12, 30), date(2025, 1, 5))
    assert len(periods) == 53


def test_rule_dates_narrow_the_plan() -> None:
    monthly = rule(per="month", starts=date(2024, 3, 15), ends=date(2024, 5, 10))
    assert all_periods(monthly, plan(monthly)) == [
        Period("2024-03", date(2024, 3, 15), date(2024, 3, 31)),
        Period("2024-04", date(2024, 4, 1), date(2024, 4, 30)),
        Period("2024-05", date(2024, 5, 1), date(2024, 5, 10)),
    ]


def test_active_months_and_weeks() -> None:
    monthly = rule(per="month", active_periods=("M1", "M12"))
    assert [p.label for p in all_periods(monthly, plan(monthly))] == ["2024-01", "2024-12"]
    weekly = rule(per="week", active_periods=("W52",))
    assert [p.label for p in all_periods(weekly, plan(weekly))] == ["2024-W52"]


def test_bad_active_period_code() -> None:
    bad = rule(per="month", active_periods=("X1",))
    with pytest.raises(ValueError, match="unknown active period 'X1'"):
        all_periods(bad, plan(bad))
