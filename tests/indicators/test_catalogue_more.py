"""Behaviour of the later families that worked examples alone do not show: values (means, rates), breakdowns by
team, results that are "not applicable", findings of more than one load, and the new schedules in worklists."""

from __future__ import annotations

import datetime as dt

import pytest

from caseboard.indicators.adoption import A1
from caseboard.indicators.engine import evaluate
from caseboard.indicators.fixtures import load_tables
from caseboard.indicators.framework import Computed, NotApplicable
from caseboard.indicators.lac_placements import OVER_20_MILES
from caseboard.indicators.workforce_rates import VACANCY
from caseboard.store import Store
from caseboard.worklists import worklist

D = dt.date


def _one(store: Store, code: str, as_at: dt.date, **kw: object) -> list:  # type: ignore[type-arg]
    return evaluate(store, as_at, codes=[code], prepared=True, **kw)  # type: ignore[arg-type]


def test_an_adoption_average_is_a_mean_in_days(engine_store: Store) -> None:
    ex = A1.examples[0]
    load_tables(engine_store, ex.tables)
    row = _one(engine_store, "adoption_a1_days", ex.as_at, levels=["authority"])[0]
    assert isinstance(row.result, Computed) and row.result.value == pytest.approx(212.5)
    assert row.status == "green"  # at most 426 days


def test_vacancies_stay_in_their_team(engine_store: Store) -> None:
    tables = dict(VACANCY.examples[1].tables)
    tables["teams"] = [{**t, "area_id": "N"} for t in tables["teams"]]
    tables["areas"] = [{"area_id": "N", "name": "North"}]
    load_tables(engine_store, tables)
    rows = {(r.level, r.group): r.result for r in _one(engine_store, "vacancy_rate", D(2024, 9, 30))}
    t1, t2, north = rows[("team", "Team T1")], rows[("team", "Team T2")], rows[("area", "North")]
    assert isinstance(t1, Computed) and (t1.numerator, t1.denominator) == (2.0, 3.0)
    assert isinstance(t2, Computed) and t2.value == 0.0
    assert isinstance(north, Computed) and north.value == pytest.approx(2 / 4.5 * 100)


def test_distance_is_not_applicable_without_a_postcode_geography(engine_store: Store) -> None:
    load_tables(engine_store, OVER_20_MILES.examples[0].tables)
    row = _one(engine_store, "lac_placed_over_20_miles", D(2025, 3, 31), levels=["authority"])[0]
    assert isinstance(row.result, NotApplicable) and "postcode geography" in row.result.reason
    assert row.status == "not applicable"


def test_data_errors_are_those_of_the_latest_committed_load(engine_store: Store) -> None:
    load_tables(engine_store, {"cp_plans": [{"child_id": "A", "start_date": "2025-01-10", "end_date": "2024-01-01"}]})
    first = _one(engine_store, "dq_records_with_errors", D(2025, 3, 31), levels=["authority"])[0].result
    load_tables(engine_store, {"referrals": [{"child_id": "B", "referral_date": "2025-01-10"}]})
    second = _one(engine_store, "dq_records_with_errors", D(2025, 3, 31), levels=["authority"])[0].result
    assert isinstance(first, Computed) and first.value == 1
    assert isinstance(second, Computed) and second.value == 0


def test_the_new_schedules_reach_the_worklists(engine_store: Store) -> None:
    load_tables(engine_store, {
        "contacts": [{"child_id": "A", "contact_date": "2025-03-27"},  # decision due Friday 28 March
                     {"child_id": "B", "contact_date": "2025-03-27", "decision_date": "2025-03-28"}],
        "cin_plans": [{"child_id": "C", "start_date": "2025-01-06"}],  # first review due 31 March (12 weeks)
        "lac_episodes": [{"child_id": "D", "start_date": "2024-01-15", "rne": "S", "legal_status": "C2",
                          "placement": "U6"}],  # no dental check: due 15 January 2025
    })
    items = worklist(engine_store, D(2025, 3, 31), schedules=["contact_decision", "cin_plan_review", "dental"],
                     prepared=True)
    assert items.select("child_id", "item", "due_date", "status").rows() == [
        ("D", "dental_check", D(2025, 1, 15), "overdue"),
        ("A", "contact_decision", D(2025, 3, 28), "overdue"),
        ("C", "cin_plan_review", D(2025, 3, 31), "due"),
    ]


def test_an_eligible_child_owes_a_pathway_plan_once_and_a_care_leaver_no_second_one(engine_store: Store) -> None:
    load_tables(engine_store, {
        "children": [{"child_id": "G", "dob": "2008-12-01"}, {"child_id": "H", "dob": "2008-12-01"}],
        "care_leavers": [{"child_id": "G", "eligibility": "eligible"}, {"child_id": "H", "eligibility": "relevant"}],
        "lac_episodes": [{"child_id": "G", "start_date": "2023-01-01", "rne": "S", "legal_status": "C2",
                          "placement": "U6"}],  # G looked after: eligible; H never was in these records: relevant
    })
    items = worklist(engine_store, D(2025, 3, 31), schedules=["pathway_plan", "pathway_plan_eligible"], prepared=True)
    # 16 years 3 months: 1 March 2025 for both, one item each
    assert items.select("child_id", "item", "due_date", "status").sort("child_id").rows() == [
        ("G", "pathway_plan", D(2025, 3, 1), "overdue"),
        ("H", "pathway_plan", D(2025, 3, 1), "overdue"),
    ]
