"""Case risk ratings with history; feedback forms and their results; quality beside volume."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from caseboard.qa import audits, feedback, risk, sampling, stats
from caseboard.store import Store

D = dt.date


def test_rag_history_is_kept_and_red_cases_come_first(qa_store: Store) -> None:
    risk.rate(qa_store, "C1", "G", rater="M1", on=D(2025, 1, 10), team_id="T1")
    risk.rate(qa_store, "C1", "Amber", rater="M1", on=D(2025, 2, 10), rationale="plan drifting", team_id="T1")
    risk.rate(qa_store, "C1", "red", rater="M1", on=D(2025, 3, 10), team_id="T1")
    risk.rate(qa_store, "C2", "R", rater="M3", on=D(2025, 1, 5), team_id="T3")
    risk.rate(qa_store, "C2", "A", rater="M3", on=D(2025, 3, 1), team_id="T3")
    risk.rate(qa_store, "C3", "R", rater="M3", on=D(2025, 2, 1), team_id="T3")
    with pytest.raises(ValueError, match="not a case risk rating"):
        risk.rate(qa_store, "C3", "purple", rater="M3", on=D(2025, 2, 1))
    hist = risk.history(qa_store, "C1")
    assert hist.select("rating", "previous", "movement").rows() == [
        ("G", None, "first"), ("A", "G", "worse"), ("R", "A", "worse")]
    assert hist["definition"][2].startswith("Red: high risk unaddressed")
    now = risk.current(qa_store)
    # Red first, oldest rating first among the reds; C2 moved from red to amber.
    assert now.select("child_id", "rating", "movement").rows() == [
        ("C3", "R", "first"), ("C1", "R", "worse"), ("C2", "A", "better")]
    # As at 20 February the picture was C1 amber, C2 red, C3 red.
    assert dict(risk.current(qa_store, D(2025, 2, 20)).select("child_id", "rating").rows()) == {
        "C1": "A", "C2": "R", "C3": "R"}
    assert stats.risk_summary(qa_store).rows() == [("T1", 1, 0, 0, 1), ("T3", 1, 1, 0, 0)]


def test_first_ratings_and_actions_not_yet_done(county: Store) -> None:
    """Columns nobody has filled in yet (no earlier rating, no action done) still compare on both engines."""
    risk.rate(county, "T1C0", "A", rater="M1", on=D(2025, 3, 1), team_id="T1")
    assert risk.current(county).select("child_id", "rating", "previous", "movement").rows() == [
        ("T1C0", "A", None, "first")]
    pid = sampling.create_programme(county, "Nov", "full-case-file-audit")
    sid = sampling.create_sample(county, pid, as_at=D(2025, 3, 31), auditors=["QX"], due_date=D(2025, 4, 30),
                                 size=1, seed=1)
    audit_id = sampling.sample_cases(county, sid)["audit_id"][0]
    audits.add_action(county, audit_id, "Chronology", owner="W1", due=D(2025, 4, 10))
    got = stats.action_completion(county, D(2025, 4, 30), "authority")
    assert got.select("group", "actions", "done", "open_overdue", "completion_pct").rows() == [
        ("Authority", 1, 0, 1, 0.0)]
    with pytest.raises(KeyError, match="no action 99"):
        audits.complete_action(county, 99, on=D(2025, 4, 30))


def test_pathway_plan_feedback_and_results(qa_store: Store) -> None:
    for copy, helped in (("no", "yes"), ("no", "no"), ("yes", "yes"), ("no", "yes")):
        feedback.respond(qa_store, "feedback-pathway-plan", {"has_copy": copy, "helped_write": helped,
                                                             "plan_helps": "3"},
                         received_on=D(2025, 3, 1), child_id="C1", team_id="T1", channel="phone",
                         entered_by="QX")
    feedback.respond(qa_store, "feedback-child", {"listens": "happy", "feel_safe": "sad",
                                                  "say_more": "<b>I like my carer</b>"},
                     received_on=D(2025, 3, 2), team_id="T3")
    with pytest.raises(ValueError, match="not one of yes, no"):
        feedback.respond(qa_store, "feedback-pathway-plan", {"has_copy": "sometimes"}, received_on=D(2025, 3, 1))
    with pytest.raises(ValueError, match="channel"):
        feedback.respond(qa_store, "feedback-pathway-plan", {}, received_on=D(2025, 3, 1), channel="fax")
    res = stats.feedback_results(qa_store)
    row = res.filter(pl.col("question_id") == "has_copy").select("answers", "yes_pct").row(0)
    assert row == (4, 25.0)  # one young person in four had a copy of their plan
    assert res.filter(pl.col("question_id") == "plan_helps")["mean_score"][0] == 3.0
    assert res.filter(pl.col("question_id") == "listens")["happy_pct"][0] == 100.0
    said = feedback.answers_long(qa_store).filter(pl.col("question_id") == "say_more")["answer"][0]
    assert said == "<b>I like my carer</b>"  # stored as given; escaping is the page's job


def test_quality_beside_volume_puts_grades_next_to_timeliness(county: Store) -> None:
    pid = sampling.create_programme(county, "Nov", "full-case-file-audit")
    sid = sampling.create_sample(county, pid, as_at=D(2025, 3, 31), auditors=["QX"], due_date=D(2025, 4, 30),
                                 per_area=2, seed=5)
    cases = sampling.sample_cases(county, sid)
    for audit_id, area in cases.select("audit_id", "area_id").iter_rows():
        audits.complete(county, audit_id, 4 if area == "N" else 2, on=D(2025, 4, 8))
    feedback.respond(county, "feedback-pathway-plan", {"has_copy": "no"}, received_on=D(2025, 3, 1),
                     team_id="T3")
    frame = stats.quality_beside_volume(county, D(2025, 3, 31), "area", codes=("unallocated_children",))
    got = frame.select("group", "unallocated_children", "audits", "inadequate_pct", "feedback_yes_pct").rows()
    assert got == [("North", 0.0, 2, 100.0, None), ("South", 0.0, 2, 0.0, 0.0)]
