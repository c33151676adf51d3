"""Worklists: what is overdue or due soon, child by child, most urgent first, from the same schedules."""

from __future__ import annotations

import datetime as dt

from caseboard.indicators.example_data import in_care
from caseboard.indicators.fixtures import load_tables
from caseboard.store import Store
from caseboard.worklists import COLUMNS, worklist

D = dt.date
AS_AT = D(2025, 3, 31)  # a Monday
CASES = {
    "areas": [{"area_id": "N", "name": "North"}, {"area_id": "S", "name": "South"}],
    "teams": [{"team_id": "T1", "name": "Assessment North", "area_id": "N"},
              {"team_id": "T2", "name": "Safeguarding South", "area_id": "S"}],
    "workers": [{"worker_id": "W1", "name": "Ann", "team_id": "T1"}, {"worker_id": "W2", "name": "Bob", "team_id": "T2"}],
    "allocations": [{"child_id": "A", "worker_id": "W1", "start_date": "2025-01-10"},
                    {"child_id": "C", "worker_id": "W2", "start_date": "2025-01-06"}],
    "assessments": [{"child_id": "A", "start_date": "2025-01-10"}],  # 45th working day: Fri 14 March
    "s47_enquiries": [{"child_id": "B", "start_date": "2025-03-20"}],  # 15th working day: 10 April
    "cp_plans": [{"child_id": "C", "start_date": "2025-01-10"}],  # first review due 10 April
    "visits": [{"child_id": "C", "visit_date": "2025-03-20", "kind": "cp"}],  # next due 3 April
    "lac_episodes": in_care("D", "2025-03-20"),  # first visit due 27 March; review and health 17 April
    "children": [{"child_id": "E", "dob": "2007-06-01"}],
    "care_leavers": [{"child_id": "E", "eligibility": "relevant"}],
    "pathway_plans": [{"child_id": "E", "plan_date": "2024-10-03", "kind": "review"}],  # due 3 April
}


def _items(frame) -> list[tuple]:  # type: ignore[no-untyped-def]
    return frame.select("child_id", "item", "due_date", "days_overdue", "status").rows()


def test_the_authority_s_worklist_most_urgent_first(engine_store: Store) -> None:
    load_tables(engine_store, CASES)
    items = worklist(engine_store, AS_AT, prepared=True)
    assert items.columns == list(COLUMNS)
    assert _items(items) == [
        ("A", "assessment", D(2025, 3, 14), 17, "overdue"),
        ("D", "lac_visit", D(2025, 3, 27), 4, "overdue"),
        ("C", "cp_visit", D(2025, 4, 3), 0, "due"),
        ("E", "pathway_plan", D(2025, 4, 3), 0, "due"),
    ]
    row = items.row(0, named=True)
    assert (row["worker"], row["worker_name"], row["team"], row["area"]) == ("W1", "Ann", "Assessment North", "North")
    assert row["last_done"] == D(2025, 1, 10) and row["rule"].startswith("Working Together 2023")


def test_a_worker_team_or_area_sees_its_own_items(engine_store: Store) -> None:
    load_tables(engine_store, CASES)
    assert [r[0] for r in _items(worklist(engine_store, AS_AT, worker="W1", prepared=True))] == ["A"]
    assert [r[0] for r in _items(worklist(engine_store, AS_AT, team="T2", prepared=True))] == ["C"]
    assert [r[0] for r in _items(worklist(engine_store, AS_AT, team="Safeguarding South", prepared=True))] == ["C"]
    assert [r[0] for r in _items(worklist(engine_store, AS_AT, area="North", prepared=True))] == ["A"]
    assert [r[0] for r in _items(worklist(engine_store, AS_AT, worker="Unallocated", prepared=True))] == ["D", "E"]


def test_the_horizon_brings_later_items_in(engine_store: Store) -> None:
    load_tables(engine_store, CASES)
    later = _items(worklist(engine_store, AS_AT, horizon_days=14, prepared=True))
    assert ("B", "initial_conference", D(2025, 4, 10), 0, "due") in later
    assert ("C", "cp_review", D(2025, 4, 10), 0, "due") in later
    assert len(later) == 6


def test_done_items_and_closed_cases_leave_the_list(engine_store: Store) -> None:
    load_tables(engine_store, {**CASES,
                               "assessments": [{"child_id": "A", "start_date": "2025-01-10",
                                                "authorised_date": "2025-03-28"}],
                               "lac_episodes": in_care("D", "2025-03-20", ceased=("2025-03-30", "E13"))})
    assert [r[:2] for r in _items(worklist(engine_store, AS_AT, prepared=True))] == [
        ("C", "cp_visit"), ("E", "pathway_plan")]
