"""The scorecard: definition, imported figures, suppression, and the three formats checked as a reader sees them."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
import subprocess
from pathlib import Path

import openpyxl
import pytest

from caseboard.indicators.engine import evaluate
from caseboard.reports.definition import DEFAULT_SCORECARD, ScorecardError, load_scorecard
from caseboard.reports.html import scorecard_html
from caseboard.reports.imported import FiguresError, period_end, read_figures
from caseboard.reports.pdf import write_pdf
from caseboard.reports.scorecard import build_scorecard, months_back, previous_day, shown
from caseboard.reports.suppression import suppressed
from caseboard.reports.xlsx import scorecard_xlsx

D = dt.date
CUSTOM = """
title: Integrated scorecard
trend_months: 3
sections:
  - heading: Looked-after children
    measures:
      - {code: lac_open, frequency: M, commentary: "Reduction plan on track."}
      - {code: lac_reviews_on_time, frequency: M, green: 99, amber: 98}
  - heading: Education
    measures:
      - {code: ks2_rwm, source: imported, title: "Key stage 2: expected standard in reading, writing and maths",
         unit: "%", higher_is_better: true, frequency: A, target: 60, green: 60, amber: 55}
      - {code: yj_custody, source: imported, title: "Young people in custody", unit: count,
         higher_is_better: false, frequency: Q}
