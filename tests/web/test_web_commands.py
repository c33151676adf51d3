"""The ``user`` commands (registered on the main CLI by ``caseboard.web.cli.register``)."""

from __future__ import annotations

from pathlib import Path

import typer
from typer.testing import CliRunner

from caseboard.store import open_store
from caseboard.web.accounts import authenticate
from caseboard.web.cli import register


def cli() -> typer.Typer:
    app = typer.Typer()
    register(app)
    return app


def test_user_add_creates_an_account_that_signs_in(tmp_path: Path) -> None:
    db = str(tmp_path / "c.duckdb")
    run = CliRunner().invoke(cli(), ["user", "add", "pat", "--role", "team_manager", "--team", "T011", "--db", db],
                             input="a long enough secret\na long enough secret\n")
    assert run.exit_code == 0, run.output
    store = open_store(db)
    try:
        outcome, user = authenticate(store, "pat", "a long enough secret")
    finally:
        store.close()
    assert outcome == "ok" and user is not None and (user.role, user.team_id) == ("team_manager", "T011")


def test_user_add_refuses_a_role_without_its_scope_and_demo_needs_a_county(tmp_path: Path) -> None:
    db = str(tmp_path / "c.duckdb")
    run = CliRunner().invoke(cli(), ["user", "add", "sam", "--role", "social_worker", "--db", db],
                             input="a long enough secret\na long enough secret\n")
    assert run.exit_code == 2 and "needs a worker identifier" in run.output
    demo = CliRunner().invoke(cli(), ["user", "demo", "--db", db])
    assert demo.exit_code == 1 and "load a county" in demo.output
