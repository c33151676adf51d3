"""Monthly series: every indicator at many as-at dates, each query planned once for all of them.

:func:`caseboard.indicators.engine.evaluate` answers one date; a series of 24 month-ends asked that way plans
every indicator's query 24 times, and planning (not running) is most of the cost. Here each query is written
for every date as usual, then the engine runs the dates as a column (:func:`caseboard.indicators.sql.over_dates`):
one query per indicator for all dates. The shared derivations (periods of care, open cases, who holds each
case) are materialised once for all dates too, keyed by date, and each date's query reads its own rows.

Measured on the default synthetic county (bench/bench_indicators.py, 65 indicators, 24 month-ends, DuckDB, a
shared 2-core machine): 5.7-8.0 s as a series against 19.7 s date by date, with the same rows. On PostgreSQL
the series goes date by date (see :func:`series`).

Results are those of ``evaluate`` at each date, row for row (tests/indicators/test_series.py checks it on every
worked example, on both engines): the per-date query texts are built by the same functions and differ from the
single-date ones only in where the date literals come from.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Literal

import polars as pl

from caseboard.calendar import add_months
from caseboard.indicators.attribution import Organisation, attributed, group_columns
from caseboard.indicators.derived import DERIVATIONS, TABLE_PREFIX, Q
from caseboard.indicators.engine import (
    LEVELS, Level, Row, _empty_tables, _no_data, _rows, evaluate, prepare, query_for,
)
from caseboard.indicators.registry import registry
from caseboard.indicators.settings import DEFAULT_SETTINGS, Settings
from caseboard.indicators.sql import DATES, KEY, for_dialect, lit, over_dates, run
from caseboard.store import Store

#: Materialised derivations of a series: one table per derivation, every date's rows keyed by ``cb_key``.
SERIES_PREFIX = TABLE_PREFIX + "s_"
#: DuckDB: the in-memory database those tables live in (see ``_Keyed``).
SHARED_DB = "cb_series"


def month_ends(last: dt.date, n: int) -> list[dt.date]:
    """The ``n`` month-ends up to the one on or before ``last`` (or ``last`` itself if it is one), oldest first."""
    first_of_next = add_months(last.replace(day=1), 1)
    ends = [add_months(first_of_next, -k) - dt.timedelta(days=1) for k in range(n + 1)]
    ends = [d for d in ends if d <= last][:n]
    return ends[::-1]


class _Keyed:
    """The shared derivations of a series, materialised for every date at once (see the module docstring)."""

    def __init__(self, store: Store, days: Sequence[dt.date], settings: Settings, skip: tuple[str, ...]) -> None:
        self.store, self.columns = store, {}
        self.tables: tuple[str, ...] = ()
        # On DuckDB the tables go to an in-memory database every connection of the process sees (temporary
        # tables are one connection's), so that the queries can run on two connections at once (_run_all).
        self.shared = store.dialect == "duckdb"
        if self.shared:
            store.execute(f"ATTACH IF NOT EXISTS ':memory:' AS {SHARED_DB}")
        for name, build in DERIVATIONS:
            if name in skip:
                continue
            table = self.table(name)
            store.execute(f"DROP TABLE IF EXISTS {table}")
            sql = self.over([build(Q(as_at=d, settings=settings, tables=self.tables)) for d in days])
            kind = "TABLE" if self.shared else "TEMPORARY TABLE"
            store.execute(for_dialect(f"CREATE {kind} {table} AS {sql}", store.dialect))
            if store.dialect == "postgres":  # each date's query reads its rows by key; plans need statistics
                store.execute(f"CREATE INDEX ON {table} ({KEY})")
                store.execute(f"ANALYZE {table}")
            self.columns[name] = [c for c in run(store, f"SELECT * FROM {table} LIMIT 0").columns if c != KEY]
            self.tables += (name,)

    def over(self, sqls: Sequence[str]) -> str:
        """One query over every date (``sqls[k]`` written for date ``k``), reading the keyed derivations."""
        groups = over_dates([self._keyed(s) for s in sqls])
        return "\nUNION ALL\n".join(sql for _, sql in groups)

    def table(self, name: str) -> str:
        return f"{SHARED_DB}.{SERIES_PREFIX}{name}" if self.shared else SERIES_PREFIX + name

    def _keyed(self, sql: str) -> str:
        # ``Q.derived`` reads a materialised derivation as ``SELECT * FROM cb_<name>``: here, the date's rows.
        for name in self.tables:
            alias = SERIES_PREFIX + name
            sql = re.sub(rf"SELECT \* FROM {TABLE_PREFIX}{name}\b",
                         f"SELECT {', '.join(self.columns[name])} FROM {self.table(name)} AS {alias} "
                         f"WHERE {alias}.{KEY} = {DATES}.{KEY}", sql)
        return sql

    def release(self) -> None:
        for name in self.tables:
            self.store.execute(f"DROP TABLE IF EXISTS {self.table(name)}")


Method = Literal["auto", "dates_as_column", "date_by_date"]


def series(store: Store, days: Sequence[dt.date], *, levels: Sequence[Level] = ("authority",),
           codes: Sequence[str] | None = None, settings: Settings = DEFAULT_SETTINGS,
           prepared: bool = False, method: Method = "auto") -> dict[dt.date, list[Row]]:
    """Every chosen indicator at every chosen level at each of ``days``: for each date, the rows
    ``evaluate(store, day, levels=levels, codes=codes)`` gives (period measures over the reporting year to
    that date).

    ``method``: ``dates_as_column`` runs each query once for all dates (see the module docstring);
    ``date_by_date`` calls ``evaluate`` per date. ``auto`` takes the first on DuckDB, where planning is the
    cost it saves, and the second on PostgreSQL, whose planning is cheap but which runs a lateral query date by
    date with a generic plan (no date constants to estimate from), slower than a plan per date.
    """
    if not prepared:
        prepare(store, settings)
    days = list(dict.fromkeys(days))
    if method == "date_by_date" or (method == "auto" and store.dialect != "duckdb"):
        return {d: evaluate(store, d, levels=levels, codes=codes, settings=settings, prepared=True) for d in days}
    chosen = [registry().get(c) for c in codes] if codes else list(registry())
    empty = _empty_tables(store, (t for ind in chosen for t in ind.requires))
    authority_only = list(levels) == ["authority"]
    org = Organisation.load(store)
    restore = _avoid_duckdb_bug(store)
    keyed = _Keyed(store, days, settings, skip=("holders",) if authority_only else ()) if len(chosen) > 3 else None
    tables = keyed.tables if keyed else ()
    results: dict[str, list[list[Row]]] = {}
    queries: dict[tuple[str, ...], str] = {}  # e.g. a count and its rate share their units
    wanted: dict[str, tuple[str, ...]] = {}
    try:
        for ind in chosen:
            no_data = _no_data(ind, empty, levels, settings)
            if no_data:
                results[ind.code] = [no_data] * len(days)
                continue
            points = [replace(query_for(ind, d, settings=settings), tables=tables) for d in days]
            sqls = [ind.units_sql(q) if authority_only else attributed(ind.units_sql(q), q, ind.attribution)
                    for q in points]
            wanted[ind.code] = key = (*sqls, ind.attribution)
            if key not in queries:
                queries[key] = keyed.over(sqls) if keyed else "\nUNION ALL\n".join(s for _, s in over_dates(sqls))
        frames = dict(zip(queries, _run_all(store, list(queries.values()))))
        for ind in chosen:
            if ind.code in wanted:
                units = _by_date(frames[wanted[ind.code]], len(days), settings, org, authority_only)
                results[ind.code] = [_rows(ind, units[k], levels, settings, org) for k in range(len(days))]
    finally:
        if keyed:
            keyed.release()
        restore()
    return {d: [row for ind in chosen for row in results[ind.code][k]] for k, d in enumerate(days)}


def _avoid_duckdb_bug(store: Store) -> Callable[[], None]:
    """DuckDB 2.0's ``projection_pullup`` optimiser fails ("INTERNAL Error: Failed to bind column reference") on
    some lateral queries over the derivations (placements: a ``SELECT pl.*`` over two grouped reads of one
    correlated relation); switched off for the series' queries and restored after. Plans only, never results."""
    if store.dialect != "duckdb":
        return lambda: None
    known = run(store, "SELECT name FROM duckdb_optimizers() WHERE name = 'projection_pullup'")
    if not known.height:
        return lambda: None
    before = str(run(store, "SELECT current_setting('disabled_optimizers') AS v")["v"][0] or "")
    store.execute(f"SET disabled_optimizers = {lit(','.join(filter(None, [before, 'projection_pullup'])))}")
    return lambda: store.execute(f"SET disabled_optimizers = {lit(before)}")


