"""Imported aggregate figures: what Caseboard does not compute itself, read from a CSV.

Education results, early-years take-up, youth justice rates, finance, and the England / regional /
statistical-neighbour comparisons (published by the DfE as aggregates) arrive as one CSV so that one scorecard
can carry the whole integrated report (issue 6)::

    code,period,value[,series]
    ks2_rwm_expected,2024/25,58
    lac_rate_per_10k,2024-25,70,england
    lac_rate_per_10k,2024-25,83,neighbours

``series`` is ``authority`` (the default) or a comparator: ``england``, ``region`` or ``neighbours``. A period
is an ISO date, a month (``2026-03``), a quarter of the reporting year (``2025-26 Q4``) or a year written
``2025-26`` / ``2025/26``, which ends on 31 March (the reporting year, DESIGN.md "Loads and time"); the label is
shown as given. ``2011-12`` is ambiguous (the year 2011-12, or December 2011?): a
second part that follows the first year is read as a year, so write December 2011 as ``2011-12-31``. Each figure counts from the end of its period: the current value at a date is the latest
figure whose period has ended by then, the previous one the figure before it.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from caseboard.calendar import add_months, quarter_bounds, reporting_year_bounds

SERIES = ("authority", "england", "region", "neighbours")
_YEAR = re.compile(r"(\d{4})[-/](\d{2})")
_QUARTER = re.compile(r"(\d{4})[-/](\d{2})\s*Q([1-4])", re.IGNORECASE)
_MONTH = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")


class FiguresError(ValueError):
    """A figures file that cannot be read, with the row a person should look at."""


@dataclass(frozen=True)
class Figure:
    code: str
    series: str
    period: str
    end: dt.date
    value: float
    note: str = ""  # where a comparator comes from and how it differs (published statistics)


def period_end(period: str) -> dt.date:
    """The last day of ``period`` (formats in the module docstring)."""
    text = period.strip()
    if m := _QUARTER.fullmatch(text):
        return quarter_bounds(int(m[1]) + 1, int(m[3]))[1]
    if (m := _YEAR.fullmatch(text)) and int(m[2]) == (int(m[1]) + 1) % 100:
        return reporting_year_bounds(int(m[1]) + 1)[1]
    if m := _MONTH.fullmatch(text):
        return add_months(dt.date(int(m[1]), int(m[2]), 1), 1) - dt.timedelta(days=1)
    return dt.date.fromisoformat(text)


def read_figures(path: Path) -> list[Figure]:
    """Every figure in the file, in file order; a bad row stops the read with its row number (header = row 1)."""
    try:
        text = path.read_bytes()
    except OSError as exc:
        raise FiguresError(f"cannot read {path}: {exc.strerror}") from None
    try:
        decoded = text.decode("utf-8-sig")
    except UnicodeDecodeError:
        decoded = text.decode("cp1252")
    reader = csv.DictReader(decoded.splitlines())
    missing = {"code", "period", "value"} - set(reader.fieldnames or [])
    if missing:
        raise FiguresError(f"{path.name}: the header needs the columns code, period, value (missing "
                           f"{', '.join(sorted(missing))})")
    out = []
    for row_no, row in enumerate(reader, 2):
        series = (row.get("series") or "authority").strip().lower()
        if series not in SERIES:
            raise FiguresError(f"{path.name} row {row_no}: series {series!r} is not one of {', '.join(SERIES)}")
        try:
            end = period_end(row["period"])
        except ValueError:
            raise FiguresError(f"{path.name} row {row_no}: period {row['period']!r} is not a date, a month "
                               "(2026-03), a quarter (2025-26 Q4) or a year (2025-26)") from None
        try:
            value = float(row["value"].replace(",", ""))
        except ValueError:
            raise FiguresError(f"{path.name} row {row_no}: value {row['value']!r} is not a number") from None
        out.append(Figure(row["code"].strip(), series, row["period"].strip(), end, value))
    return out


def latest(figures: list[Figure], code: str, series: str, as_at: dt.date, skip: int = 0) -> Figure | None:
    """The latest figure of ``code`` in ``series`` whose period has ended by ``as_at`` (``skip=1``: the one
    before it)."""
    found = sorted((f for f in figures if f.code == code and f.series == series and f.end <= as_at),
                   key=lambda f: f.end, reverse=True)
    return found[skip] if len(found) > skip else None
