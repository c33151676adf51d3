"""Council extracts: CSV and XLSX read through mapping files, mapping errors, and the standard-layout round trip."""

from __future__ import annotations

import datetime as dt
from importlib import resources
from pathlib import Path

import openpyxl
import polars as pl
import pytest
import yaml

from caseboard.formats import extract
from caseboard.formats.base import Batch, FormatError, canonicalise
from caseboard.formats.extract_mapping import parse
from caseboard.model.tables import TABLES, table as table_decl

D = dt.date
EXAMPLE = resources.files("caseboard.formats") / "mappings" / "example-council-visits.mapping.yml"


def rows(batch: Batch, name: str, *columns: str) -> list[tuple]:
    return batch.frames[name].select(columns or table_decl(name).column_names).rows()


def read(path: Path) -> Batch:
    batch = Batch()
    extract.read([path], batch)
    return batch


def visits_export(folder: Path, content: bytes, name: str = "visits.csv") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / (Path(name).stem + ".mapping.yml")).write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    path = folder / name
    path.write_bytes(content)
    return path


def test_cp1252_csv_through_the_example_mapping(tmp_path: Path) -> None:
    path = visits_export(tmp_path, (
        "Person ID,Visit Date,Child Seen,Seen Alone,Worker Number,Notes\r\n"
        "C1,05/01/2024,Yes,No,W1,all well\r\n"
        "C2,06/01/2024,Maybe,Yes,W2,\r\n"
        ",,,,,\r\n"
        "C3,31/01/2024 10:00,Yes,Yes,W3,caf\u00e9 visit\r\n"
        "C4,2024-02-01,No,No,W4,\r\n"
        "C5,02/02/2024,Maybe,No,Ren\u00e9e,\r\n"
    ).encode("cp1252"))
    assert extract.sniff(path)
    batch = read(path)
    assert rows(batch, "visits", "child_id", "visit_date", "kind", "seen", "seen_alone", "worker_id", "source_row") == [
        ("C1", D(2024, 1, 5), "lac", True, False, "W1", 2),
        ("C2", D(2024, 1, 6), "lac", None, True, "W2", 3),
        ("C3", D(2024, 1, 31), "lac", True, True, "W3", 5),
        ("C5", D(2024, 2, 2), "lac", None, False, "Ren\u00e9e", 7),
    ]
    # The untranslated code passes through (and is then unreadable as yes/no): one warning for the value, saying so.
    (warning,) = [f for f in batch.findings if f.severity == "warning"]
    assert (warning.row, warning.field, warning.value, warning.rule) == (3, "seen", "Maybe", "code-translation")
    assert "passed through unchanged (2 rows)" in warning.expected
    # A date not in the mapping's format is reported, never read another way; its record is quarantined.
    wrong_date = [f for f in batch.findings if f.rule == "type" and f.field == "visit_date"]
    assert [(f.row, f.value) for f in wrong_date] == [(6, "2024-02-01")]
    assert [q["row"] for q in batch.quarantine] == [6]
    (info,) = batch.files
    assert (info.format, info.records, info.collection_year) == ("council-extract", 5, 2024)


def test_utf8_with_bom_reads_the_same(tmp_path: Path) -> None:
    content = "Person ID,Visit Date,Child Seen,Seen Alone,Worker Number\nC1,05/01/2024,Yes,No,Ren\u00e9e\n"
    plain = read(visits_export(tmp_path / "a", content.encode("utf-8")))
    bom = read(visits_export(tmp_path / "b", content.encode("utf-8-sig")))
    assert rows(plain, "visits", "child_id", "worker_id") == rows(bom, "visits", "child_id", "worker_id") == [("C1", "Ren\u00e9e")]


