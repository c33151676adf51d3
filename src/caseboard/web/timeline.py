"""A child's journey: every canonical record about the child as dated events, oldest first.

Built from the model's own declarations (``model.tables``) rather than a list per page, so a table added to the
model appears on the child's page without a change here: each date a record carries is an event (a referral's
start and its closure), labelled by the column's meaning in the model; the record's other values are shown
with its first event. Records with no date at all (previous permanence) are listed separately.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl

from caseboard.model.schema import Table
from caseboard.model.tables import TABLES_BY_NAME

#: How each table's records are named on the page (the model's table names are for programmers).
TITLES = {
    "contacts": "Contact", "referrals": "Referral (child in need episode)", "assessments": "Assessment",
    "s47_enquiries": "Section 47 enquiry", "cp_plans": "Child protection plan", "cp_reviews": "Child protection review",
    "core_groups": "Core group meeting", "visits": "Visit", "cin_plans": "Child in need plan",
    "cin_plan_reviews": "Child in need plan review", "pre_proceedings": "Pre-proceedings (PLO)",
    "lac_episodes": "Looked-after episode", "lac_reviews": "Looked-after review",
    "health_assessments": "Health assessment", "annual_outcomes": "Annual outcomes (903 OC2)",
    "sdq_assessments": "Strengths and difficulties questionnaire", "peps": "Personal education plan",
    "missing_episodes": "Missing or away episode", "care_leaver_status": "Care leaver: in touch",
    "care_leavers": "Care leaver", "pathway_plans": "Pathway plan", "adoptions": "Adoption",
    "previous_permanence": "Previous permanence", "deprivation_of_liberty": "Deprivation of liberty order",
    "early_help": "Early help", "allocations": "Allocation",
}
#: Tables shown elsewhere on the page (identity), not as events.
NOT_EVENTS = frozenset({"children"})


def _label(table: Table, column: str, first: bool) -> str:
    title = TITLES.get(table.name, table.name.replace("_", " ").capitalize())
    if first:
        return title
    meaning = table.column(column).doc.split(" (")[0]
    return f"{title}: {meaning[:1].lower()}{meaning[1:]}"


def _value(v: Any) -> str:
    if isinstance(v, bool):
        return "yes" if v else "no"
    return str(v)


def events(tables: dict[str, pl.DataFrame]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(dated events oldest first, undated records) from a child's rows by table."""
    dated, undated = [], []
    for name, frame in tables.items():
        if name in NOT_EVENTS:
            continue
        table = TABLES_BY_NAME[name]
        dates = [c.name for c in table.columns if c.type == "date"]
        others = [c.name for c in table.columns if c.type != "date" and c.name != "child_id"]
        for row in frame.iter_rows(named=True):
            details = [(c.replace("_", " "), _value(row[c])) for c in others if row.get(c) is not None]
            present = [c for c in dates if row.get(c) is not None]
            if name == "annual_outcomes" and row.get("year"):
                row = {**row, "_year_end": dt.date(int(row["year"]), 3, 31)}
                present = ["_year_end"]
            if not present:
                undated.append({"what": _label(table, "", True), "details": details, "table": name})
                continue
            for i, c in enumerate(present):
                dated.append({"date": row[c], "what": _label(table, c, i == 0 or c == "_year_end"),
                              "details": details if i == 0 else [], "table": name})
    dated.sort(key=lambda e: (e["date"], e["what"]))
    return dated, undated
