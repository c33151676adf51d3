"""The ``indicators`` and ``worklist`` commands, registered on the main CLI by :func:`register`.

``caseboard indicators --as-at 2025-03-31 --by team --format json`` gives every indicator for every team;
``caseboard indicators --explain cp_reviews_on_time`` explains one; ``... --code cp_visits_on_time --by team
--children "Safeguarding 1"`` lists the children behind a team's figure; ``caseboard worklist --as-at
2025-03-31 --team "Safeguarding 1"`` lists what is overdue or falling due. Each takes ``--db`` like every other
command.
"""

from __future__ import annotations

import datetime as dt
import json
from enum import Enum
from typing import Annotated, Optional

import polars as pl
import typer
from rich.markdown import Markdown

from caseboard.cli_common import DbOption, Format, FormatOption, console
from caseboard.cli_common import emit as _emit
from caseboard.cli_common import open_db as _open
from caseboard.cli_common import parse_date as _date
from caseboard.indicators.framework import shown


class Level(str, Enum):
    authority = "authority"
    area = "area"
    team = "team"
    worker = "worker"


AsAt = Annotated[Optional[str], typer.Option("--as-at", help="The date (yyyy-mm-dd) the service is seen as at.")]
From = Annotated[Optional[str], typer.Option(
    "--from", help="Period start for period measures (default: 1 April of the reporting year).")]
To = Annotated[Optional[str], typer.Option("--to", help="Period end for period measures (default: the as-at date).")]
By = Annotated[list[Level], typer.Option("--by", help="Level(s) to break down by (repeatable).")]
Codes = Annotated[Optional[list[str]], typer.Option("--code", help="Only these indicators (repeatable).")]
Explain = Annotated[Optional[str], typer.Option("--explain", help="Explain one indicator and stop.")]
Children = Annotated[Optional[str], typer.Option(
    "--children", help="List the children behind one indicator (one --code) in this group of the --by level "
                       "(e.g. a team's name, a worker's id, or 'Unallocated').")]


def indicators(as_at: AsAt = None, from_: From = None, to: To = None,
               by: By = [Level.authority],  # noqa: B006 - Typer reads the default, never mutates it
               code: Codes = None, fmt: FormatOption = Format.table, explain: Explain = None,
               children: Children = None, db: DbOption = None) -> None:
    """Indicators as at a date, by authority, area, team or worker."""
    from caseboard.indicators.docs import indicator_markdown
    from caseboard.indicators.engine import evaluate
    from caseboard.indicators.registry import registry

    reg = registry()
    for c in ([explain] if explain else []) + list(code or []):
        if c not in reg.codes():
            console.print(f"[red]No indicator {c!r}. Known: {', '.join(reg.codes())}[/red]")
            raise typer.Exit(2)
    if explain:
        console.print(Markdown(indicator_markdown(reg.get(explain))))
        return
    day = _date(as_at, "--as-at")
    if day is None:
        console.print("[red]--as-at is required (or --explain CODE)[/red]")
        raise typer.Exit(2)
    start, end = _date(from_, "--from"), _date(to, "--to")
    if children is not None:
        if len(code or []) != 1:
            console.print("[red]--children needs exactly one --code[/red]")
            raise typer.Exit(2)
        _children(db, code[0], day, start, end, by[-1].value, children, fmt)  # type: ignore[index]
        return
    store = _open(db)
    try:
        rows = evaluate(store, day, start=start, end=end, levels=[lv.value for lv in by],  # type: ignore[misc]
                        codes=code or None)
    finally:
        store.close()
    records = [r.as_dict() for r in rows]
    if fmt is Format.json:
        typer.echo(json.dumps(records, default=str, indent=2))
        return
    units = {ind.code: ind.unit for ind in reg}
    frame = pl.DataFrame([{**{k: r.get(k) for k in ("code", "level", "group", "numerator", "denominator")},
                           "value": shown(r["value"], units[r["code"]]) if fmt is Format.table else r["value"],
                           "status": r["status"]} for r in records],
                         schema={"code": pl.Utf8, "level": pl.Utf8, "group": pl.Utf8, "numerator": pl.Float64,
                                 "denominator": pl.Float64, "value": pl.Utf8 if fmt is Format.table else pl.Float64,
                                 "status": pl.Utf8})
    _emit(frame, fmt, f"Indicators as at {day}")


def _children(db: str | None, code: str, day: dt.date, start: dt.date | None, end: dt.date | None, level: str,
              group: str, fmt: Format) -> None:
    """The units behind one indicator's numerator and denominator in one group ("which ones?")."""
    from caseboard.indicators.engine import units

    store = _open(db)
    try:
        frame = units(store, code, day, start=start, end=end, level=level, group=group)  # type: ignore[arg-type]
    finally:
        store.close()
    _emit(frame, fmt, f"{code}: {frame.height} behind the figure for {level} {group!r} as at {day}")


def worklist(
    as_at: Annotated[str, typer.Option("--as-at", help="The date (yyyy-mm-dd).")],
    team: Annotated[Optional[str], typer.Option("--team", help="Only this team (name or code).")] = None,
    worker: Annotated[Optional[str], typer.Option("--worker", help="Only this worker (id).")] = None,
    area: Annotated[Optional[str], typer.Option("--area", help="Only this area (name or code).")] = None,
    days: Annotated[Optional[int], typer.Option("--days", help="Items due within this many days (default 7).")] = None,
    fmt: FormatOption = Format.table,
    db: DbOption = None,
) -> None:
    """Statutory items overdue or falling due, most urgent first."""
    from caseboard.worklists import worklist as build

    day = _date(as_at, "--as-at")
    assert day is not None
    store = _open(db)
    try:
        frame = build(store, day, team=team, worker=worker, area=area, horizon_days=days)
    finally:
        store.close()
    if fmt is Format.table:
        frame = frame.drop("rule")
    who = worker or team or area or "the authority"
    _emit(frame, fmt, f"Worklist for {who} as at {day}: {frame.height} item{'s' if frame.height != 1 else ''}")


def register(app: typer.Typer) -> None:
    """Add ``indicators`` and ``worklist`` to the main CLI."""
    app.command("indicators")(indicators)
    app.command("worklist")(worklist)
