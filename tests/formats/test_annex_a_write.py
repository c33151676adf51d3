"""Writing Annex A as at a date: the list scopes, and the round trip write -> read on what the lists carry."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import polars as pl
import pytest

from caseboard.formats import annex_a
from caseboard.formats.annex_a_lists import lists
from caseboard.formats.base import Batch
from caseboard.formats.values import POLARS_TYPES
from caseboard.model.tables import table

AS_AT = dt.date(2024, 3, 31)  # six months back: 30 September 2023; twelve: 31 March 2023
D = dt.date


def _frame(name: str, rows: list[dict[str, Any]]) -> pl.DataFrame:
    t = table(name)
    return pl.DataFrame([{c: r.get(c) for c in t.column_names} for r in rows],
                        schema={c.name: POLARS_TYPES[c.type] for c in t.columns})


CHILDREN = [
    {"child_id": "C1", "sex": "M", "dob": D(2010, 4, 1), "ethnicity": "WBRI"},  # 14 tomorrow: 13 at AS_AT
    {"child_id": "C2", "sex": "F", "dob": D(2015, 6, 1), "ethnicity": "APKN"},
    {"child_id": "C3", "sex": "U", "dob": D(2019, 1, 1), "ethnicity": "NOBT"},
    {"child_id": "C4", "sex": "F", "dob": D(2012, 2, 29), "ethnicity": "WBRI"},
    {"child_id": "C5", "sex": "M", "dob": D(2011, 5, 5), "ethnicity": "MWBC"},
    {"child_id": "C6", "sex": "F", "dob": D(2009, 9, 9), "ethnicity": "WBRI"},
    {"child_id": "C7", "sex": "M", "dob": D(2020, 7, 7), "ethnicity": "BAFR"},
    {"child_id": "C8", "sex": "F", "dob": D(2008, 8, 8), "ethnicity": "WBRI", "uasc": False},
    {"child_id": "C9", "sex": "M", "dob": D(2007, 3, 3), "ethnicity": "AOTH"},
    {"child_id": "C10", "sex": "M", "dob": D(2004, 1, 1), "ethnicity": "OOTH", "uasc": True},
    {"child_id": "C11", "sex": "U", "expected_dob": D(2024, 5, 1)},  # unborn
    {"child_id": "C12", "sex": "F", "dob": D(2021, 2, 2), "ethnicity": "WBRI"},
]

TABLES: dict[str, list[dict[str, Any]]] = {
    "children": CHILDREN,
    "contacts": [{"child_id": "C1", "contact_date": D(2024, 1, 10), "source": "6"},
                 {"child_id": "C11", "contact_date": D(2024, 2, 1), "source": "1A"},
                 {"child_id": "C1", "contact_date": D(2023, 1, 1), "source": "6"}],  # out of scope: over 6 months
    "early_help": [{"child_id": "C2", "start_date": D(2024, 1, 5), "assessment_completed_date": D(2024, 2, 1),
                    "organisation": "Family Hub North"}],
    "referrals": [{"child_id": "C3", "referral_date": D(2024, 2, 1), "source": "2A", "nfa": False, "primary_need": "N1"},
                  {"child_id": "C4", "referral_date": D(2024, 3, 1), "source": "5A", "nfa": True},
                  {"child_id": "C6", "referral_date": D(2022, 5, 1), "primary_need": "N2"}],
    "allocations": [{"child_id": "C3", "start_date": D(2024, 2, 1), "team_id": "Duty", "worker_id": "W1"},
                    {"child_id": "C6", "start_date": D(2022, 5, 1), "team_id": "CIN Team", "worker_id": "W2"}],
    "assessments": [{"child_id": "C5", "start_date": D(2024, 1, 10), "child_seen_date": D(2024, 1, 12),
                     "authorised_date": D(2024, 2, 20),
                     "outcome_csc_support": True}],
    "s47_enquiries": [{"child_id": "C7", "start_date": D(2024, 1, 15), "icpc_date": D(2024, 2, 1),
                       "icpc_not_required": False, "icpc_resulted_in_plan": True}],
    "cp_plans": [{"child_id": "C7", "start_date": D(2024, 2, 1), "initial_category": "NEG", "latest_category": "EMO",
                  "previous_plans": 1},
                 {"child_id": "C5", "start_date": D(2022, 1, 1), "end_date": D(2023, 1, 1)}],  # ended too long ago
    "cp_reviews": [{"child_id": "C7", "plan_start_date": D(2024, 2, 1), "review_date": D(2024, 3, 25)}],
    "visits": [{"child_id": "C7", "visit_date": D(2024, 3, 20), "kind": "cp", "seen_alone": True},
               {"child_id": "C8", "visit_date": D(2024, 3, 1), "kind": "lac"},
               {"child_id": "C6", "visit_date": D(2024, 3, 10), "kind": "cin", "seen": True}],
    "lac_episodes": [
        {"child_id": "C8", "start_date": D(2023, 6, 1), "rne": "S", "legal_status": "C2", "cin_category": "N1",
         "placement": "U4", "provider": "PR1", "end_date": D(2023, 12, 1), "reason_ceased": "X1"},
        {"child_id": "C8", "start_date": D(2023, 12, 1), "rne": "P", "legal_status": "C2", "cin_category": "N1",
         "placement": "U6", "provider": "PR4", "placement_postcode": "AB1 2CD", "urn": "SC123456"},
        {"child_id": "C9", "start_date": D(2023, 1, 10), "rne": "S", "legal_status": "C1", "cin_category": "N4",
         "placement": "H5", "provider": "PR4", "end_date": D(2023, 11, 15), "reason_ceased": "E4A"},
    ],
    "lac_reviews": [{"child_id": "C8", "review_date": D(2024, 2, 10)}],
    "health_assessments": [{"child_id": "C8", "assessment_date": D(2023, 11, 1), "kind": "review"},
                           {"child_id": "C8", "assessment_date": D(2023, 10, 1), "kind": "dental"}],
    "care_leavers": [{"child_id": "C10", "eligibility": "former_relevant", "personal_adviser": "Pat Adviser"}],
    "care_leaver_status": [{"child_id": "C10", "status_date": D(2024, 3, 1), "in_touch": "YES", "activity": "F1",
                            "accommodation": "U1", "latest_contact_date": D(2024, 3, 1)}],
    "pathway_plans": [{"child_id": "C10", "plan_date": D(2024, 1, 15), "kind": "review"}],
    "adoptions": [{"child_id": "C12", "decision_date": D(2023, 5, 1), "placement_order_date": D(2023, 7, 1),
                   "match_date": D(2023, 10, 1), "placed_date": D(2023, 11, 1)}],
}


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Batch]:
    frames = {name: _frame(name, rows) for name, rows in TABLES.items()}
    [path] = annex_a.write(frames, tmp_path_factory.mktemp("annex") / "out.xlsx", as_at=AS_AT)
    batch = Batch()
    annex_a.read([path], batch)
    return path, batch


def _as_read(batch: Batch, name: str, cols: list[str]) -> list[tuple[Any, ...]]:
    return sorted(batch.frames[name].select(cols).rows(), key=str)


def _given(name: str, cols: list[str], keep: Any = lambda r: True) -> list[tuple[Any, ...]]:
    return sorted((tuple(r.get(c) for c in cols) for r in TABLES[name] if keep(r)), key=str)


def test_layout_is_the_current_one(written: tuple[Path, Batch]) -> None:
    wb = openpyxl.load_workbook(written[0], read_only=True)
    assert wb.sheetnames == [f"List {n}" for n in range(1, 12)]
    heads = {ws.title: [c for c in next(ws.iter_rows(values_only=True))] for ws in wb.worksheets}
    wb.close()
    assert heads["List 1"] == ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)",
                               "Date of Contact", "Contact Source"]
    assert len(heads["List 8"]) == 34 and heads["List 8"][-2:] == ["Allocated Team", "Allocated Worker"]
    assert heads["List 11"][0] == "Individual adopter identifier"
    assert all(heads[s.sheet_name] == [f.header for f in s.fields] for s in lists().values())


def test_scopes_and_ages(written: tuple[Path, Batch]) -> None:
    wb = openpyxl.load_workbook(written[0], read_only=True)
    rows = {ws.title: list(ws.iter_rows(min_row=2, values_only=True)) for ws in wb.worksheets}
    wb.close()
    assert [(r[0], r[1], r[4], r[5].date()) for r in rows["List 1"]] == [  # the 2023 contact is out of scope
        ("C1", "a) Male", 13, D(2024, 1, 10)), ("C11", "c) Not stated/recorded", -1, D(2024, 2, 1))]
    assert [r[0] for r in rows["List 3"]] == ["C3", "C4"]
    assert [r[0] for r in rows["List 6"]] == ["C6", "C3"]  # C4's referral ended in no further action
    assert [r[0] for r in rows["List 7"]] == ["C7"]  # C5's plan ended over 6 months ago
    assert [r[0] for r in rows["List 8"]] == ["C8", "C9"]  # C9 ceased 15 November 2023, within the 6 months
    c8 = dict(zip([f.name for f in lists()[8].fields], rows["List 8"][0]))
    assert (c8["lac_start"].date(), c8["placement_start"].date(), c8["placements_12m"], c8["age"]) == (
        D(2023, 6, 1), D(2023, 12, 1), 2, 15)
    assert rows["List 11"] == []


def test_round_trip_gives_back_what_the_lists_carry(written: tuple[Path, Batch]) -> None:
    _, batch = written
    cols = ["child_id", "sex", "dob", "expected_dob", "ethnicity", "uasc"]
    assert _as_read(batch, "children", cols) == _given("children", cols)
    assert _as_read(batch, "contacts", ["child_id", "contact_date", "source"]) == _given(
        "contacts", ["child_id", "contact_date", "source"], lambda r: r["contact_date"].year == 2024)
    cols = ["child_id", "start_date", "assessment_completed_date", "organisation"]
    assert _as_read(batch, "early_help", cols) == _given("early_help", cols)
    cols = ["child_id", "referral_date", "source", "nfa", "primary_need", "closure_date", "closure_reason"]
    assert _as_read(batch, "referrals", cols) == _given("referrals", cols)  # C3 on lists 3 and 6: one referral
    cols = ["child_id", "start_date", "team_id", "worker_id"]
    assert _as_read(batch, "allocations", cols) == _given("allocations", cols)
    cols = ["child_id", "start_date", "authorised_date", "outcome_csc_support"]
    assert _as_read(batch, "assessments", cols) == _given("assessments", cols)
    cols = ["child_id", "start_date", "icpc_date", "icpc_not_required", "icpc_resulted_in_plan"]
    assert _as_read(batch, "s47_enquiries", cols) == _given("s47_enquiries", cols)
    cols = ["child_id", "start_date", "end_date", "initial_category", "latest_category", "previous_plans"]
    assert _as_read(batch, "cp_plans", cols) == _given("cp_plans", cols, lambda r: r["child_id"] == "C7")
    for name, cols in {"cp_reviews": ["child_id", "plan_start_date", "review_date"],
                       "visits": ["child_id", "visit_date", "kind", "seen_alone"],
                       "lac_reviews": ["child_id", "review_date"],
                       "health_assessments": ["child_id", "assessment_date", "kind"],
                       "care_leavers": ["child_id", "eligibility", "personal_adviser"],
                       "care_leaver_status": ["child_id", "status_date", "in_touch", "activity", "accommodation",
                                              "latest_contact_date"],
                       "pathway_plans": ["child_id", "plan_date", "kind"]}.items():
        assert _as_read(batch, name, cols) == _given(name, cols), name
    cols = ["child_id", "decision_date", "placement_order_date", "match_date", "placed_date", "adoption_order_date",
            "decision_reversed_date"]
    assert _as_read(batch, "adoptions", cols) == _given("adoptions", cols)


def test_round_trip_of_episodes_keeps_the_current_one_and_the_period_start(written: tuple[Path, Batch]) -> None:
    """Annex A carries the current episode and when care began; the codes of earlier episodes are not in it."""
    cols = ["child_id", "start_date", "rne", "legal_status", "cin_category", "placement", "provider", "end_date",
            "reason_ceased", "placement_postcode", "urn"]
    assert _as_read(written[1], "lac_episodes", cols) == sorted([
        ("C8", D(2023, 6, 1), "S", None, None, None, None, D(2023, 12, 1), "X1", None, None),
        ("C8", D(2023, 12, 1), None, "C2", "N1", "U6", "PR4", None, None, "AB1 2CD", "SC123456"),
        ("C9", D(2023, 1, 10), "S", "C1", "N4", "H5", "PR4", D(2023, 11, 15), "E4A", None, None),
    ], key=str)


def test_reading_our_own_output_reports_only_what_the_layout_cannot_carry(written: tuple[Path, Batch]) -> None:
    assert [(f.rule, f.field) for f in written[1].findings] == [
        ("annex-a-not-held", None),  # List 11: adopters
    ]
    assert written[1].quarantine == []


def test_write_into_a_folder_names_the_file_by_date(tmp_path: Path) -> None:
    [path] = annex_a.write({}, tmp_path, as_at=AS_AT)
    assert path == tmp_path / "annex-a-2024-03-31.xlsx"
    batch = Batch()
    annex_a.read([path], batch)  # headings only: every list found, nothing to load
    assert batch.counts() == {} and batch.files[0].records == 0
