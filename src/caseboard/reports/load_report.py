"""The load report as a person reads it: in the terminal, and as a findings table to download."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import polars as pl
from rich.console import Console
from rich.table import Table as RichTable

from caseboard.ingest import LoadReport

#: How many individual findings the terminal shows before pointing at the full table.
SHOWN_FINDINGS = 25


def print_load_report(report: LoadReport, console: Console, *, findings_file: Path | None = None) -> None:
    """Files, what changed per table, and the findings (fatal first), with where to find the rest."""
    colour = {"committed": "green", "rejected": "red", "checked": "cyan"}[report.status]
    title = f"Load {report.load_id}" if report.load_id else "Check"
    console.print(f"[bold]{title}[/bold]: [{colour}]{report.message}[/{colour}] ({report.seconds:.1f} s)")
    if report.phases:
        console.print("Time: " + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in report.phases.items()))

    common = _common_folder([f.path for f in report.files])
    files = RichTable(title=f"Files in {common}" if common else "Files", show_lines=False)
    for name in ("file", "format", "year", "records"):
        files.add_column(name, justify="right" if name in ("year", "records") else "left", overflow="fold")
    for f in report.files:
        shown = os.path.relpath(f.path, common) if common else f.path
        files.add_row(shown, f.format, str(f.collection_year or ""), f"{f.records:,}")
    if report.files:
        console.print(files)

    if report.changes:
        changes = RichTable(title="Records")
        for name in ("table", "received", "new", "updated", "unchanged"):
            changes.add_column(name, justify="left" if name == "table" else "right")
        for c in report.changes:
            changes.add_row(c.table, f"{c.received:,}", f"{c.new:,}", f"{c.updated:,}", f"{c.unchanged:,}")
        console.print(changes)
        if report.purged:
            console.print(f"{report.purged:,} records were removed at the source's request (DfE API purge flags).")
        if report.superseded:
            console.print(f"{report.superseded:,} records appeared in more than one return; the latest return's "
                          "version was kept.")

    severities = Counter(f.severity for f in report.findings)
    if report.findings:
        by_rule = Counter((f.severity, f.rule) for f in report.findings)
        summary = ", ".join(f"{n:,} {sev} ({rule})" for (sev, rule), n in sorted(by_rule.items()))
        console.print(f"Findings: {summary}")
        order = {"fatal": 0, "error": 1, "warning": 2}
        for f in sorted(report.findings, key=lambda f: order[f.severity])[:SHOWN_FINDINGS]:
            style = {"fatal": "bold red", "error": "red", "warning": "yellow"}[f.severity]
            console.print(f"  [{style}]{f.severity}[/{style}] {f.message()}", highlight=False, soft_wrap=True)
        if len(report.findings) > SHOWN_FINDINGS:
            rest = len(report.findings) - SHOWN_FINDINGS
            where = f" in {findings_file}" if findings_file else " (caseboard findings --load ID writes them all)"
            console.print(f"  ... and {rest:,} more{where}")
    if report.quarantined:
        console.print(f"{report.quarantined:,} records could not be placed in the model and were kept aside "
                      "(quarantine) with their raw values; each has a finding above.")
    if not severities:
        console.print("No problems found.")


def _common_folder(paths: list[str]) -> str:
    """The folder all the files share, so the table can show short names."""
    try:
        common = os.path.commonpath([os.path.abspath(p) for p in paths]) if len(paths) > 1 else ""
    except ValueError:
        return ""
    return os.path.relpath(common) if common else ""


def write_findings(report: LoadReport, path: Path) -> Path:
    """All findings as CSV (or XLSX by extension), for the person who will fix them at source."""
    frame = report.findings_frame()
    return write_frame(frame, path)


def write_frame(frame: pl.DataFrame, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".xlsx":
        frame.write_excel(path, autofit=True)
    else:
        frame.write_csv(path)
    return path
