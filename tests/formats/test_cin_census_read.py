"""Reading the CIN census XML: the peer samples, counted independently, and every way a file can be unreadable."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from lxml import etree

from caseboard.formats import cin_census
from caseboard.formats.base import Batch, FormatError
from caseboard.formats.cin_census_read import read_header

#: Canonical table -> the element each of its records is, counted with plain XPath as an independent check.
RECORD_ELEMENTS = {
    "children": "Child", "referrals": "CINdetails", "assessments": "Assessments", "cin_plans": "CINPlanDates",
    "s47_enquiries": "Section47", "cp_plans": "ChildProtectionPlans", "cp_reviews": "CPPreviewDate",
    "pre_proceedings": "PreProceedingsandFGDM",
}

#: (children, referrals, assessments, cin plans, s47, cp plans, cp reviews, pre-proceedings), and the year.
EXPECTED = {
    "CIN_Census_2021.xml": ((1, 1, 1, 1, 1, 1, 1, 0), 2023),
    "CIN_Census_2024.xml": ((2, 2, 2, 1, 1, 1, 1, 0), 2024),
    "CIN_Census_2026.xml": ((2, 2, 2, 1, 1, 1, 1, 1), 2024),
    "fake_CIN_data.xml": ((332, 402, 0, 0, 0, 0, 0, 0), 2022),
}


def read(*paths: Path) -> Batch:
    batch = Batch()
    cin_census.read(list(paths), batch)
    return batch


@pytest.fixture(scope="module")
def samples(peer_samples: Path) -> Path:
    return peer_samples / "cin-census"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_sample_reads_with_counts_matching_an_independent_xpath_count(name: str, samples: Path) -> None:
    path = samples / name
    counts, year = EXPECTED[name]
    batch = read(path)
    doc = etree.parse(str(path))
    xpath_counts = tuple(int(doc.xpath(f"count(//{el})")) for el in RECORD_ELEMENTS.values())
    assert xpath_counts == counts
    assert tuple(batch.frames[t].height for t in RECORD_ELEMENTS) == counts
    assert batch.quarantine == [] and batch.fatal == []
    [source] = batch.files
    assert (source.format, source.collection_year, source.records) == ("cin-census-xml", year, counts[0])


def test_collection_year_is_the_year_of_the_reference_date(samples: Path) -> None:
    # The samples' <Year> disagrees with their ReferenceDate (2023 beside 2024-03-31): the reference date wins,
    # because it is the 31 March that ends the collection year.
    header = read_header(samples / "CIN_Census_2024.xml")
    assert header is not None
    assert (header.collection, header.year, header.reference_date, header.lea) == ("CIN", "2023", dt.date(2024, 3, 31), "201")
    assert header.collection_year == 2024


def test_values_land_in_their_canonical_columns(samples: Path) -> None:
    frames = read(samples / "CIN_Census_2021.xml").frames
    child = frames["children"].row(0, named=True)
    assert {k: child[k] for k in ("child_id", "upn", "former_upn", "upn_unknown", "sex", "dob", "expected_dob",
                                  "death_date", "ethnicity", "disabilities", "source_row")} == {
        "child_id": "DfEX0000001", "upn": "A123456789123", "former_upn": "X98765432123B", "upn_unknown": "UN3",
        "sex": "M", "dob": dt.date(1965, 3, 27), "expected_dob": dt.date(1066, 4, 13),
        "death_date": dt.date(1980, 10, 8), "ethnicity": "WBRI", "disabilities": "HAND,HEAR", "source_row": 18,
    }
    referral = frames["referrals"].row(0, named=True)
    assert (referral["referral_date"], referral["source"], referral["primary_need"], referral["nfa"],
            referral["closure_date"], referral["closure_reason"], referral["icpc_date"], referral["source_row"]) == (
        dt.date(1970, 10, 6), "1A", "N4", False, dt.date(1971, 2, 27), "RC1", dt.date(1970, 12, 6), 36)
    assessment = frames["assessments"].row(0, named=True)
    assert (assessment["start_date"], assessment["authorised_date"], assessment["factors"],
            assessment["referral_date"]) == (dt.date(1970, 6, 3), dt.date(1971, 7, 18), "2A,2B", dt.date(1970, 10, 6))
    s47 = frames["s47_enquiries"].row(0, named=True)
    assert (s47["start_date"], s47["icpc_target"], s47["icpc_date"], s47["icpc_not_required"]) == (
        dt.date(1970, 6, 2), dt.date(1970, 6, 23), dt.date(1970, 6, 17), False)
    plan = frames["cp_plans"].row(0, named=True)
    assert (plan["start_date"], plan["end_date"], plan["initial_category"], plan["previous_plans"],
            plan["referral_date"]) == (dt.date(1970, 2, 17), dt.date(1971, 3, 14), "PHY", 10, dt.date(1970, 10, 6))
    review = frames["cp_reviews"].row(0, named=True)
    assert (review["plan_start_date"], review["review_date"]) == (dt.date(1970, 2, 17), dt.date(1971, 2, 15))


def test_gender_current_becomes_the_models_sex(samples: Path) -> None:
    path = samples / "fake_CIN_data.xml"
    doc = etree.parse(str(path))
    sex = read(path).frames["children"]["sex"]
    expected = {"M": "1", "F": "2", "U": "0"}
    for model, code in expected.items():
        count = int(doc.xpath(f"count(//GenderCurrent[text()='{code}'])"))
        if model == "U":
            count += int(doc.xpath("count(//GenderCurrent[text()='9'])"))  # indeterminate is U too
        assert (sex == model).sum() == count
    assert sex.null_count() == 0


def test_2026_sample_with_stray_text_and_pre_proceedings(samples: Path) -> None:
    batch = read(samples / "CIN_Census_2026.xml")
    children = batch.frames["children"]
    # "PersonBirthDate" stray text after <UPNunknown> is ignored; the element after it is read.
    assert children["dob"].to_list() == [dt.date(2015, 3, 27), dt.date(2023, 9, 25)]
    # Sex (2025+) passes through as given: "1" is not an M/F/U code and stays for validation to report.
    assert children["sex"].to_list() == ["1", "M"]
    pp = batch.frames["pre_proceedings"].row(0, named=True)
    assert (pp["start_date"], pp["fgdm_offered"], pp["review_meetings"], pp["outcome"], pp["source_row"]) == (
        dt.date(2026, 9, 9), True, 3, "A", 71)
    # LetterInitCPDate is in the census but not in the model: said once, not silently dropped.
    [note] = [f for f in batch.findings if f.field == "LetterInitCPDate"]
    assert (note.severity, note.row, note.value) == ("warning", 81, "2027-02-05")


def test_unknown_elements_are_listed_once_as_warnings(samples: Path, tmp_path: Path) -> None:
    text = (samples / "CIN_Census_2024.xml").read_text(encoding="utf-8")
    text = text.replace("<Ethnicity>", "<FavouriteColour>blue</FavouriteColour><Ethnicity>")
    path = tmp_path / "extra.xml"
    path.write_text(text, encoding="utf-8")
    batch = read(path)
    [note] = batch.findings
    assert (note.severity, note.field, note.row) == ("warning", "FavouriteColour", 28)
    assert "inside <ChildCharacteristics>" in note.expected and "(2 times)" in note.expected
    assert batch.frames["children"].height == 2


def test_a_default_namespace_is_tolerated(samples: Path, tmp_path: Path) -> None:
    text = (samples / "CIN_Census_2024.xml").read_text(encoding="utf-8")
    path = tmp_path / "ns.xml"
    path.write_text(text.replace("<Message>", '<Message xmlns="http://www.example.org/cin">', 1), encoding="utf-8")
    batch = read(path)
    assert batch.counts() == read(samples / "CIN_Census_2024.xml").counts()
    assert batch.files[0].collection_year == 2024 and cin_census.sniff(path)


@pytest.mark.parametrize(("encoding", "prefix"), [("utf-8", b"\xef\xbb\xbf"), ("cp1252", b"")])
def test_bom_and_cp1252_files(encoding: str, prefix: bytes, samples: Path, tmp_path: Path) -> None:
    text = (samples / "CIN_Census_2024.xml").read_text(encoding="utf-8").replace("DfEX0000001", "Zoë-0001")
    path = tmp_path / "enc.xml"
    path.write_bytes(prefix + text.encode(encoding))
    assert read(path).frames["children"]["child_id"].to_list() == ["Zoë-0001", "child_fails_assessments"]


def test_a_truncated_file_is_refused_naming_the_line(samples: Path, tmp_path: Path) -> None:
    data = (samples / "CIN_Census_2024.xml").read_bytes()[:1500]
    path = tmp_path / "cut.xml"
    path.write_bytes(data)
    with pytest.raises(FormatError) as caught:
        read(path)
    last_line = data.count(b"\n") + 1
    assert caught.value.row == last_line == 40
    assert "cut short" in caught.value.message and "line 40" in caught.value.message


@pytest.mark.parametrize("content", [b"", b"  \n\n"])
def test_an_empty_file_is_refused(content: bytes, tmp_path: Path) -> None:
    path = tmp_path / "empty.xml"
    path.write_bytes(content)
    with pytest.raises(FormatError, match="the file is empty"):
        read(path)
    assert not cin_census.sniff(path)


def test_an_ssda903_xml_file_is_refused(peer_samples: Path) -> None:
    path = peer_samples / "ssda903-validator-fake" / "fake_903.xml"
    assert not cin_census.sniff(path)
    with pytest.raises(FormatError, match=r"not a CIN census file: its outer element is <EXPSSDA903>"):
        read(path)


def test_another_collection_in_a_message_is_refused(samples: Path, tmp_path: Path) -> None:
    path = tmp_path / "other.xml"
    text = (samples / "CIN_Census_2024.xml").read_text(encoding="utf-8")
    path.write_text(text.replace("<Collection>CIN</Collection>", "<Collection>SSDA903</Collection>"), "utf-8")
    assert not cin_census.sniff(path)
    with pytest.raises(FormatError, match=r"'SSDA903' return, not the CIN census") as caught:
        read(path)
    assert caught.value.row == 4 and caught.value.field == "Collection"


def test_a_message_without_children_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "none.xml"
    path.write_text("<Message><Header><CollectionDetails><Collection>CIN</Collection></CollectionDetails>"
                    "</Header><Children/></Message>", encoding="utf-8")
    with pytest.raises(FormatError, match="no <Child> records"):
        read(path)


def test_sniff_recognises_only_cin_census_xml(samples: Path, peer_samples: Path) -> None:
    assert all(cin_census.sniff(samples / name) for name in EXPECTED)
    assert not cin_census.sniff(peer_samples / "ssda903-validator-fake" / "episodes.csv")


def test_a_repeated_single_element_keeps_the_first_and_says_so(samples: Path, tmp_path: Path) -> None:
    text = (samples / "CIN_Census_2024.xml").read_text(encoding="utf-8")
    path = tmp_path / "twice.xml"
    path.write_text(text.replace("<Ethnicity>WBRI</Ethnicity>", "<Ethnicity>WBRI</Ethnicity><Ethnicity>WIRI</Ethnicity>", 1),
                    encoding="utf-8")
    batch = read(path)
    [finding] = batch.findings
    assert (finding.field, finding.value, finding.severity, finding.table) == ("Ethnicity", "WIRI", "error", "children")
    assert batch.frames["children"]["ethnicity"].to_list() == ["WBRI", "WBRI"]
