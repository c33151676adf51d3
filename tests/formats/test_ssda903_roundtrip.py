"""Canonical -> SSDA903 (CSV, XML) -> canonical gives back the same records, for every column the 903 carries."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from caseboard.formats import ssda903_csv, ssda903_xml
from caseboard.formats.base import Batch, canonicalise
from caseboard.formats.ssda903_columns import SPECS
from caseboard.model.tables import table as table_decl

D = dt.date

#: Canonical columns the 903 carries, per table: the DfE columns' targets plus the three the reader derives.
CARRIED: dict[str, set[str]] = {}
for _spec in SPECS:
    CARRIED.setdefault(_spec.target, set()).update(_spec.mapping.values(), _spec.extra.values())
CARRIED["annual_outcomes"].add("year")
CARRIED["care_leaver_status"].add("status_date")
CARRIED["children"].add("uasc")

#: Tables the XML carries (no known place there for social worker episodes or DoLo).
XML_TABLES = set(CARRIED) - {"allocations", "deprivation_of_liberty"}


def canonical_frames() -> dict[str, pl.DataFrame]:
    """A small return for collection year 2024 touching every 903 table, typed by the model's declarations."""
    rows: dict[str, list[dict[str, object]]] = {
        "children": [
            {"child_id": "C1", "sex": "M", "dob": D(2010, 5, 1), "ethnicity": "WBRI", "upn": "A123456789012",
             "uasc": False, "mother": None},
            {"child_id": "C2", "sex": "F", "dob": D(2006, 2, 28), "ethnicity": "BAFR", "upn": "B123456789012",
             "uasc": True, "uasc_ceased": D(2024, 2, 27), "mother": True, "mother_child_dob": D(2023, 11, 2)},
            {"child_id": "C3", "sex": "F", "dob": D(2019, 7, 9), "ethnicity": "MOTH", "upn": None,
             "uasc": False, "mother": False},
        ],
        "lac_episodes": [
            {"child_id": "C1", "start_date": D(2023, 4, 10), "rne": "S", "legal_status": "C1", "cin_category": "N1",
             "placement": "U1", "provider": "PR1", "end_date": D(2023, 9, 1), "reason_ceased": "X1",
             "reason_place_change": "CARPL", "home_postcode": "AB1 2CD", "placement_postcode": "EF3 4GH",
             "urn": "SC123456"},
            {"child_id": "C1", "start_date": D(2023, 9, 1), "rne": "P", "legal_status": "C2", "cin_category": "N1",
             "placement": "U4", "provider": "PR4", "home_postcode": "AB1 2CD"},
            {"child_id": "C2", "start_date": D(2022, 1, 5), "rne": "S", "legal_status": "V2", "cin_category": "N8",
             "placement": "K2", "provider": "PR4", "end_date": D(2024, 2, 27), "reason_ceased": "E8"},
            {"child_id": "C3", "start_date": D(2021, 3, 1), "rne": "S", "legal_status": "E1", "cin_category": "N1",
             "placement": "A5", "provider": "PR1"},
        ],
        "lac_reviews": [{"child_id": "C1", "review_date": D(2023, 5, 8), "participation": "PN1"},
                        {"child_id": "C3", "review_date": D(2023, 8, 30), "participation": "PN0"}],
        "annual_outcomes": [{"child_id": "C2", "year": 2024, "sdq_score": 17, "convicted": False, "health_check": True,
                             "immunisations": True, "teeth_check": False, "health_assessment": True,
                             "substance_misuse": False, "intervention_received": None,
                             "intervention_offered": None},
                            {"child_id": "C3", "year": 2024, "sdq_reason": "SDQ1", "health_check": True}],
        "care_leaver_status": [{"child_id": "C2", "status_date": D(2024, 2, 28), "in_touch": "YES",
                                "activity": "F2", "accommodation": "S1"}],
        "adoptions": [
            {"child_id": "C3", "decision_date": D(2021, 6, 1), "match_date": D(2022, 1, 10),
             "foster_carer_adoption": True, "number_of_adopters": 2, "sex_of_adopters": "MF",
             "adopters_legal_status": "L0", "placed_date": D(2021, 6, 1)},
            {"child_id": "C1", "decision_date": D(2023, 11, 1), "placed_date": D(2023, 11, 1),
             "placed_ceased_date": D(2024, 1, 15), "placed_ceased_reason": "RD1"},
        ],
        "previous_permanence": [{"child_id": "C1", "prev_perm": "P1", "la_perm": "209", "date_perm": "2019"},
                                {"child_id": "C3", "prev_perm": "Z1"}],
        "missing_episodes": [{"child_id": "C2", "start_date": D(2023, 5, 1), "kind": "M",
                              "end_date": D(2023, 5, 3)}],
        "allocations": [{"child_id": "C1", "start_date": D(2023, 4, 10), "worker_id": "SW1",
                         "end_date": D(2023, 10, 1), "reason": "MANAGE"},
                        {"child_id": "C1", "start_date": D(2023, 10, 1), "worker_id": "SW2"}],
        "deprivation_of_liberty": [{"child_id": "C2", "start_date": D(2023, 8, 1)}],
    }
    frames = {}
    for name, records in rows.items():
        raw = pl.DataFrame(records, infer_schema_length=None)
        frames[name] = canonicalise(name, raw, file="fixture", batch=Batch())
    return frames


