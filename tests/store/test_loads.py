"""Loads are atomic, recorded and idempotent, on both engines."""

from __future__ import annotations

import datetime as dt
import json

import polars as pl

from caseboard.formats.base import Batch, Finding, SourceFile, canonicalise
from caseboard.ingest import commit_batch
from caseboard.store import Store

TODAY = dt.date(2026, 3, 31)


def episodes_batch(rows: list[dict[str, str]], *, file: str = "episodes.csv", year: int = 2025) -> Batch:
    batch = Batch()
    batch.files.append(SourceFile(file, "test", "0" * 64, 1, year, len(rows)))
    children = pl.DataFrame({"child_id": sorted({r["child_id"] for r in rows}), "dob": "01/01/2012"})
    batch.add("children", canonicalise("children", children, file=file, batch=batch))
    batch.add("lac_episodes", canonicalise("lac_episodes", pl.DataFrame(rows), file=file, batch=batch))
    return batch


FIRST = [
    {"child_id": "C1", "start_date": "01/04/2024", "rne": "S", "legal_status": "C2", "end_date": ""},
    {"child_id": "C2", "start_date": "10/05/2024", "rne": "S", "legal_status": "V2", "end_date": "20/06/2024"},
]


def test_first_load_commits_and_is_recorded(store: Store) -> None:
    report = commit_batch(store, episodes_batch(FIRST), user="tester", today=TODAY)
    assert report.status == "committed" and report.load_id == 1
    stored = store.table("lac_episodes").sort("child_id")
    assert stored["child_id"].to_list() == ["C1", "C2"]
    assert stored["load_id"].to_list() == [1, 1]
    assert stored["end_date"].to_list() == [None, dt.date(2024, 6, 20)]
    loads = store.loads()
    assert loads["status"].to_list() == ["committed"] and loads["user_name"].to_list() == ["tester"]
    counts = json.loads(loads["counts_json"][0])
    assert counts["lac_episodes"]["new"] == 2


def test_loading_the_same_records_twice_changes_nothing(store: Store) -> None:
    commit_batch(store, episodes_batch(FIRST), today=TODAY)
    before = store.table("lac_episodes").drop("load_id").sort("child_id")
    again = commit_batch(store, episodes_batch(FIRST), today=TODAY)
    change = next(c for c in again.changes if c.table == "lac_episodes")
    assert (change.new, change.updated, change.unchanged) == (0, 0, 2)
    assert store.table("lac_episodes").drop("load_id").sort("child_id").equals(before)


def test_a_later_return_updates_without_duplicating(store: Store) -> None:
    commit_batch(store, episodes_batch(FIRST), today=TODAY)
    later = [dict(FIRST[0], end_date="01/03/2025", reason_ceased="E11"),
             {"child_id": "C3", "start_date": "01/02/2025", "rne": "S", "legal_status": "C2", "end_date": ""}]
    report = commit_batch(store, episodes_batch(later, file="episodes-2026.csv", year=2026), today=TODAY)
    change = next(c for c in report.changes if c.table == "lac_episodes")
    assert (change.new, change.updated, change.unchanged) == (1, 1, 0)
    stored = store.table("lac_episodes").sort("child_id")
    assert stored["child_id"].to_list() == ["C1", "C2", "C3"]
    assert stored.filter(pl.col("child_id") == "C1")["end_date"].to_list() == [dt.date(2025, 3, 1)]


def test_a_rejected_load_leaves_the_data_in_service_untouched(store: Store) -> None:
    commit_batch(store, episodes_batch(FIRST), today=TODAY)
    before = store.table("lac_episodes")
    bad = episodes_batch([dict(FIRST[0], end_date="01/01/2026")])
    bad.findings.append(Finding("broken.xml", 120, None, None, "well-formed XML (the file ends mid-element)",
                                "fatal", "format"))
    report = commit_batch(store, bad, today=TODAY)
    assert report.status == "rejected" and not report.ok
    assert "nothing was changed" in report.message
    assert store.table("lac_episodes").equals(before)
    loads = store.loads()
    assert loads["status"].to_list() == ["committed", "rejected"]
    stored = store.findings(int(loads["load_id"][1]))
    assert stored.filter(pl.col("severity") == "fatal")["file"].to_list() == ["broken.xml"]


def test_strict_refuses_records_with_errors_and_default_keeps_them_with_findings(store: Store) -> None:
    rows = [{"child_id": "C9", "start_date": "01/04/2024", "rne": "S", "legal_status": "C2", "end_date": "01/03/2024"}]
    strict = commit_batch(store, episodes_batch(rows), strict=True, today=TODAY)
    assert strict.status == "rejected" and store.table("lac_episodes").height == 0
    relaxed = commit_batch(store, episodes_batch(rows), today=TODAY)
    assert relaxed.status == "committed" and store.table("lac_episodes").height == 1
    order = [f for f in relaxed.findings if f.rule == "dates-in-order"]
    assert [(f.file, f.row, f.field, f.value) for f in order] == [("episodes.csv", 2, "end_date", "2024-03-01")]


def test_duplicate_rows_in_one_file_are_reported_and_quarantined_not_dropped(store: Store) -> None:
    rows = [FIRST[0], dict(FIRST[0], placement="U1")]
    report = commit_batch(store, episodes_batch(rows), today=TODAY)
    dup = [f for f in report.findings if f.rule == "duplicate"]
    assert [(f.file, f.row) for f in dup] == [("episodes.csv", 2)]
    assert store.table("lac_episodes")["placement"].to_list() == ["U1"]
    quarantined = store.table("quarantine")
    assert quarantined["row"].to_list() == [2]


