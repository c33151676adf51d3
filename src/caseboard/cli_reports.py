"""The ``report`` commands, registered on the main CLI by :func:`register`.

``caseboard report scorecard --as-at 2026-03-31 --format pdf --out scorecard.pdf [--public]`` builds the
scorecard (the default children's social care one, or ``--scorecard my.yml`` with ``--figures figures.csv`` for
imported measures and comparators); ``caseboard report surgery --area NOR --as-at ... --out norwich.pdf`` an
area's surgery pack; ``caseboard report pack --out reports/`` the month's whole set into ``reports/<as-at>/``
(as-at defaults to the end of the last complete month: what a monthly cron job wants). Each takes ``--db``.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from caseboard.cli_indicators import DbOption, _date, _open, console

if TYPE_CHECKING:
    from caseboard.indicators.settings import Settings
    from caseboard.reports.definition import Scorecard
    from caseboard.reports.imported import Figure

report_app = typer.Typer(help="Reports: scorecards, area surgery packs, the month's pack (HTML, PDF, XLSX).",
                         no_args_is_help=True)


class ReportFormat(str, Enum):
    html = "html"
    pdf = "pdf"
    xlsx = "xlsx"


AsAt = Annotated[Optional[str], typer.Option("--as-at", help="The date (yyyy-mm-dd) the report is as at "
                                                               "(default: the end of the last complete month).")]
Out = Annotated[Path, typer.Option("--out", help="The file to write (for pack: the folder).")]
Fmt = Annotated[Optional[ReportFormat], typer.Option("--format", help="html, pdf or xlsx (default: from --out).")]
ScorecardFile = Annotated[Optional[Path], typer.Option(
    "--scorecard", help="A scorecard definition (YAML); default: the children's social care scorecard.")]
La = Annotated[Optional[str], typer.Option(
    "--la", help="The authority's DfE code (e.g. 926): its name, child population and the published England, "
                 "region and statistical-neighbour figures as comparators.")]
Figures = Annotated[Optional[Path], typer.Option(
    "--figures", help="Imported aggregate figures and comparators (CSV: code, period, value[, series]).")]


def _as_at(value: str | None) -> dt.date:
    day = _date(value, "--as-at")
    return day if day is not None else dt.date.today().replace(day=1) - dt.timedelta(days=1)


def _format(fmt: ReportFormat | None, out: Path) -> str:
    chosen = fmt.value if fmt else out.suffix.lstrip(".").lower()
    if chosen not in {f.value for f in ReportFormat}:
        console.print(f"[red]Say --format html, pdf or xlsx (cannot tell from {out.name!r})[/red]")
        raise typer.Exit(2)
    return chosen


def _inputs(scorecard: Path | None, figures: Path | None) -> tuple[Scorecard, list[Figure]]:
    from caseboard.reports.definition import ScorecardError, load_scorecard
    from caseboard.reports.imported import FiguresError, read_figures

    try:
        return load_scorecard(scorecard), read_figures(figures) if figures else []
    except (ScorecardError, FiguresError) as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None


def _settings(la: str | None, day: dt.date) -> Settings:
    from caseboard.indicators.settings import DEFAULT_SETTINGS
    from caseboard.reports.comparators import authority_settings

    if la is None:
        return DEFAULT_SETTINGS
    try:
        return authority_settings(la, day)
    except KeyError as exc:
        console.print(f"[red]--la {la}: {exc.args[0]}[/red]")
        raise typer.Exit(2) from None


@report_app.command("scorecard")
def scorecard(out: Out, as_at: AsAt = None, fmt: Fmt = None, public: Annotated[bool, typer.Option(
        "--public", help="Suppress counts of 1 to 5 (DfE style) for publication.")] = False,
        scorecard_file: ScorecardFile = None, figures: Figures = None, la: La = None, db: DbOption = None) -> None:
    """The scorecard: RAG key, target, previous, direction of travel, comparators, trend."""
    from caseboard.reports.pack import write_scorecard
    from caseboard.reports.scorecard import build_scorecard

    chosen, day = _format(fmt, out), _as_at(as_at)
    card, figs = _inputs(scorecard_file, figures)
    store = _open(db)
    try:
        report = build_scorecard(store, day, scorecard=card, figures=figs, public=public, la_code=la,
                                 settings=_settings(la, day))
    finally:
        store.close()
    write_scorecard(report, chosen, out)
    console.print(f"{card.title} as at {day} ({chosen}{', public' if public else ''}) written to {out}; "
                  f"built from {report.provenance.loads_text}")


@report_app.command("surgery")
def surgery(area: Annotated[str, typer.Option("--area", help="The area (id or name).")], out: Out,
            as_at: AsAt = None, fmt: Fmt = None, db: DbOption = None) -> None:
    """An area's performance-surgery pack: teams side by side, exceptions, worklists, unallocated children."""
    from caseboard.reports.pack import write_surgery
    from caseboard.reports.surgery import SurgeryError, build_surgery

    chosen, day = _format(fmt, out), _as_at(as_at)
    store = _open(db)
    try:
        report = build_surgery(store, day, area)
    except SurgeryError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None
    finally:
        store.close()
    write_surgery(report, chosen, out)
    console.print(f"Surgery pack for {report.area} as at {day} ({chosen}) written to {out}")


@report_app.command("pack")
def pack(out: Out, as_at: AsAt = None, scorecard_file: ScorecardFile = None, figures: Figures = None, la: La = None,
         fmt: Annotated[Optional[list[ReportFormat]], typer.Option(
             "--format", help="Only these formats (repeatable; default html, pdf and xlsx).")] = None,
         db: DbOption = None) -> None:
    """The month's set into OUT/<as-at>/: scorecard (and its public version), every area's surgery pack."""
    from caseboard.reports.pack import write_pack

    day = _as_at(as_at)
    card, figs = _inputs(scorecard_file, figures)
    store = _open(db)
    try:
        formats = [f.value for f in fmt] if fmt else [f.value for f in ReportFormat]
        files = write_pack(store, day, out, scorecard=card, figures=figs, formats=formats, la_code=la,
                           settings=_settings(la, day))
    finally:
        store.close()
    console.print(f"{len(files)} files written to {files[-1].parent}")


def register(app: typer.Typer) -> None:
    """Add ``report`` (scorecard, surgery, pack) to the main CLI."""
    app.add_typer(report_app, name="report")
