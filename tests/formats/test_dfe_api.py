"""The DfE CSC API payload: the published example, payloads built here, broken ones, purges and round trips."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

import jsonschema
import polars as pl
import pytest

from caseboard.formats import dfe_api
from caseboard.formats.base import Batch, FormatError
from caseboard.formats.dfe_api import PurgeRequest
from caseboard.formats.dfe_api_spec import json_schema_from_openapi, schema
from caseboard.model.tables import table as table_decl

D = dt.date


@pytest.fixture(scope="module")
def openapi(reference_data: Path) -> dict:
    return json.loads((reference_data / "schemas" / "dfe-csc-api-openapi.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def example(openapi: dict) -> dict:
    return openapi["components"]["schemas"]["CSC"]["items"]["example"]


def canonical(frames: dict[str, pl.DataFrame]) -> dict[str, list[dict]]:
    """Canonical columns only (no provenance), rows in a fixed order."""
    out = {}
    for name, frame in frames.items():
        cols = table_decl(name).column_names
        out[name] = frame.select(cols).sort(cols, nulls_last=True).to_dicts()
    return out


def read(payload: object) -> tuple[Batch, list[PurgeRequest]]:
    batch = Batch()
    return batch, dfe_api.read_payload(payload, "push", batch)


def test_packaged_schema_is_the_published_request_body(openapi: dict) -> None:
    packaged = {k: v for k, v in schema().items() if k != "$comment"}
    assert json_schema_from_openapi(openapi) == packaged
    assert packaged["type"] == "array" and packaged["maxItems"] == 100


def test_published_example_maps_to_every_table(example: dict) -> None:
    batch, purges = read([example])
    assert batch.findings == [] and batch.quarantine == [] and purges == []
    rows = canonical(batch.frames)
    child = rows["children"][0]
    assert (child["child_id"], child["upn"], child["former_upn"], child["upn_unknown"]) == (
        "Child1234", "ABC0123456789", "DEF0123456789", "UN1")
    assert (child["sex"], child["ethnicity"], child["disabilities"], child["postcode"]) == ("M", "WBRI", "HAND,VIS", "AB12 3DE")
    assert (child["dob"], child["expected_dob"], child["uasc"], child["uasc_ceased"]) == (D(2022, 6, 14),) * 2 + (True, D(2022, 6, 14))
    assert rows["sdq_assessments"] == [{"child_id": "Child1234", "assessment_date": D(2022, 6, 14), "score": 20}]
    referral = rows["referrals"][0]
    assert (referral["source"], referral["nfa"], referral["closure_reason"]) == ("1C", False, "RC7")
    assert rows["allocations"][0]["worker_id"] == "ABC123"
    assert rows["assessments"][0]["factors"] == "1C,4A"
    assert rows["assessments"][0]["referral_date"] == D(2022, 6, 14)
    assert rows["s47_enquiries"][0]["icpc_not_required"] is False  # icpc_required_flag true
    lac = rows["lac_episodes"][0]
    assert (lac["rne"], lac["placement"], lac["placement_postcode"], lac["reason_ceased"], lac["reason_place_change"]) == (
        "S", "K1", "AB12 3DE", "E3", "CHILD")
    adoption = rows["adoptions"][0]
    assert (adoption["decision_date"], adoption["match_date"], adoption["placed_date"]) == (D(2022, 6, 14),) * 3
    leaver = rows["care_leaver_status"][0]
    assert (leaver["status_date"], leaver["latest_contact_date"], leaver["activity"], leaver["accommodation"]) == (
        D(2022, 6, 14), D(2022, 6, 14), "F2", "D")
    assert rows["visits"] == [{"child_id": "Child1234", "visit_date": D(2022, 6, 14), "kind": "care_leaver",
                               "seen": None, "seen_alone": None, "worker_id": None}]
    # Data minimisation: the child's name is not kept anywhere.
    held = json.dumps(rows, default=str)
    assert "John" not in held and "Doe" not in held


def test_files_hold_the_bare_array_or_a_children_wrapper(tmp_path: Path, example: dict) -> None:
    bare, wrapped = tmp_path / "bare.json", tmp_path / "wrapped.json"
    bare.write_text(json.dumps([example]), encoding="utf-8")
    wrapped.write_text("\ufeff" + json.dumps({"children": [example]}), encoding="utf-8")  # with a BOM
    assert dfe_api.sniff(bare) and dfe_api.sniff(wrapped)
    batches = []
    for path in (bare, wrapped):
        batch = Batch()
        dfe_api.read([path], batch)
        batches.append(batch)
        (info,) = batch.files
        assert (info.format, info.records, info.collection_year) == ("dfe-csc-api-json", 1, 2023)  # June 2022: 2022-23
    assert canonical(batches[0].frames) == canonical(batches[1].frames)
    assert batches[0].frames["children"]["source_row"].to_list() == [0]


@pytest.mark.parametrize(("content", "message"), [
    ("child_id,dob\nC1,01/01/2020\n", "not valid JSON"),
    ('{"records": []}', "expected a JSON array of child records"),
    ('{"children": {"la_child_id": "C1"}}', "expected a JSON array of child records"),
    ('"C1"', "expected a JSON array of child records"),
])
def test_not_a_payload_is_refused_whole(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "push.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(FormatError, match=message):
        dfe_api.read([path], Batch())


def test_sniff_wants_json_naming_la_child_id(tmp_path: Path) -> None:
    other = tmp_path / "other.json"
    other.write_text('{"settings": true}', encoding="utf-8")
    empty = tmp_path / "empty.json"
    empty.write_text("[ ]\n", encoding="utf-8")
    csv = tmp_path / "push.csv"
    csv.write_text('[{"la_child_id": "C1"}]', encoding="utf-8")
    assert (dfe_api.sniff(other), dfe_api.sniff(empty), dfe_api.sniff(csv)) == (False, True, False)


def test_structural_errors_name_record_and_path() -> None:
    payload = [
        {"la_child_id": "C1", "child_details": {"sex": "F", "date_of_birth": "2015-03-01"}},
        {"child_details": {"sex": "M"}},  # no la_child_id
        {"la_child_id": "C3", "child_details": {"sex": "F", "date_of_birth": "14/06/2015", "nickname": "Bo", "uasc_flag": "yes"}},
        {"la_child_id": "C4", "social_care_episodes": [
            {"social_care_episode_id": "E1", "referral_date": 20220614, "referral_source": "1C"}]},
    ]
    batch, _ = read(payload)
    found = {(f.row, f.field): f for f in batch.findings}
    assert found[(1, "/1/la_child_id")].rule == "schema"
    assert found[(1, "/1/la_child_id")].expected == "a value: the DfE CSC API schema requires la_child_id"
    dob = found[(2, "/2/child_details/date_of_birth")]
    assert (dob.value, dob.child_id, dob.severity) == ("14/06/2015", "C3", "error")
    assert "yyyy-mm-dd" in dob.expected
    assert "does not define it" in found[(2, "/2/child_details/nickname")].expected
    assert found[(2, "/2/child_details/uasc_flag")].expected.startswith("a JSON boolean")
    referral = found[(3, "/3/social_care_episodes/0/referral_date")]
    assert (referral.value, referral.expected) == ("20220614", "a JSON string (DfE CSC API schema)")
    # The record without an identifier is kept whole in quarantine; wrongly typed values are emptied, never guessed.
    assert [q["row"] for q in batch.quarantine if q["table"] is None] == [1]
    children = {r["child_id"]: r for r in canonical(batch.frames)["children"]}
    assert children["C1"]["dob"] == D(2015, 3, 1)
    assert (children["C3"]["sex"], children["C3"]["dob"], children["C3"]["uasc"]) == ("F", None, None)
    # The referral without a usable date cannot enter the model: quarantined, with a finding saying so.
    assert "referrals" not in batch.frames or batch.frames["referrals"].height == 0
    assert any(f.rule == "required" and f.table == "referrals" and f.row == 3 for f in batch.findings)


def test_length_and_pattern_breaches_are_reported_and_kept() -> None:
    batch, _ = read([{"la_child_id": "C1", "child_details": {"ethnicity": "WBRIX", "unique_pupil_number": "A12"}}])
    assert sorted((f.field, f.value) for f in batch.findings) == [
        ("/0/child_details/ethnicity", "WBRIX"), ("/0/child_details/unique_pupil_number", "A12")]
    child = canonical(batch.frames)["children"][0]
    assert (child["ethnicity"], child["upn"]) == ("WBRIX", "A12")


def test_purge_flags_become_requests_and_warnings() -> None:
    payload = [
        {"la_child_id": "C1", "purge": True, "child_details": {"sex": "F"}},
        {"la_child_id": "C2", "child_details": {"sex": "F", "purge": True},
         "health_and_wellbeing": {"purge": True, "sdq_assessments": [{"date": "2023-01-01", "score": 9}]},
         "social_care_episodes": [
             {"social_care_episode_id": "E1", "referral_date": "2023-02-01", "child_and_family_assessments": [
                 {"child_and_family_assessment_id": "A1", "start_date": "2023-02-02", "purge": True},
                 {"child_and_family_assessment_id": "A2", "start_date": "2023-03-01"},
                 {"child_and_family_assessment_id": "A3", "purge": True}]},
             {"social_care_episode_id": "E2", "referral_date": "2023-05-01", "purge": True,
              "child_looked_after_placements": [{"child_looked_after_placement_id": "L1", "start_date": "2023-05-03"}],
              "care_leavers": {"contact_date": "2023-06-01"}},
         ]},
    ]
    batch, purges = read(payload)
    episode_two = {"referral_date": D(2023, 5, 1)}
    assert purges == [
        PurgeRequest("C1", None, {}),
        PurgeRequest("C2", "children", {}),
        PurgeRequest("C2", "sdq_assessments", {}),
        PurgeRequest("C2", "assessments", {"start_date": D(2023, 2, 2)}),
        *[PurgeRequest("C2", t, episode_two) for t in ("referrals", "assessments", "cin_plans", "s47_enquiries", "cp_plans")],
        PurgeRequest("C2", "lac_episodes", {"start_date": D(2023, 5, 3)}),
        PurgeRequest("C2", "care_leaver_status", {"status_date": D(2023, 6, 1)}),
        PurgeRequest("C2", "visits", {"visit_date": D(2023, 6, 1), "kind": "care_leaver"}),
    ]
    rows = canonical(batch.frames)
    assert "children" not in rows  # C1 purged whole, C2's details purged
    assert [r["start_date"] for r in rows["assessments"]] == [D(2023, 3, 1)]
    assert [r["referral_date"] for r in rows["referrals"]] == [D(2023, 2, 1)]
    assert "sdq_assessments" not in rows and "lac_episodes" not in rows
    warnings = [f for f in batch.findings if f.rule == "purge" and f.severity == "warning"]
    assert [f.field for f in warnings] == ["/0/purge", "/1/child_details/purge", "/1/health_and_wellbeing/purge",
                                           "/1/social_care_episodes/0/child_and_family_assessments/0/purge",
                                           "/1/social_care_episodes/1/purge"]
    # A purge that names no date cannot be applied: an error, never a wider deletion.
    (unapplied,) = [f for f in batch.findings if f.rule == "purge" and f.severity == "error"]
    assert unapplied.field == "/1/social_care_episodes/0/child_and_family_assessments/2/purge"
    assert "start_date" in unapplied.expected


def _round_trip_payload() -> list[dict]:
    return [
        {"la_child_id": "C1", "child_details": {"sex": "F", "date_of_birth": "2010-05-06", "disabilities": ["NONE"],
                                                "uasc_flag": False},
         "health_and_wellbeing": {"sdq_assessments": [{"date": "2022-04-01", "score": 14}, {"date": "2023-04-03", "score": 11}]},
         "social_care_episodes": [
             {"social_care_episode_id": "x1", "referral_date": "2021-01-04", "referral_source": "5A",
              "referral_no_further_action_flag": False, "closure_date": "2021-09-30", "closure_reason": "RC1",
              "care_worker_details": [{"worker_id": "SW1", "start_date": "2021-01-04", "end_date": "2021-09-30"}],
              "child_and_family_assessments": [{"child_and_family_assessment_id": "a", "start_date": "2021-01-05",
                                                "authorisation_date": "2021-02-20", "factors": ["2A", "3B"]}],
              "section_47_assessments": [{"section_47_assessment_id": "s", "start_date": "2021-01-06",
                                          "icpc_required_flag": False}]},
             {"social_care_episode_id": "x2", "referral_date": "2022-03-01",
              "child_protection_plans": [{"child_protection_plan_id": "c", "start_date": "2022-03-20"}],
              "child_in_need_plans": [{"child_in_need_plan_id": "n", "start_date": "2022-03-10", "end_date": "2022-03-19"}],
              "child_looked_after_placements": [
                  {"child_looked_after_placement_id": "l1", "start_date": "2022-06-01", "start_reason": "S",
                   "placement_type": "U1", "end_date": "2022-09-01", "end_reason": "X1"},
                  {"child_looked_after_placement_id": "l2", "start_date": "2022-09-01", "start_reason": "P",
                   "placement_type": "U3", "change_reason": "CARPL", "postcode": "AB1 2CD"}],
              "adoption": {"initial_decision_date": "2022-10-01", "matched_date": "2023-01-10"},
              "care_leavers": {"contact_date": "2023-02-01", "activity": "F1", "accommodation": "B"}},
             # Elements outside any referral: a placement before the first referral, a second care-leaver contact.
             {"social_care_episode_id": "x3",
              "child_looked_after_placements": [{"child_looked_after_placement_id": "l0", "start_date": "2019-01-01"}],
              "care_leavers": {"contact_date": "2023-03-01", "activity": "G4"}},
         ]},
        {"la_child_id": "C2", "social_care_episodes": [
            {"social_care_episode_id": "y", "referral_date": "2023-01-09", "referral_no_further_action_flag": True}]},
    ]


def test_round_trip_through_the_writer(tmp_path: Path) -> None:
    first, _ = read(_round_trip_payload())
    assert first.findings == []
    (path,) = dfe_api.write(first.frames, tmp_path / "out.json")
    written = json.loads(path.read_text(encoding="utf-8"))
    jsonschema.validate(written, schema(), format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    again = Batch()
    dfe_api.read([path], again)
    assert again.findings == []
    assert canonical(again.frames) == canonical(first.frames)
    assert len(canonical(first.frames)["care_leaver_status"]) == 2 and len(canonical(first.frames)["lac_episodes"]) == 3


def test_writer_splits_at_the_api_limit(tmp_path: Path) -> None:
    frames = {"children": pl.DataFrame({"child_id": [f"K{n:03d}" for n in range(150)], "sex": ["U"] * 150})}
    paths = dfe_api.write(frames, tmp_path / "push.json")
    assert [p.name for p in paths] == ["push-001.json", "push-002.json"]
    sizes = []
    for path in paths:
        payload = json.loads(path.read_text(encoding="utf-8"))
        jsonschema.validate(payload, schema())
        sizes.append(len(payload))
    assert sizes == [100, 50]


def test_more_than_the_api_limit_in_one_file_is_read_with_a_warning() -> None:
    batch, _ = read([{"la_child_id": f"K{n}"} for n in range(101)])
    (warning,) = batch.findings
    assert (warning.severity, warning.value) == ("warning", "101")


def test_collection_year_ignores_future_dates() -> None:
    frames = {"visits": pl.DataFrame({"visit_date": [D(2024, 3, 31), D(2099, 1, 1)]})}
    assert dfe_api.collection_year(frames, today=D(2024, 6, 1)) == 2024
    frames = {"visits": pl.DataFrame({"visit_date": [D(2024, 4, 1)]})}
    assert dfe_api.collection_year(frames, today=D(2024, 6, 1)) == 2025
    assert dfe_api.collection_year({}, today=D(2024, 6, 1)) is None


def test_the_example_unchanged_by_reading(example: dict) -> None:
    before = copy.deepcopy(example)
    read([dict(example, la_child_id=123)])
    assert example == before


def test_fast_schema_check_agrees_with_the_detailed_one() -> None:
    from caseboard.formats.dfe_api_spec import record_is_valid, record_validator

    good = {"la_child_id": "C1", "child_details": {"date_of_birth": "2015-03-27", "sex": "M"}}
    bad_date = {"la_child_id": "C1", "child_details": {"date_of_birth": "27/03/2015"}}
    bad_type = {"la_child_id": 12, "child_details": {}}
    for record in (good, bad_date, bad_type):
        detailed_ok = not list(record_validator().iter_errors(record))
        assert record_is_valid()(record) == detailed_ok, record
    assert record_is_valid()(good) and not record_is_valid()(bad_date)


def test_care_leaver_accommodation_is_sent_as_its_letter() -> None:
    from caseboard.formats.dfe_api_spec import record_is_valid, to_api

    assert to_api("accommodation", "D1") == "D"
    record = {"la_child_id": "C1", "social_care_episodes": [
        {"social_care_episode_id": "E1", "referral_date": "2020-01-01",
         "care_leavers": {"contact_date": "2025-01-01", "accommodation": to_api("accommodation", "U2")}}]}
    assert record_is_valid()(record)
