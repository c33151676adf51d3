"""The ``compare`` command: the authority's indicators beside England, its region and its statistical neighbours.

``caseboard compare --la 926 --as-at 2025-03-31`` computes every indicator that has a published equivalent as at
the date (rates per 10,000 with the authority's ONS child population) and prints each beside the DfE's published
figures for that reporting year: the authority's own, England's, the region's and the mean of the ten
statistical neighbours. Without ``--as-at`` it prints the published figures only (``--year``, default the
latest). Registered on the main CLI by :func:`register`.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Optional

import polars as pl
import typer

from caseboard.cli_indicators import DbOption, Format, FormatOption, _date, _emit, _open, console


def comparison_rows(la: str, year: int | None, codes: list[str] | None,
                    local: dict[str, float | None] | None) -> list[dict[str, Any]]:
    """One row per indicator: Caseboard's value (when computed), then the published figures of ``year`` (or,
    where that year is not published yet, the latest year that is)."""
    from caseboard.benchmarks.published import MAPPINGS, comparison, latest_year

    rows = []
    for code in codes or list(MAPPINGS):
        used = min(year, latest_year(code)) if year else latest_year(code)
        c = comparison(code, la, used)
        rows.append({"code": code, "caseboard": None if local is None else local.get(code), "year": used,
                     "la_published": c["la_published"], "england": c["england"], "region": c["region"],
                     "neighbours_mean": c["neighbours_mean"], "caveat": c["caveat"]})
    return rows


def compare(
    la: Annotated[str, typer.Option("--la", help="The authority: old LA code (926), new code or name.")],
    as_at: Annotated[Optional[str], typer.Option(
        "--as-at", help="Compute Caseboard's figures as at this date (yyyy-mm-dd), e.g. 31 March.")] = None,
    year: Annotated[Optional[int], typer.Option(
        "--year", help="Published reporting year (ending 31 March); default: that of --as-at, else the latest.")] = None,
    code: Annotated[Optional[list[str]], typer.Option("--code", help="Only these indicators (repeatable).")] = None,
    fmt: FormatOption = Format.table,
    db: DbOption = None,
) -> None:
    """Indicators beside England, the region and the statistical neighbours (DfE published figures)."""
    from caseboard.benchmarks.published import MAPPINGS, authority
    from caseboard.calendar import reporting_year

    try:
        la_code, name, _ = authority(la)
    except KeyError as exc:
        console.print(f"[red]{exc.args[0]}[/red]")
        raise typer.Exit(2) from None
    unknown = [c for c in code or [] if c not in MAPPINGS]
    if unknown:
        console.print(f"[red]No published equivalent of {', '.join(unknown)}. Indicators with one: "
                      f"{', '.join(MAPPINGS)}[/red]")
        raise typer.Exit(2)
    day = _date(as_at, "--as-at")
    if year is None and day is not None:
        year = reporting_year(day)
    local = _local(db, day, la_code, year, code) if day is not None else None
    rows = comparison_rows(la_code, year, code, local)
    frame = pl.DataFrame(rows, schema={"code": pl.Utf8, "caseboard": pl.Float64, "year": pl.Int64,
                                       "la_published": pl.Float64, "england": pl.Float64, "region": pl.Float64,
                                       "neighbours_mean": pl.Float64, "caveat": pl.Utf8})
    if fmt is Format.table:
        frame = frame.drop("caveat").with_columns(pl.col("caseboard").round(1))
    when = f" as at {day}" if day else ""
    _emit(frame, fmt, f"{name} ({la_code}){when} beside England, region and statistical neighbours")


def _local(db: str | None, day: dt.date, la_code: str, year: int | None,
           codes: list[str] | None) -> dict[str, float | None]:
    """Caseboard's authority-level values at ``day``, rates per 10,000 on the authority's ONS population."""
    from caseboard.benchmarks.published import MAPPINGS, settings_for
    from caseboard.indicators.engine import evaluate
    from caseboard.indicators.framework import Computed
    from caseboard.indicators.registry import registry

    known = set(registry().codes())
    chosen = [c for c in (codes or list(MAPPINGS)) if c in known]
    settings = settings_for(la_code, year or day.year)
    store = _open(db)
    try:
        rows = evaluate(store, day, levels=["authority"], codes=chosen, settings=settings)
    finally:
        store.close()
    return {r.code: (r.result.value if isinstance(r.result, Computed) else None) for r in rows}


def register(app: typer.Typer) -> None:
    """Add ``compare`` to the main CLI."""
    app.command("compare")(compare)