def comparable(frames: dict[str, pl.DataFrame], tables: set[str]) -> dict[str, pl.DataFrame]:
    """The carried columns of each table, in a stable order."""
    out = {}
    for name in sorted(tables):
        cols = [c for c in table_decl(name).column_names if c in CARRIED[name]]
        out[name] = frames[name].select(cols).sort(cols, nulls_last=True)
    return out


def read_back(module, paths: list[Path]) -> Batch:
    batch = Batch()
    module.read(paths, batch)
    return batch


def test_csv_round_trip_keeps_every_carried_value(tmp_path: Path) -> None:
    frames = canonical_frames()
    written = ssda903_csv.write(frames, tmp_path / "out", year=2024)
    # a 2024 return has social worker episodes but not yet DoLo; DoLo rows are still written, not lost
    assert {p.name for p in written} >= {"header.csv", "episodes.csv", "sw_episodes.csv", "DoLo.csv"}
    assert (tmp_path / "out" / "header.csv").read_text().splitlines()[1] == "C1,1,01/05/2010,WBRI,A123456789012,,"
    batch = read_back(ssda903_csv, written)
    assert {f.collection_year for f in batch.files} == {2024}
    assert [f for f in batch.findings if f.severity != "warning"] == []
    got, want = comparable(batch.frames, set(CARRIED)), comparable(frames, set(CARRIED))
    for name in want:
        assert got[name].equals(want[name]), name


def test_xml_round_trip_keeps_every_carried_value(tmp_path: Path) -> None:
    frames = canonical_frames()
    [path] = ssda903_xml.write(frames, tmp_path / "return.xml", year=2024)
    batch = read_back(ssda903_xml, [path])
    assert batch.files[0].collection_year == 2024
    assert batch.files[0].records == 3
    got, want = comparable(batch.frames, XML_TABLES), comparable(frames, XML_TABLES)
    for name in want:
        assert got[name].equals(want[name]), name
    # rows are the lines of the elements (the writer puts each element on its own line)
    lines = path.read_text().splitlines()
    for row in batch.frames["lac_episodes"]["source_row"]:
        assert lines[row - 1].strip() == "<EPISODE>"


def test_sex_is_written_as_the_year_codes_it(tmp_path: Path) -> None:
    frames = canonical_frames()
    ssda903_csv.write(frames, tmp_path / "y2024", year=2024)
    ssda903_csv.write(frames, tmp_path / "y2025", year=2025)
    sex = {y: pl.read_csv(tmp_path / f"y{y}" / "header.csv", infer_schema=False)["SEX"].to_list() for y in (2024, 2025)}
    assert sex == {2024: ["1", "2", "2"], 2025: ["M", "F", "F"]}


def test_the_two_formats_read_to_the_same_records(tmp_path: Path) -> None:
    frames = canonical_frames()
    csv_batch = read_back(ssda903_csv, ssda903_csv.write(frames, tmp_path / "csv", year=2024))
    xml_batch = read_back(ssda903_xml, ssda903_xml.write(frames, tmp_path / "x.xml", year=2024))
    a, b = comparable(csv_batch.frames, XML_TABLES), comparable(xml_batch.frames, XML_TABLES)
    assert all(a[name].equals(b[name]) for name in a)


@pytest.mark.parametrize("fmt", ["csv", "xml"])
def test_the_validator_sample_survives_a_round_trip(fmt: str, peer_samples: Path, tmp_path: Path) -> None:
    """Real (noisy) data: invalid codes and odd values pass through both ways unchanged."""
    folder = peer_samples / "ssda903-validator-fake"
    module = ssda903_csv if fmt == "csv" else ssda903_xml
    first = Batch()
    if fmt == "csv":
        module.read(sorted(folder.glob("*.csv")), first)
        written = module.write(first.frames, tmp_path / "out", year=2018)
    else:
        module.read([folder / "fake_903.xml"], first)
        written = module.write(first.frames, tmp_path / "out.xml", year=2018)
    second = read_back(module, written)
    tables = set(first.frames) & (set(CARRIED) if fmt == "csv" else XML_TABLES)
    a, b = comparable(first.frames, tables), comparable(second.frames, tables)
    for name in tables:
        assert a[name].equals(b[name]), name
    assert a["children"].height == (2675 if fmt == "csv" else 253)
