"""The ``forecast`` command, registered on the main CLI by :func:`register`.

``caseboard forecast --db DB --years 3 --scenario teens_and_inhouse`` answers "if we cut entries of 13-to-17s
by 20% from April and move 10% of independent fostering in-house, how many children and how much money in each
of the next three years, and how sure are we?": children at each 31 March and spend per financial year, low /
central / high, for the baseline and the scenario, the difference, investment and payback. ``--scenario`` takes
a YAML file or a shipped name (high, medium, low, do_nothing, teens_and_inhouse) and may be repeated;
``--backtest 2025-03-31`` fits on the history to that date and compares the next 12 months with what happened.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Optional

import polars as pl
import typer
from rich.table import Table as RichTable

from caseboard.cli_indicators import DbOption, Format, _date, _emit, _open, console
from caseboard.store import Store


def _money(x: float) -> str:
    return f"{'-' if x < 0 else ''}£{abs(x) / 1e6:,.1f}m"


def _cell(row: dict[str, object], money: bool) -> str:
    fmt = _money if money else (lambda v: f"{v:,.0f}")
    return f"{fmt(row['central'])} ({fmt(row['low'])} to {fmt(row['high'])})"  # type: ignore[arg-type]


def _print_tables(frame: pl.DataFrame, title: str, level: float, payback: dt.date | None,
                  has_investment: bool) -> None:
    rows = {(r["series"], r["year"], r["measure"]): r for r in frame.iter_rows(named=True)}
    years = list(dict.fromkeys(frame["year"].to_list()))
    band = f"central (low to high, {level:.0%} band)"
    table = RichTable(title=title)
    series = list(dict.fromkeys(frame["series"].to_list()))
    columns = [("baseline", "children", "Children at 31 March"), ("baseline", "spend", "Spend")]
    if "over_budget" in series:
        columns.append(("over_budget", "spend", "Over budget"))
    if "scenario" in series:
        columns = [("baseline", "children", "Children, baseline"), ("scenario", "children", "Children, scenario"),
                   ("difference", "children", "Fewer children"), ("baseline", "spend", "Spend, baseline"),
                   ("scenario", "spend", "Spend, scenario"), ("difference", "spend", "Saving")]
        if has_investment:
            columns += [("investment", "spend", "Investment"), ("net_saving", "spend", "Net saving")]
    table.add_column("Year")
    for _, _, head in columns:
        table.add_column(head, overflow="fold")
    for y in years:
        table.add_row(y, *(_cell(rows[(s, y, m)], m == "spend") if s != "investment" else _money(
            float(rows[(s, y, m)]["central"])) for s, m, _ in columns))  # type: ignore[arg-type]
    console.print(table)
    console.print(f"Each cell: {band}. Children at the year's last month end; spend over the year.")
    if has_investment:
        console.print(f"Payback: {payback.isoformat() if payback else 'not within the forecast horizon'}")


def forecast_command(
    db: DbOption = None,
    from_date: Annotated[Optional[str], typer.Option("--from-date", help="Project from the month end on or before "
                                                     "this date (default: the latest in the data).")] = None,
    years: Annotated[int, typer.Option(min=1, max=5, help="Years ahead (1 to 5).")] = 3,
    scenario: Annotated[Optional[list[str]], typer.Option(help="Scenario YAML file or shipped name (high, medium, "
                                                          "low, do_nothing, teens_and_inhouse); repeatable.")] = None,
    costs: Annotated[Optional[Path], typer.Option(help="Unit costs YAML (default: the shipped illustrative one).")] = None,
    window_months: Annotated[int, typer.Option(help="Months of history to estimate rates on.")] = 36,
    resamples: Annotated[int, typer.Option(help="Bootstrap resamples for the low-high band.")] = 1000,
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same bands.")] = 2014,
    by_group: Annotated[bool, typer.Option("--by-group", help="Also show children by placement group and age.")] = False,
    backtest: Annotated[Optional[str], typer.Option(help="Instead: fit up to this date, project 12 months and "
                                                    "compare with what happened.")] = None,
    history: Annotated[bool, typer.Option("--history", help="Instead: the month-end looked-after population by "
                                                            "placement group and age band over the window.")] = False,
    level: Annotated[float, typer.Option(min=0.5, max=0.99, help="Width of the low-high band (0.9: 5th to 95th "
                                                                 "percentile).")] = 0.9,
    fmt: Annotated[Format, typer.Option("--format", help="table, csv or json.")] = Format.table,
) -> None:
    """Where the looked-after population and its cost are heading, with low/central/high bands and scenarios."""
    from caseboard.forecast import scenario as sc
    from caseboard.forecast.costs import load_costs
    from caseboard.forecast.run import Options, describe, forecast

    options = Options(years=years, window_months=window_months, resamples=resamples, seed=seed, level=level)
    try:
        unit_costs = load_costs(costs)
        scenarios = [sc.load(s) for s in scenario or []]
    except (ValueError, OSError) as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None
    store = _open(db)
    try:
        if backtest:
            _backtest(store, _date(backtest, "--backtest"), options, fmt)  # type: ignore[arg-type]
            return
        start = _date(from_date, "--from-date")
        if history:
            from caseboard.forecast.history import history as month_ends
            from caseboard.forecast.run import anchor, window_start

            end = anchor(store, start)
            past = month_ends(store, window_start(store, end, window_months), end)
            _emit(past.population(), fmt, f"Children looked after at each month end to {end}")
            return
        results = [forecast(store, start, options=options, costs=unit_costs, scenario=s) for s in scenarios or [None]]
    except ValueError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from None
    finally:
        store.close()
    frames = []
    for s, f in zip(scenarios or [None], results):
        frame = f.summary().with_columns(pl.lit(s.name if s else "baseline").alias("scenario"))
        frames.append(frame)
        if fmt is Format.table:
            title = (f"Looked-after children and placement spend from {f.dates[0]}"
                     + (f": {s.name} from {f.dates[f.start_step - 1] + dt.timedelta(days=1)}" if s else ""))
            _print_tables(frame, title, options.level, f.payback(), bool(s and s.investment))
            if by_group:
                console.print(f.by_group())
    if fmt is Format.table:
        console.print(describe(results[0]))
        console.print(f"Unit costs: {unit_costs.source[:160]}..." if len(unit_costs.source) > 160
                      else f"Unit costs: {unit_costs.source}")
    else:
        _emit(pl.concat(frames), fmt, "forecast")


def _backtest(store: Store, cutoff: dt.date, options: object, fmt: Format) -> None:
    from dataclasses import replace

    from caseboard.forecast.backtest import backtest

    result = backtest(store, cutoff, options=replace(options, years=1))  # type: ignore[type-var]
    if fmt is Format.table:
        _emit(result.months, fmt, f"Backtest: fitted on the records as at {result.cutoff}, 12 months projected")
    _emit(result.errors, fmt, "Errors against what happened (MAE in children, MAPE in per cent)")


def register(app: typer.Typer) -> None:
    """Add the ``forecast`` command to the main CLI."""
    app.command("forecast")(forecast_command)
