"""The real ingest path, through the command line, on every peer sample and on malformed input.

Every file in ../shared/reference-data/peer-samples must load or be reported clearly, record by record; bad
input must produce a clear message and a non-zero exit, never a traceback, and never change the data in service.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from caseboard.cli import app
from caseboard.store import open_store

runner = CliRunner()

SAMPLE_SETS = {
    "ssda903-validator-fake": ["ssda903-validator-fake"],
    "ssda903-multiyear": ["ssda903-multiyear"],
    "cin-census": ["cin-census"],
    "annex-a": ["annex-a"],
}


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    assert "Traceback" not in result.output
    return result.exit_code, result.output


@pytest.mark.parametrize("name", sorted(SAMPLE_SETS))
def test_every_peer_sample_loads_with_its_findings_reported(name: str, peer_samples: Path, tmp_path: Path) -> None:
    db = tmp_path / "cb.duckdb"
    findings = tmp_path / "findings.csv"
    paths = [str(peer_samples / p) for p in SAMPLE_SETS[name]]
    code, output = run("ingest", *paths, "--db", str(db), "--findings", str(findings), "--today", "2026-11-23")
    assert code == 0, output
    assert "load committed" in output
    store = open_store(db)
    try:
        counts = store.counts()
        loads = store.loads()
        stored_findings = store.findings(1)
    finally:
        store.close()
    assert counts["children"] > 0
    assert loads["status"].to_list() == ["committed"]
    written = pl.read_csv(findings, infer_schema=False) if findings.stat().st_size else pl.DataFrame()
    assert written.height == stored_findings.height
    if written.height:
        # every finding names a file, and record-level ones a row
        assert written["file"].null_count() == 0
        record_level = written.filter(pl.col("rule").is_in(["type", "required", "dates-in-order", "code-list"]))
        assert record_level["row"].null_count() == 0


def test_903_record_counts_match_the_files(peer_samples: Path, tmp_path: Path) -> None:
    folder = peer_samples / "ssda903-validator-fake"
    db = tmp_path / "cb.duckdb"
    code, output = run("ingest", *map(str, sorted(folder.glob("*.csv"))), "--db", str(db))
    assert code == 0, output
    store = open_store(db)
    try:
        episodes = store.table("lac_episodes").height
        quarantined = store.query("SELECT COUNT(*) AS n FROM quarantine WHERE table_name = 'lac_episodes'")["n"][0]
        children = store.table("children").height
    finally:
        store.close()
    lines = (folder / "episodes.csv").read_text().strip().splitlines()
    # every episode row is either stored or quarantined with a finding: none lost
    assert episodes + quarantined == len(lines) - 1 == 5050
    assert children == 2675  # header.csv's children (CHILD10 in DoLo/SW episodes has no header row: a warning)


def test_loading_the_same_files_twice_changes_nothing(peer_samples: Path, tmp_path: Path) -> None:
    db = tmp_path / "cb.duckdb"
    folder = str(peer_samples / "ssda903-validator-fake")
    assert run("ingest", folder, "--db", str(db))[0] == 0
    store = open_store(db)
    before = {t: store.table(t).drop("load_id") for t in ("children", "lac_episodes", "lac_reviews")}
    store.close()
    assert run("ingest", folder, "--db", str(db))[0] == 0
    store = open_store(db)
    try:
        for t, frame in before.items():
            assert store.table(t).drop("load_id").sort(frame.columns).equals(frame.sort(frame.columns)), t
        counts = json.loads(store.loads()["counts_json"][1])
    finally:
        store.close()
    assert all(c["new"] == 0 and c["updated"] == 0 for c in counts.values())


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("empty.csv", b"", "empty.csv"),
        ("truncated.xml", b"<?xml version='1.0'?>\n<Message>\n<Header><CollectionDetails><Collection>CIN",
         "truncated.xml"),
        ("words.csv", b"NAME,FAVOURITE_COLOUR\nx,blue\n", "words.csv"),
        ("notes.pdf", b"%PDF-1.4 not a return", "notes.pdf"),
    ],
)
def test_bad_input_is_refused_clearly_and_changes_nothing(name: str, content: bytes, expected: str,
                                                          peer_samples: Path, tmp_path: Path) -> None:
    db = tmp_path / "cb.duckdb"
    good = tmp_path / "good"
    shutil.copytree(peer_samples / "cin-census", good)
    assert run("ingest", str(good / "CIN_Census_2024.xml"), "--db", str(db))[0] == 0
    store = open_store(db)
    before = store.table("referrals")
    store.close()
    bad = tmp_path / name
    bad.write_bytes(content)
    code, output = run("ingest", str(bad), "--db", str(db))
    assert code == 1
    assert expected in output and "nothing was changed" in output
    store = open_store(db)
    try:
        assert store.table("referrals").equals(before)
        assert store.loads()["status"].to_list() == ["committed", "rejected"]
    finally:
        store.close()


def test_validate_checks_without_storing(peer_samples: Path, tmp_path: Path) -> None:
    db = tmp_path / "cb.duckdb"
    code, output = run("validate", str(peer_samples / "cin-census" / "fake_CIN_data.xml"), "--db", str(db))
    assert code == 0 and "checked only" in output
    store = open_store(db)
    try:
        assert store.table("children").height == 0 and store.loads().height == 0
    finally:
        store.close()


def test_loads_lists_the_history(peer_samples: Path, tmp_path: Path) -> None:
    db = tmp_path / "cb.duckdb"
    run("ingest", str(peer_samples / "cin-census" / "CIN_Census_2021.xml"), "--db", str(db))
    code, output = run("loads", "--db", str(db))
    assert code == 0 and "committed" in output


def test_code_lists_are_checked_for_each_format_with_its_own_collection() -> None:
    from caseboard.formats import cin_census, ssda903_csv, ssda903_xml
    from caseboard.validation.checks import COLLECTION_OF_FORMAT

    assert COLLECTION_OF_FORMAT[ssda903_csv.FORMAT] == COLLECTION_OF_FORMAT[ssda903_xml.FORMAT] == "ssda903"
    assert COLLECTION_OF_FORMAT[cin_census.FORMAT] == "cin"


def test_an_invalid_code_for_the_year_is_reported_with_the_valid_ones(tmp_path: Path) -> None:
    folder = tmp_path / "903"
    folder.mkdir()
    (folder / "header.csv").write_text("CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nK1,1,01/01/2012,WBRI,,,\n")
    (folder / "episodes.csv").write_text(
        "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n"
        "K1,01/05/2023,S,C2,N1,ZZ,PR1,,X1,,NR1 1AA,NR2 2BB,SC123456\n")
    code, output = run("validate", str(folder), "--db", str(tmp_path / "cb.duckdb"), "--today", "2024-03-31")
    assert code == 0
    assert "episodes.csv, row 2, field placement: found 'ZZ'; expected a SSDA903 code valid in 2024" in output


def test_dfe_rule_findings_are_stored_beside_caseboards_own(peer_samples: Path, tmp_path: Path) -> None:
    db = tmp_path / "cb.duckdb"
    code, output = run("ingest", str(peer_samples / "cin-census" / "CIN_Census_2024.xml"), "--db", str(db),
                       "--dfe-rules")
    assert code == 0, output
    store = open_store(db)
    try:
        stored = store.findings(1)
    finally:
        store.close()
    dfe = stored.filter(pl.col("source") == "dfe-cin")
    assert {"100", "1104"} <= set(dfe["rule"].to_list())
    assert dfe.filter(pl.col("rule") == "1104")["row"].to_list() == [34, 54]


def test_a_purge_flag_pushed_through_the_dfe_api_removes_the_record(tmp_path: Path) -> None:
    db = tmp_path / "cb.duckdb"
    plan = {"child_protection_plan_id": "P1", "start_date": "2025-01-10", "end_date": None}
    record = {"la_child_id": "C1", "mis_child_id": "M1",
              "child_details": {"date_of_birth": "2015-03-27", "sex": "F"},
              "social_care_episodes": [{"social_care_episode_id": "E1", "referral_date": "2025-01-02",
                                        "child_protection_plans": [plan]}]}
    first = tmp_path / "push-1.json"
    first.write_text(json.dumps([record]))
    assert run("ingest", str(first), "--db", str(db), "--today", "2025-06-01")[0] == 0
    store = open_store(db)
    assert store.table("cp_plans")["child_id"].to_list() == ["C1"]
    store.close()
    record["social_care_episodes"][0]["child_protection_plans"] = [dict(plan, purge=True)]
    second = tmp_path / "push-2.json"
    second.write_text(json.dumps([record]))
    code, output = run("ingest", str(second), "--db", str(db), "--today", "2025-06-01")
    assert code == 0, output
    assert "removed at the source's request" in output
    store = open_store(db)
    try:
        assert store.table("cp_plans").height == 0
        assert store.table("referrals").height == 1  # only the plan was purged
    finally:
        store.close()


def test_synth_writes_many_authorities_for_national_benchmarks(tmp_path: Path) -> None:
    out = tmp_path / "england"
    code, output = run("synth", "--out", str(out), "--authorities", "2", "--scale", "0.01", "--years", "1")
    assert code == 0, output
    authorities = sorted(p.name for p in (out / "children").iterdir())
    assert len(authorities) == 2 and all(a.startswith("la_code=") for a in authorities)
    children = pl.read_parquet(out / "children" / authorities[0] / "data.parquet")
    assert children.height > 0
