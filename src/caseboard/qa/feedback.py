"""Feedback from children and young people, parents and carers, and partner professionals.

Forms are versioned templates (``kind: feedback`` in ``qa/templates``): an age-appropriate one with faces for
younger children, one for young people, parents and carers, professionals, and the pathway-plan form that asks
"Do you have a copy of your plan?" (seed 004's young people did not). A response is linked to the child and
the team, records how it came in (``web``, ``phone``, ``paper`` entered by staff) and is checked against its
form version. Answers are kept as given (free text unescaped: the web escapes on display).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

import polars as pl

from caseboard.qa.schema import ensure_qa_schema, insert, next_id, now, read
from caseboard.qa.templates import check_answer, template
from caseboard.store import Store

CHANNELS = ("web", "phone", "paper", "in_person")


def respond(store: Store, form_id: str, answers: Mapping[str, Any], *, received_on: dt.date,
            child_id: str | None = None, team_id: str | None = None, channel: str = "web",
            entered_by: str | None = None, version: int | None = None) -> int:
    """Record one response (on the latest form version unless given); returns its id."""
    if channel not in CHANNELS:
        raise ValueError(f"channel must be one of {', '.join(CHANNELS)}")
    form = template(store, form_id, version, kind="feedback")
    questions = form.questions()
    stored: dict[str, str | None] = {}
    for qid, value in answers.items():
        if qid not in questions:
            raise ValueError(f"question {qid!r} is not on form {form_id} version {form.version}")
        stored[qid] = check_answer(questions[qid], value)[1]
    with store.transaction():
        rid = next_id(store, "qa_feedback_responses")
        insert(store, "qa_feedback_responses", {
            "response_id": rid, "form_id": form_id, "form_version": form.version, "child_id": child_id,
            "team_id": team_id, "respondent": form.definition["respondent"], "channel": channel,
            "entered_by": entered_by, "received_on": received_on,
            "answers_json": json.dumps(stored, ensure_ascii=False, sort_keys=True), "created_at": now()})
    return rid


def answers_long(store: Store) -> pl.DataFrame:
    """One row per answer: response, form, team, question, answer (what the statistics read)."""
    ensure_qa_schema(store)
    frame = read(store, "SELECT response_id, form_id, form_version, team_id, received_on, answers_json "
                        "FROM qa_feedback_responses")
    rows = [{"response_id": r, "form_id": f, "form_version": v, "team_id": t, "received_on": d,
             "question_id": q, "answer": a}
            for r, f, v, t, d, text in frame.iter_rows() for q, a in json.loads(text).items()]
    schema = {"response_id": pl.Int64, "form_id": pl.Utf8, "form_version": pl.Int64, "team_id": pl.Utf8,
              "received_on": pl.Date, "question_id": pl.Utf8, "answer": pl.Utf8}
    return pl.DataFrame(rows, schema=schema, orient="row")
