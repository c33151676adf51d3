"""Targeted samples and cohorts: the children the indicators point at, each with the reason it was chosen."""

from __future__ import annotations

import datetime as dt

import pytest

from caseboard.indicators.fixtures import load_tables
from caseboard.qa.cohorts import candidates
from caseboard.store import Store

AS_AT = dt.date(2025, 3, 31)


def _chosen(store: Store, name: str) -> dict[str, str]:
    return dict(candidates(store, AS_AT, [name]).select("child_id", "reason").rows())


def test_targeted_selections_and_cohorts(qa_store: Store) -> None:
    load_tables(qa_store, {
        "children": [{"child_id": "L1", "dob": "2008-01-01"}, {"child_id": "L2", "dob": "2006-01-01"},
                     {"child_id": "L3", "dob": "2009-02-01"}, {"child_id": "L4", "dob": "2008-01-01"}],
        "care_leavers": [{"child_id": "L1", "eligibility": "relevant"},  # 17: in
                         {"child_id": "L2", "eligibility": "relevant"},  # 19: out
                         {"child_id": "L3", "eligibility": "eligible"},  # 16, still in care: in
                         {"child_id": "L4", "eligibility": "former_relevant"}],  # not 16-17's category: out
        "referrals": [{"child_id": "N0", "referral_date": "2024-06-01"},  # open 10 months: in
                      {"child_id": "N1", "referral_date": "2025-01-10"}],  # open under 3 months: out
        "cp_plans": [{"child_id": "P1", "start_date": "2023-06-01"},  # open 22 months: in
                     {"child_id": "P2", "start_date": "2024-12-01"},
                     {"child_id": "R1", "start_date": "2022-01-01", "end_date": "2022-06-01"},
                     {"child_id": "R1", "start_date": "2024-10-01"}],  # second plan this year: repeat
        # Started 2 January: its 45th working day was 6 March, so overdue; started 10 March: not yet.
        "assessments": [{"child_id": "A1", "start_date": "2025-01-02"}, {"child_id": "A2", "start_date": "2025-03-10"}],
    }, today=AS_AT)
    assert _chosen(qa_store, "care_leavers_16_17") == {"L1": "care leaver 16-17 (relevant)",
                                                       "L3": "care leaver 16-17 (eligible)"}
    assert set(_chosen(qa_store, "cin_over_9_months")) == {"N0"}
    assert _chosen(qa_store, "plans_over_18_months") == {"P1": "CP plan open over 18 months"}
    assert _chosen(qa_store, "repeat_plans") == {"R1": "second or subsequent CP plan"}
    assert _chosen(qa_store, "assessments_overdue") == {"A1": "assessment past 45 working days"}
    # No visit recorded on any open plan: every child on a plan is overdue a visit.
    assert _chosen(qa_store, "overdue_visits") == {c: "CP visit overdue" for c in ("P1", "P2", "R1")}
    # The worklist: every overdue statutory item (no plan reviews or pathway plans are recorded either).
    plan = "overdue: cp_review, cp_visit"
    assert _chosen(qa_store, "worklist_overdue") == {
        "A1": "overdue: assessment", "P1": plan, "P2": plan, "R1": plan, "L1": "overdue: pathway_plan",
        "L2": "overdue: pathway_plan", "L4": "overdue: pathway_plan"}
    both = candidates(qa_store, AS_AT, ["plans_over_18_months", "repeat_plans", "assessments_overdue"])
    assert sorted(both["child_id"]) == ["A1", "P1", "R1"]
    with pytest.raises(ValueError, match="unknown selection nope"):
        candidates(qa_store, AS_AT, ["nope"])


def test_a_child_chosen_for_two_reasons_appears_once_with_both(qa_store: Store) -> None:
    load_tables(qa_store, {"cp_plans": [{"child_id": "P1", "start_date": "2023-06-01"}],
                           "referrals": [{"child_id": "P1", "referral_date": "2023-05-01"}]}, today=AS_AT)
    got = candidates(qa_store, AS_AT, ["plans_over_18_months", "cin_over_9_months"])
    assert got.select("child_id", "reason").rows() == [
        ("P1", "CIN case open over 9 months; CP plan open over 18 months")]
