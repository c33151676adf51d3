"""Writing the CIN census: schema-valid for the year, and read(write(x)) == x.

Also home of :func:`synthetic_frames`, the generator of a census with every module that
bench/bench_cin_parse.py uses for its 10,000-child file (kept here so that the bench and the tests share it).
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import polars as pl
import pytest
from lxml import etree

from caseboard.formats import cin_census
from caseboard.formats.base import Batch, canonicalise
from caseboard.model.codelists import codes
from caseboard.model.schema import PROVENANCE_COLUMNS
from caseboard.model.tables import table

PROVENANCE = {name for name, _ in PROVENANCE_COLUMNS}


def synthetic_frames(n_children: int, *, year: int = 2026, seed: int = 1) -> dict[str, pl.DataFrame]:
    """Canonical frames for ``n_children`` children, each with every module the ``year`` collects.

    Codes come from the year's code lists, so a file written from these frames must validate against the XSD:
    that also checks the code lists against the schema they were generated from.
    """
    rng = random.Random(seed)
    lists = {name: sorted(codes("cin", name, year) or {}) for name in
             ("referral_source", "primary_need", "closure_reason", "abuse_category", "ethnicity", "disability",
              "assessment_factors", "upn_unknown", "sex")}
    raw: dict[str, list[dict]] = {t: [] for t in cin_census.TABLES}
    start = dt.date(year - 1, 4, 1)
    for i in range(n_children):
        child = f"CHILD{i:06d}"
        dob = start - dt.timedelta(days=rng.randrange(30, 17 * 365))
        raw["children"].append({
            "child_id": child, "upn": f"A{rng.randrange(10**10, 10**11)}{rng.randrange(10)}",
            "upn_unknown": None if i % 7 else rng.choice(lists["upn_unknown"]),
            "sex": rng.choice(lists["sex"]), "dob": dob, "ethnicity": rng.choice(lists["ethnicity"]),
            "disabilities": ",".join(rng.sample(lists["disability"], rng.randrange(1, 3))),
        })
        ref = start + dt.timedelta(days=rng.randrange(0, 60))
        for k in range(1 + i % 2):
            ref += dt.timedelta(days=(200 + rng.randrange(0, 30)) * k)  # a second episode after the first's modules
            closed = i % 3 == 0
            raw["referrals"].append({
                "child_id": child, "referral_date": ref, "source": rng.choice(lists["referral_source"]),
                "primary_need": rng.choice(lists["primary_need"]), "nfa": False,
                "closure_date": ref + dt.timedelta(days=170) if closed else None,
                "closure_reason": rng.choice(lists["closure_reason"]) if closed else None,
            })
            day = lambda n: ref + dt.timedelta(days=n)  # noqa: E731 - dates within the episode
            raw["assessments"].append({"child_id": child, "referral_date": ref, "start_date": day(1),
                                       "authorised_date": day(30),
                                       "factors": ",".join(rng.sample(lists["assessment_factors"], 2))})
            raw["s47_enquiries"].append({"child_id": child, "referral_date": ref, "start_date": day(2),
                                         "icpc_target": day(17), "icpc_date": day(15), "icpc_not_required": False})
            raw["cp_plans"].append({"child_id": child, "referral_date": ref, "start_date": day(15),
                                    "end_date": day(160) if closed else None,
                                    "initial_category": rng.choice(lists["abuse_category"]),
                                    "latest_category": rng.choice(lists["abuse_category"]),
                                    "previous_plans": rng.randrange(0, 3)})
            raw["cp_reviews"].extend({"child_id": child, "plan_start_date": day(15), "review_date": day(15 + d)}
                                     for d in (90, 150))
            if year >= 2022:
                raw["cin_plans"].append({"child_id": child, "referral_date": ref, "start_date": day(31),
                                         "end_date": day(40)})
            if year >= 2026:
                raw["pre_proceedings"].append({
                    "child_id": child, "start_date": day(50), "letter_before_proceedings_date": day(52),
                    "fgdm_offered": True, "fgdm_facilitated": i % 2 == 0, "initial_meeting_date": day(60),
                    "review_meetings": 2, "step_decision_date": day(100), "outcome": "A",
                    "court_application_date": day(110),
                })
    batch = Batch()
    frames = {}
    for name, rows in raw.items():
        decl = table(name)
        schema = {c.name: {"str": pl.Utf8, "date": pl.Date, "bool": pl.Boolean, "int": pl.Int64}[c.type]
                  for c in decl.columns if c.type in ("str", "date", "bool", "int")}
        frame = pl.DataFrame(rows, schema={c: schema[c] for c in schema if not rows or c in rows[0]})
        frames[name] = canonicalise(name, frame, file="synthetic", batch=batch)
    assert not batch.findings and not batch.quarantine
    return frames


def canonical(frame: pl.DataFrame) -> pl.DataFrame:
    """The canonical columns only, in a fixed row order, for comparing two frames."""
    cols = [c for c in frame.columns if c not in PROVENANCE]
    return frame.select(cols).sort(cols, nulls_last=True)


def read_back(path: Path) -> Batch:
    batch = Batch()
    cin_census.read([path], batch)
    return batch


def assert_same(before: dict[str, pl.DataFrame], after: dict[str, pl.DataFrame]) -> None:
    for name in cin_census.TABLES:
        assert canonical(after[name]).equals(canonical(before[name])), name


def schema_errors(path: Path, year: int, reference_data: Path) -> list[str]:
    xsd = etree.XMLSchema(etree.parse(str(reference_data / "schemas" / "cin-census" / f"CIN_schema_{year}.xsd")))
    xsd.validate(etree.parse(str(path)))
    return [e.message for e in xsd.error_log]


@pytest.mark.parametrize("year", [2021, 2024])
def test_written_file_is_valid_for_its_years_xsd(year: int, tmp_path: Path, reference_data: Path) -> None:
    frames = synthetic_frames(40, year=year)
    [path] = cin_census.write(frames, tmp_path / "cin.xml", year=year, la_code="201")
    assert schema_errors(path, year, reference_data) == []
    text = path.read_text(encoding="utf-8")
    assert "<GenderCurrent>" in text and "<Sex>" not in text  # GenderCurrent to 2024 (CIN XSD 2017-2024)
    assert ("<CINPlanDates>" in text) == (year >= 2022)
    assert "<LEA>201</LEA>" in text and f"<ReferenceDate>{year}-03-31</ReferenceDate>" in text


def test_2026_file_is_valid_except_the_pre_proceedings_the_shared_xsd_predates(tmp_path: Path,
                                                                               reference_data: Path) -> None:
    frames = synthetic_frames(40, year=2026)
    [path] = cin_census.write(frames, tmp_path / "cin.xml", year=2026)
    errors = schema_errors(path, 2026, reference_data)
    # The only complaints: the 2025-26 PreProceedingsandFGDM module, absent from the shared 2026 XSD (one per
    # CINdetails, where the validator stops reading that episode).
    assert len(errors) == frames["pre_proceedings"].height == frames["referrals"].height
    assert set(errors) == {
        "Element 'PreProceedingsandFGDM': This element is not expected. Expected is ( ChildProtectionPlans )."
    }
    assert "<Sex>" in path.read_text(encoding="utf-8")
    without = dict(frames, pre_proceedings=frames["pre_proceedings"].clear())
    [path] = cin_census.write(without, tmp_path / "cin_without.xml", year=2026)
    assert schema_errors(path, 2026, reference_data) == []


@pytest.mark.parametrize("year", [2021, 2024, 2026])
def test_round_trip_of_synthetic_frames(year: int, tmp_path: Path) -> None:
    frames = synthetic_frames(60, year=year, seed=year)
    [path] = cin_census.write(frames, tmp_path, year=year)
    assert path.name == f"CIN_census_{year}.xml"
    batch = read_back(path)
    assert batch.findings == [] and batch.quarantine == []
    assert_same(frames, batch.frames)
    assert batch.files[0].collection_year == year and batch.files[0].records == 60


@pytest.mark.parametrize(("sample", "year"), [("fake_CIN_data.xml", 2022), ("CIN_Census_2026.xml", 2026)])
def test_round_trip_of_peer_samples(sample: str, year: int, peer_samples: Path, tmp_path: Path) -> None:
    original = read_back(peer_samples / "cin-census" / sample)
    [path] = cin_census.write(original.frames, tmp_path / "out.xml", year=year)
    assert_same(original.frames, read_back(path).frames)


def test_gender_current_is_written_from_the_models_sex(tmp_path: Path) -> None:
    frames = synthetic_frames(3, year=2024)
    frames["children"] = frames["children"].with_columns(sex=pl.Series(["M", "F", "U"]))
    [path] = cin_census.write(frames, tmp_path / "cin.xml", year=2024)
    values = etree.parse(str(path)).xpath("//GenderCurrent/text()")
    assert values == ["1", "2", "0"]  # CIN XSD gendertype: 1 male, 2 female, 0 not recorded


def test_modules_the_year_does_not_collect_are_refused_not_dropped(tmp_path: Path) -> None:
    frames = synthetic_frames(3, year=2026)
    with pytest.raises(ValueError, match="CINPlanDates> only from 2022"):
        cin_census.write(frames, tmp_path / "cin.xml", year=2021)
    with pytest.raises(ValueError, match="PreProceedingsandFGDM> only from 2026"):
        cin_census.write(frames, tmp_path / "cin.xml", year=2025)
    assert list(tmp_path.iterdir()) == []


def test_a_record_that_fits_no_episode_is_refused_and_no_file_is_left(tmp_path: Path) -> None:
    frames = synthetic_frames(3, year=2024)
    frames["assessments"] = frames["assessments"].with_columns(referral_date=pl.lit(dt.date(2001, 1, 1)))
    assert frames["assessments"].height == 4  # one or two episodes a child
    with pytest.raises(ValueError, match=r"assessments: 4 records could not be placed"):
        cin_census.write(frames, tmp_path / "cin.xml", year=2024)
    assert list(tmp_path.iterdir()) == []


def test_children_without_a_referral_are_not_in_the_census(tmp_path: Path) -> None:
    frames = synthetic_frames(4, year=2024)
    frames["referrals"] = frames["referrals"].filter(pl.col("child_id") != "CHILD000000")
    for name in ("assessments", "s47_enquiries", "cp_plans", "cin_plans"):
        frames[name] = frames[name].filter(pl.col("child_id") != "CHILD000000")
    frames["cp_reviews"] = frames["cp_reviews"].filter(pl.col("child_id") != "CHILD000000")
    [path] = cin_census.write(frames, tmp_path / "cin.xml", year=2024)
    assert etree.parse(str(path)).xpath("//LAchildID/text()") == ["CHILD000001", "CHILD000002", "CHILD000003"]


def test_la_code_must_be_three_digits(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="three-digit"):
        cin_census.write(synthetic_frames(1, year=2024), tmp_path / "cin.xml", year=2024, la_code="E10000020")
