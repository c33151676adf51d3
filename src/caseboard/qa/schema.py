"""The quality-assurance tables: audits, moderation, case risk ratings, feedback and alerts (issue 5).

They live beside the canonical model but are not part of it: the canonical tables hold what the returns say,
these hold what QA officers, auditors and team managers record. They are created here, with ``CREATE TABLE IF
NOT EXISTS`` through the store's ``execute``, so a database that never uses QA carries no trace of it and the
store's migrations stay the store's. Every name starts ``qa_`` so nothing collides with the web application's
own tables (its audit *log* above all).

Free text (conversations, evidence, feedback, comments) is stored exactly as given: escaping it for a page is
the web application's job, at the moment of showing it, so that the record stays what the person wrote.

Identifiers are small integers, the next one taken as ``MAX + 1`` inside the writing transaction: enough for
one QA team recording a few thousand audits a year; a busier multi-user server would move to sequences.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl

from caseboard.store import Store

Columns = list[tuple[str, str]]

QA_TABLES: dict[str, Columns] = {
    # One row per version of a template; the definition is the whole YAML document as canonical JSON.
    "qa_audit_templates": [
        ("template_id", "str"), ("version", "int"), ("kind", "str"), ("title", "str"), ("definition_json", "str"),
        ("sha256", "str"), ("created_at", "timestamp"), ("created_by", "str"),
    ],
    "qa_audit_programmes": [
        ("programme_id", "int"), ("name", "str"), ("template_id", "str"), ("template_version", "int"),
        ("description", "str"), ("allow_own_team", "bool"), ("created_at", "timestamp"), ("created_by", "str"),
    ],
    # A sample records everything needed to draw it again: method, criteria (JSON), seed and as-at date.
    "qa_audit_samples": [
        ("sample_id", "int"), ("programme_id", "int"), ("method", "str"), ("criteria_json", "str"),
        ("seed", "int"), ("as_at", "date"), ("population", "int"), ("size", "int"), ("created_at", "timestamp"),
        ("created_by", "str"),
    ],
    # The child's area, team and worker are those holding the case when sampled (kept: they may move later).
    "qa_audits": [
        ("audit_id", "int"), ("programme_id", "int"), ("sample_id", "int"), ("template_id", "str"),
        ("template_version", "int"), ("child_id", "str"), ("reason", "str"), ("area_id", "str"),
        ("area", "str"), ("team_id", "str"), ("team", "str"), ("worker_id", "str"), ("auditor_id", "str"),
        ("due_date", "date"), ("status", "str"), ("pre_audit_date", "date"), ("pre_audit_conversation", "str"),
        ("overall_grade", "int"), ("critical", "bool"), ("summary", "str"), ("completed_date", "date"),
        ("feedback_date", "date"), ("feedback", "str"), ("coaching", "str"), ("created_at", "timestamp"),
        ("updated_at", "timestamp"),
    ],
    # Grades (1-4) or answers per question, with the evidence the auditor saw.
    "qa_audit_answers": [
        ("audit_id", "int"), ("question_id", "str"), ("grade", "int"), ("answer", "str"), ("evidence", "str"),
    ],
    "qa_audit_actions": [
        ("action_id", "int"), ("audit_id", "int"), ("description", "str"), ("owner_id", "str"),
        ("due_date", "date"), ("done_date", "date"), ("created_at", "timestamp"),
    ],
    # The original grade is copied at moderation time so later corrections do not rewrite agreement history.
    "qa_moderations": [
        ("moderation_id", "int"), ("audit_id", "int"), ("auditor_id", "str"), ("moderator_id", "str"),
        ("original_grade", "int"), ("grade", "int"), ("critical", "bool"), ("comments", "str"),
        ("moderated_on", "date"), ("created_at", "timestamp"),
    ],
    # Every rating is kept: the latest per child is the current one, earlier ones are its history.
    "qa_case_risk_ratings": [
        ("rating_id", "int"), ("child_id", "str"), ("rating", "str"), ("rater_id", "str"), ("rated_on", "date"),
        ("rationale", "str"), ("team_id", "str"), ("created_at", "timestamp"),
    ],
    "qa_feedback_forms": [
        ("form_id", "str"), ("version", "int"), ("respondent", "str"), ("title", "str"),
        ("definition_json", "str"), ("sha256", "str"), ("created_at", "timestamp"), ("created_by", "str"),
    ],
    "qa_feedback_responses": [
        ("response_id", "int"), ("form_id", "str"), ("form_version", "int"), ("child_id", "str"),
        ("team_id", "str"), ("respondent", "str"), ("channel", "str"), ("entered_by", "str"),
        ("received_on", "date"), ("answers_json", "str"), ("created_at", "timestamp"),
    ],
    # Who is head of service for an area: not in the returns, so recorded here by the QA team.
    "qa_heads_of_service": [("area_id", "str"), ("person_id", "str"), ("name", "str")],
    "qa_alerts": [
        ("alert_id", "int"), ("audit_id", "int"), ("child_id", "str"), ("kind", "str"), ("recipient_role", "str"),
        ("recipient_id", "str"), ("message", "str"), ("created_at", "timestamp"), ("acknowledged_at", "timestamp"),
    ],
}

#: The identifier column of each table that numbers its own rows.
ID_COLUMNS = {
    "qa_audit_programmes": "programme_id", "qa_audit_samples": "sample_id", "qa_audits": "audit_id",
    "qa_audit_actions": "action_id", "qa_moderations": "moderation_id", "qa_case_risk_ratings": "rating_id",
    "qa_feedback_responses": "response_id", "qa_alerts": "alert_id",
}


def ensure_qa_schema(store: Store) -> None:
    """Create the QA tables that do not exist yet (idempotent; cheap enough to call before every use)."""
    if getattr(store, "_qa_ready", False):
        return
    for name, columns in QA_TABLES.items():
        body = ", ".join(f"{n} {store.SQL_TYPES[ty]}" for n, ty in columns)
        store.execute(f"CREATE TABLE IF NOT EXISTS {name} ({body})")
    store._qa_ready = True  # type: ignore[attr-defined]


def next_id(store: Store, table: str) -> int:
    column = ID_COLUMNS[table]
    return int(store.scalar(f"SELECT COALESCE(MAX({column}), 0) + 1 FROM {table}"))


def insert(store: Store, table: str, row: Mapping[str, Any]) -> None:
    """Insert one row, naming only the columns given (the rest are NULL); unknown columns are refused."""
    known = {n for n, _ in QA_TABLES[table]}
    unknown = set(row) - known
    if unknown:
        raise ValueError(f"{table} has no column(s) {', '.join(sorted(unknown))}")
    names = list(row)
    store.execute(f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})",
                  [row[n] for n in names])


def insert_many(store: Store, table: str, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert many rows in one statement (sampling creates dozens of audits at once)."""
    if not rows:
        return
    names = [n for n, _ in QA_TABLES[table] if any(n in r for r in rows)]
    values = ", ".join("(" + ", ".join("?" for _ in names) + ")" for _ in rows)
    store.execute(f"INSERT INTO {table} ({', '.join(names)}) VALUES {values}",
                  [r.get(n) for r in rows for n in names])


#: Every QA column's type by name (one type per name across the tables).
COLUMN_TYPES = {n: ty for columns in QA_TABLES.values() for n, ty in columns}


def read(store: Store, sql: str, params: Sequence[Any] = ()) -> pl.DataFrame:
    """``store.query`` with QA columns given their declared types: PostgreSQL rows carry no type for a column
    that is NULL throughout (a date nobody has filled in yet), and a comparison on it must still work."""
    from caseboard.formats.values import POLARS_TYPES

    frame = store.query(sql, params)
    return frame.cast({c: POLARS_TYPES[COLUMN_TYPES[c]] for c in frame.columns if c in COLUMN_TYPES})  # type: ignore[arg-type]


def now() -> dt.datetime:
    """The time a record is written (naive UTC, like the store's other timestamps)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
