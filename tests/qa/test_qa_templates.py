"""Template lifecycle: shipped templates save once, a change makes a new version, old audits stay readable."""

from __future__ import annotations

import copy
import datetime as dt

import pytest

from caseboard.qa import audits, sampling
from caseboard.qa.templates import (
    install_shipped,
    load_yaml,
    save,
    shipped_paths,
    template,
    validate,
)
from caseboard.store import Store


def test_shipped_templates_are_the_four_audits_and_the_feedback_forms() -> None:
    docs = {load_yaml(p)["template_id"]: load_yaml(p) for p in shipped_paths()}
    audits_shipped = sorted(k for k, d in docs.items() if d["kind"] == "audit")
    assert audits_shipped == ["cp-plan-audit", "full-case-file-audit", "pathway-plan-audit",
                              "practice-standards-check"]
    assert {d["respondent"] for d in docs.values() if d["kind"] == "feedback"} == {
        "child", "young_person", "parent_carer", "professional"}
    pathway = [q["text"] for s in docs["feedback-pathway-plan"]["sections"] for q in s["questions"]]
    assert "Do you have a copy of your plan?" in pathway
    for doc in docs.values():  # every question has an answer type; guidance is optional
        assert all(q["answer"] for s in doc["sections"] for q in s["questions"])


def test_saving_again_changes_nothing_and_a_change_makes_version_2(qa_store: Store) -> None:
    assert {t.version for t in install_shipped(qa_store)} == {1}  # already saved by the fixture
    doc = copy.deepcopy(dict(template(qa_store, "full-case-file-audit").definition))
    doc["sections"][0]["questions"] = doc["sections"][0]["questions"][1:]  # drop 'child_seen'
    doc["sections"][0]["questions"].append({"id": "lived_experience", "text": "Is the lived experience clear?",
                                            "answer": "grade"})
    assert save(qa_store, doc).version == 2
    assert save(qa_store, doc).version == 2
    assert "child_seen" in template(qa_store, "full-case-file-audit", 1).questions()
    assert "child_seen" not in template(qa_store, "full-case-file-audit").questions()
    with pytest.raises(KeyError, match="version 9"):
        template(qa_store, "full-case-file-audit", 9)


def test_an_audit_made_on_version_1_is_read_against_version_1(county: Store) -> None:
    pid = sampling.create_programme(county, "Nov", "full-case-file-audit")
    sid = sampling.create_sample(county, pid, as_at=dt.date(2025, 3, 31), auditors=["QX"],
                                 due_date=dt.date(2025, 4, 30), size=1, seed=1)
    audit_id = sampling.sample_cases(county, sid)["audit_id"][0]
    audits.record_answers(county, audit_id, {"child_seen": {"value": "Good", "evidence": "visits 3, 17 Mar"}})
    doc = copy.deepcopy(dict(template(county, "full-case-file-audit").definition))
    doc["sections"][0]["questions"] = doc["sections"][0]["questions"][1:]
    save(county, doc)
    shown = audits.answers(county, audit_id)
    assert shown.select("question_id", "grade", "question").row(0) == (
        "child_seen", 2, "Is the child seen, and seen alone where appropriate, as often as their plan requires?")
    # A new programme takes version 2, where the question no longer exists.
    pid2 = sampling.create_programme(county, "Dec", "full-case-file-audit")
    assert sampling.programme(county, pid2)["template_version"] == 2


def test_bad_templates_are_refused_with_the_reason() -> None:
    base = {"template_id": "x", "kind": "audit", "title": "X",
            "sections": [{"id": "s", "questions": [{"id": "q", "text": "Q?", "answer": "grade"}]}]}
    validate(base)
    dup = copy.deepcopy(base)
    dup["sections"][0]["questions"].append({"id": "q", "text": "Again?", "answer": "yes_no"})
    with pytest.raises(ValueError, match="'q' is used twice"):
        validate(dup)
    bad = copy.deepcopy(base)
    bad["sections"][0]["questions"][0]["answer"] = "stars"
    with pytest.raises(ValueError, match="answer must be one of"):
        validate(bad)
    with pytest.raises(ValueError, match="respondent"):
        validate({**base, "kind": "feedback"})
