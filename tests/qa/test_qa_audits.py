"""The audit from conversation to feedback, actions, critical alerts and moderation agreement."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from caseboard.qa import audits, sampling, stats
from caseboard.store import Store

AS_AT = dt.date(2025, 3, 31)
D = dt.date


def _audits(store: Store, auditors: list[str], size: int = 13) -> pl.DataFrame:
    pid = sampling.create_programme(store, "November", "full-case-file-audit")
    sid = sampling.create_sample(store, pid, as_at=AS_AT, auditors=auditors, due_date=D(2025, 4, 30),
                                 size=size, seed=11)
    return sampling.sample_cases(store, sid)


def test_an_audit_end_to_end_with_free_text_stored_as_given(county: Store) -> None:
    audit_id = _audits(county, ["QX"], size=1)["audit_id"][0]
    said = 'Worker: "mum says <script>alert(1)</script> & she\'s fine"'
    audits.record_conversation(county, audit_id, said, D(2025, 4, 2))
    assert audits.audit(county, audit_id)["status"] == "in_progress"
    audits.record_answers(county, audit_id, {
        "voice": {"value": "Requires improvement", "evidence": "No direct work since January"},
        "drift": "yes", "assessment_timely": "n/a", "themes": "Plan not SMART"})
    with pytest.raises(ValueError, match="'maybe' is not one of yes, no"):
        audits.record_answers(county, audit_id, {"drift": "maybe"})
    with pytest.raises(ValueError, match="not in full-case-file-audit version 1"):
        audits.record_answers(county, audit_id, {"nonsense": 1})
    with pytest.raises(ValueError, match="no overall grade yet"):
        audits.record_feedback(county, audit_id, "Well done", on=D(2025, 4, 9))
    assert audits.complete(county, audit_id, 3, on=D(2025, 4, 8)) == []
    audits.record_feedback(county, audit_id, "Direct work needed", coaching="Use the three houses",
                           on=D(2025, 4, 9))
    action = audits.add_action(county, audit_id, "Update the plan", owner="W1", due=D(2025, 4, 20))
    audits.complete_action(county, action, on=D(2025, 4, 18))
    a = audits.audit(county, audit_id)
    assert (a["status"], a["overall_grade"], a["critical"], a["pre_audit_conversation"]) == (
        "fed_back", 3, False, said)
    shown = audits.answers(county, audit_id)
    assert shown.filter(pl.col("question_id") == "voice").select("grade", "answer", "evidence").row(0) == (
        3, "Requires improvement", "No direct work since January")
    assert shown["question_id"].to_list() == ["voice", "assessment_timely", "drift", "themes"]  # template order
    assert stats.action_completion(county, D(2025, 5, 1)).select("actions", "done", "done_on_time").row(0) == (
        1, 1, 1)
    child = a["child_id"]
    assert audits.for_child(county, child).select("audit_id", "status", "overall_grade").rows() == [
        (audit_id, "fed_back", 3)]
    themes = stats.themes(county).select("question_id", "question", "answers", "mean_grade", "no_pct").rows()
    voice = "Are the child's wishes, feelings and lived experience recorded and do they shape the plan?"
    assert themes[:2] == [("voice", voice, 1, 3.0, None),
                          ("drift", "Is there evidence of drift or delay for the child?", 1, None, 0.0)]
    assert stats.audit_progress(county, D(2025, 5, 1)).rows() == [("QX", 1, 1, 1, 0)]


def test_critically_inadequate_alerts_team_manager_and_head_of_service(county: Store) -> None:
    cases = _audits(county, ["QX"])
    t1 = cases.filter(pl.col("team_id") == "T1")["audit_id"][0]
    t2 = cases.filter(pl.col("team_id") == "T2")["audit_id"][0]
    audits.set_head_of_service(county, "N", "H1", "Head North")
    with pytest.raises(ValueError, match="only be given with an overall grade of Inadequate"):
        audits.complete(county, t1, "Requires improvement", on=D(2025, 4, 8), critical=True)
    ids = audits.complete(county, t1, "Inadequate", on=D(2025, 4, 8), critical=True)
    sent = audits.alerts(county).select("alert_id", "recipient_role", "recipient_id").rows()
    assert sent == [(ids[0], "team_manager", "M1"), (ids[1], "head_of_service", "H1")]
    # T2 has no team manager recorded: the alert is still written, to the role, so the gap shows.
    audits.complete(county, t2, 4, on=D(2025, 4, 8), critical=True)
    latest = audits.alerts(county).filter(pl.col("audit_id") == t2)
    assert latest.select("recipient_role", "recipient_id").rows() == [("team_manager", None),
                                                                      ("head_of_service", "H1")]
    audits.acknowledge(county, ids[0])
    assert audits.alerts(county).height == 3 and audits.alerts(county, open_only=False).height == 4


def test_moderation_agreement_by_auditor_hand_computed(county: Store) -> None:
    cases = _audits(county, ["A1", "A2"])
    a1 = cases.filter(pl.col("auditor_id") == "A1")["audit_id"].to_list()
    a2 = cases.filter(pl.col("auditor_id") == "A2")["audit_id"].to_list()
    # A1 graded 2, 3, 4; the moderator gave 2, 4, 2: exact 1 of 3, within one grade 2 of 3.
    for audit_id, first, second in zip(a1, (2, 3, 4), (2, 4, 2)):
        audits.complete(county, audit_id, first, on=D(2025, 4, 8))
        audits.moderate(county, audit_id, moderator="MOD", overall=second, on=D(2025, 4, 15))
    # A2 graded 3; moderated 3: exact.
    audits.complete(county, a2[0], 3, on=D(2025, 4, 8))
    audits.moderate(county, a2[0], moderator="MOD", overall="Requires improvement", on=D(2025, 4, 15))
    with pytest.raises(ValueError, match="cannot moderate"):
        audits.moderate(county, a2[0], moderator="A2", overall=3, on=D(2025, 4, 15))
    with pytest.raises(ValueError, match="no overall grade yet"):
        audits.moderate(county, a2[1], moderator="MOD", overall=3, on=D(2025, 4, 15))
    got = stats.moderation_agreement(county).select(
        "auditor_id", "moderated", "exact", "within_one", "exact_pct", "within_one_pct").rows()
    assert got == [("A1", 3, 1, 2, 33.3, 66.7), ("A2", 1, 1, 1, 100.0, 100.0), ("All", 4, 2, 3, 50.0, 75.0)]


def test_moderation_sample_takes_each_auditor_reproducibly(county: Store) -> None:
    cases = _audits(county, ["A1", "A2"])  # 13 cases: A1 gets 7, A2 gets 6
    for audit_id in cases["audit_id"].to_list()[:-1]:  # the last one is not graded yet
        audits.complete(county, audit_id, 3, on=D(2025, 4, 8))
    pid = int(cases["programme_id"][0])
    chosen = audits.choose_for_moderation(county, pid, per_auditor=2, seed=5)
    by = dict(cases.select("audit_id", "auditor_id").iter_rows())
    assert sorted(by[a] for a in chosen) == ["A1", "A1", "A2", "A2"]
    assert chosen == audits.choose_for_moderation(county, pid, per_auditor=2, seed=5)
    assert len(audits.choose_for_moderation(county, pid, per_auditor=10, seed=5)) == 12


def test_grades_by_area_and_month(county: Store) -> None:
    cases = _audits(county, ["QX"])
    north = cases.filter(pl.col("area_id") == "N")["audit_id"].to_list()
    south = cases.filter(pl.col("area_id") == "S")["audit_id"].to_list()
    for audit_id, g in zip(north[:4], (2, 3, 3, 4)):
        audits.complete(county, audit_id, g, on=D(2025, 4, 8))
    audits.complete(county, south[0], 1, on=D(2025, 5, 2))
    got = stats.grades_by(county, "area", "month").select(
        "group", "period", "audits", "good", "requires_improvement", "inadequate", "good_or_better_pct").rows()
    assert got == [("North", "2025-04", 4, 1, 2, 1, 25.0), ("South", "2025-05", 1, 0, 0, 0, 100.0)]
