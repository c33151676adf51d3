"""Reports as Excel workbooks (XlsxWriter): formatted, RAG fills, the data behind every figure, a chart each.

For the people who open it in Excel: numbers are numbers (with a display format), not text; the RAG cell is
filled with the key's colour and holds its letter so it survives printing in black and white; the "Data"
sheet holds every point the charts draw; "About" says which loads and settings it was built from.
Reproducible: the workbook's created date is the load's time and XlsxWriter fixes the zip entries' dates, so
the same data gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from caseboard.reports.charts import RAG_COLOURS
from caseboard.reports.html import ARROWS, frequency_label
from caseboard.reports.provenance import VERSION, Provenance
from caseboard.reports.scorecard import COMPARATORS, Point, ScorecardReport
from caseboard.reports.suppression import KEY, MARKER

NUMBER_FORMATS = {"%": '0.0"%"', "count": "#,##0", "rate_per_10k": "0.0", "ratio": "0.0"}
KEY_ROWS = (("green", "G", "Green: performance is on target, no action required."),
            ("amber", "A", "Amber: performance is slightly off-track."),
            ("red", "R", "Red: performance is worse than the target, action required."))


class _Formats:
    """The workbook's cell formats, made once (XlsxWriter wants one object per distinct format)."""

    def __init__(self, wb: Workbook) -> None:
        self.wb = wb
        self._filled: dict[tuple[str, str], Any] = {}
        self.title = wb.add_format({"bold": True, "font_size": 14})
        self.heading = wb.add_format({"bold": True, "font_size": 11, "bottom": 2, "bottom_color": "#1D70B8"})
        self.header = wb.add_format({"bold": True, "bg_color": "#F3F2F1", "border": 1, "text_wrap": True,
                                     "valign": "top"})
        self.text = wb.add_format({"border": 1, "text_wrap": True, "valign": "top"})
        self.date = wb.add_format({"border": 1, "num_format": "yyyy-mm-dd", "valign": "top"})
        self.right = wb.add_format({"border": 1, "align": "right", "valign": "top"})
        self.numbers = {u: wb.add_format({"border": 1, "num_format": f, "valign": "top"})
                        for u, f in NUMBER_FORMATS.items()}
        self.rag = {s: wb.add_format({"border": 1, "bold": True, "align": "center", "bg_color": c,
                                      "font_color": "#FFFFFF" if s in ("green", "amber", "red") else "#0B0C0C"})
                    for s, c in RAG_COLOURS.items()}

    def number(self, unit: str) -> Any:
        return self.numbers.get(unit, self.numbers["ratio"])

    def filled(self, unit: str, state: str) -> Any:
        """A number format filled with a RAG colour (made on first use)."""
        key = (unit, state)
        if key not in self._filled:
            colour = RAG_COLOURS.get(state)
            props: dict[str, Any] = {"border": 1, "num_format": NUMBER_FORMATS.get(unit, "0.0"), "valign": "top"}
            if state in ("green", "amber", "red") and colour:
                props.update(bg_color=colour, font_color="#FFFFFF", bold=True)
            self._filled[key] = self.wb.add_format(props)
        return self._filled[key]


def _value(ws: Worksheet, row: int, col: int, point: Point | None, unit: str, f: _Formats) -> None:
    if point is None or point.value is None:
        ws.write_string(row, col, MARKER if point is not None and point.hidden else "", f.right)
    else:
        ws.write_number(row, col, point.value, f.number(unit))


def _about(wb: Workbook, f: _Formats, prov: Provenance, public: bool) -> None:
    ws = wb.add_worksheet("About")
    ws.set_column(0, 0, 24)
    ws.set_column(1, 1, 90)
    ws.write(0, 0, "Built from", f.title)
    for i, (name, value) in enumerate(prov.as_rows(), 2):
        ws.write_string(i, 0, name, f.text)
        ws.write_string(i, 1, value, f.text)
    if public:
        ws.write_string(i + 2, 0, MARKER, f.text)
        ws.write_string(i + 2, 1, KEY, f.text)


def _workbook(out: Path, prov: Provenance, title: str) -> tuple[Workbook, _Formats]:
    out.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(out))
    wb.set_properties({"title": title, "author": "Caseboard", "comments": prov.footer(),
                       "created": prov.built_at, "company": f"Caseboard {VERSION}"})
    return wb, _Formats(wb)


