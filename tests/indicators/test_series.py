"""Monthly series: the dates-as-a-column path gives, date by date, exactly what ``evaluate`` gives per date."""

from __future__ import annotations

import datetime as dt

from test_parity import every_example

from caseboard.indicators.engine import LEVELS, evaluate
from caseboard.indicators.fixtures import clear_tables, load_tables
from caseboard.indicators.series import month_ends, series
from caseboard.indicators.sql import over_dates
from caseboard.store import Store

DAYS = [dt.date(2025, 2, 28), dt.date(2025, 3, 31), dt.date(2025, 5, 20)]  # the last in a new reporting year


def test_a_series_is_evaluate_at_each_date_on_every_engine(engine_stores: dict[str, Store]) -> None:
    data = every_example()
    for store in engine_stores.values():
        clear_tables(store)
        load_tables(store, data)
        for levels, days in ((["authority"], DAYS), (list(LEVELS), DAYS[1:])):
            # The dates-as-a-column SQL on both engines, whichever each uses by default.
            fast = series(store, days, levels=levels, prepared=True, method="dates_as_column")  # type: ignore[arg-type]
            assert list(fast) == days
            for day in days:
                slow = evaluate(store, day, levels=levels, prepared=True)  # type: ignore[arg-type]
                assert [r.as_dict() for r in fast[day]] == [r.as_dict() for r in slow], (store.dialect, day)
        # Without the shared derivations (few codes) the answer is the same too.
        few = series(store, DAYS[:2], codes=["lac_open", "cp_visits_on_time"], prepared=True,
                     method="dates_as_column")
        assert [r.as_dict() for r in few[DAYS[1]]] == [
            r.as_dict() for r in evaluate(store, DAYS[1], levels=["authority"], codes=["lac_open", "cp_visits_on_time"],
                                          prepared=True)]


def test_dates_become_columns_and_different_queries_stay_apart() -> None:
    groups = over_dates([
        "SELECT * FROM t WHERE d <= DATE '2025-01-31' AND e >= DATE '2024-04-01'",
        "SELECT * FROM t WHERE d <= DATE '2025-02-28' AND e >= DATE '2024-04-01'",
        "SELECT * FROM t WHERE d <= DATE '2025-04-30'",  # another text (e.g. a new reporting year's branch)
    ])
    assert [indices for indices, _ in groups] == [[0, 1], [2]]
    assert groups[0][1] == (
        "SELECT cb_dates.cb_key, u.* FROM (VALUES (0, DATE '2025-01-31', DATE '2024-04-01'), "
        "(1, DATE '2025-02-28', DATE '2024-04-01')) AS cb_dates(cb_key, p0, p1) "
        "CROSS JOIN LATERAL (SELECT * FROM t WHERE d <= cb_dates.p0 AND e >= cb_dates.p1) AS u")


def test_a_date_written_many_times_is_one_column() -> None:
    [(indices, sql)] = over_dates(["SELECT DATE '2025-01-31' AS a, DATE '2024-04-01' AS b, DATE '2025-01-31' AS c",
                                   "SELECT DATE '2025-02-28' AS a, DATE '2024-04-01' AS b, DATE '2025-02-28' AS c"])
    assert sql == ("SELECT cb_dates.cb_key, u.* FROM (VALUES (0, DATE '2025-01-31', DATE '2024-04-01'), "
                   "(1, DATE '2025-02-28', DATE '2024-04-01')) AS cb_dates(cb_key, p0, p1) CROSS JOIN LATERAL "
                   "(SELECT cb_dates.p0 AS a, cb_dates.p1 AS b, cb_dates.p0 AS c) AS u")
    assert over_dates(["SELECT 1", "SELECT 1"])[0][1] == (
        "SELECT cb_dates.cb_key, u.* FROM (VALUES (0), (1)) AS cb_dates(cb_key) CROSS JOIN LATERAL (SELECT 1) AS u")


def test_month_ends_run_up_to_the_date() -> None:
    assert month_ends(dt.date(2025, 3, 31), 3) == [dt.date(2025, 1, 31), dt.date(2025, 2, 28), dt.date(2025, 3, 31)]
    assert month_ends(dt.date(2024, 3, 15), 2) == [dt.date(2024, 1, 31), dt.date(2024, 2, 29)]