"""
FIGURES = """code,period,value,series
ks2_rwm,2023-24,54,
ks2_rwm,2024-25,57,
ks2_rwm,2024-25,61,england
ks2_rwm,2026-27,99,
yj_custody,2025-26 Q3,3,
lac_open,2024-25,70,england
"""


@pytest.fixture(scope="module")
def report(county):  # type: ignore[no-untyped-def]
    """The default scorecard of the small county with a 4-month trend, built once for the module (the engine's
    time is per date: a 12-month trend would evaluate 13 dates)."""
    store, today = county
    return build_scorecard(store, today, scorecard=replace(load_scorecard(), trend_months=4))


@pytest.fixture(scope="module")
def custom(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("custom")
    (folder / "card.yml").write_text(CUSTOM)
    (folder / "figures.csv").write_text(FIGURES)
    return folder / "card.yml", folder / "figures.csv"


def test_the_default_scorecard_names_only_known_indicators() -> None:
    card = load_scorecard()
    assert card.source == DEFAULT_SCORECARD.name and len(card.digest) == 64
    assert [s.heading for s in card.sections][:2] == ["Front door and assessment", "Child protection"]
    reviews = next(m for m in card.measures if m.code == "cp_reviews_on_time")
    assert (reviews.target, reviews.green, reviews.amber, reviews.higher_is_better) == (95, 95, 90, True)
    assert reviews.rag(95.0) == "green" and reviews.rag(92.0) == "amber" and reviews.rag(89.9) == "red"
    assert next(m for m in card.measures if m.code == "referrals").cumulative


def test_a_scorecard_file_with_a_mistake_says_where(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text("sections:\n  - heading: X\n    measures:\n      - {code: ks2, source: imported, title: KS2}\n")
    with pytest.raises(ScorecardError, match=r"section 1, measure 1 \(ks2\): an imported measure needs unit"):
        load_scorecard(bad)
    bad.write_text("sections:\n  - measures:\n      - {code: no_such_thing}\n")
    with pytest.raises(ScorecardError, match="no indicator 'no_such_thing'"):
        load_scorecard(bad)


def test_periods_end_where_a_council_expects() -> None:
    assert period_end("2025-26") == period_end("2025/26") == D(2026, 3, 31)
    assert period_end("2025-26 Q3") == D(2025, 12, 31)
    assert period_end("2026-02") == D(2026, 2, 28)
    assert period_end("2026-03-15") == D(2026, 3, 15)


def test_a_bad_figures_row_is_named(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text("code,period,value\nks2,2024-25,57\nks2,someday,3\n")
    with pytest.raises(FiguresError, match="row 3: period 'someday'"):
        read_figures(path)


def test_small_numbers_are_suppressed_dfe_style() -> None:
    assert suppressed("count", 3, 3, 0) and not suppressed("count", 0, 0, 0) and not suppressed("count", 6, 6, 0)
    assert suppressed("%", 60.0, 3, 5) and suppressed("%", 50.0, 10, 20) is False
    assert suppressed("rate_per_10k", 0.2, 4, 172_000)


def test_previous_points_follow_the_frequency() -> None:
    card = load_scorecard()
    by_code = {m.code: m for m in card.measures}
    assert months_back(D(2026, 3, 31), 1) == D(2026, 2, 28)
    assert previous_day(by_code["cp_reviews_on_time"], D(2026, 3, 31)) == D(2026, 2, 28)
    assert previous_day(by_code["lac_pep_current"], D(2026, 3, 31)) == D(2025, 12, 31)
    assert previous_day(by_code["referrals"], D(2026, 3, 31)) == D(2025, 3, 31)  # cumulative: a year before


def test_values_are_the_engine_s(county, report) -> None:  # type: ignore[no-untyped-def]
    store, today = county
    rows = {r.code: r for r in evaluate(store, today, levels=["authority"], codes=["lac_open", "cp_reviews_on_time"])}
    lines = {line.measure.code: line for line in report.lines}
    for code in rows:
        assert lines[code].current.value == rows[code].result.value  # type: ignore[union-attr]
    assert [p.day for p in lines["lac_open"].trend] == [D(2025, 12, 31), D(2026, 1, 31), D(2026, 2, 28), today]
    assert report.provenance.load_ids == (1,)


def test_xlsx_cell_by_cell(county, report, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store, today = county
    out = scorecard_xlsx(report, tmp_path / "scorecard.xlsx")
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Scorecard", "Data", "Charts", "About"]
    ws = wb["Scorecard"]
    assert ws["A1"].value == "Children's social care scorecard"
    assert [ws.cell(r, 7).value for r in (4, 5, 6)] == ["G", "A", "R"]
    assert ws.cell(4, 7).fill.fgColor.rgb == "FF00703C" and ws.cell(6, 7).fill.fgColor.rgb == "FFD4351C"
    by_title = {ws.cell(r, 1).value: r for r in range(1, ws.max_row + 1)}
    fills = {"green": "FF00703C", "amber": "FFF47738", "red": "FFD4351C"}
    checked = 0
    for line in report.lines:
        r = by_title[line.measure.title + (f" ({line.current.reason})" if line.current.reason else "")]
        assert ws.cell(r, 6).value == pytest.approx(line.current.value)
        if line.rag in fills:
            assert ws.cell(r, 7).value == line.rag[0].upper()
            assert ws.cell(r, 7).fill.fgColor.rgb == fills[line.rag]
            checked += 1
    assert checked >= 5
    data = wb["Data"]
    assert data.max_row == 1 + 4 * len(report.lines)
    assert len(wb["Charts"]._charts) == sum(any(p.value is not None for p in ln.trend) for ln in report.lines)
    about = {wb["About"].cell(r, 1).value: wb["About"].cell(r, 2).value for r in range(3, wb["About"].max_row + 1)}
    assert about["Loads"] == "1" and about["as_at"] == today.isoformat()
    assert wb.properties.created == report.provenance.built_at


def test_public_html_has_the_key_and_suppresses_small_numbers(county, custom, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store, today = county
    card_path, figures_path = custom
    report = build_scorecard(store, today, scorecard=load_scorecard(card_path), figures=read_figures(figures_path),
                             public=True)
    lines = {line.measure.code: line for line in report.lines}
    custody = lines["yj_custody"]
    assert custody.current.hidden and custody.rag == "suppressed" and custody.current.label == "2025-26 Q3"
    html = scorecard_html(report)
    assert "Green: performance is on target, no action required." in html
    assert "Red: performance is worse than the target, action required." in html
    assert "c = suppressed to protect confidentiality" in html
    assert '<td class="num"><strong>c</strong></td>' in html
    assert "Key stage 2: expected standard in reading, writing and maths" in html
    wb = openpyxl.load_workbook(scorecard_xlsx(report, tmp_path / "public.xlsx"))
    ws, data = wb["Scorecard"], wb["Data"]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "Young people in custody")
    assert (ws.cell(row, 6).value, ws.cell(row, 7).value) == ("c", "c")
    hidden = [r for r in data.iter_rows(min_row=2, values_only=True) if r[0] == "yj_custody"]
    assert hidden == [("yj_custody", "Young people in custody", "count", dt.datetime(2025, 12, 31), "2025-26 Q3",
                       None, None, "c", "c")]
    for r in data.iter_rows(min_row=2, values_only=True):  # no small count left anywhere in the data sheet
        assert not (r[2] == "count" and isinstance(r[7], (int, float)) and 1 <= r[7] <= 5)


def test_imported_figures_and_comparators(county, custom) -> None:  # type: ignore[no-untyped-def]
    store, today = county
    card_path, figures_path = custom
    report = build_scorecard(store, today, scorecard=load_scorecard(card_path), figures=read_figures(figures_path))
    lines = {line.measure.code: line for line in report.lines}
    ks2 = lines["ks2_rwm"]  # the 2026-27 figure has not ended by 31 March 2026: not yet the latest
    assert (ks2.current.value, ks2.previous.value, ks2.rag, ks2.direction) == (57, 54, "amber", "improving")
    assert ks2.comparisons["england"].value == 61 and report.comparators == ("england",)
    assert [(p.label, p.value) for p in ks2.trend] == [("2023-24", 54), ("2024-25", 57)]  # its own frequency
    assert lines["lac_open"].comparisons["england"].value == 70
    assert lines["lac_reviews_on_time"].measure.green == 99  # the scorecard's thresholds win
    assert lines["lac_open"].measure.commentary == "Reduction plan on track."
    assert len(lines["lac_open"].trend) == 3
    html = scorecard_html(report)
    assert "<th class=\"num\">England</th>" in html and "Reduction plan on track." in html
    assert shown("%", 57.0) in html


def test_pdf_renders_to_a4_pages(report, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pdf = write_pdf(scorecard_html(report), tmp_path / "scorecard.pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert 1 <= len(pages) <= 6
    assert pages[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    assert "841.89 x 595.276 pts (A4)" in info or "842 x 595 pts (A4)" in info
    assert f"Pages:           {len(pages)}" in info


def test_building_twice_gives_the_same_bytes(county, report, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store, today = county
    first, second = report, build_scorecard(store, today, scorecard=report.scorecard)
    assert scorecard_html(first) == scorecard_html(second)
    a = scorecard_xlsx(first, tmp_path / "a.xlsx").read_bytes()
    b = scorecard_xlsx(second, tmp_path / "b.xlsx").read_bytes()
    assert a == b
    html = scorecard_html(first)
    assert "from load 1 (latest finished" in html
    assert f'<meta name="dcterms.created" content="{first.provenance.built_at.isoformat()}">' in html


def test_charts_draw_gaps_for_missing_points_and_nothing_for_no_points() -> None:
    from caseboard.reports.charts import rag_bar, rag_words, sparkline

    assert sparkline([None, None]) == ""
    svg = sparkline([1.0, None, 3.0, 4.0], target=2.0)
    assert svg.count("<polyline") == 2 and 'stroke-dasharray="3,2"' in svg
    assert sparkline([1.0, 2.0]) == sparkline([1.0, 2.0])
    counts = {"green": 5, "amber": 5, "red": 1, "no target": 7}
    assert rag_words(counts) == "5 green, 5 amber, 1 red, 7 no target"
    assert rag_bar(counts).count("<rect") == 4


def test_published_comparators_for_an_authority(county, custom) -> None:  # type: ignore[no-untyped-def]
    from caseboard.benchmarks.published import comparison
    from caseboard.reports.comparators import authority_settings, published_figures

    store, today = county
    figures = published_figures(["lac_rate_per_10k", "lac_open", "cp_reviews_on_time"], "926", today)
    assert {f.code for f in figures} == {"lac_rate_per_10k"}  # counts and unpublished measures: none
    published = comparison("lac_rate_per_10k", "926", 2025)
    assert all(f.note.startswith(published["source"]) for f in figures)
    assert {(f.series, f.period, f.end, f.value) for f in figures} == {
        ("england", "2024-25", D(2025, 3, 31), published["england"]),
        ("region", "2024-25", D(2025, 3, 31), published["region"]),
        ("neighbours", "2024-25", D(2025, 3, 31), published["neighbours_mean"])}
    settings = authority_settings("926", today)
    assert settings.authority_name == "Norfolk"
    card_path, figures_path = custom
    report = build_scorecard(store, today, scorecard=load_scorecard(card_path), figures=read_figures(figures_path),
                             la_code="926", settings=settings)
    lac = {line.measure.code: line for line in report.lines}["lac_open"]
    assert lac.comparisons["england"].value == 70  # the council's own import wins over the published figure
    assert report.authority == "Norfolk"
    assert report.provenance.settings["comparators"] == "DfE published statistics for LA 926"
    default = build_scorecard(store, today, scorecard=replace(load_scorecard(), trend_months=1), la_code="926")
    rate = {line.measure.code: line for line in default.lines}["lac_rate_per_10k"]
    assert rate.comparisons["neighbours"].value == published["neighbours_mean"]
    html = scorecard_html(default)
    assert "Notes on the comparators" in html and published["caveat"][:40] in html
