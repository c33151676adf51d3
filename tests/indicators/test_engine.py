"""The engine: breakdowns by area, team and worker, typed results, the children behind a number."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from caseboard.indicators.engine import evaluate, units
from caseboard.indicators.fixtures import load_tables
from caseboard.indicators.framework import Computed, NotApplicable, NotEnoughData
from caseboard.store import Store

AS_AT = dt.date(2025, 3, 31)
ORGANISATION = {
    "areas": [{"area_id": "N", "name": "North"}, {"area_id": "S", "name": "South"}, {"area_id": "E", "name": "East"}],
    "teams": [{"team_id": "T1", "name": "Safeguarding North", "area_id": "N"},
              {"team_id": "T2", "name": "Safeguarding South", "area_id": "S"}],
    "workers": [{"worker_id": "W1", "name": "Ann", "team_id": "T1", "fte": "1"},
                {"worker_id": "W2", "name": "Bob", "team_id": "T2", "fte": "0.5"}],
}
PLANS = {
    **ORGANISATION,
    "cp_plans": [{"child_id": c, "start_date": "2025-01-06"} for c in ("A", "B", "C", "D")],
    "allocations": [
        {"child_id": "A", "worker_id": "W1", "start_date": "2025-01-06"},  # team from the worker
        {"child_id": "B", "worker_id": "W2", "team_id": "T2", "start_date": "2025-01-06"},
        {"child_id": "D", "team_id": "T1", "start_date": "2025-01-06"},  # team only: no worker
        {"child_id": "C", "worker_id": "W1", "team_id": "T1", "start_date": "2024-01-01", "end_date": "2025-01-31"},
    ],
    "visits": [{"child_id": c, "visit_date": "2025-03-25", "kind": "cp"} for c in ("A", "C")],
}


def _by(rows: list, level: str) -> dict[str, object]:
    return {r.group: r.result for r in rows if r.level == level}


def test_every_level_counts_each_unit_once_under_its_allocation(engine_store: Store) -> None:
    load_tables(engine_store, PLANS)
    rows = evaluate(engine_store, AS_AT, codes=["cp_plans_open"], prepared=True)
    counts = {level: {g: r.numerator for g, r in _by(rows, level).items()}  # type: ignore[union-attr]
              for level in ("authority", "area", "team", "worker")}
    assert counts["authority"] == {"Authority": 4}
    # An area with no teams still shows (0); C's allocation ended, so C is unallocated everywhere.
    assert counts["area"] == {"East": 0, "North": 2, "South": 1, "Unallocated": 1}
    assert counts["team"] == {"Safeguarding North": 2, "Safeguarding South": 1, "Unallocated": 1}
    assert counts["worker"] == {"W1": 1, "W2": 1, "Unallocated": 2}
    worker_names = {r.group: r.group_name for r in rows if r.level == "worker"}
    assert worker_names == {"W1": "Ann", "W2": "Bob", "Unallocated": None}


def test_results_are_typed_never_a_bare_none(engine_store: Store) -> None:
    load_tables(engine_store, PLANS)
    rows = evaluate(engine_store, AS_AT, codes=["cp_rate_per_10k", "cp_visits_on_time", "lac_open"],
                    levels=["authority", "area"], prepared=True)
    rate = _by([r for r in rows if r.code == "cp_rate_per_10k"], "area")
    assert all(isinstance(r, NotApplicable) and "population" in r.reason for r in rate.values())
    visits = {r.group: r for r in rows if r.code == "cp_visits_on_time" and r.level == "area"}
    assert isinstance(visits["East"].result, NotApplicable) and visits["East"].status == "not applicable"
    assert visits["North"].result == Computed(1, 2, 50.0) and visits["North"].status == "red"
    lac = [r for r in rows if r.code == "lac_open"]
    assert {r.level for r in lac} == {"authority", "area"}
    assert all(isinstance(r.result, NotEnoughData) and "lac_episodes" in r.result.reason for r in lac)
    assert lac[0].as_dict() == {"code": "lac_open", "level": "authority", "group": "Authority", "numerator": None,
                                "denominator": None, "value": None, "status": "not enough data",
                                "reason": "no lac_episodes records have been loaded"}


def test_the_children_behind_a_number(engine_store: Store) -> None:
    load_tables(engine_store, PLANS)
    behind = units(engine_store, "cp_visits_on_time", AS_AT, level="team", group="Safeguarding North",
                   prepared=True)
    assert behind.select("child_id", "in_numerator", "worker", "team").rows() == [
        ("A", True, "W1", "Safeguarding North"), ("D", False, "Unallocated", "Safeguarding North")]
    assert behind.filter(pl.col("child_id") == "D")["due_date"].to_list() == [dt.date(2025, 1, 20)]


def test_period_measures_are_placed_by_the_allocation_at_the_event(engine_store: Store) -> None:
    load_tables(engine_store, {
        **ORGANISATION,
        "assessments": [{"child_id": "A", "start_date": "2024-05-01", "authorised_date": "2024-06-01"}],
        "allocations": [{"child_id": "A", "worker_id": "W1", "start_date": "2024-01-01", "end_date": "2024-07-01"},
                        {"child_id": "A", "worker_id": "W2", "start_date": "2024-07-02"}],
    })
    rows = evaluate(engine_store, AS_AT, codes=["assessments_within_45wd"], levels=["worker"], prepared=True)
    assert {r.group: r.result for r in rows} == {"W1": Computed(1, 1, 100.0)}


def test_caseloads_divide_cases_by_the_fte_of_their_holders(engine_store: Store) -> None:
    load_tables(engine_store, PLANS)
    rows = evaluate(engine_store, AS_AT, codes=["caseload_per_worker_fte"], levels=["authority", "team"],
                    prepared=True)
    assert _by(rows, "authority") == {"Authority": Computed(2, 1.5, pytest.approx(2 / 1.5))}
    assert _by(rows, "team")["Safeguarding South"] == Computed(1, 0.5, 2.0)


def test_shared_derivations_give_the_same_results(engine_store: Store) -> None:
    load_tables(engine_store, PLANS)
    inline = evaluate(engine_store, AS_AT, prepared=True, shared=False)
    shared = evaluate(engine_store, AS_AT, prepared=True, shared=True)
    assert [r.as_dict() for r in inline] == [r.as_dict() for r in shared]
