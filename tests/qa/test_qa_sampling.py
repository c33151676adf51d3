"""Reproducible, stratified samples; auditors never given their own team's cases unless allowed."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from caseboard.qa import sampling
from caseboard.qa.sampling import apportion
from caseboard.store import Store

AS_AT = dt.date(2025, 3, 31)
DUE = dt.date(2025, 4, 30)


def test_apportion_by_largest_remainder_never_beyond_a_group() -> None:
    # 6/13, 3/13, 4/13 of 5 = 2.31, 1.15, 1.54: floors 2, 1, 1; the one left goes to the largest remainder (T3).
    assert apportion({"T1": 6, "T2": 3, "T3": 4}, 5) == {"T1": 2, "T2": 1, "T3": 2}
    # A group smaller than its share gives the rest to the others.
    assert apportion({"A": 1, "B": 10}, 6) == {"A": 1, "B": 5}
    assert apportion({"A": 2, "B": 2}, 10) == {"A": 2, "B": 2}


def _sample(store: Store, name: str, **kw: object) -> list[tuple[str, str, str]]:
    pid = sampling.create_programme(store, name, "full-case-file-audit")
    sid = sampling.create_sample(store, pid, as_at=AS_AT, due_date=DUE, **kw)  # type: ignore[arg-type]
    return [tuple(r) for r in sampling.sample_cases(store, sid).select("child_id", "team_id", "auditor_id")
            .iter_rows()]


def test_same_seed_same_cases_and_the_seed_is_recorded(county: Store) -> None:
    first = _sample(county, "a", auditors=["QX"], size=5, seed=42)
    again = _sample(county, "b", auditors=["QX"], size=5, seed=42)
    other = _sample(county, "c", auditors=["QX"], size=5, seed=43)
    assert first == again
    assert [c for c, _, _ in first] != [c for c, _, _ in other]
    recorded = county.query("SELECT seed, population, size, criteria_json FROM qa_audit_samples "
                            "ORDER BY sample_id").rows()
    assert recorded[0][:3] == (42, 13, 5)
    assert json.loads(recorded[0][3])["selections"] == ["open_cases"]


def test_stratified_per_area_then_team(county: Store) -> None:
    cases = _sample(county, "p", auditors=["QX"], per_area=3, size=6, seed=7)
    teams = [t for _, t, _ in cases]
    # 3 from North split 6:3 across T1/T2 -> 2 and 1; 3 from South, all T3.
    assert (teams.count("T1"), teams.count("T2"), teams.count("T3")) == (2, 1, 3)
    # Proportional without a per-area quota: 13 cases, 5 wanted -> North 9/13*5 = 3.46 -> 3 (+0), South 1.54 -> 2.
    teams = [t for _, t, _ in _sample(county, "q", auditors=["QX"], size=5, seed=7)]
    assert (teams.count("T1") + teams.count("T2"), teams.count("T3")) == (3, 2)
    with pytest.raises(ValueError, match="--size 5 is not --per-area 3 times the 2 area"):
        _sample(county, "r", auditors=["QX"], per_area=3, size=5, seed=7)
    only_south = _sample(county, "s", auditors=["QX"], per_area=2, areas=["South"], seed=7)
    assert {t for _, t, _ in only_south} == {"T3"} and len(only_south) == 2


def test_auditors_are_not_given_their_own_teams_cases(county: Store) -> None:
    cases = _sample(county, "own", auditors=["Q1", "Q3"], size=13, seed=3)
    by_team = {team: {a for _, t, a in cases if t == team} for team in ("T1", "T2", "T3")}
    # T1's six must go to Q3; then T2's three to the less loaded Q1; T3's four must go to Q1.
    assert by_team == {"T1": {"Q3"}, "T2": {"Q1"}, "T3": {"Q1"}}
    assert [a for _, _, a in cases].count("Q1") == 7


def test_own_team_only_when_allowed(county: Store) -> None:
    with pytest.raises(ValueError, match="team T1, the team of every auditor"):
        _sample(county, "x", auditors=["Q1"], areas=["North"], per_area=9, seed=1)
    pid = sampling.create_programme(county, "allowed", "full-case-file-audit", allow_own_team=True)
    sid = sampling.create_sample(county, pid, as_at=AS_AT, due_date=DUE, auditors=["Q1"], areas=["N"],
                                 per_area=9, seed=1)
    cases = sampling.sample_cases(county, sid)
    assert cases.height == 9 and set(cases["auditor_id"]) == {"Q1"}
    assert set(cases["due_date"]) == {DUE} and set(cases["status"]) == {"assigned"}
