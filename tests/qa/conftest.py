"""QA tests run on DuckDB and PostgreSQL (one store per engine for the session, emptied per test: see
``caseboard.indicators.testing``), on a tiny organisation: two areas, three teams, a handful of open cases."""

from __future__ import annotations

import datetime as dt

import pytest

from caseboard.indicators.fixtures import load_tables
from caseboard.indicators.testing import engine_store, engine_stores
from caseboard.qa.schema import QA_TABLES, ensure_qa_schema
from caseboard.qa.templates import install_shipped
from caseboard.store import Store

__all__ = ["engine_store", "engine_stores", "qa_store", "county"]

AS_AT = dt.date(2025, 3, 31)

#: Area N: team T1 (6 open cases) and T2 (3); area S: team T3 (4). Workers W1-W3, managers M1, M3,
#: auditors Q1 (in T1), Q3 (in T3) and QX (in no team).
TEAMS = {"T1": ("N", 6), "T2": ("N", 3), "T3": ("S", 4)}


def county_tables() -> dict[str, list[dict[str, object]]]:
    referrals, allocations = [], []
    for team, (_, n) in TEAMS.items():
        for i in range(n):
            child = f"{team}C{i}"
            referrals.append({"child_id": child, "referral_date": "2024-06-01"})
            allocations.append({"child_id": child, "worker_id": "W" + team[1], "team_id": team,
                                "start_date": "2024-06-01"})
    return {
        "areas": [{"area_id": "N", "name": "North"}, {"area_id": "S", "name": "South"}],
        "teams": [{"team_id": t, "name": f"Team {t}", "area_id": a} for t, (a, _) in TEAMS.items()],
        "workers": [{"worker_id": "W1", "name": "Ann", "role": "social_worker", "team_id": "T1"},
                    {"worker_id": "W2", "name": "Bob", "role": "social_worker", "team_id": "T2"},
                    {"worker_id": "W3", "name": "Cat", "role": "social_worker", "team_id": "T3"},
                    {"worker_id": "M1", "name": "Dee", "role": "team_manager", "team_id": "T1"},
                    {"worker_id": "M3", "name": "Eve", "role": "team_manager", "team_id": "T3"},
                    {"worker_id": "Q1", "name": "Fay", "role": "senior_practitioner", "team_id": "T1"},
                    {"worker_id": "Q3", "name": "Gus", "role": "senior_practitioner", "team_id": "T3"}],
        "referrals": referrals,
        "allocations": allocations,
    }


@pytest.fixture
def qa_store(engine_store: Store) -> Store:
    """An engine's store with no canonical data and empty QA tables, the shipped templates saved."""
    ensure_qa_schema(engine_store)
    for name in QA_TABLES:
        engine_store.execute(f"DELETE FROM {name}")
    install_shipped(engine_store)
    return engine_store


@pytest.fixture
def county(qa_store: Store) -> Store:
    """``qa_store`` with the tiny organisation loaded."""
    load_tables(qa_store, county_tables(), today=AS_AT)
    return qa_store
