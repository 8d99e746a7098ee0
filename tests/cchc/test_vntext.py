"""Dates as officials read them: the Vietnam calendar day of a moment, whatever its offset."""

from __future__ import annotations

from datetime import UTC, date, datetime

from cchc.vntext import VN_TZ, as_date, parse_vn_datetime, vn_date_text


def test_a_utc_moment_is_dated_by_its_day_in_vietnam() -> None:
    early = "2024-03-04T23:30:00+00:00"  # 06:30 on 05/03 in Hà Giang, as the database returns it
    assert as_date(early) == date(2024, 3, 5) and vn_date_text(early) == "05/03/2024"
    assert as_date(datetime(2024, 3, 4, 23, 30, tzinfo=UTC)) == date(2024, 3, 5)
    assert as_date(datetime(2024, 3, 5, 6, 30, tzinfo=VN_TZ)) == date(2024, 3, 5)
    assert as_date("2024-03-04T16:59:59+00:00") == date(2024, 3, 4)  # 23:59:59 local


def test_dates_and_naive_values_are_taken_as_written() -> None:
    assert as_date("2024-01-31") == date(2024, 1, 31)
    assert as_date(date(2024, 1, 31)) == date(2024, 1, 31)
    assert as_date("2024-01-31T23:30:00") == date(2024, 1, 31)
    assert as_date("") is None and as_date(None) is None and as_date("31/01/2024") is None


def test_the_first_date_of_the_text_wins_whatever_its_form() -> None:
    line = "Ngày đăng: 28/12/2023 | Cập nhật: 09:15 05/01/2024"
    assert parse_vn_datetime(line) == datetime(2023, 12, 28, tzinfo=VN_TZ)
    assert parse_vn_datetime("14:30 28/12/2018, sửa 01/01/2019") == datetime(
        2018, 12, 28, 14, 30, tzinfo=VN_TZ
    )
