"""Writing reports to files, one format or the month's whole set (the pack a scheduled run leaves in a folder).

The month's pack (``caseboard report pack --out DIR``, from cron or a systemd timer) is, in ``DIR/<as-at>/``:
the scorecard in HTML, PDF and XLSX, its public version (HTML and PDF, small numbers suppressed), each area's
surgery pack in HTML, PDF and XLSX, and ``manifest.json`` listing every file with its SHA-256 and what it was
built from, so anyone can check a file is the one that was built. Rebuilt from the same loads, every HTML and
XLSX file is byte-identical.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Sequence
from pathlib import Path

from caseboard.indicators.settings import DEFAULT_SETTINGS, Settings
from caseboard.reports.definition import Scorecard
from caseboard.reports.html import scorecard_html, surgery_html
from caseboard.reports.imported import Figure
from caseboard.reports.pdf import write_pdf
from caseboard.reports.scorecard import ScorecardReport, build_scorecard
from caseboard.reports.surgery import SurgeryReport, area_report, surgery_data, surgery_sheets
from caseboard.reports.xlsx import scorecard_xlsx, tables_xlsx
from caseboard.store import Store

FORMATS = ("html", "pdf", "xlsx")


def _html(html: str, out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(html.encode("utf-8"))  # bytes: no platform newline translation
    return out


def write_scorecard(report: ScorecardReport, fmt: str, out: Path) -> Path:
    if fmt == "xlsx":
        return scorecard_xlsx(report, out)
    html = scorecard_html(report)
    return write_pdf(html, out) if fmt == "pdf" else _html(html, out)


def write_surgery(report: SurgeryReport, fmt: str, out: Path) -> Path:
    if fmt == "xlsx":
        return tables_xlsx(out, report.provenance, f"Performance surgery: {report.area}", surgery_sheets(report))
    html = surgery_html(report)
    return write_pdf(html, out) if fmt == "pdf" else _html(html, out)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "area"


def write_pack(store: Store, as_at: dt.date, out_dir: Path, *, scorecard: Scorecard | None = None,
               figures: Sequence[Figure] = (), formats: Sequence[str] = FORMATS, la_code: str | None = None,
               settings: Settings = DEFAULT_SETTINGS) -> list[Path]:
    """The month's set of reports in ``out_dir/<as_at>/`` (see the module docstring); returns the files."""
    folder = out_dir / as_at.isoformat()
    written = []
    settings_used: dict[str, object] = {}
    for public in (False, True):
        report = build_scorecard(store, as_at, scorecard=scorecard, figures=figures, public=public,
                                 la_code=la_code, settings=settings)
        settings_used = settings_used or dict(report.provenance.settings)
        for fmt in formats:
            if public and fmt == "xlsx":
                continue  # the public version is published as a page and a PDF; the workbook is for staff
            name = f"scorecard{'-public' if public else ''}.{fmt}"
            written.append(write_scorecard(report, fmt, folder / name))
    data = surgery_data(store, as_at, settings=settings)
    for area_id, name in data.org.areas.sort("by_area").iter_rows():
        report_ = area_report(data, area_id)
        for fmt in formats:
            written.append(write_surgery(report_, fmt, folder / f"surgery-{slug(name or area_id)}.{fmt}"))
    manifest = {
        "as_at": as_at.isoformat(),
        "built_from": {"load_ids": list(data.provenance.load_ids), "latest_load_finished":
                       data.provenance.built_at.isoformat(), "settings_digest": data.provenance.settings_digest},
        "scorecard": settings_used,
        "files": [{"name": p.name, "sha256": hashlib.sha256(p.read_bytes()).hexdigest(), "bytes": p.stat().st_size}
                  for p in written],
    }
    path = folder / "manifest.json"
    path.write_text(json.dumps(manifest, indent=2, sort_keys=True, default=str) + "\n", encoding="utf-8")
    return [*written, path]
