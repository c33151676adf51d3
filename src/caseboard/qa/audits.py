"""The audit itself: conversation with the worker, grades and evidence, the overall judgement, feedback and
coaching, actions, moderation, and the alert a critically inadequate finding raises.

The order follows seed 004's November audit: workers "interviewed both prior to and after the audit, often
including their manager", grading on the Ofsted scale, feedback and coaching after. Status moves
assigned → in progress (a conversation or grades recorded) → completed (overall grade given) → fed back.

A critically inadequate finding alerts, at once and in the same transaction as the grade, the team manager of
the child's team (workers with role ``team_manager`` in that team) and the area's head of service
(``qa_heads_of_service``); when nobody is recorded for a role the alert is still written, addressed to the
role with no person, so that the gap is visible rather than the alert lost.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import polars as pl

from caseboard.qa.grades import CRITICAL_LABEL, GRADES, check_critical, grade
from caseboard.qa.schema import (
    ensure_qa_schema,
    insert,
    insert_many,
    next_id,
    now,
    read,
)
from caseboard.qa.templates import check_answer, template
from caseboard.store import Store

STATUSES = ("assigned", "in_progress", "completed", "fed_back")


def audit(store: Store, audit_id: int) -> dict[str, Any]:
    ensure_qa_schema(store)
    frame = read(store, "SELECT * FROM qa_audits WHERE audit_id = ?", (audit_id,))
    if frame.height == 0:
        raise KeyError(f"no audit {audit_id}")
    return frame.row(0, named=True)


def for_child(store: Store, child_id: str) -> pl.DataFrame:
    """Every audit of one child, newest first (what the child's timeline shows beside the record)."""
    ensure_qa_schema(store)
    return read(store, "SELECT audit_id, programme_id, template_id, template_version, auditor_id, due_date, "
                       "status, overall_grade, critical, completed_date, summary FROM qa_audits WHERE child_id = ? "
                       "ORDER BY created_at DESC, audit_id DESC", (child_id,))


def _update(store: Store, audit_id: int, **values: Any) -> None:
    values["updated_at"] = now()
    names = list(values)
    store.execute(f"UPDATE qa_audits SET {', '.join(f'{n} = ?' for n in names)} WHERE audit_id = ?",
                  [values[n] for n in names] + [audit_id])


def _advance(current: str, to: str) -> str:
    """Status never goes backwards (a late pre-audit note does not reopen a completed audit)."""
    return to if STATUSES.index(to) > STATUSES.index(current) else current


def record_conversation(store: Store, audit_id: int, text: str, on: dt.date) -> None:
    """The pre-audit conversation with the worker (and often their manager), stored as written."""
    a = audit(store, audit_id)
    _update(store, audit_id, pre_audit_conversation=text, pre_audit_date=on,
            status=_advance(a["status"], "in_progress"))


def record_answers(store: Store, audit_id: int, given: Mapping[str, Any]) -> None:
    """Grades or answers per question, each a value or ``{"value": ..., "evidence": ...}``, checked against
    the template version the audit was assigned on; a question answered again is replaced."""
    a = audit(store, audit_id)
    questions = template(store, a["template_id"], a["template_version"]).questions()
    rows = []
    for qid, answer in given.items():
        if qid not in questions:
            raise ValueError(f"question {qid!r} is not in {a['template_id']} version {a['template_version']}")
        value, evidence = ((answer.get("value"), answer.get("evidence")) if isinstance(answer, Mapping)
                           else (answer, None))
        g, text = check_answer(questions[qid], value)
        rows.append({"audit_id": audit_id, "question_id": qid, "grade": g, "answer": text, "evidence": evidence})
    with store.transaction():
        for qid in given:
            store.execute("DELETE FROM qa_audit_answers WHERE audit_id = ? AND question_id = ?", (audit_id, qid))
        insert_many(store, "qa_audit_answers", rows)
        _update(store, audit_id, status=_advance(a["status"], "in_progress"))


def answers(store: Store, audit_id: int) -> pl.DataFrame:
    """The answers with their questions' text, read against the audit's own template version."""
    a = audit(store, audit_id)
    questions = template(store, a["template_id"], a["template_version"]).questions()
    frame = read(store, "SELECT question_id, grade, answer, evidence FROM qa_audit_answers WHERE audit_id = ?",
                        (audit_id,))
    text = {q: v["text"] for q, v in questions.items()}
    section = {q: v["section"] for q, v in questions.items()}
    order = {q: i for i, q in enumerate(questions)}
    q = pl.col("question_id")
    return (frame.with_columns(q.replace_strict(text, return_dtype=pl.Utf8).alias("question"),
                               q.replace_strict(section, return_dtype=pl.Utf8).alias("section"),
                               q.replace_strict(order, return_dtype=pl.Int64).alias("n"))
        .sort("n").drop("n"))


def complete(store: Store, audit_id: int, overall: int | str, *, on: dt.date, critical: bool = False,
             summary: str | None = None) -> list[int]:
    """Give the overall judgement; a critical finding raises alerts (returned: their ids)."""
    a = audit(store, audit_id)
    g = grade(overall)
    check_critical(g, critical)
    with store.transaction():
        _update(store, audit_id, overall_grade=g, critical=critical, summary=summary, completed_date=on,
                status=_advance(a["status"], "completed"))
        return _raise_alerts(store, {**a, "overall_grade": g}) if critical else []


def record_feedback(store: Store, audit_id: int, feedback: str, *, on: dt.date, coaching: str | None = None) -> None:
    """Post-audit feedback and coaching to the worker; only after the overall judgement."""
    a = audit(store, audit_id)
    if a["overall_grade"] is None:
        raise ValueError(f"audit {audit_id} has no overall grade yet: feed back after grading")
    _update(store, audit_id, feedback=feedback, coaching=coaching, feedback_date=on,
            status=_advance(a["status"], "fed_back"))


def add_action(store: Store, audit_id: int, description: str, *, owner: str, due: dt.date) -> int:
    audit(store, audit_id)
    with store.transaction():
        aid = next_id(store, "qa_audit_actions")
        insert(store, "qa_audit_actions", {"action_id": aid, "audit_id": audit_id, "description": description,
                                           "owner_id": owner, "due_date": due, "created_at": now()})
    return aid


def complete_action(store: Store, action_id: int, *, on: dt.date) -> None:
    if not store.scalar("SELECT COUNT(*) FROM qa_audit_actions WHERE action_id = ?", (action_id,)):
        raise KeyError(f"no action {action_id}")
    store.execute("UPDATE qa_audit_actions SET done_date = ? WHERE action_id = ?", (on, action_id))


def moderate(store: Store, audit_id: int, *, moderator: str, overall: int | str, on: dt.date,
             critical: bool = False, comments: str | None = None) -> int:
    """A second auditor's independent re-grade of a completed audit (never by the auditor themself)."""
    a = audit(store, audit_id)
    if a["overall_grade"] is None:
        raise ValueError(f"audit {audit_id} has no overall grade yet: moderate completed audits")
    if moderator == a["auditor_id"]:
        raise ValueError(f"{moderator} audited this case and cannot moderate it")
    g = grade(overall)
    check_critical(g, critical)
    with store.transaction():
        mid = next_id(store, "qa_moderations")
        insert(store, "qa_moderations", {
            "moderation_id": mid, "audit_id": audit_id, "auditor_id": a["auditor_id"], "moderator_id": moderator,
            "original_grade": a["overall_grade"], "grade": g, "critical": critical, "comments": comments,
            "moderated_on": on, "created_at": now()})
    return mid


def choose_for_moderation(store: Store, programme_id: int, *, per_auditor: int, seed: int) -> list[int]:
    """A reproducible moderation sample: ``per_auditor`` graded audits of each auditor in the programme (all of
    them if fewer), chosen by ``sha256(seed:audit_id)`` like case samples, so every auditor's grading is
    checked and agreement can be reported per auditor."""
    from caseboard.qa.sampling import draw_key

    graded = read(store, "SELECT audit_id, auditor_id FROM qa_audits WHERE programme_id = ? "
                         "AND overall_grade IS NOT NULL", (programme_id,))
    keyed = graded.with_columns(pl.Series("k", [draw_key(seed, str(a)) for a in graded["audit_id"]], dtype=pl.Utf8))
    chosen = keyed.sort("auditor_id", "k").group_by("auditor_id", maintain_order=True).head(per_auditor)
    return sorted(chosen["audit_id"].to_list())


def set_head_of_service(store: Store, area_id: str, person_id: str, name: str | None = None) -> None:
    ensure_qa_schema(store)
    with store.transaction():
        store.execute("DELETE FROM qa_heads_of_service WHERE area_id = ?", (area_id,))
        insert(store, "qa_heads_of_service", {"area_id": area_id, "person_id": person_id, "name": name})


def _raise_alerts(store: Store, a: Mapping[str, Any]) -> list[int]:
    """One alert per recipient: each team manager of the child's team, and the area's head of service."""
    managers = read(store, "SELECT worker_id FROM workers WHERE team_id = ? AND role = 'team_manager' "
                           "AND end_date IS NULL ORDER BY worker_id", (a["team_id"],))["worker_id"].to_list()
    heads = read(store, "SELECT person_id FROM qa_heads_of_service WHERE area_id = ?",
                        (a["area_id"],))["person_id"].to_list()
    recipients = ([("team_manager", m) for m in managers or [None]]
                  + [("head_of_service", h) for h in heads or [None]])
    message = (f"{CRITICAL_LABEL}: audit {a['audit_id']} of child {a['child_id']} ({a['team'] or 'no team'}) "
               f"graded {GRADES[a['overall_grade']]}.")
    first = next_id(store, "qa_alerts")
    stamp = now()
    insert_many(store, "qa_alerts", [
        {"alert_id": first + i, "audit_id": a["audit_id"], "child_id": a["child_id"], "kind": "critical_finding",
         "recipient_role": role, "recipient_id": person, "message": message, "created_at": stamp}
        for i, (role, person) in enumerate(recipients)])
    return [first + i for i in range(len(recipients))]


def alerts(store: Store, *, open_only: bool = True) -> pl.DataFrame:
    ensure_qa_schema(store)
    where = "WHERE acknowledged_at IS NULL" if open_only else ""
    return read(store, f"SELECT * FROM qa_alerts {where} ORDER BY alert_id")


def acknowledge(store: Store, alert_id: int) -> None:
    store.execute("UPDATE qa_alerts SET acknowledged_at = ? WHERE alert_id = ?", (now(), alert_id))
