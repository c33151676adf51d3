"""The DfE rule packs, really installed and really run, on other projects' published fake returns.

The validator environment is cached in $CASEBOARD_HOME (default ~/.cache/caseboard), so only the first run on a
machine installs it (about 20 seconds from PyPI); later runs reuse it. The 903 sample is cut down to 41
children so the rules run in seconds.
"""

from __future__ import annotations

import csv
import time
from pathlib import Path

import pytest
from lxml import etree

from caseboard.formats.base import FormatError
from caseboard.validation import dfe_rules
from caseboard.validation.dfe_rules import DfeRuleResult, DfeRulesError


@pytest.fixture(scope="session")
def home() -> Path:
    home = dfe_rules.default_home()
    dfe_rules.ensure_environment(home)
    return home


@pytest.fixture(scope="session")
def small_903(peer_samples: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The validator project's fake 903 return, every table cut to 41 children (the first 30 in the header and a
    few with adoption, missing, care-leaver and UASC records), rows kept in their original order."""
    source, out = peer_samples / "ssda903-validator-fake", tmp_path_factory.mktemp("903")

    def rows(name: str) -> list[list[str]]:
        with open(source / name, newline="", encoding="utf-8-sig") as f:
            return list(csv.reader(f))

    keep = {r[0] for r in rows("header.csv")[1:31]}
    for name in ("ad1.csv", "missing.csv", "oc3.csv", "uasc.csv"):
        keep |= {r[0] for r in rows(name)[1:4]}
    for path in sorted(source.glob("*.csv")):
        table = rows(path.name)
        with open(out / path.name, "w", newline="") as f:
            csv.writer(f).writerows([table[0]] + [r for r in table[1:] if r and r[0] in keep])
    return out


@pytest.fixture(scope="session")
def result_903(small_903: Path, home: Path) -> DfeRuleResult:
    return dfe_rules.run_903(sorted(small_903.glob("*.csv")), 2024, home)


@pytest.fixture(scope="session")
def result_cin(peer_samples: Path, home: Path) -> DfeRuleResult:
    return dfe_rules.run_cin(peer_samples / "cin-census" / "CIN_Census_2024.xml", 2024, home)


Where = tuple[str, int | None, str | None, str | None]


def located(result: DfeRuleResult, rule: str, field: str) -> set[Where]:
    """(file name, row, value, child) of each finding of ``rule`` on ``field``."""
    return {(Path(f.file).name, f.row, f.value, f.child_id)
            for f in result.findings if f.rule == rule and f.field == field}


def test_903_rules_report_known_codes_at_the_row_a_person_sees(result_903: DfeRuleResult) -> None:
    assert result_903.source == "dfe-903" and result_903.ruleset == "lac2023_24"
    assert result_903.package == "csc-validator-be-903 0.1.17"
    # UPN check letter (168), an invalid reason for reversing an adoption decision (120), an invalid activity code
    # for a care leaver (132): each at the file, row and value where the fake data plants it.
    assert ("header.csv", 14, "O068405655286", "411080") in located(result_903, "168", "UPN")
    assert located(result_903, "120", "REASON_PLACED_CEASED") == {
        ("placed_for_adoption.csv", 2, "XXX", "988635"), ("placed_for_adoption.csv", 3, "XXX", "161125"),
        ("placed_for_adoption.csv", 4, "XXX", "590545"),
    }
    assert ("oc3.csv", 3, "P3", "864948") in located(result_903, "132", "ACTIV")
    assert {"392c", "634", "190", "1012", "SW12STG2"} <= result_903.codes()
    assert all(f.source == "dfe-903" and f.row is not None for f in result_903.findings)
    # EPI is the pack's one warning ("WARNING: Episodes need to be loaded ..."); the rest are errors.
    assert {f.severity for f in result_903.findings if f.rule == "EPI"} == {"warning"}
    assert {f.severity for f in result_903.findings if f.rule == "168"} == {"error"}
    assert result_903.failed == [] and result_903.rules_run > 250 and result_903.seconds > 0


def test_903_rows_and_values_are_those_in_the_file(result_903: DfeRuleResult) -> None:
    """Every located finding's row holds its child, and its value is the file's raw cell (not upper-cased)."""
    files: dict[str, list[list[str]]] = {}
    checked = 0
    for f in result_903.findings:
        if f.file not in files:
            with open(f.file, newline="", encoding="utf-8-sig") as handle:
                files[f.file] = list(csv.reader(handle))
        lines = files[f.file]
        header, record = lines[0], lines[f.row - 1]
        assert record[header.index("CHILD")] == f.child_id
        if f.field in header:
            assert (record[header.index(f.field)] or None) == f.value
            checked += 1
    assert checked > 1000


def test_903_rules_needing_the_council_code_are_skipped_without_it_and_run_with_it(
    result_903: DfeRuleResult, small_903: Path, home: Path
) -> None:
    skipped = {s.rule: s.reason for s in result_903.skipped}
    assert "local authority code" in skipped["1015"]
    assert "1015" not in result_903.codes()
    # Rules that need the previous year's return or Ofsted's provider lists are skipped by the package itself.
    assert "tables or lookups" in skipped["1008"]
    with_la = dfe_rules.run_903([small_903 / "header.csv", small_903 / "episodes.csv"], 2024, home,
                                local_authority="E10000020")
    assert "1015" not in {s.rule for s in with_la.skipped}
    assert "169" in with_la.codes()


def test_cin_rules_report_known_codes_at_the_element_line(result_cin: DfeRuleResult) -> None:
    assert result_cin.source == "dfe-cin" and result_cin.ruleset == "cin2023_24"
    # 1104: the initial conference (line 54, in the section 47) is before the referral (line 34, CINdetails).
    assert located(result_cin, "1104", "CINreferralDate") == {("CIN_Census_2024.xml", 34, "2022-10-06", "DfEX0000001")}
    assert located(result_cin, "1104", "DateOfInitialCPC") == {("CIN_Census_2024.xml", 54, "2022-06-17", "DfEX0000001")}
    assert located(result_cin, "100", "ReferenceDate") == {("CIN_Census_2024.xml", 2, "2024-03-31", None)}
    assert {"8565", "4016", "8608", "4180"} <= result_cin.codes()
    # Queries (codes ending Q) are warnings; 2887Q is about the whole return, so it has no row.
    upn = [f for f in result_cin.findings if f.rule == "1560Q"]
    assert [(f.severity, f.row, f.field, f.value) for f in upn] == [("warning", 19, "FormerUPN", "X98765432123B")]
    assert [(f.row, f.field) for f in result_cin.findings if f.rule == "2887Q"] == [(None, None)]
    assert result_cin.failed == [] and result_cin.rules_run == 105


def test_cin_rows_point_at_the_element_holding_the_value(result_cin: DfeRuleResult) -> None:
    tree = etree.parse(result_cin.findings[0].file)
    by_line: dict[int, list[etree._Element]] = {}
    for element in tree.iter():
        if isinstance(element.tag, str):
            by_line.setdefault(element.sourceline, []).append(element)
    checked = 0
    for f in result_cin.findings:
        if f.row is None or f.value is None or f.field == "AssessmentFactors":
            continue
        texts = {e.text for block in by_line[f.row] for e in block.iter(f.field)}
        assert f.value in texts, f
        checked += 1
    assert checked >= 25


def test_a_rule_that_crashes_inside_the_package_is_reported_not_hidden(
    peer_samples: Path, home: Path, tmp_path: Path
) -> None:
    text = (peer_samples / "cin-census" / "CIN_Census_2024.xml").read_text()
    start = text.index("<NumberOfPreviousCPP>") + len("<NumberOfPreviousCPP>")
    broken = tmp_path / "cin.xml"
    broken.write_text(text[:start] + "abc" + text[text.index("<", start):])
    result = dfe_rules.run_cin(broken, 2024, home)
    failed = {f.rule: f.reason for f in result.failed}
    assert "ValueError" in failed["8730"] and "'abc'" in failed["8730"]
    assert result.failed_rules["8730"] == failed["8730"]
    assert "1104" in result.codes()  # the other rules still ran


def test_unreadable_files_give_a_clear_error_not_a_traceback(small_903: Path, home: Path, tmp_path: Path) -> None:
    truncated = tmp_path / "truncated.xml"
    truncated.write_text("<Message><Header><CollectionDetails><Collection>CIN</Coll")
    with pytest.raises(FormatError, match="not well-formed XML") as caught:
        dfe_rules.run_cin(truncated, 2024, home)
    assert caught.value.file.endswith("truncated.xml") and "Traceback" not in str(caught.value)

    not_cin = tmp_path / "other.xml"
    not_cin.write_text("<EXPSSDA903><CHILD/></EXPSSDA903>")
    with pytest.raises(FormatError, match="not a CIN census file"):
        dfe_rules.run_cin(not_cin, 2024, home)

    wrong = tmp_path / "wrong.csv"
    wrong.write_text("CHILD,COLOUR\n1,blue\n")
    with pytest.raises(FormatError, match="not those of any SSDA903 table") as caught:
        dfe_rules.run_903([small_903 / "header.csv", wrong], 2024, home)
    assert caught.value.file.endswith("wrong.csv")

    copy = tmp_path / "header_again.csv"
    copy.write_bytes((small_903 / "header.csv").read_bytes())
    with pytest.raises(FormatError, match="holds the Header table, as .*header.csv does: give one file per table"):
        dfe_rules.run_903([small_903 / "header.csv", copy], 2024, home)

    with pytest.raises(FormatError, match="file not found"):
        dfe_rules.run_903([tmp_path / "absent.csv"], 2024, home)
    with pytest.raises(DfeRulesError, match="no rules for collection year 2019; it has rules for .*2023"):
        dfe_rules.run_903([small_903 / "header.csv"], 2019, home)


def test_ensure_environment_is_idempotent_and_fast_the_second_time(home: Path) -> None:
    env = dfe_rules.ensure_environment(home)
    marker = env / dfe_rules.MARKER
    before = marker.stat().st_mtime_ns
    start = time.perf_counter()
    assert dfe_rules.ensure_environment(home) == env
    assert time.perf_counter() - start < 0.5
    assert marker.stat().st_mtime_ns == before
    assert '"csc-validator-be-cin": "0.1.13"' in marker.read_text()
    assert '"pandas": "1.5.3"' in marker.read_text()


def test_a_failed_install_says_so_and_leaves_nothing_half_built(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(dfe_rules.PINS, "csc-validator-be-903", "0.0.0.404")
    with pytest.raises(DfeRulesError, match="Could not install the DfE rule packs") as caught:
        dfe_rules.ensure_environment(tmp_path)
    assert "0.0.0.404" in str(caught.value)
    assert not (tmp_path / dfe_rules.ENV_DIR).exists()


def test_time_cin_parse_times_the_package_loading_a_file(peer_samples: Path, home: Path) -> None:
    seconds = dfe_rules.time_cin_parse(peer_samples / "cin-census" / "fake_CIN_data.xml", home)  # 332 children
    assert 0 < seconds < 60
