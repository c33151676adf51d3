"""``caseboard report ...`` end to end: scorecard, surgery, and the month's pack with its manifest."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import openpyxl
import typer
from typer.testing import CliRunner

from caseboard.cli_reports import register

CARD = """
title: Small scorecard
trend_months: 2
sections:
  - heading: Looked-after children
    measures:
      - {code: lac_rate_per_10k, frequency: M}
      - {code: lac_visits_on_time, frequency: M}
"""


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.command("version")
    def version() -> None:  # a second command, so "report" stays a sub-command as on the real CLI
        pass

    register(app)
    return app


def test_scorecard_and_surgery_commands(county, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store, today = county
    db = store.url
    card = tmp_path / "card.yml"
    card.write_text(CARD)
    runner = CliRunner()
    out = tmp_path / "card.xlsx"
    result = runner.invoke(_app(), ["report", "scorecard", "--db", db, "--as-at", today.isoformat(),
                                    "--scorecard", str(card), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "built from load 1" in " ".join(result.output.split())
    assert openpyxl.load_workbook(out)["Scorecard"]["A1"].value == "Small scorecard"
    result = runner.invoke(_app(), ["report", "surgery", "--db", db, "--area", "GYA", "--as-at", today.isoformat(),
                                    "--format", "html", "--out", str(tmp_path / "gya.html")])
    assert result.exit_code == 0, result.output
    assert "Performance surgery: Great Yarmouth" in (tmp_path / "gya.html").read_text()
    result = runner.invoke(_app(), ["report", "surgery", "--db", db, "--area", "Nowhere", "--out", str(tmp_path / "x.pdf")])
    assert result.exit_code == 2 and "no area 'Nowhere'" in result.output
    result = runner.invoke(_app(), ["report", "scorecard", "--db", db, "--out", str(tmp_path / "x.doc")])
    assert result.exit_code == 2 and "--format html, pdf or xlsx" in result.output


def test_the_month_s_pack(county, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store, today = county
    card = tmp_path / "card.yml"
    card.write_text(CARD)
    result = CliRunner().invoke(_app(), ["report", "pack", "--db", store.url, "--as-at", today.isoformat(),
                                         "--scorecard", str(card), "--out", str(tmp_path / "packs"),
                                         "--format", "html", "--format", "xlsx", "--la", "926"])  # PDFs: tested elsewhere
    assert result.exit_code == 0, result.output
    folder = tmp_path / "packs" / today.isoformat()
    manifest = json.loads((folder / "manifest.json").read_text())
    names = [f["name"] for f in manifest["files"]]
    assert names[:3] == ["scorecard.html", "scorecard.xlsx", "scorecard-public.html"]
    assert len([n for n in names if n.startswith("surgery-")]) == 2 * 6  # six areas, two formats
    assert "surgery-norwich.xlsx" in names and "surgery-king-s-lynn-west-norfolk.html" in names
    assert manifest["built_from"]["load_ids"] == [1]
    assert manifest["scorecard"]["public"] == "no" and manifest["scorecard"]["authority"] == "Norfolk"
    for f in manifest["files"]:
        assert hashlib.sha256((folder / f["name"]).read_bytes()).hexdigest() == f["sha256"]
    assert "c = suppressed" in (folder / "scorecard-public.html").read_text()
    page = (folder / "scorecard.html").read_text()
    assert "Norfolk, as at 31 March 2026" in page and "Statistical neighbours" in page