def scorecard_xlsx(report: ScorecardReport, out: Path) -> Path:
    """Sheets: Scorecard (the key, then each heading's measures), Data (every point), Charts, About."""
    wb, f = _workbook(out, report.provenance, report.scorecard.title)
    ws = wb.add_worksheet("Scorecard")
    data = wb.add_worksheet("Data")
    comparators = [s for s in COMPARATORS if s in report.comparators]
    headers = (["Measure", "Freq.", "Period", "Target", "Previous", "Latest", "RAG", "Direction of travel"]
               + [COMPARATORS[s] for s in comparators] + ["Commentary"])
    for col, width in enumerate([46, 7, 24, 9, 10, 10, 6, 18] + [12] * len(comparators) + [40]):
        ws.set_column(col, col, width)
    ws.write(0, 0, report.scorecard.title, f.title)
    ws.write(1, 0, f"{report.authority}, as at {report.as_at:%d %B %Y}"
             + (" — public version: small numbers suppressed" if report.public else ""))
    for i, (state, letter, text) in enumerate(KEY_ROWS, 3):
        ws.write_string(i, 6, letter, f.rag[state])
        ws.write_string(i, 7, text)
    if report.public:
        ws.write_string(6, 6, MARKER, f.right)
        ws.write_string(6, 7, KEY)
    row = 8
    data_headers = ["Code", "Measure", "Unit", "Date", "Period", "Numerator", "Denominator", "Value", "Note"]
    data.write_row(0, 0, data_headers, f.header)
    for col, width in enumerate([30, 46, 12, 11, 22, 11, 12, 10, 40]):
        data.set_column(col, col, width)
    data_row = 1
    charts = []
    for heading, lines in report.sections:
        ws.write_string(row, 0, heading, f.heading)
        row += 1
        ws.write_row(row, 0, headers, f.header)
        row += 1
        for line in lines:
            m = line.measure
            ws.write_string(row, 0, m.title + (f" ({line.current.reason})" if line.current.reason else ""), f.text)
            ws.write_string(row, 1, frequency_label(line), f.text)
            ws.write_string(row, 2, line.period, f.text)
            _value(ws, row, 3, Point(report.as_at, m.target) if m.target is not None else None, m.unit, f)
            _value(ws, row, 4, line.previous, m.unit, f)
            _value(ws, row, 5, line.current, m.unit, f)
            ws.write_string(row, 6, {"green": "G", "amber": "A", "red": "R", "suppressed": MARKER}.get(line.rag, ""),
                            f.rag[line.rag])
            ws.write_string(row, 7, f"{ARROWS[line.direction]} {line.direction}".strip(), f.text)
            for col, s in enumerate(comparators, 8):
                fig = line.comparisons[s]
                _value(ws, row, col, Point(report.as_at, fig.value) if fig else None, m.unit, f)
            ws.write_string(row, 8 + len(comparators), m.commentary, f.text)
            row += 1
            first = data_row
            for p in line.trend:
                data.write_string(data_row, 0, m.code)
                data.write_string(data_row, 1, m.title)
                data.write_string(data_row, 2, m.unit)
                data.write_datetime(data_row, 3, p.day, f.date)
                data.write_string(data_row, 4, p.label)
                for col, x in ((5, p.numerator), (6, p.denominator)):
                    if x is not None:
                        data.write_number(data_row, col, x)
                _value(data, data_row, 7, p, m.unit, f)
                data.write_string(data_row, 8, MARKER if p.hidden else p.reason)
                data_row += 1
            if any(p.value is not None for p in line.trend):
                charts.append((m, first, data_row - 1))
        row += 1
    ws.freeze_panes(8, 1)
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    ws.set_footer("&L&7" + report.provenance.footer().replace("&", "&&") + "&R&8Page &P of &N")
    _charts(wb, charts)
    _about(wb, f, report.provenance, report.public)
    wb.close()
    return out


def _charts(wb: Workbook, charts: Sequence[tuple[Any, int, int]]) -> None:
    """One line chart per measure with figures, two to a row, drawn from the Data sheet."""
    ws = wb.add_worksheet("Charts")
    for i, (m, first, last) in enumerate(charts):
        chart = wb.add_chart({"type": "line"})
        chart.add_series({"name": m.title, "categories": ["Data", first, 3, last, 3],
                          "values": ["Data", first, 7, last, 7], "marker": {"type": "circle", "size": 4}})
        chart.set_title({"name": m.title, "name_font": {"size": 10}})
        chart.set_legend({"none": True})
        chart.set_x_axis({"date_axis": True, "num_format": "mmm yy"})
        chart.set_size({"width": 480, "height": 240})
        ws.insert_chart(1 + (i // 2) * 13, 1 + (i % 2) * 8, chart)


def tables_xlsx(out: Path, prov: Provenance, title: str,
                sheets: Sequence[tuple[str, str, Sequence[str], Sequence[Sequence[Any]], Sequence[str]]]) -> Path:
    """A workbook of plain tables: (sheet name, heading, headers, rows, units per column: "" for text, a
    unit for numbers, "rag" for a RAG state), then About. A cell may also be ``(value, unit, rag state)``: a
    number filled with its RAG colour. Serves the surgery pack."""
    wb, f = _workbook(out, prov, title)
    for name, heading, headers, rows, units in sheets:
        ws = wb.add_worksheet(name)
        ws.write(0, 0, heading, f.title)
        ws.write_row(2, 0, list(headers), f.header)
        ws.set_column(0, 0, 44)
        ws.set_column(1, len(headers), 16)
        for r, values in enumerate(rows, 3):
            for c, (v, unit) in enumerate(zip(values, units)):
                if isinstance(v, tuple):
                    value, cell_unit, state = v
                    if value is None:
                        ws.write_string(r, c, "n/a", f.right)
                    else:
                        ws.write_number(r, c, value, f.filled(cell_unit, state))
                elif unit == "rag":
                    ws.write_string(r, c, str(v), f.rag.get(str(v), f.text))
                elif isinstance(v, (int, float)) and not isinstance(v, bool):
                    ws.write_number(r, c, v, f.number(unit) if unit else f.numbers["count"])
                elif hasattr(v, "isoformat"):
                    ws.write_datetime(r, c, v, f.date)
                else:
                    ws.write_string(r, c, "" if v is None else str(v), f.text)
        ws.freeze_panes(3, 1)
        ws.set_landscape()
        ws.set_paper(9)
    _about(wb, f, prov, False)
    wb.close()
    return out
