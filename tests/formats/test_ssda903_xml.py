"""The SSDA903 XML reader on the validator's fake return and on broken files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from caseboard.formats import ssda903_xml
from caseboard.formats.base import Batch, FormatError

SMALL = """<?xml version="1.0" encoding="{encoding}"?>
<EXPSSDA903>
  <CHILD>
    <HEADER>
      <CHILDID>{child}</CHILDID>
      <UPN>A123</UPN>
      <SEX>1</SEX>
      <DOB>14/03/2006</DOB>
      <ETHNIC>WBRI</ETHNIC>
      <UASC>1</UASC>
      <DUC>13/03/2024</DUC>
      <IN_TOUCH>YES</IN_TOUCH>
      <ACTIV>F2</ACTIV>
      <ACCOM>S1</ACCOM>
      <AREVIEW>
        <REVIEW>01/06/2023</REVIEW>
        <REVIEW_CODE>PN1</REVIEW_CODE>
      </AREVIEW>
      <MOTHER/>
      <MC_DOB/>
      <SW_EPISODE>
        <SW_ID>SW7</SW_ID>
        <SW_DECOM>01/04/2023</SW_DECOM>
        <SW_DEC/>
        <SW_REASON/>
      </SW_EPISODE>
      <FAVOURITE_FOOD>chips</FAVOURITE_FOOD>
    </HEADER>
    <EPISODE>
      <DECOM>01/05/2023</DECOM>
      <RNE>S</RNE>
      <LS>V2</LS>
      <CIN>N4</CIN>
      <PL>U1</PL>
      <HOME_POST>{postcode}</HOME_POST>
      <DEC/>
    </EPISODE>
  </CHILD>
</EXPSSDA903>
"""


def read(path: Path) -> Batch:
    batch = Batch()
    ssda903_xml.read([path], batch)
    return batch


@pytest.fixture(scope="module")
def fake(peer_samples: Path) -> Batch:
    return read(peer_samples / "ssda903-validator-fake" / "fake_903.xml")


def test_the_validator_xml_is_read_whole(fake: Batch, peer_samples: Path) -> None:
    assert ssda903_xml.sniff(peer_samples / "ssda903-validator-fake" / "fake_903.xml")
    assert not ssda903_xml.sniff(peer_samples / "ssda903-validator-fake" / "episodes.csv")
    # element counts of the file: 253 CHILD, 459 EPISODE, 1206 AREVIEW, 6 AMISSING, 6 IN_TOUCH, 3 DATE_INT
    assert fake.counts() == {
        "adoptions": 3, "annual_outcomes": 253, "care_leaver_status": 6, "children": 253, "lac_episodes": 459,
        "lac_reviews": 1206, "missing_episodes": 6, "previous_permanence": 253,
    }
    assert fake.findings == [] and fake.quarantine == []
    [source] = fake.files
    assert (source.format, source.collection_year, source.records) == ("ssda903-xml", 2018, 253)


def test_values_land_in_their_canonical_columns(fake: Batch) -> None:
    children = fake.frames["children"]
    assert children["uasc"].sum() == 12 and children["uasc"].null_count() == 0
    child = children.filter(pl.col("child_id") == "996322").row(0, named=True)
    assert (child["sex"], child["dob"], child["ethnicity"], child["uasc_ceased"]) == \
        ("F", dt.date(2002, 10, 3), "MOTH", dt.date(2020, 9, 28))
    episode = fake.frames["lac_episodes"].filter(pl.col("child_id") == "907440").sort("start_date").row(0, named=True)
    assert (episode["start_date"], episode["placement"], episode["placement_postcode"], episode["reason_ceased"],
            episode["reason_place_change"]) == (dt.date(2017, 1, 6), "R5", "E7 5YR", "X1", "CUSTOD")
    adoption = fake.frames["adoptions"].filter(pl.col("child_id") == "187856").row(0, named=True)
    assert (adoption["decision_date"], adoption["sex_of_adopters"], adoption["placed_date"],
            adoption["placed_ceased_date"]) == (dt.date(2015, 5, 3), "MM", dt.date(2015, 5, 3), dt.date(2017, 5, 26))
    status = fake.frames["care_leaver_status"].filter(pl.col("child_id") == "381315").row(0, named=True)
    assert (status["status_date"], status["in_touch"], status["activity"]) == (dt.date(2018, 1, 21), "NO", "P2")


def test_rows_are_element_lines_and_unknown_elements_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "small.xml"
    path.write_text(SMALL.format(encoding="utf-8", child="K1", postcode="AB1 2CD"), encoding="utf-8")
    batch = read(path)
    line = {name: frame["source_row"].to_list() for name, frame in batch.frames.items()}
    assert line == {"children": [4], "care_leaver_status": [12], "lac_reviews": [15], "allocations": [21],
                    "lac_episodes": [29]}
    worker = batch.frames["allocations"].row(0, named=True)
    assert (worker["worker_id"], worker["start_date"]) == ("SW7", dt.date(2023, 4, 1))
    assert batch.frames["lac_episodes"]["placement"].to_list() == ["U1"]
    [unknown] = batch.findings
    assert (unknown.field, unknown.severity, unknown.rule) == ("FAVOURITE_FOOD", "warning", "ssda903-unknown-element")


def test_windows_1252_xml_is_read(tmp_path: Path) -> None:
    path = tmp_path / "w.xml"
    path.write_bytes(SMALL.format(encoding="utf-8", child="Zoë", postcode="SÉ1 1AA").encode("cp1252"))
    episode = read(path).frames["lac_episodes"].row(0, named=True)
    assert (episode["child_id"], episode["home_postcode"]) == ("Zoë", "SÉ1 1AA")


def test_a_truncated_file_is_refused_with_the_line_where_it_stops(peer_samples: Path, tmp_path: Path) -> None:
    text = SMALL.format(encoding="utf-8", child="K1", postcode="AB1 2CD")
    path = tmp_path / "cut.xml"
    path.write_text(text[: text.index("<RNE>")], encoding="utf-8")
    with pytest.raises(FormatError, match="cut short or malformed") as err:
        read(path)
    assert err.value.row == 31 and err.value.file == str(path)  # the last line: where the data stops
    # the real sample cut in half (one long line): still a clear refusal naming a line
    data = (peer_samples / "ssda903-validator-fake" / "fake_903.xml").read_bytes()
    half = tmp_path / "half.xml"
    half.write_bytes(data[: len(data) // 2])
    with pytest.raises(FormatError, match="nothing was read") as err:
        read(half)
    assert err.value.row == 2


def test_empty_and_foreign_xml_are_refused_clearly(tmp_path: Path) -> None:
    empty = tmp_path / "empty.xml"
    empty.write_bytes(b"")
    with pytest.raises(FormatError, match="the file is empty"):
        read(empty)
    other = tmp_path / "other.xml"
    other.write_text("<?xml version='1.0'?>\n<Message><Children/></Message>\n")
    with pytest.raises(FormatError, match=r"the root element is <Message>, expected <EXPSSDA903>"):
        read(other)
    assert not ssda903_xml.sniff(other)
