"""What every ``caseboard`` command shares: the ``--db`` option, dates, opening the store, output formats.

One definition each, so every command reads ``--db`` and dates the same way and fails the same plain way
(exit 1 for a database that cannot be opened, exit 2 for a mistyped date), never with a traceback.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from enum import Enum
from typing import Annotated, Optional

import polars as pl
import typer
from rich.console import Console
from rich.table import Table as RichTable

from caseboard.store import DEFAULT_DB, Store, open_store

console = Console()

DbOption = Annotated[
    Optional[str],
    typer.Option("--db", envvar="CASEBOARD_DB",
                 help=f"Database: a file for the embedded default (default {DEFAULT_DB}) or a postgresql:// URL."),
]


class Format(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


FormatOption = Annotated[Format, typer.Option("--format", help="Output format.")]


def parse_date(value: str | None, option: str = "date") -> dt.date | None:
    """A yyyy-mm-dd option value, or a plain message and exit code 2."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        console.print(f"[red]{option} {value!r} is not a date: expected yyyy-mm-dd[/red]")
        raise typer.Exit(2) from None


def open_db(db: str | None) -> Store:
    """The store named by ``--db``, or a plain message and exit code 1 (a wrong URL, a locked file)."""
    try:
        return open_store(db)
    except Exception as exc:
        console.print(f"[red]Cannot open the database {db or DEFAULT_DB}: {exc}[/red]")
        raise typer.Exit(1) from None


def emit(frame: pl.DataFrame, fmt: Format, title: str) -> None:
    """A result table as a terminal table, CSV or JSON (a list of objects: the contract scripts rely on)."""
    if fmt is Format.json:
        typer.echo(json.dumps(frame.to_dicts(), default=str, indent=2))
    elif fmt is Format.csv:
        buffer = io.StringIO()
        frame.write_csv(buffer)
        typer.echo(buffer.getvalue(), nl=False)
    else:
        table = RichTable(title=title)
        for name in frame.columns:
            table.add_column(name)
        for row in frame.iter_rows():
            table.add_row(*("" if v is None else str(v) for v in row))
        console.print(table)
