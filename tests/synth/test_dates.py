"""The vectorised date helpers agree with caseboard.calendar, and repeated events keep their timescales."""

from __future__ import annotations

import datetime as dt

import numpy as np

from caseboard.calendar import DEFAULT_CALENDAR, add_months, age_on, nth_birthday, reporting_year
from caseboard.synth import dates as D


def _days(*dates: dt.date) -> np.ndarray:
    return np.array([D.day(d) for d in dates], dtype=np.int64)


def test_working_days_match_the_project_calendar() -> None:
    # The rulebook's worked examples (§11): Fri 20 Dec 2024 + 45 WD; Thu 17 Apr 2025 (Easter) + 15 WD.
    got = D.add_working_days(_days(dt.date(2024, 12, 20), dt.date(2025, 4, 17)), np.array([45, 15]))
    assert [D.date_of(x) for x in got] == [dt.date(2025, 2, 26), dt.date(2025, 5, 13)]
    rng = np.random.default_rng(1)
    starts = rng.integers(D.day(dt.date(2016, 1, 1)), D.day(dt.date(2027, 1, 1)), 300)
    n = rng.integers(1, 60, 300)
    ours = D.add_working_days(starts, n)
    theirs = [D.day(DEFAULT_CALENDAR.add_working_days(D.date_of(s), int(k))) for s, k in zip(starts, n)]
    assert ours.tolist() == theirs


def test_saturday_contact_rolls_to_monday() -> None:
    saturday = _days(dt.date(2025, 5, 3))
    assert D.date_of(D.roll_to_working_day(saturday)[0]) == dt.date(2025, 5, 6)  # Monday 5 May is a bank holiday
    assert D.date_of(D.roll_to_working_day(saturday, forward=False)[0]) == dt.date(2025, 5, 2)


def test_months_birthdays_and_years_match_the_calendar() -> None:
    samples = [dt.date(2024, 1, 31), dt.date(2008, 2, 29), dt.date(2023, 8, 31), dt.date(2025, 3, 31)]
    for d in samples:
        for m in (1, 3, 6, 12, 216):
            assert D.date_of(D.add_months(_days(d), m)[0]) == add_months(d, m)
        assert D.date_of(D.birthday(_days(d), 18)[0]) == nth_birthday(d, 18)
        for on in (dt.date(2026, 2, 28), dt.date(2026, 3, 1), dt.date(2028, 2, 29)):
            if on >= d:
                assert D.age_years(_days(d), D.day(on))[0] == age_on(d, on)
        assert D.collection_year(_days(d))[0] == reporting_year(d)


def test_recurring_events_on_time_and_late() -> None:
    rng = np.random.default_rng(3)
    start = _days(*[dt.date(2024, 1, 1)] * 200)
    end = start + 700
    rows, when = D.recurring(rng, start, end, (26, 89, 181), 0.0)
    assert set(rows.tolist()) == set(range(200))
    for r in range(200):
        t = np.concatenate([[start[r]], when[rows == r]])
        gaps = np.diff(t)
        # Due within 26 days, then 89, then 181 (CPPCR reg 33 as calendar days), never later when on time.
        assert gaps[0] <= 26 and gaps[1] <= 89 and (gaps[2:] <= 181).all()
        assert (t[1:] <= end[r]).all()
    rows, when = D.recurring(rng, start[:50], end[:50], (42,), 1.0)
    gaps = np.concatenate([np.diff(np.concatenate([[start[r]], when[rows == r]])) for r in range(50)])
    assert (gaps > 42).mean() > 0.9  # all late (a few rolled back to a Friday can land on 42 exactly)


def test_recurring_in_working_days_falls_on_working_days() -> None:
    rng = np.random.default_rng(4)
    start = _days(dt.date(2025, 12, 1))
    rows, when = D.recurring(rng, start, start + 90, (10,), 0.0, working_days=True)
    assert np.is_busday(when.astype("datetime64[D]"), holidays=D.holiday_array()).all()
    ordinals = np.concatenate([[D.working_ordinal(start)[0]], D.working_ordinal(when)])
    assert (np.diff(ordinals) <= 10).all() and (np.diff(ordinals) >= 1).all()