def test_xlsx_with_excel_dates(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.title = "Read me"
    book.active.append(["This workbook holds the weekly visits export"])
    sheet = book.create_sheet("Visits")
    sheet.append([])  # the export leaves the first row empty: the header is on row 2
    sheet.append(["Person ID", "visit date", "Child Seen", "Seen Alone", "Worker Number"])  # case differs from the mapping
    sheet.append([1001, dt.datetime(2024, 1, 5, 0, 0), "Yes", "No", 77])  # typed date; identifiers stored as numbers
    sheet.append([1002, 45299, "No", "No", "W2"])  # an Excel serial number formatted as a number: 8 Jan 2024
    sheet.append([None, None, None, None, None])
    sheet.append(["1003", "09/01/2024", "Yes", "Yes", "W3"])  # a date typed as text, in the mapping's format
    path = tmp_path / "visits.xlsx"
    book.save(path)
    (tmp_path / "visits.mapping.yml").write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    assert extract.sniff(path)
    batch = read(path)
    assert batch.findings == []
    assert rows(batch, "visits", "child_id", "visit_date", "seen", "worker_id", "source_row") == [
        ("1001", D(2024, 1, 5), True, "77", 3),
        ("1002", D(2024, 1, 8), False, "W2", 4),
        ("1003", D(2024, 1, 9), True, "W3", 6),
    ]


def test_folder_mapping_by_pattern_inline_or_by_file(tmp_path: Path) -> None:
    (tmp_path / "caseboard-mapping.yml").write_text(
        "description: weekly exports\n"
        "files:\n"
        "  'workers_*.csv':\n"
        "    table: workers\n"
        "    columns: {Staff No: worker_id, Name: name, Role: role, Agency: agency, FTE: fte}\n"
        "    codes:\n"
        "      role: {SW: social_worker, TM: team_manager}\n"
        "      agency: {A: 'true', P: 'false'}\n"
        "    collection_year: 2025\n"
        "  teams.csv: teams-export.mapping.yml\n", encoding="utf-8")
    (tmp_path / "teams-export.mapping.yml").write_text(
        "table: teams\ncolumns: {Code: team_id, Team: name, Kind: team_type}\n", encoding="utf-8")
    workers = tmp_path / "Workers_2025-03.csv"
    workers.write_text("Staff No,Name,Role,Agency,FTE\nW1,Ann Lee,SW,P,0.8\nW2,Bo Ray,TM,A,1\n", encoding="utf-8")
    teams = tmp_path / "teams.csv"
    teams.write_text("Code,Team,Kind\nT1,North CIN,cin\n", encoding="utf-8")
    stray = tmp_path / "other.csv"
    stray.write_text("a,b\n1,2\n", encoding="utf-8")
    assert (extract.sniff(workers), extract.sniff(teams), extract.sniff(stray)) == (True, True, False)
    batch = Batch()
    extract.read([workers, teams], batch)
    assert rows(batch, "workers", "worker_id", "name", "role", "agency", "fte") == [
        ("W1", "Ann Lee", "social_worker", False, 0.8), ("W2", "Bo Ray", "team_manager", True, 1.0)]
    assert rows(batch, "teams", "team_id", "name", "team_type") == [("T1", "North CIN", "cin")]
    assert [f.collection_year for f in batch.files] == [2025, None]  # teams carry no dates: no year to infer
    with pytest.raises(FormatError, match="no mapping for this file"):
        extract.read([stray], Batch())


GOOD = "table: visits\ncolumns: {ID: child_id, Date: visit_date}\nconstants: {kind: lac}\n"


@pytest.mark.parametrize(("mapping", "key", "message"), [
    ("table: vists\ncolumns: {ID: child_id}\n", "table", "unknown canonical table 'vists'"),
    ("table: visits\ncolumns: {ID: child_id, Date: visit_day}\nconstants: {kind: lac}\n", "columns: Date",
     "'visit_day', which is not a field of visits"),
    (GOOD + "colums: {}\n", "colums", "unknown key 'colums'"),
    (GOOD + "codes: {seen: {Y: 'true'}}\n", "codes: seen", "which no column of this mapping fills"),
    ("table: visits\ncolumns: {ID: child_id, Date: visit_date}\nconstants: {sort: lac}\n", "constants: sort",
     "'sort' is not a field of visits"),
    ("table: visits\ncolumns: {ID: child_id, Date: visit_date}\n", "columns", "visits needs kind"),
    ("table: visits\ncolumns: {ID: child_id, Date: visit_date, Kind: kind}\nconstants: {kind: lac}\n", "constants: kind",
     "both read from a column and given as a constant"),
    (GOOD + "collection_year: 24\n", "collection_year", "collection_year must be a year"),
    (GOOD + "date_format: day first\n", "date_format", "date_format must look like dd/mm/yyyy"),
    (GOOD + "date_format: dd/mm/yyyy hh:mm\n", "date_format", "the date part only"),
])
def test_mapping_errors_name_the_mapping_and_the_key(tmp_path: Path, mapping: str, key: str, message: str) -> None:
    (tmp_path / "visits.mapping.yml").write_text(mapping, encoding="utf-8")
    data = tmp_path / "visits.csv"
    data.write_text("ID,Date\nC1,01/02/2024\n", encoding="utf-8")
    with pytest.raises(FormatError, match=message) as caught:
        read(data)
    assert (caught.value.file, caught.value.field) == (str(tmp_path / "visits.mapping.yml"), key)


def test_inline_mapping_errors_name_the_folder_mapping_and_pattern(tmp_path: Path) -> None:
    (tmp_path / "caseboard-mapping.yml").write_text("files:\n  '*.csv': {table: nowhere, columns: {a: b}}\n", encoding="utf-8")
    data = tmp_path / "x.csv"
    data.write_text("a\n1\n", encoding="utf-8")
    with pytest.raises(FormatError, match="unknown canonical table 'nowhere'") as caught:
        read(data)
    assert caught.value.file == f"{tmp_path / 'caseboard-mapping.yml'} (files: *.csv)"


def test_unreadable_yaml_is_reported_with_its_line(tmp_path: Path) -> None:
    (tmp_path / "visits.mapping.yml").write_text("table: visits\ncolumns: {ID: child_id\n", encoding="utf-8")
    data = tmp_path / "visits.csv"
    data.write_text("ID\nC1\n", encoding="utf-8")
    with pytest.raises(FormatError, match="not readable YAML at line"):
        read(data)


def test_a_column_missing_from_the_file_names_file_column_and_columns_found(tmp_path: Path) -> None:
    path = visits_export(tmp_path, b"Person ID,Date of Visit,Child Seen,Seen Alone,Worker Number\nC1,05/01/2024,Yes,No,W1\n")
    with pytest.raises(FormatError) as caught:
        read(path)
    error = caught.value
    assert (error.file, error.field) == (str(path), "Visit Date")
    assert "the columns found are: Person ID, Date of Visit, Child Seen, Seen Alone, Worker Number" in error.message


@pytest.mark.parametrize(("content", "message"), [
    (b"", "the file is empty"),
    (b"\n\n", "the file is empty"),
    (b"PK\x03\x04\x00\x00binary", "not a CSV text file"),
    (b"Person ID,Visit Date\n\x81\x8d,01/01/2024\n", "not a text file in UTF-8 or Windows-1252"),
])
def test_unreadable_files_are_refused(tmp_path: Path, content: bytes, message: str) -> None:
    with pytest.raises(FormatError, match=message):
        read(visits_export(tmp_path, content))


def test_a_broken_workbook_is_refused(tmp_path: Path) -> None:
    with pytest.raises(FormatError, match="not a readable Excel workbook"):
        read(visits_export(tmp_path, b"not a zip", name="visits.xlsx"))


def test_a_missing_sheet_names_the_sheets_found(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.title = "Export"
    path = tmp_path / "visits.xlsx"
    book.save(path)
    (tmp_path / "visits.mapping.yml").write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(FormatError, match="sheet 'Visits', which the workbook does not have; its sheets are: Export"):
        read(path)


def test_a_row_with_more_values_than_columns_is_quarantined(tmp_path: Path) -> None:
    path = visits_export(tmp_path, b"Person ID,Visit Date,Child Seen,Seen Alone,Worker Number\n"
                                   b"C1,05/01/2024,Yes,No,W1\nC2,06/01/2024,Yes,No,Smith, J\n")
    batch = read(path)
    assert rows(batch, "visits", "child_id") == [("C1",)]
    (finding,) = batch.findings
    assert (finding.row, finding.rule, finding.severity) == (3, "format", "error")
    assert batch.quarantine[0]["raw"]["5"] == "J"


def test_standard_mapping_is_in_step_with_the_model() -> None:
    files = extract.standard_mapping()["files"]
    assert list(files) == [f"{t.name}.csv" for t in TABLES]
    for t in TABLES:
        entry = files[f"{t.name}.csv"]
        assert (entry["table"], entry["date_format"]) == (t.name, "yyyy-mm-dd")
        assert entry["columns"] == {c: c for c in t.column_names}


def _canonical(raw: dict[str, dict[str, list]]) -> dict[str, pl.DataFrame]:
    batch = Batch()
    frames = {name: canonicalise(name, pl.DataFrame(cols, schema={c: pl.Utf8 for c in cols}), file="x", batch=batch)
              for name, cols in raw.items()}
    assert batch.findings == []
    return frames


LOCAL = {
    "areas": {"area_id": ["N", "S"], "name": ["North", "South"]},
    "teams": {"team_id": ["T1"], "name": ["Children in Need North"], "team_type": ["cin"], "area_id": ["N"],
              "establishment_fte": ["6.5"]},
    "workers": {"worker_id": ["W1", "W2"], "name": ["Zo\u00eb Ng", "Sam, Jones"], "role": ["social_worker", "team_manager"],
                "qualified": ["true", "true"], "fte": ["0.8", "1"], "agency": ["false", "true"], "team_id": ["T1", "T1"],
                "start_date": ["2020-01-06", "2019-09-02"], "end_date": [None, "2024-03-28"]},
    "allocations": {"child_id": ["C1", "C1"], "start_date": ["2024-01-02", "2024-02-01"], "worker_id": ["W1", None],
                    "team_id": ["T1", "T1"], "end_date": ["2024-01-31", None], "reason": ["MANAGE", None]},
    "visits": {"child_id": ["C1", "C1"], "visit_date": ["2024-01-05", "2024-01-05"], "kind": ["cin", "cp"],
               "seen": ["true", "false"], "seen_alone": ["false", None], "worker_id": ["W1", "W1"]},
    "contacts": {"child_id": ["C2"], "contact_date": ["2024-03-01"], "source": ["1A"], "decision_date": ["2024-03-01"],
                 "outcome": ["advice"]},
    "early_help": {"child_id": ["C3"], "start_date": ["2023-06-01"], "assessment_completed_date": ["2023-07-01"],
                   "organisation": ["School"], "end_date": [None], "outcome": [None]},
    "core_groups": {"child_id": ["C1"], "plan_start_date": ["2024-02-01"], "meeting_date": ["2024-02-20"]},
    "cin_plan_reviews": {"child_id": ["C1"], "plan_start_date": ["2024-01-10"], "review_date": ["2024-04-10"]},
    "health_assessments": {"child_id": ["C4", "C4"], "assessment_date": ["2024-01-03", "2024-01-03"], "kind": ["review", "dental"]},
    "peps": {"child_id": ["C4"], "pep_date": ["2024-02-12"]},
    "pathway_plans": {"child_id": ["C5"], "plan_date": ["2024-03-04"], "kind": ["authorised"]},
    "care_leavers": {"child_id": ["C5"], "eligibility": ["former_relevant"], "personal_adviser": ["W2"],
                     "needs_assessment_date": ["2023-11-30"]},
}


def test_standard_layout_round_trip(tmp_path: Path) -> None:
    frames = _canonical(LOCAL)
    written = extract.write(frames, tmp_path)
    assert [p.name for p in written] == [f"{t.name}.csv" for t in TABLES if t.name in LOCAL] + ["caseboard-mapping.yml"]
    assert (tmp_path / "workers.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 with a BOM
    batch = Batch()
    csvs = [p for p in written if p.suffix == ".csv"]
    assert all(extract.sniff(p) for p in csvs)
    extract.read(csvs, batch)
    assert batch.findings == []
    for name, frame in frames.items():
        columns = table_decl(name).column_names
        assert batch.frames[name].select(columns).equals(frame.select(columns)), name


def test_writer_adds_to_an_existing_folder_mapping(tmp_path: Path) -> None:
    frames = _canonical({"areas": LOCAL["areas"], "peps": LOCAL["peps"]})
    extract.write(frames, tmp_path, tables=["areas"])
    extract.write(frames, tmp_path, tables=["peps"])
    batch = Batch()
    extract.read([tmp_path / "areas.csv", tmp_path / "peps.csv"], batch)
    assert batch.counts() == {"areas": 2, "peps": 1}


def test_example_mapping_is_valid() -> None:
    mapping = parse(yaml.load(EXAMPLE.read_text(encoding="utf-8"), Loader=yaml.BaseLoader), "example")
    assert (mapping.table, mapping.constants, mapping.strftime, mapping.sheet) == ("visits", {"kind": "lac"}, "%d/%m/%Y", "Visits")
    assert mapping.codes["seen"] == {"Yes": "true", "No": "false"}


def test_fast_and_careful_csv_readers_give_the_same_records_and_findings(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    frames = _canonical(LOCAL)
    csvs = [p for p in extract.write(frames, tmp_path) if p.suffix == ".csv"]
    # a value that needs reporting, so findings are compared too
    visits = tmp_path / "visits.csv"
    visits.write_text(visits.read_text(encoding="utf-8-sig").replace("2024", "20x4", 1), encoding="utf-8")
    fast = Batch()
    extract.read(csvs, fast)
    monkeypatch.setattr(extract, "_fast_csv", lambda *a: None)
    careful = Batch()
    extract.read(csvs, careful)
    assert fast.findings == careful.findings and fast.findings
    assert fast.frames.keys() == careful.frames.keys()
    for name in fast.frames:
        assert fast.frames[name].equals(careful.frames[name]), name
