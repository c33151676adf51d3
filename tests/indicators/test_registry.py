"""The registry refuses declarations nobody could check: no citation, too few examples, a code taken twice."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from caseboard.indicators.framework import Computed, Example, NotApplicable, NotEnoughData, status
from caseboard.indicators.registry import Registry, RegistryError, registry

EXPECTED = {
    "assessments_within_45wd", "assessments_overdue", "icpc_within_15wd", "cp_plans_open", "cp_rate_per_10k",
    "cp_second_or_subsequent", "cp_reviews_on_time", "cp_visits_on_time", "cin_open", "lac_open",
    "lac_rate_per_10k", "lac_starts", "lac_ceased", "lac_reviews_on_time", "lac_visits_on_time",
    "lac_initial_health_20wd", "lac_health_up_to_date", "lac_pep_current", "lac_placements_3plus",
    "pathway_plan_authorised_6m", "referrals", "rereferrals_within_12m", "unallocated_children",
    "caseload_per_worker_fte", "dq_care_leavers_no_recent_contact",
    # issue 3's remaining catalogue
    "contacts", "referral_rate_per_10k", "referral_decision_within_1wd", "referrals_nfa", "assessment_child_seen",
    "s47_enquiries", "cp_plans_started", "cp_ended_2yrs_plus", "cp_seen_alone", "cin_rate_per_10k",
    "cin_plan_reviews_on_time", "lac_seen_alone", "lac_dental_12m", "lac_long_term_stability",
    "lac_missing_children", "lac_return_interviews_offered", "lac_residential_share", "lac_fostering_in_house_share",
    "lac_placed_over_20_miles", "lac_sdq_concern", "care_leavers_eligible", "care_leavers_relevant",
    "care_leavers_former_relevant", "pathway_plan_by_16y3m", "care_leavers_in_touch",
    "care_leavers_suitable_accommodation", "care_leavers_eet", "adoption_a1_days", "adoption_a2_days",
    "adoption_a10_days", "agency_worker_rate", "vacancy_rate", "early_help_assessments", "early_help_step_up_rate",
    "early_help_closed_needs_met", "lac_cohort_17_plus", "lac_cohort_under_2_proceedings", "lac_cohort_13_plus_new",
    "lac_cohort_possible_reunification", "dq_records_with_errors",
}
BASE = registry().get("cp_plans_open")


def test_the_catalogue_holds_the_issue_s_indicators() -> None:
    assert set(registry().codes()) == EXPECTED
    assert all(len(ind.examples) >= 3 and ind.source for ind in registry())


def test_a_duplicate_code_is_refused() -> None:
    reg = Registry()
    reg.register(BASE)
    with pytest.raises(RegistryError, match="a code not already registered"):
        reg.register(BASE)


def test_a_missing_citation_is_refused() -> None:
    with pytest.raises(RegistryError, match="a statutory source"):
        Registry().register(dataclasses.replace(BASE, source="  "))


def test_fewer_than_three_examples_are_refused() -> None:
    with pytest.raises(RegistryError, match=r"at least 3 worked examples \(has 2\)"):
        Registry().register(dataclasses.replace(BASE, examples=BASE.examples[:2]))


def test_an_example_must_match_the_kind_of_measure() -> None:
    period = Example("a period on an as-at measure", {}, dt.date(2025, 3, 31), 0, 0,
                     period=(dt.date(2024, 4, 1), dt.date(2025, 3, 31)))
    with pytest.raises(RegistryError, match="example 3 with no period"):
        Registry().register(dataclasses.replace(BASE, examples=BASE.examples[:2] + (period,)))


def test_rag_status_follows_polarity() -> None:
    up = registry().get("cp_reviews_on_time")  # green >= 95, amber >= 90
    down = registry().get("rereferrals_within_12m")  # green <= 20, amber <= 25
    assert [status(up, Computed(0, 1, v)) for v in (95.0, 92.0, 89.9)] == ["green", "amber", "red"]
    assert [status(down, Computed(0, 1, v)) for v in (20.0, 25.0, 25.1)] == ["green", "amber", "red"]
    assert status(BASE, Computed(3, 3, 3.0)) == "no target"
    assert status(up, NotApplicable("x")) == "not applicable"
    assert status(up, NotEnoughData("x")) == "not enough data"
