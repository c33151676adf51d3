"""Reading Ofsted Annex A workbooks: the peer samples (three older layouts and the 2024 one) and workbooks laid
out the odd ways councils lay them out."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from caseboard.formats import annex_a
from caseboard.formats.annex_a_read import merge_across_lists
from caseboard.formats.base import Batch, FormatError, empty_frame
from caseboard.model.tables import table

SAMPLES = ("2015-01-sample.xlsx", "2016-01-sample.xlsx", "2016-02-sample.xlsx", "Annex_A_2024_Jan.xlsx")
#: The table each list's rows go to first (List 8: its current episodes, told apart from period starts by RNE).
PRIMARY = {1: "contacts", 2: "early_help", 3: "referrals", 4: "assessments", 5: "s47_enquiries", 6: "referrals",
           7: "cp_plans", 8: "lac_episodes", 9: "care_leavers", 10: "adoptions"}


@pytest.fixture(scope="module")
def batches(peer_samples: Path) -> dict[str, Batch]:
    out = {}
    for name in SAMPLES:
        batch = Batch()
        annex_a.read([peer_samples / "annex-a" / name], batch)
        out[name] = batch
    return out


def _count_rows(path: Path) -> dict[str, int]:
    """Data rows under the 'Child Unique ID' heading of each sheet, counted with openpyxl alone."""
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    counts = {}
    for ws in wb.worksheets:
        rows = list(ws.iter_rows(values_only=True))
        heads = [i for i, r in enumerate(rows) if r and r[0] == "Child Unique ID"]
        if heads:
            counts[ws.title] = sum(1 for r in rows[heads[0] + 1:] if any(v not in (None, "") for v in r))
    wb.close()
    return counts


@pytest.mark.parametrize("name", SAMPLES)
def test_every_sample_reads_and_every_row_is_loaded_or_quarantined(name: str, batches: dict[str, Batch],
                                                                    peer_samples: Path) -> None:
    path = peer_samples / "annex-a" / name
    batch = batches[name]
    assert annex_a.sniff(path)
    assert [f.format for f in batch.files] == ["annex-a"]
    assert not batch.fatal
    expected = _count_rows(path)
    for sheet, rows in expected.items():
        number = int("".join(ch for ch in sheet if ch.isdigit()))
        label = f"{path} [{sheet}]"
        frame = batch.frames.get(PRIMARY[number], empty_frame(table(PRIMARY[number])))
        mine = frame.filter(pl.col("source_file") == label)
        if number == 8:  # the period-start episodes (RNE S ending X1) are extra rows, not extra records
            mine = mine.filter(pl.col("rne").is_null() | (pl.col("rne") != "S") | pl.col("reason_ceased").is_null())
        held = sum(1 for q in batch.quarantine if q["file"] == label and q["table"] == PRIMARY[number])
        assert mine.height + held == rows, sheet
    assert batch.files[0].records == sum(expected.values())


def test_the_2024_sample_gives_these_numbers(batches: dict[str, Batch]) -> None:
    batch = batches["Annex_A_2024_Jan.xlsx"]
    assert batch.counts() == {
        "adoptions": 5, "allocations": 28, "assessments": 5, "care_leaver_status": 0, "care_leavers": 6,
        "children": 53, "contacts": 5, "cp_plans": 7, "cp_reviews": 5, "early_help": 5, "health_assessments": 10,
        "lac_episodes": 10, "lac_reviews": 5, "referrals": 11, "s47_enquiries": 5, "visits": 17,
    }
    # List 9 gives in-touch, accommodation and activity but no Latest Date of Contact: the 6 statuses cannot be dated.
    assert [q["table"] for q in batch.quarantine] == ["care_leaver_status"] * 6
    assert batch.files[0].collection_year == 2021  # latest date 15 March 2021 -> year ending 31 March 2021
    assert batch.files[0].records == 54  # lists 1-10 (List 11's 5 adopters are not read)


def test_the_2024_sample_values(batches: dict[str, Batch]) -> None:
    f = batches["Annex_A_2024_Jan.xlsx"].frames
    child = f["children"].filter(pl.col("child_id") == "9212044").row(0, named=True)
    assert (child["sex"], child["dob"], child["ethnicity"]) == ("F", dt.date(2015, 1, 25), "WBRI")  # "Female", "a) WBRI"
    assert f["contacts"].filter(pl.col("child_id") == "9212044")["source"].to_list() == ["6"]  # "q) 6: Police"
    alloc = f["allocations"].filter(pl.col("child_id") == "6537810").sort("start_date").rows(named=True)
    assert sorted((a["start_date"], a["team_id"], a["worker_id"]) for a in alloc) == [  # List 3 and List 5
        (dt.date(2020, 9, 16), "Locality 3 Duty Team", "Reagan Mor"),
        (dt.date(2020, 9, 16), "Multi Agency Safeguarding Hub", "Dustin Hazlett")]  # non-breaking space read as space
    ref = f["referrals"].filter(pl.col("child_id") == "12598894").row(0, named=True)
    assert (ref["referral_date"], ref["primary_need"]) == (dt.date(2010, 6, 9), "PSRMEM")  # passed on for validation
    plan = f["cp_plans"].filter(pl.col("child_id") == "10721552").row(0, named=True)
    assert (plan["start_date"], plan["end_date"], plan["initial_category"]) == (dt.date(2020, 11, 23), dt.date(2021, 2, 16), "PHY")
    visit = f["visits"].filter((pl.col("child_id") == "10721552") & (pl.col("kind") == "cp")).row(0, named=True)
    assert (visit["visit_date"], visit["seen_alone"]) == (dt.date(2021, 1, 22), True)
    eps = f["lac_episodes"].filter(pl.col("child_id") == "3623204").sort("start_date").rows(named=True)
    assert [(e["start_date"], e["rne"], e["end_date"], e["reason_ceased"], e["legal_status"], e["placement"], e["provider"])
            for e in eps] == [(dt.date(2008, 10, 22), "S", dt.date(2009, 7, 27), "X1", None, None, None),
                              (dt.date(2009, 7, 27), None, dt.date(2020, 9, 22), "E47", "C1", "H5", "PR4")]
    health = f["health_assessments"].filter(pl.col("child_id") == "1761444").sort("kind")
    assert health.select("kind", "assessment_date").rows() == [("dental", dt.date(2020, 1, 17)), ("review", dt.date(2020, 5, 27))]
    assert set(f["care_leavers"]["eligibility"]) == {"former_relevant"}
    adoption = f["adoptions"].filter(pl.col("child_id") == "13782635").row(0, named=True)
    assert (adoption["decision_date"], adoption["decision_reversed_date"], adoption["placed_ceased_reason"]) == (
        dt.date(2014, 9, 17), dt.date(2014, 10, 12), "RD2")  # decision date is a formula cell: its cached value


def test_the_2024_sample_findings(batches: dict[str, Batch]) -> None:
    findings = batches["Annex_A_2024_Jan.xlsx"].findings
    by_rule: dict[str, list[str]] = {}
    for f in findings:
        by_rule.setdefault(f.rule, []).append(f"{f.file.rsplit('[', 1)[1]} {f.row} {f.field}")
    assert by_rule["annex-a-cell"] == ["List 6] 2 Allocated Team", "List 6] 2 Allocated Worker"]
    assert by_rule["type"] == [f"List 4] {r} Was the child assessed as requiring LA children's social care support?"
                               for r in range(2, 7)]  # "CS Assessment Updated" is not yes/no
    assert by_rule["annex-a-not-held"] == ["List 9] 2 Latest Date of Contact", "List 11] 1 None"]
    assert "annex-a-unknown-column" not in by_rule


def test_a_yes_no_child_seen_answer_is_loaded_as_child_seen(batches: dict[str, Batch]) -> None:
    """The current template asks "Child seen during continuous assessment" as yes/no: the answer is kept."""
    assessments = batches["Annex_A_2024_Jan.xlsx"].frames["assessments"]
    assert assessments["child_seen"].to_list() == [True] * 5
    assert assessments["child_seen_date"].null_count() == 5


def test_the_2015_sample_reads_its_titled_sheets(batches: dict[str, Batch]) -> None:
    batch = batches["2015-01-sample.xlsx"]
    refs = batch.frames["referrals"]
    assert refs["source_row"].to_list() == [3, 4, 5, 6, 7]  # title on row 1, headings on row 2
    assert refs["nfa"].to_list() == [True, False, True, False, False]
    assert batch.frames["children"]["sex"].to_list() == ["F", "F", "M", "M", "F"]
    assert batch.files[0].collection_year == 2015
    empty = batches["2016-01-sample.xlsx"]
    assert empty.counts() == {} and empty.files[0].collection_year is None


def _workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def test_odd_headings_title_rows_and_sheet_names(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "annex.xlsx", {
        "Front sheet": [["Annex A return, Any Council"], ["Prepared 1 April 2024"]],
        "L1 Contacts": [
            ["List 1: Contacts"],
            ["All contacts in the six months before the inspection"],
            [],
            ["  CHILD UNIQUE ID ", "gender", "ETHNICITY", "date_of_birth", "Age", "date of contact", "Contact source ", "Notes"],
            ["C1", "a) Male", "a) WBRI", "01/02/2015", 9, "16/09/2023", "q) 6: Police", "x"],
            ["C2", "1 - Male", "WBRI", dt.datetime(2016, 3, 4), 8, 45200, "Police", None],
            ["C3", "Female", "s) NOBT", None, -1, dt.date(2023, 10, 1), None, None],
            [],
            ["C4", "d) Neither", "APKN", "2012-12-31", 10, "2023-10-02", "1B", None],
        ],
        "Sheet3": [
            ["List 3: Referrals"],
            ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Date of Referral", "Referral NFA?",
             "Allocated Team", "Allocated Worker"],
            ["C1", "M", "WBRI", "01/02/2015", "16/09/2023", "b) No", "Front Door", "Ann\u00a0Smith"],
        ],
    })
    assert annex_a.sniff(path)
    batch = Batch()
    annex_a.read([path], batch)
    contacts = batch.frames["contacts"].sort("child_id")
    assert contacts.select("child_id", "contact_date", "source", "source_row").rows() == [
        ("C1", dt.date(2023, 9, 16), "6", 5), ("C2", dt.date(2023, 10, 1), "Police", 6),  # 45200 is an Excel date
        ("C3", dt.date(2023, 10, 1), None, 7), ("C4", dt.date(2023, 10, 2), "1B", 9)]
    children = batch.frames["children"].sort("child_id")
    assert children.select("child_id", "sex", "dob", "expected_dob").rows() == [
        ("C1", "M", dt.date(2015, 2, 1), None), ("C2", "M", dt.date(2016, 3, 4), None),
        ("C3", "F", None, None), ("C4", "U", dt.date(2012, 12, 31), None)]  # C1 on lists 1 and 3: one row
    unknown = [f for f in batch.findings if f.rule == "annex-a-unknown-column"]
    assert [(f.field, f.row) for f in unknown] == [("Notes", 4)]  # once, not per row
    referral = batch.frames["referrals"].row(0, named=True)
    assert (referral["referral_date"], referral["nfa"]) == (dt.date(2023, 9, 16), False)
    assert batch.frames["allocations"].select("team_id", "worker_id").rows() == [("Front Door", "Ann Smith")]
    assert batch.files[0].collection_year == 2024  # 2 October 2023 is in the year ending 31 March 2024


def test_unborn_child_keeps_its_expected_date_of_birth(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "a.xlsx", {"List 1": [
        ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)", "Date of Contact", "Contact Source"],
        ["U1", "c) Not stated/recorded (or unborn)", None, "01/05/2024", -1, "01/03/2024", "6"]]})
    batch = Batch()
    annex_a.read([path], batch)
    assert batch.frames["children"].select("sex", "dob", "expected_dob").rows() == [("U", None, dt.date(2024, 5, 1))]


def test_a_list_without_its_key_date_is_an_error_and_the_others_still_read(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "a.xlsx", {
        "List 1": [["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Contact Source"], ["C1", "M", "WBRI", None, "6"]],
        "List 2": [["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Assessment start date"],
                   ["C2", "F", "WBRI", None, "02/01/2024"]],
    })
    batch = Batch()
    annex_a.read([path], batch)
    errors = [f for f in batch.findings if f.severity == "error"]
    assert len(errors) == 1 and errors[0].field == "Date of Contact" and "[List 1]" in errors[0].file
    assert "contacts" not in batch.frames
    assert batch.frames["early_help"]["start_date"].to_list() == [dt.date(2024, 1, 2)]


def test_rows_missing_the_child_id_are_quarantined_not_dropped(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "a.xlsx", {"List 3": [
        ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Date of referral", "Allocated Team", "Allocated Worker"],
        [None, "M", "WBRI", None, "02/01/2024", "Team A", "W1"]]})
    batch = Batch()
    annex_a.read([path], batch)
    assert [(q["table"], q["row"]) for q in batch.quarantine] == [("referrals", 2)]
    assert [(f.rule, f.field) for f in batch.findings] == [("required", "Child Unique ID")]


def test_lists_that_disagree_about_a_child_keep_both_versions() -> None:
    schema = {"child_id": pl.Utf8, "sex": pl.Utf8, "dob": pl.Date, "source_file": pl.Utf8, "source_row": pl.Int64}
    frame = pl.DataFrame([("C1", "M", None, "a [List 1]", 2), ("C1", None, dt.date(2020, 1, 1), "a [List 3]", 2),
                          ("C2", "M", None, "a [List 1]", 3), ("C2", "F", None, "a [List 3]", 3)], schema=schema, orient="row")
    merged = merge_across_lists("children", frame).sort("child_id", "sex")
    assert merged.select("child_id", "sex", "dob").rows() == [
        ("C1", "M", dt.date(2020, 1, 1)), ("C2", "F", None), ("C2", "M", None)]


def test_not_annex_a_is_a_format_error(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "budget.xlsx", {"Data": [["Name", "Amount"], ["Rent", 100]]})
    assert not annex_a.sniff(path)
    with pytest.raises(FormatError, match="holds no Annex A list"):
        annex_a.read([path], Batch())


@pytest.mark.parametrize("content", [b"", b"Child Unique ID,Gender\n1,M\n", "half"])
def test_damaged_files_are_format_errors(tmp_path: Path, peer_samples: Path, content: bytes | str) -> None:
    path = tmp_path / "annex.xlsx"
    whole = (peer_samples / "annex-a" / "Annex_A_2024_Jan.xlsx").read_bytes()
    path.write_bytes(whole[: len(whole) // 2] if content == "half" else content)  # type: ignore[arg-type]
    assert not annex_a.sniff(path)
    with pytest.raises(FormatError) as err:
        annex_a.read([path], Batch())
    assert "empty" in err.value.message or "not a readable Excel workbook" in err.value.message


def test_a_workbook_of_unreadable_lists_is_reported_not_refused(tmp_path: Path) -> None:
    """Sheets named as lists but without their headings are errors to fix at source, not a different format."""
    path = _workbook(tmp_path / "a.xlsx", {"List 1": [["Contacts to follow"]], "List_7": [["ID", "Start"], ["C1", "01/01/2024"]]})
    batch = Batch()
    annex_a.read([path], batch)
    assert [(f.severity, f.rule, f.file.rsplit(" [", 1)[1]) for f in batch.findings] == [
        ("error", "annex-a-columns", "List 1]"), ("error", "annex-a-columns", "List_7]")]
    assert batch.files[0].records == 0 and batch.counts() == {}


def test_a_child_with_several_contacts_is_one_child_but_repeated_records_stay() -> None:
    schema = {"child_id": pl.Utf8, "contact_date": pl.Date, "sex": pl.Utf8, "source_file": pl.Utf8, "source_row": pl.Int64}
    rows = [("C1", dt.date(2024, 1, 1), "M", "a [List 1]", 2), ("C1", dt.date(2024, 1, 1), "M", "a [List 1]", 3)]
    children = pl.DataFrame([(c, s, f, r) for c, _, s, f, r in rows], schema={k: v for k, v in schema.items() if k != "contact_date"},
                            orient="row")
    contacts = pl.DataFrame([(c, d, f, r) for c, d, _, f, r in rows], schema={k: v for k, v in schema.items() if k != "sex"},
                            orient="row")
    assert merge_across_lists("children", children)["source_row"].to_list() == [2]
    assert merge_across_lists("contacts", contacts)["source_row"].to_list() == [2, 3]  # for validation to report


def test_the_heading_file_is_consistent_with_the_model() -> None:
    """Every record column is a canonical column fed by a field of its list (or one the reader computes)."""
    from caseboard.formats.annex_a_lists import lists

    assert sorted(lists()) == list(range(1, 12))
    for spec in lists().values():
        names = {f.name for f in spec.fields} | {f.answer for f in spec.fields if f.answer}
        assert spec.key is None or spec.key in names
        assert len({f.header for f in spec.fields}) == len(spec.fields)
        for rec in spec.records:
            assert set(rec.columns) | set(rec.fixed) <= set(table(rec.table).column_names), (spec.number, rec.table)
            assert set(rec.columns.values()) <= names | {"expected_dob", "rne", "uasc"}, (spec.number, rec.table)
