"""The calendar in the store: built once, rebuilt when local days change, and SQL counts as Python does."""

from __future__ import annotations

import datetime as dt

from caseboard.calendar import DEFAULT_CALENDAR, Calendar, ensure_calendar
from caseboard.indicators.sql import add_working_days, last_day_within_working_days, lit, run
from caseboard.store import Store

D = dt.date
SPAN = (D(2024, 1, 1), D(2026, 12, 31))


def test_sql_deadlines_match_the_python_calendar(engine_store: Store) -> None:
    starts = [D(2024, 12, 20), D(2025, 4, 17), D(2025, 3, 1), D(2024, 12, 24)]
    for start in starts:
        for n in (1, 10, 15, 20, 45):
            got = run(engine_store, f"SELECT {add_working_days(lit(start), n)} AS due, "
                                    f"{last_day_within_working_days(lit(start), n)} AS until").row(0)
            due = DEFAULT_CALENDAR.add_working_days(start, n)
            assert got[0] == due, (start, n)
            assert DEFAULT_CALENDAR.working_days_between(start, got[1]) == n
            assert DEFAULT_CALENDAR.working_days_between(start, got[1] + dt.timedelta(days=1)) == n + 1


def test_the_calendar_is_built_once_and_rebuilt_when_local_days_change(engine_store: Store) -> None:
    assert not ensure_calendar(engine_store)  # already there (prepared by the fixture)
    closed = Calendar(closure_days=(D(2024, 12, 24),))
    try:
        assert ensure_calendar(engine_store, *SPAN, cal=closed)
        assert not ensure_calendar(engine_store, *SPAN, cal=closed)
        flag = run(engine_store, "SELECT is_working_day FROM calendar WHERE date = DATE '2024-12-24'").item()
        assert flag is False
        assert run(engine_store, "SELECT COUNT(*) AS n FROM calendar").item() == (SPAN[1] - SPAN[0]).days + 1
    finally:
        assert ensure_calendar(engine_store)  # back to the default for the other tests
