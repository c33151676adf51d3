"""Reading values the way councils actually send them.

Dates arrive as dd/mm/yyyy (the DfE returns), ISO yyyy-mm-dd (XML, JSON), dd/mm/yyyy hh:mm:ss (Excel exports),
Excel serial numbers (a spreadsheet cell formatted as a number) or already-typed dates from a spreadsheet reader.
Dates are read day-first, never month-first: these are English returns. A value that fits none of these is a
problem to report, never a guess.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from caseboard.model.schema import ColumnType

POLARS_TYPES: dict[str, pl.DataType] = {
    "str": pl.Utf8(),
    "date": pl.Date(),
    "int": pl.Int64(),
    "float": pl.Float64(),
    "bool": pl.Boolean(),
    "timestamp": pl.Datetime("us"),
}

#: Text date shapes accepted, tried in order (day first: English returns).
DATE_FORMATS: tuple[str, ...] = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%Y/%m/%d")

#: Excel's 1900 date system counts days from 1899-12-30 (it wrongly keeps 1900-02-29, so this epoch is right
#: for every serial after February 1900, which is every date a child's record can hold).
EXCEL_EPOCH = dt.date(1899, 12, 30)
#: Serial numbers accepted as Excel dates: 1 Jan 1950 to 31 Dec 2100. Anything else is not a plausible date.
EXCEL_SERIAL_RANGE = (18264, 73415)

TRUE_WORDS = ("1", "true", "t", "yes", "y", "1.0")
FALSE_WORDS = ("0", "false", "f", "no", "n", "0.0")


def parse_column(series: pl.Series, type_: ColumnType) -> tuple[pl.Series, pl.Series | None]:
    """Type a column of raw values.

    Returns the typed series and a boolean mask of the values that were present but unreadable (``None`` when
    there were none), so the caller can report each one with its row.
    """
    name = series.name
    if type_ == "str":
        typed = _as_text(series)
        return typed.rename(name), None
    if type_ == "date":
        typed = parse_dates(series)
    elif type_ == "timestamp":
        typed = _parse_timestamps(series)
    elif type_ == "bool":
        typed = _parse_bools(series)
    elif type_ == "int":
        typed = _parse_numbers(series, pl.Int64)
    elif type_ == "float":
        typed = _parse_numbers(series, pl.Float64)
    else:  # pragma: no cover - the schema's Literal forbids it
        raise ValueError(type_)
    present = _as_text(series).is_not_null()
    problems = present & typed.is_null()
    return typed.rename(name), (problems if problems.any() else None)


def _as_text(series: pl.Series) -> pl.Series:
    """Strings with surrounding space removed and empty strings as missing."""
    if series.dtype == pl.Utf8:
        s = series.str.strip_chars()
    elif series.dtype == pl.Null:
        return pl.Series(series.name, [None] * series.len(), dtype=pl.Utf8)
    elif series.dtype in (pl.Float64, pl.Float32):
        # A whole number read from a spreadsheet as a float (an identifier such as 123456.0) is the integer.
        s = pl.select(
            pl.when(series.round(0) == series).then(series.cast(pl.Int64).cast(pl.Utf8)).otherwise(series.cast(pl.Utf8))
        ).to_series()
    else:
        s = series.cast(pl.Utf8)
    return pl.select(pl.when(s.str.len_chars() == 0).then(None).otherwise(s)).to_series().rename(series.name)


def parse_dates(series: pl.Series) -> pl.Series:
    """Dates from any of the shapes in :data:`DATE_FORMATS`, datetimes, or Excel serial numbers."""
    if series.dtype == pl.Date:
        return series
    if isinstance(series.dtype, pl.Datetime):
        return series.dt.date()
    if series.dtype.is_numeric():
        return _from_excel_serial(series.cast(pl.Float64))
    text = _as_text(series)
    # Drop a time part ("2023-05-23T11:14:05", "01/02/2023 00:00:00"): the models hold dates.
    day = text.str.replace(r"[T ]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?Z?$", "")
    candidates = [day.str.strptime(pl.Date, fmt, strict=False, exact=True) for fmt in DATE_FORMATS]
    serial = pl.select(
        pl.when(day.str.contains(r"^\d{5}(\.0+)?$")).then(day.cast(pl.Float64, strict=False)).otherwise(None)
    ).to_series()
    candidates.append(_from_excel_serial(serial))
    return pl.select(pl.coalesce(candidates)).to_series().rename(series.name)


def _from_excel_serial(serial: pl.Series) -> pl.Series:
    lo, hi = EXCEL_SERIAL_RANGE
    ok = serial.is_not_null() & (serial >= lo) & (serial <= hi) & (serial.round(0) == serial)
    days = pl.select(pl.when(ok).then(serial.cast(pl.Int64)).otherwise(None)).to_series()
    return pl.select(pl.lit(EXCEL_EPOCH) + pl.duration(days=days)).to_series().cast(pl.Date)


def _parse_timestamps(series: pl.Series) -> pl.Series:
    if isinstance(series.dtype, pl.Datetime):
        return series.cast(pl.Datetime("us"))
    if series.dtype == pl.Date:
        return series.cast(pl.Datetime("us"))
    text = _as_text(series)
    return text.str.to_datetime(strict=False, time_unit="us").rename(series.name)


def _parse_bools(series: pl.Series) -> pl.Series:
    if series.dtype == pl.Boolean:
        return series
    text = _as_text(series).str.to_lowercase()
    return pl.select(
        pl.when(text.is_in(TRUE_WORDS)).then(True).when(text.is_in(FALSE_WORDS)).then(False).otherwise(None)
    ).to_series()


def _parse_numbers(series: pl.Series, dtype: type[pl.DataType]) -> pl.Series:
    if series.dtype.is_numeric():
        as_float = series.cast(pl.Float64)
    else:
        as_float = _as_text(series).str.replace_all(",", "").cast(pl.Float64, strict=False)
    if dtype == pl.Int64:
        whole = as_float.round(0) == as_float
        return pl.select(pl.when(whole).then(as_float.cast(pl.Int64)).otherwise(None)).to_series()
    return as_float
