"""SSDA903 code lists per collection year: the facts of the DfE specification, as generated from their source."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from caseboard.model import codelists
from caseboard.model.tables import TABLES

REPO = Path(__file__).resolve().parents[2]
CODELISTS = REPO / "src" / "caseboard" / "model" / "codelists" / "ssda903"
#: Model code lists the 903 feeds (model/tables.py ``codelist=`` of the 903 columns).
FED_BY_903 = {"rne", "ls", "cin", "place", "place_provider", "rec", "reason_place_change", "review_code", "sdq_reason",
              "in_touch", "activ", "accom", "missing_kind", "sex", "ethnicity", "prev_perm"}


def test_every_list_the_903_feeds_exists_under_the_model_name() -> None:
    declared = {c.codelist for t in TABLES for c in t.columns if c.codelist}
    assert FED_BY_903 <= declared
    assert FED_BY_903 <= set(codelists.list_names("ssda903", 2017))


def test_placement_codes_change_in_2025_and_2026() -> None:
    place_2024, place_2025 = codelists.codes("ssda903", "place", 2024), codelists.codes("ssda903", "place", 2025)
    assert place_2024 is not None and place_2025 is not None
    assert {"H5", "P2"} <= set(place_2024) and "K3" not in place_2024
    assert set(place_2025) - set(place_2024) == {"K3"} and set(place_2024) - set(place_2025) == {"H5", "P2"}
    assert set(codelists.codes("ssda903", "place", 2026) or {}) - set(place_2025) == {"Z11", "Z12", "Z13", "Z14"}
    assert len(place_2025) == 26


def test_year_changes_apply_from_their_year() -> None:
    assert "E45" not in (codelists.codes("ssda903", "rec", 2018) or {})
    assert {"E45", "E46", "E47", "E48"} <= set(codelists.codes("ssda903", "rec", 2019) or {})
    assert "E43" not in (codelists.codes("ssda903", "rec", 2019) or {})
    assert "CUSTOD" in (codelists.codes("ssda903", "reason_place_change", 2019) or {})
    assert {"F3", "P3"} <= set(codelists.codes("ssda903", "activ", 2021) or {})
    assert not {"F3", "P3"} & set(codelists.codes("ssda903", "activ", 2022) or {})
    assert codelists.codes("ssda903", "sw_reason", 2023) is None  # social worker episodes begin in 2023-24
    assert "MANAGE" in (codelists.codes("ssda903", "sw_reason", 2024) or {})


def test_sex_holds_the_model_codes_and_gains_unknown_in_2025() -> None:
    assert codelists.codes("ssda903", "sex", 2024) == {"M": "Male", "F": "Female"}
    assert codelists.codes("ssda903", "sex", 2025) == {"M": "Male", "F": "Female", "U": "Unknown"}


def test_codes_that_look_like_yaml_words_stay_text() -> None:
    assert set(codelists.codes("ssda903", "in_touch", 2024) or {}) == {"YES", "NO", "DIED", "REFU", "NREQ", "RHOM"}
    assert "0" in (codelists.codes("ssda903", "accom", 2024) or {})
    assert (codelists.codes("ssda903", "rne", 2024) or {})["S"] == "Started to be looked after"


def test_each_file_cites_its_source() -> None:
    import yaml

    files = sorted(CODELISTS.glob("*.yml"))
    assert [f.stem for f in files] == ["2017", "2019", "2022", "2024", "2025", "2026"]
    for f in files:
        doc = yaml.safe_load(f.read_text(encoding="utf-8"))
        assert "liia-tools-pipeline" in doc["source"] and "31 March" in doc["source"]
        assert ("lists" in doc) == (f.stem == "2017") and ("changes" in doc) == (f.stem != "2017")


def test_the_files_are_what_the_tool_generates(reference_data: Path, tmp_path: Path) -> None:
    """Regenerating from the source changes nothing: the lists have not been edited by hand or gone stale."""
    spec = importlib.util.spec_from_file_location("convert_903_codelists", REPO / "tools" / "convert_903_codelists.py")
    assert spec is not None and spec.loader is not None
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    written = tool.convert(reference_data / "schemas" / "ssda903", tmp_path)
    for path in written:
        assert path.read_text(encoding="utf-8") == (CODELISTS / path.name).read_text(encoding="utf-8"), path.name


@pytest.mark.parametrize("year", [2017, 2020, 2024, 2027])
def test_every_year_resolves(year: int) -> None:
    assert all(codelists.codes("ssda903", name, year) for name in FED_BY_903)
