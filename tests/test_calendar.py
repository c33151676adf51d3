"""The calendar: the counting convention, with the rulebook's worked examples (statutory rulebook §0, §11)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from caseboard.calendar import (
    DEFAULT_CALENDAR, Calendar, Term, add_months, age_on, calendar_table, nth_birthday, quarter, quarter_bounds,
    reporting_year, reporting_year_bounds, term_dates,
)

D = dt.date
CAL = DEFAULT_CALENDAR


def test_one_off_bank_holidays_are_not_working_days() -> None:
    assert not CAL.is_working_day(D(2022, 9, 19))  # State Funeral of Queen Elizabeth II
    assert not CAL.is_working_day(D(2023, 5, 8))  # Coronation
    assert not CAL.is_working_day(D(2022, 6, 3))  # Platinum Jubilee
    assert CAL.is_working_day(D(2023, 5, 9))
    assert not CAL.is_working_day(D(2024, 12, 21))  # a Saturday


@pytest.mark.parametrize(("start", "n", "deadline"), [
    (D(2024, 12, 20), 45, D(2025, 2, 26)),  # referral on a Friday before Christmas and New Year
    (D(2025, 4, 17), 15, D(2025, 5, 13)),  # s47 on Maundy Thursday: Good Friday, Easter Monday, 5 May skipped
    (D(2024, 12, 21), 1, D(2024, 12, 23)),  # a Saturday start counts from Monday
    (D(2024, 12, 24), 1, D(2024, 12, 27)),  # Christmas Day and Boxing Day skipped
])
def test_deadlines_are_the_nth_working_day_after_the_start(start: dt.date, n: int, deadline: dt.date) -> None:
    assert CAL.add_working_days(start, n) == deadline
    assert CAL.working_days_between(start, deadline) == n
    assert CAL.within_working_days(start, deadline, n)
    assert not CAL.within_working_days(start, CAL.add_working_days(start, n + 1), n)


def test_counting_excludes_the_start_day_and_includes_the_end_day() -> None:
    assert CAL.working_days_between(D(2025, 3, 3), D(2025, 3, 3)) == 0  # same day
    assert CAL.working_days_between(D(2025, 3, 3), D(2025, 3, 4)) == 1
    assert CAL.working_days_between(D(2025, 3, 7), D(2025, 3, 9)) == 0  # Friday to Sunday
    assert CAL.working_days_between(D(2025, 3, 4), D(2025, 3, 3)) == -1


def test_local_closure_days_are_configurable() -> None:
    closed = Calendar(closure_days=(D(2024, 12, 24),))
    assert CAL.is_working_day(D(2024, 12, 24)) and not closed.is_working_day(D(2024, 12, 24))
    assert closed.add_working_days(D(2024, 12, 23), 1) == D(2024, 12, 27)
    assert closed.fingerprint(D(2024, 1, 1), D(2025, 1, 1)) != CAL.fingerprint(D(2024, 1, 1), D(2025, 1, 1))


def test_dates_outside_the_known_holiday_years_are_refused() -> None:
    with pytest.raises(ValueError, match="outside the years"):
        Calendar(years=(2020, 2025)).working_days_between(D(2025, 12, 1), D(2026, 1, 5))


def test_months_clamp_to_the_end_of_the_month() -> None:
    assert add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)
    assert add_months(D(2023, 1, 31), 1) == D(2023, 2, 28)
    assert add_months(D(2024, 11, 30), 3) == D(2025, 2, 28)
    assert add_months(D(2025, 3, 31), -12) == D(2024, 3, 31)


def test_leap_day_birthdays_fall_on_28_february_in_common_years() -> None:
    dob = D(2008, 2, 29)
    assert nth_birthday(dob, 16) == D(2024, 2, 29)
    assert nth_birthday(dob, 17) == D(2025, 2, 28)
    assert age_on(dob, D(2025, 2, 27)) == 16
    assert age_on(dob, D(2025, 2, 28)) == 17


def test_reporting_years_and_quarters() -> None:
    assert reporting_year(D(2025, 3, 31)) == 2025 and reporting_year(D(2025, 4, 1)) == 2026
    assert reporting_year_bounds(2025) == (D(2024, 4, 1), D(2025, 3, 31))
    assert quarter(D(2024, 4, 1)) == (2025, 1) and quarter(D(2025, 1, 15)) == (2025, 4)
    assert quarter_bounds(2025, 3) == (D(2024, 10, 1), D(2024, 12, 31))


def test_school_terms_default_and_configured() -> None:
    assert CAL.term_on(D(2025, 5, 1)) == Term("summer", D(2025, 4, 15), D(2025, 7, 22))
    assert CAL.term_on(D(2025, 8, 10)) is None
    assert CAL.term_on(D(2024, 10, 1)).label == "autumn 2024/25"  # type: ignore[union-attr]
    own = Calendar(terms=term_dates([("autumn", "2024-09-04", "2024-12-20")]))
    assert own.term_on(D(2024, 9, 3)) is None and own.term_on(D(2024, 9, 4)) is not None


def test_the_calendar_table_turns_working_days_into_a_subtraction() -> None:
    table = calendar_table(D(2024, 12, 1), D(2025, 3, 31))
    ordinal = dict(zip(table["date"].to_list(), table["working_day_ordinal"].to_list()))
    assert ordinal[D(2025, 2, 26)] - ordinal[D(2024, 12, 20)] == 45
    deadline = table.filter(pl.col("is_working_day") & (pl.col("working_day_ordinal") == ordinal[D(2024, 12, 20)] + 45))
    assert deadline["date"].to_list() == [D(2025, 2, 26)]
    row = table.filter(pl.col("date") == D(2025, 3, 31)).row(0, named=True)
    assert (row["reporting_year"], row["term_start"], row["term_end"]) == (2025, D(2025, 1, 4), D(2025, 3, 31))