def _run_all(store: Store, sqls: list[str]) -> list[pl.DataFrame]:
    """Run the series' queries. On DuckDB two at a time, each on its own connection to the same database: the
    schedules' window functions keep one core busy at a time, so two queries use a two-core machine twice
    over (bench/bench_indicators.py); elsewhere one after the other."""
    con = getattr(store, "con", None)
    if store.dialect != "duckdb" or con is None or len(sqls) < 2:
        return [run(store, sql) for sql in sqls]
    disabled = str(run(store, "SELECT current_setting('disabled_optimizers') AS v")["v"][0] or "")
    local = threading.local()

    def one(sql: str) -> pl.DataFrame:
        if not hasattr(local, "cursor"):
            local.cursor = con.cursor()
            local.cursor.execute(f"SET disabled_optimizers = {lit(disabled)}")
        relation = local.cursor.sql(sql)
        return relation.pl() if relation is not None else pl.DataFrame()

    with ThreadPoolExecutor(max_workers=min(2, os.cpu_count() or 1)) as pool:
        return list(pool.map(one, sqls))


def _by_date(frame: pl.DataFrame, n: int, settings: Settings, org: Organisation,
             authority_only: bool) -> dict[int, pl.DataFrame]:
    """One indicator's units for every date (its query's result), split by date (index), with their groups."""
    frame = frame.with_columns(pl.col(KEY).cast(pl.Int64))
    if authority_only:
        frame = frame.with_columns(pl.lit(settings.authority_name).alias("authority"))
    else:
        frame = group_columns(frame, settings, org)
    if "in_numerator" in frame.columns:
        frame = frame.with_columns(pl.col("in_numerator").cast(pl.Boolean))
    parts = {k[0]: f.drop(KEY) for k, f in frame.partition_by(KEY, as_dict=True).items()}
    empty = frame.clear().drop(KEY)
    return {k: parts.get(k, empty) for k in range(n)}


__all__ = ["LEVELS", "month_ends", "series"]
