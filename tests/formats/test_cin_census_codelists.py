"""The CIN code lists: what the XSDs say, year by year, and never stale against them."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from caseboard.model.codelists import codes, list_names
from caseboard.model.tables import TABLES

REPO = Path(__file__).resolve().parents[2]
COMMITTED = REPO / "src" / "caseboard" / "model" / "codelists" / "cin"


def load_tool():
    spec = importlib.util.spec_from_file_location("convert_cin_codelists", REPO / "tools" / "convert_cin_codelists.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_files_are_what_the_tool_makes_from_the_xsds(reference_data: Path, tmp_path: Path) -> None:
    written = load_tool().main(reference_data / "schemas" / "cin-census", tmp_path)
    assert [p.name for p in written] == ["2017.yml", "2021.yml", "2022.yml", "2023.yml", "2025.yml", "2026.yml"]
    assert sorted(p.name for p in COMMITTED.glob("*.yml")) == [p.name for p in written]
    for p in written:
        assert (COMMITTED / p.name).read_text(encoding="utf-8") == p.read_text(encoding="utf-8"), p.name


def test_list_names_are_the_models_codelist_names() -> None:
    cin_fed = {"referral_source", "primary_need", "closure_reason", "abuse_category", "sex", "ethnicity", "upn_unknown"}
    declared = {c.codelist for t in TABLES for c in t.columns if c.codelist}
    assert cin_fed <= declared
    assert set(list_names("cin", 2024)) == cin_fed | {"disability", "assessment_factors"}


@pytest.mark.parametrize(
    ("name", "code", "first_year"),
    [
        ("assessment_factors", "18B", 2021),  # physical abuse split child-on-child / adult-on-child
        ("assessment_factors", "24A", 2022),  # child criminal exploitation
        ("referral_source", "5D", 2023),  # early help
        ("closure_reason", "RC9", 2023),  # closed after assessment, referred to early help
    ],
)
def test_codes_arrive_in_the_year_their_xsd_adds_them(name: str, code: str, first_year: int) -> None:
    assert code not in codes("cin", name, first_year - 1)  # type: ignore[operator]
    assert code in codes("cin", name, first_year)  # type: ignore[operator]
    assert code in codes("cin", name, 2026)  # type: ignore[operator]


def test_sex_is_held_as_m_f_u_in_every_year() -> None:
    assert codes("cin", "sex", 2024) == {
        "M": "Male (GenderCurrent 1)",
        "F": "Female (GenderCurrent 2)",
        "U": "Not recorded or unborn (GenderCurrent 0); Indeterminate (GenderCurrent 9)",
    }
    assert codes("cin", "sex", 2025) == {"M": "male", "F": "female", "U": "unknown"}


def test_sizes_and_a_relabelled_code() -> None:
    assert len(codes("cin", "ethnicity", 2017)) == 20  # type: ignore[arg-type]
    assert len(codes("cin", "disability", 2017)) == 13  # type: ignore[arg-type]
    assert sorted(codes("cin", "abuse_category", 2017)) == ["EMO", "MUL", "NEG", "PHY", "SAB"]  # type: ignore[arg-type]
    assert codes("cin", "primary_need", 2025)["N1"] == "Abuse or neglect"  # type: ignore[index]
    assert codes("cin", "primary_need", 2026)["N1"] == "Abuse, neglect and exploitation"  # type: ignore[index]