def test_children_are_merged_field_by_field_across_sources(store: Store) -> None:
    batch = Batch()
    batch.files.append(SourceFile("cin.xml", "cin-census", "1" * 64, 1, 2025, 1))
    batch.add("children", canonicalise("children", pl.DataFrame(
        {"child_id": ["C1"], "disabilities": ["HAND"], "dob": ["2012-01-01"]}), file="cin.xml", batch=batch))
    commit_batch(store, batch, today=TODAY)
    batch2 = Batch()
    batch2.files.append(SourceFile("header.csv", "ssda903-csv", "2" * 64, 1, 2025, 1))
    batch2.add("children", canonicalise("children", pl.DataFrame(
        {"child_id": ["C1"], "mother": ["1"], "dob": ["01/01/2012"]}), file="header.csv", batch=batch2))
    commit_batch(store, batch2, today=TODAY)
    child = store.table("children").row(0, named=True)
    assert (child["disabilities"], child["mother"], child["dob"]) == ("HAND", True, dt.date(2012, 1, 1))


def test_allocations_naming_a_team_and_worker_get_their_identifiers(store: Store) -> None:
    batch = Batch()
    batch.files.append(SourceFile("extract", "council-extract", "3" * 64, 1, 2025, 3))
    batch.add("teams", canonicalise("teams", pl.DataFrame({"team_id": ["T1"], "name": ["Norwich CP 1"]}),
                                    file="teams.csv", batch=batch))
    batch.add("workers", canonicalise("workers", pl.DataFrame({"worker_id": ["W7"], "name": ["Asha Patel"]}),
                                      file="workers.csv", batch=batch))
    commit_batch(store, batch, today=TODAY)
    annex = Batch()
    annex.files.append(SourceFile("annex-a.xlsx", "annex-a", "4" * 64, 1, 2025, 1))
    annex.add("allocations", canonicalise("allocations", pl.DataFrame(
        {"child_id": ["C1", "C2"], "start_date": ["2025-01-06", "2025-01-07"],
         "team_id": ["Norwich CP 1", "Unknown Team"], "worker_id": ["Asha Patel", "W7"]}),
        file="annex-a.xlsx [List 7]", batch=annex))
    report = commit_batch(store, annex, today=TODAY)
    stored = store.table("allocations").sort("child_id")
    assert stored["team_id"].to_list() == ["T1", "Unknown Team"]
    assert stored["worker_id"].to_list() == ["W7", "W7"]
    unresolved = [f for f in report.findings if f.rule == "reference"]
    assert [(f.field, f.value) for f in unresolved if f.field != "child_id"] == [("team_id", "Unknown Team")]


def test_annex_a_episodes_give_way_to_the_903_episodes_of_the_same_child(store: Store) -> None:
    batch = episodes_batch([dict(FIRST[0], start_date="01/04/2024")], file="episodes.csv")
    batch.files[0].format = "ssda903-csv"
    batch.files.append(SourceFile("annex.xlsx", "annex-a", "5" * 64, 1, 2025, 2))
    batch.add("lac_episodes", canonicalise("lac_episodes", pl.DataFrame(
        {"child_id": ["C1", "C5"], "start_date": ["2023-01-01", "2023-02-01"], "rne": ["S", "S"]}),
        file="annex.xlsx [List 8]", batch=batch))
    report = commit_batch(store, batch, today=TODAY)
    stored = store.table("lac_episodes").sort("child_id")
    assert stored.select("child_id", "start_date").rows() == [("C1", dt.date(2024, 4, 1)), ("C5", dt.date(2023, 2, 1))]
    notes = [f for f in report.findings if f.rule == "summary-superseded"]
    assert [(f.file, f.severity) for f in notes] == [("annex.xlsx [List 8]", "warning")]
    assert "1 rows not used" in notes[0].expected


def test_sources_of_one_year_complement_each_other_and_a_later_year_replaces(store: Store) -> None:
    batch = Batch()
    batch.files += [SourceFile("cin-2025.xml", "cin-census-xml", "6" * 64, 1, 2025, 1),
                    SourceFile("annex.xlsx", "annex-a", "7" * 64, 1, 2025, 1),
                    SourceFile("cin-2026.xml", "cin-census-xml", "8" * 64, 1, 2026, 1)]
    batch.add("assessments", canonicalise("assessments", pl.DataFrame(
        {"child_id": ["C1", "C2"], "start_date": ["2025-01-06", "2025-02-03"],
         "authorised_date": ["2025-02-20", "2025-03-10"]}), file="cin-2025.xml", batch=batch))
    batch.add("assessments", canonicalise("assessments", pl.DataFrame(
        {"child_id": ["C1"], "start_date": ["2025-01-06"], "child_seen": ["Yes"]}),
        file="annex.xlsx [List 4]", batch=batch))
    batch.add("assessments", canonicalise("assessments", pl.DataFrame(
        {"child_id": ["C2"], "start_date": ["2025-02-03"], "authorised_date": [None]}),
        file="cin-2026.xml", batch=batch))
    commit_batch(store, batch, today=TODAY)
    stored = store.table("assessments").sort("child_id")
    # same year: the census's authorisation and Annex A's "child seen" make one record
    assert stored.select("child_id", "authorised_date", "child_seen").rows() == [
        ("C1", dt.date(2025, 2, 20), True), ("C2", None, None)]  # C2: the 2026 return replaced 2025's whole
