"""The area surgery pack: teams side by side, exceptions, worklist counts, unallocated children."""

from __future__ import annotations

import subprocess
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from caseboard.indicators.engine import evaluate
from caseboard.reports.html import surgery_html
from caseboard.reports.pack import write_surgery
from caseboard.reports.surgery import CORE, SurgeryError, area_report, surgery_data
from caseboard.worklists import worklist


@pytest.fixture(scope="module")
def data(county):  # type: ignore[no-untyped-def]
    store, today = county
    return surgery_data(store, today)


def test_an_area_s_teams_side_by_side_are_the_engine_s(county, data) -> None:  # type: ignore[no-untyped-def]
    store, today = county
    report = area_report(data, "NOR")
    assert report.area == "Norwich" and area_report(data, "Norwich").area_id == "NOR"
    assert report.teams and all(t.startswith("Norwich") or "1" in t or "2" in t for t in report.teams)
    rows = {(r.code, r.group): r for r in evaluate(store, today, levels=["team"], codes=["cin_open", "lac_open"])}
    for team in report.teams:
        for code in ("cin_open", "lac_open"):
            assert report.cells[(code, team)].result == rows[(code, team)].result
    assert [m.code for m in report.measures] == list(CORE)


def test_exceptions_are_the_red_figures_with_last_month_s_status(data) -> None:  # type: ignore[no-untyped-def]
    for area_id in data.org.areas["by_area"].to_list():
        report = area_report(data, area_id)
        before = {(r.code, r.level, r.group): r.status for r in data.before}
        reds = {(r.code, r.group) for r in data.now if r.status == "red"
                and ((r.level == "area" and r.group == report.area) or (r.level == "team" and r.group in report.teams))}
        assert {(e.code, e.group) for e in report.exceptions} == reds
        for e in report.exceptions:
            level = "area" if e.group == report.area else "team"
            assert e.new == (before.get((e.code, level, e.group)) != "red")


def test_worklist_counts_and_unallocated_children(county, data) -> None:  # type: ignore[no-untyped-def]
    store, today = county
    items = worklist(store, today)
    for area_id, name in data.org.areas.iter_rows():
        report = area_report(data, area_id)
        mine = items.filter(pl.col("area") == name)
        assert report.worklist["items"].sum() == mine.height
        assert report.worklist["overdue"].sum() == mine.filter(pl.col("status") == "overdue").height
    total = sum(area_report(data, a).unallocated.height for a in data.org.areas["by_area"].to_list())
    assert total + area_report(data, "NOR").unplaced == data.unallocated.height


def test_an_unknown_area_is_named_with_the_known_ones(data) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SurgeryError, match=r"no area 'Atlantis'; known: .*NOR \(Norwich\)"):
        area_report(data, "Atlantis")


def test_the_pack_in_three_formats(data, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    report = area_report(data, "BRK")
    html = surgery_html(report)
    assert "Performance surgery: Breckland" in html and "Teams side by side" in html
    assert "Green: performance is on target, no action required." in html
    assert "from load 1 (latest finished" in html
    xlsx = write_surgery(report, "xlsx", tmp_path / "brk.xlsx")
    wb = openpyxl.load_workbook(xlsx)
    assert wb.sheetnames == ["Teams", "Exceptions", "Worklists", "Unallocated", "About"]
    ws = wb["Teams"]
    assert [c.value for c in ws[3]] == ["Measure", "Breckland", *report.teams]
    for r, m in enumerate(report.measures, 4):
        assert ws.cell(r, 1).value == m.title
        for c, g in enumerate(["Breckland", *report.teams], 2):
            cell = report.cells[(m.code, g)]
            expected = getattr(cell.result, "value", None)
            assert ws.cell(r, c).value == (pytest.approx(expected) if expected is not None else "n/a")
            if cell.status == "red":
                assert ws.cell(r, c).fill.fgColor.rgb == "FFD4351C"
    assert wb["Exceptions"].max_row == 3 + len(report.exceptions) - (0 if report.exceptions else 1)
    pdf = write_surgery(report, "pdf", tmp_path / "brk.pdf")
    subprocess.run(["pdftoppm", "-r", "30", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")], check=True)
    assert len(list(tmp_path.glob("p-*.png"))) == 1
    rebuilt = area_report(data, "BRK")
    assert write_surgery(rebuilt, "xlsx", tmp_path / "again.xlsx").read_bytes() == xlsx.read_bytes()
    assert surgery_html(rebuilt) == html
