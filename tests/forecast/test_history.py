"""Month-end states from hand-built episodes: who is looked after at each month end, in which band and group,
and why they left."""

from __future__ import annotations

import datetime as dt

from caseboard.forecast import groups as G
from caseboard.forecast.history import OUT, history
from caseboard.indicators.fixtures import load_tables
from caseboard.store import Store

IH, IFA, RES = (G.group_index(g) for g in ("in_house_fostering", "independent_fostering", "residential"))

def ep(child: str, start: str, end: str | None = None, *, place: str = "U6", provider: str = "PR1",
       rne: str = "S", ls: str = "C2", rec: str | None = None) -> dict[str, str | None]:
    return {"child_id": child, "start_date": start, "end_date": end, "placement": place, "provider": provider,
            "rne": rne, "legal_status": ls, "reason_ceased": rec}

def test_states_bands_groups_and_exits(engine_store: Store) -> None:
    load_tables(engine_store, {
        "children": [{"child_id": "A", "dob": "2010-06-15"}, {"child_id": "B", "dob": "2024-01-05"},
                     {"child_id": "C", "dob": "2012-01-01"}, {"child_id": "D", "dob": "2008-03-10"}],
        "lac_episodes": [
            ep("A", "2024-01-15", provider="PR4"),                                   # agency foster care, open
            ep("B", "2024-02-10", "2024-04-20", rec="E4A"),                          # home in April
            ep("C", "2024-01-01", "2024-01-03", ls="V3", rec="E8"),                  # a short break: left out
            ep("D", "2024-01-20", "2024-03-05", rec="X1"),                           # moves to a children's home
            ep("D", "2024-03-05", "2024-03-31", place="K2", provider="PR4", rne="P", rec="E45"),  # SGO on 31 March
            ep("F", "2024-05-02", place="U4", provider=None),                        # provider not recorded
        ]})
    h = history(engine_store, dt.date(2024, 1, 31), dt.date(2024, 5, 31))
    assert [d.isoformat() for d in h.dates] == ["2024-01-31", "2024-02-29", "2024-03-31", "2024-04-30", "2024-05-31"]
    rows = dict(zip(h.children, h.state.tolist()))
    assert set(rows) == {"A", "B", "D", "F"}
    # No provider: in-house (the commonest); no date of birth: counted in the 10-15 band; both noted.
    assert rows["F"] == [OUT] * 4 + [G.state(3, IH)] and h.notes["fostering_without_provider"] == 1
    assert h.notes["child_months_without_dob"] == 1
    assert rows["A"] == [G.state(3, IFA)] * 5                                  # aged 13, band 10-15 throughout
    assert rows["B"] == [OUT, G.state(0, IH), G.state(0, IH), OUT, OUT]
    assert rows["D"] == [G.state(3, IH), G.state(3, IH), OUT, OUT, OUT]  # 15 until 10 March, ended on 31 March
    exits = dict(zip(h.children, h.exit.tolist()))
    assert exits["B"] == [OUT, OUT, G.EXIT_REASONS.index("reunification"), OUT]
    assert exits["D"] == [OUT, G.EXIT_REASONS.index("sgo_cao"), OUT, OUT]
    assert h.stock().sum(axis=1).tolist() == [2, 3, 2, 1, 2]
    pop = h.population()
    assert pop.height == 5 * len(G.GROUPS) and pop["total"].sum() == 10
    assert pop.filter((pop["date"] == dt.date(2024, 2, 29)) & (pop["group"] == "in_house_fostering")).row(
        0, named=True) | {"date": None} == {"date": None, "group": "in_house_fostering", "age 0": 1, "age 1-4": 0,
                                            "age 5-9": 0, "age 10-15": 1, "age 16-17": 0, "total": 2}
    assert h.notes["short_break_episodes"] == 1

def test_birthdays_move_children_up_a_band_and_as_at_hides_later_ends(engine_store: Store) -> None:
    load_tables(engine_store, {
        "children": [{"child_id": "E", "dob": "2008-02-29"}],
        "lac_episodes": [ep("E", "2023-11-01", "2024-06-30", place="K2", provider="PR4", rec="E17")]})
    seen_then = history(engine_store, dt.date(2023, 12, 31), dt.date(2024, 3, 31))
    # 29 February 2008: 15 at the end of January 2024, 16 at the end of February (a leap year here).
    assert seen_then.state.tolist() == [[G.state(3, RES), G.state(3, RES), G.state(4, RES), G.state(4, RES)]]
    assert seen_then.age.tolist() == [[15, 15, 16, 16]]
    assert (seen_then.exit == OUT).all()
    later = history(engine_store, dt.date(2024, 5, 31), dt.date(2024, 7, 31))
    assert later.state[0].tolist() == [G.state(4, RES), OUT, OUT]
    assert later.exit[0].tolist() == [G.EXIT_REASONS.index("adulthood"), OUT]


def test_forecast_runs_on_every_engine(engine_store: Store) -> None:
    from caseboard.forecast import Options, forecast

    load_tables(engine_store, {"children": [{"child_id": c, "dob": "2012-05-01"} for c in "GHI"],
                               "lac_episodes": [ep("G", "2023-01-10"), ep("H", "2022-06-01", "2023-02-01", rec="E4A"),
                                                ep("I", "2024-01-05", provider="PR4")]})
    f = forecast(engine_store, options=Options(years=1, resamples=20))
    # Latest date 5 January 2024; the example load's returns run to 31 March 2025, so January is complete.
    # The window starts where the records are complete: February 2023, the month of the earliest end.
    assert f.dates[0] == dt.date(2024, 1, 31) and f.baseline.central.stock[0, 0].sum() == 2
    assert G.month_end(f.fitted_from) == dt.date(2023, 2, 28)
