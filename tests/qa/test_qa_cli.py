"""The qa commands on an embedded database: sample as the seed's November audit did, then the summary."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from qa_county import county_tables
from typer.testing import CliRunner

from caseboard.cli_qa import register
from caseboard.indicators.fixtures import load_tables
from caseboard.store import open_store


def test_qa_sample_and_summary(tmp_path: Path) -> None:
    db = tmp_path / "c.duckdb"
    store = open_store(db)
    load_tables(store, county_tables())
    store.close()
    app = typer.Typer()
    register(app)
    runner = CliRunner()
    args = ["qa", "sample", "--programme", "November", "--size", "4", "--per-area", "2", "--seed", "9",
            "--auditor", "Q1", "--auditor", "Q3", "--as-at", "2025-03-31", "--db", str(db)]
    out = runner.invoke(app, args)
    assert out.exit_code == 0, out.output
    assert "4 cases from 13 (seed 9)" in out.output
    again = runner.invoke(app, args)
    assert again.exit_code == 0
    store = open_store(db)
    rows = store.query("SELECT sample_id, child_id FROM qa_audits ORDER BY audit_id").rows()
    store.close()
    assert [c for s, c in rows if s == 1] == [c for s, c in rows if s == 2]
    bad = runner.invoke(app, args[:5] + ["5"] + args[6:])
    assert bad.exit_code == 2 and "is not --per-area 2 times" in bad.output
    summary = runner.invoke(app, ["qa", "summary", "--as-at", "2025-03-31", "--format", "json", "--db", str(db)])
    assert summary.exit_code == 0, summary.output
    parts = json.loads(summary.output)
    assert set(parts) == {"grades", "themes", "audit_progress", "actions", "moderation", "feedback", "risk",
                          "quality_beside_volume"}
    assert {r["group"] for r in parts["quality_beside_volume"]} == {"North", "South"}
    chosen = runner.invoke(app, ["qa", "summary", "--as-at", "2025-03-31", "--format", "json", "--by", "team",
                                 "--code", "unallocated_children", "--db", str(db)])
    rows = json.loads(chosen.output)["quality_beside_volume"]
    assert [(r["group"], r["unallocated_children"]) for r in rows] == [
        ("Team T1", 0.0), ("Team T2", 0.0), ("Team T3", 0.0)]
    wrong = runner.invoke(app, ["qa", "summary", "--code", "nope", "--db", str(db)])
    assert wrong.exit_code == 2 and "unknown indicator nope" in wrong.output
