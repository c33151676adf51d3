"""The ``indicators`` and ``worklist`` commands (registered on a bare Typer app, as the main CLI does)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from caseboard.cli_indicators import register
from caseboard.indicators.fixtures import load_tables
from caseboard.store import open_store

app = typer.Typer()
register(app)
runner = CliRunner()
DATA = {
    "teams": [{"team_id": "T1", "name": "Safeguarding"}],
    "workers": [{"worker_id": "W1", "name": "Ann", "team_id": "T1"}],
    "cp_plans": [{"child_id": "A", "start_date": "2025-01-06"}, {"child_id": "B", "start_date": "2025-02-03"}],
    "allocations": [{"child_id": "A", "worker_id": "W1", "start_date": "2025-01-06"}],
    "visits": [{"child_id": "A", "visit_date": "2025-03-25", "kind": "cp"}],
}


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("cli") / "caseboard.duckdb"
    store = open_store(path)
    load_tables(store, DATA)
    store.close()
    return str(path)


def test_json_is_a_list_of_results(db: str) -> None:
    out = runner.invoke(app, ["indicators", "--as-at", "2025-03-31", "--by", "authority", "--by", "team",
                              "--code", "cp_plans_open", "--code", "cp_visits_on_time", "--format", "json", "--db", db])
    assert out.exit_code == 0, out.output
    rows = json.loads(out.output)
    assert {k for r in rows for k in r} >= {"code", "level", "group", "numerator", "denominator", "value", "status"}
    visits = {(r["level"], r["group"]): (r["numerator"], r["denominator"], r["value"], r["status"])
              for r in rows if r["code"] == "cp_visits_on_time"}
    assert visits == {("authority", "Authority"): (1, 2, 50.0, "red"), ("team", "Safeguarding"): (1, 1, 100.0, "green"),
                      ("team", "Unallocated"): (0, 1, 0.0, "red")}


def test_csv_and_table(db: str) -> None:
    out = runner.invoke(app, ["indicators", "--as-at", "2025-03-31", "--code", "cp_plans_open", "--format", "csv",
                              "--db", db])
    assert out.exit_code == 0, out.output
    assert out.output.splitlines() == ["code,level,group,numerator,denominator,value,status",
                                       "cp_plans_open,authority,Authority,2.0,2.0,2.0,no target"]
    table = runner.invoke(app, ["indicators", "--as-at", "2025-03-31", "--code", "cp_visits_on_time", "--db", db])
    assert table.exit_code == 0 and "50.0%" in table.output


def test_the_children_behind_a_figure(db: str) -> None:
    out = runner.invoke(app, ["indicators", "--as-at", "2025-03-31", "--code", "cp_visits_on_time", "--by", "team",
                              "--children", "Unallocated", "--format", "json", "--db", db])
    assert out.exit_code == 0, out.output
    assert [(u["child_id"], u["in_numerator"], u["due_date"]) for u in json.loads(out.output)] == [
        ("B", False, "2025-02-17")]
    two = runner.invoke(app, ["indicators", "--as-at", "2025-03-31", "--children", "x", "--db", db])
    assert two.exit_code == 2 and "exactly one --code" in two.output


def test_explain_prints_the_definition() -> None:
    out = runner.invoke(app, ["indicators", "--explain", "lac_reviews_on_time"])
    assert out.exit_code == 0, out.output
    assert "reg 33" in out.output and "Worked examples" in out.output


@pytest.mark.parametrize("args", [["--explain", "nope"], ["--as-at", "2025-03-31", "--code", "nope"],
                                  ["--as-at", "31/03/2025"], []])
def test_wrong_usage_exits_2(args: list[str], db: str) -> None:
    out = runner.invoke(app, ["indicators", *args, "--db", db])
    assert out.exit_code == 2, out.output


def test_worklist_for_a_team(db: str) -> None:
    out = runner.invoke(app, ["worklist", "--as-at", "2025-03-31", "--team", "Safeguarding", "--days", "14",
                              "--format", "json", "--db", db])
    assert out.exit_code == 0, out.output
    items = json.loads(out.output)
    assert [(i["child_id"], i["item"], i["due_date"], i["status"]) for i in items] == [
        ("A", "cp_review", "2025-04-06", "due"), ("A", "cp_visit", "2025-04-08", "due")]
    table = runner.invoke(app, ["worklist", "--as-at", "2025-03-31", "--worker", "W1", "--db", db])
    assert table.exit_code == 0 and "Worklist for W1" in table.output


def test_a_database_that_cannot_be_opened_is_reported(tmp_path: Path) -> None:
    out = runner.invoke(app, ["indicators", "--as-at", "2025-03-31", "--db", "postgresql://nobody@127.0.0.1:1/x"])
    assert out.exit_code == 1 and "Cannot open the database" in out.output
