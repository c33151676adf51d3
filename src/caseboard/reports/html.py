"""Reports as self-contained HTML pages (styles and charts inline), from Jinja templates in ``templates/``.

The same page is the web view and WeasyPrint's input for the A4 PDF (``reports.pdf``), so the two cannot
drift. Every page ends with the provenance footer (loads, settings) and carries it as the PDF's page footer.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import jinja2

from caseboard.indicators.framework import Computed
from caseboard.reports.charts import rag_bar, rag_words, sparkline
from caseboard.reports.provenance import VERSION, Provenance
from caseboard.reports.scorecard import COMPARATORS, Line, ScorecardReport, shown
from caseboard.reports.suppression import KEY, MARKER
from caseboard.reports.surgery import SurgeryReport

TEMPLATES = Path(__file__).parent / "templates"
ARROWS = {"improving": "▲", "worsening": "▼", "no change": "►", "": ""}
_ENV = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, trim_blocks=True,
                          lstrip_blocks=True, undefined=jinja2.StrictUndefined)


def _css(footer: str) -> str:
    """The stylesheet with the provenance line as the PDF's page footer (a CSS string: JSON quoting is valid
    CSS; "<" escaped so no text can close the style element)."""
    quoted = json.dumps(footer).replace("<", "\\3c ")
    return (TEMPLATES / "report.css").read_text(encoding="utf-8").replace("string(provenance)", quoted)


def render(template: str, prov: Provenance, title: str, subtitle: str, **context: Any) -> str:
    """Any report page: the base layout, the footer and the document metadata from ``prov``."""
    footer = prov.footer()
    return _ENV.get_template(template).render(
        title=title, subtitle=subtitle, footer=footer, css=_css(footer), version=VERSION,
        built_at=prov.built_at.isoformat(), marker=MARKER, suppression_key=KEY, **context)


def frequency_label(line: Line) -> str:
    return line.measure.frequency + (" ©" if line.measure.cumulative else "")


def scorecard_row(line: Line) -> dict[str, Any]:
    """One table row as text (shared by the HTML page and the PDF)."""
    m, cur, prev = line.measure, line.current, line.previous
    values = [None if p.hidden else p.value for p in line.trend]
    return {
        "title": m.title, "frequency": frequency_label(line), "period": line.period,
        "target": shown(m.unit, m.target), "previous": shown(m.unit, prev.value, prev.hidden) if prev else "",
        "current": shown(m.unit, cur.value, cur.hidden), "reason": "" if cur.hidden else cur.reason,
        "rag": line.rag, "rag_letter": {"green": "G", "amber": "A", "red": "R"}.get(line.rag, ""),
        "direction": line.direction, "arrow": ARROWS[line.direction],
        "comparisons": [shown(m.unit, f.value) if f else "" for s, f in line.comparisons.items()],
        "sparkline": sparkline(values, target=m.target, width=96, title=f"{m.title}: trend"),
        "commentary": m.commentary,
    }


def scorecard_html(report: ScorecardReport) -> str:
    """The scorecard page: RAG key, a summary bar, one table per heading."""
    used = report.comparators
    sections = []
    for heading, lines in report.sections:
        rows = [scorecard_row(line) for line in lines]
        for r, line in zip(rows, lines):
            r["comparisons"] = [c for c, s in zip(r["comparisons"], line.comparisons) if s in used]
        sections.append((heading, rows))
    notes = {line.measure.title: f.note for line in report.lines for f in line.comparisons.values() if f and f.note}
    counts = Counter(line.rag for line in report.lines)
    subtitle = (f"{report.authority}, as at {report.as_at:%d %B %Y}"
                + (" — public version: small numbers suppressed" if report.public else ""))
    return render("scorecard.html.j2", report.provenance, report.scorecard.title, subtitle, sections=sections,
                  comparators=[COMPARATORS[s] for s in used], public=report.public, rag_bar=rag_bar(counts),
                  rag_words=rag_words(counts), notes=sorted(notes.items()))


def _cell(row: Any, unit: str) -> dict[str, str]:
    """One figure of the side-by-side table: the value, its RAG state, and its counts as a tooltip."""
    if row is None:
        return {"text": "", "status": "no value", "detail": ""}
    r = row.result
    if isinstance(r, Computed):
        detail = "" if unit == "count" else f"{_count(r.numerator)} / {_count(r.denominator)}"
        return {"text": shown(unit, r.value), "status": row.status, "detail": detail}
    return {"text": "n/a", "status": "no value", "detail": r.reason}


def _count(x: float) -> str:
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.1f}"


def surgery_html(report: SurgeryReport) -> str:
    """The surgery pack page of one area (internal: it names children)."""
    groups = [report.area, *report.teams]
    headers = [report.area] + [t.removeprefix(report.area).strip() or t for t in report.teams]
    grid = [(m.title, [_cell(report.cells.get((m.code, g)), m.unit) for g in groups]) for m in report.measures]
    units = {m.code: m.unit for m in report.measures}
    exceptions = [{"title": e.title, "group": e.group, "was": e.was or "no figure", "new": e.new,
                   "text": _cell(e.value, units[e.code])["text"]} for e in report.exceptions]
    return render("surgery.html.j2", report.provenance, f"Performance surgery: {report.area}",
                  f"Teams of {report.area} as at {report.as_at:%d %B %Y}, compared with {report.previous:%d %B %Y}"
                  " — internal: names children", public=False, groups=headers, grid=grid, exceptions=exceptions,
                  worklist=report.worklist.rows(), unallocated=report.unallocated.rows(), unplaced=report.unplaced)
