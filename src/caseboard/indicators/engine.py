"""The engine: indicators as at a date (or over a period), at every level, on any store.

For each indicator the engine runs its ``units_sql`` once (transpiled for the store's engine), places every
unit in an area, team and worker (``indicators.attribution``), and counts numerator and denominator per group
in Polars, so one query serves all four levels.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

import polars as pl

from caseboard.calendar import ensure_calendar, reporting_year, reporting_year_bounds
from caseboard.indicators.attribution import UNALLOCATED, Organisation, attributed_frame
from caseboard.indicators.derived import Q, materialise, release
from caseboard.indicators.framework import (
    Computed, Indicator, NotEnoughData, Result, compute, status,
)
from caseboard.indicators.registry import registry
from caseboard.indicators.settings import DEFAULT_SETTINGS, Settings
from caseboard.indicators.sql import run
from caseboard.store import Store

Level = Literal["authority", "area", "team", "worker"]
LEVELS: tuple[Level, ...] = ("authority", "area", "team", "worker")


def prepare(store: Store, settings: Settings = DEFAULT_SETTINGS) -> None:
    """Make the store ready for indicator and worklist queries: the calendar table, and on PostgreSQL no JIT
    (compiling these short analytical queries costs seconds and saves nothing)."""
    ensure_calendar(store, cal=settings.calendar)
    if store.dialect == "postgres":
        store.execute("SET jit = off")


def query_for(ind: Indicator, as_at: dt.date, start: dt.date | None = None, end: dt.date | None = None,
              settings: Settings = DEFAULT_SETTINGS) -> Q:
    """The query point of ``ind``: the as-at date, or for period measures the period (by default the reporting
    year to date), seen as at its last day."""
    if ind.kind == "period":
        last = end or as_at
        first = start or reporting_year_bounds(reporting_year(last))[0]
        return Q(as_at=last, start=first, end=last, settings=settings)
    return Q(as_at=as_at, settings=settings)


def unit_frame(store: Store, ind: Indicator, q: Q) -> pl.DataFrame:
    """Every unit of ``ind`` at ``q`` with its ``authority``, ``area``, ``team`` and ``worker`` groups."""
    return attributed_frame(store, ind.units_sql(q), q, ind.attribution)


@dataclass(frozen=True)
class Row:
    """One indicator's result for one group at one level."""

    code: str
    level: str
    group: str
    result: Result
    status: str
    group_name: str | None = None

    def as_dict(self) -> dict[str, Any]:
        r = self.result
        out: dict[str, Any] = {"code": self.code, "level": self.level, "group": self.group,
                               "numerator": None, "denominator": None, "value": None, "status": self.status}
        if isinstance(r, Computed):
            out.update(numerator=_number(r.numerator), denominator=_number(r.denominator), value=round(r.value, 4))
        else:
            out["reason"] = r.reason
        if self.group_name:
            out["group_name"] = self.group_name
        return out


def _number(x: float) -> float | int:
    return int(x) if float(x).is_integer() else round(float(x), 4)


def _empty_tables(store: Store, names: Iterable[str]) -> set[str]:
    names = sorted(set(names))
    if not names:
        return set()
    counts = run(store, " UNION ALL ".join(f"SELECT '{n}' AS t, COUNT(*) AS n FROM {n}" for n in names))
    return {t for t, n in counts.iter_rows() if not int(n)}


def aggregate(ind: Indicator, units: pl.DataFrame, level: Level, settings: Settings,
              known: Sequence[str] = ()) -> list[Row]:
    """Numerator and denominator per group of ``level`` (groups in ``known`` appear even with no units)."""
    # Weights (FTEs) are summed to 9 places: a float sum depends on the order rows arrive in, which no engine
    # fixes, and a total of 2.9999999999999996 FTE must not turn a caseload of 18.0 from green to amber.
    den = pl.col("den_weight").cast(pl.Float64).sum().round(9) if "den_weight" in units.columns else pl.len()
    # ``num_weight``: a unit's share of the numerator when it is not 1 (days of an adoption, an agency FTE).
    num = (pl.col("num_weight").cast(pl.Float64).sum().round(9) if "num_weight" in units.columns
           else pl.col("in_numerator").sum())
    counts = units.group_by(level).agg(num.alias("num"), den.alias("den"))
    found = {g: (n, d) for g, n, d in counts.iter_rows()}
    groups = sorted(set(found) | set(known), key=lambda g: (g == UNALLOCATED, g))
    if level == "authority" and not groups:
        groups = [settings.authority_name]
    names = {}
    if level == "worker" and "worker_name" in units.columns:
        names = dict(units.select("worker", "worker_name").unique("worker").iter_rows())
    rows = []
    for g in groups:
        n, d = found.get(g, (0, 0))
        result = compute(ind, n or 0, d or 0,
                         population=settings.population_0_17 if level == "authority" else None)
        rows.append(Row(ind.code, level, g, result, status(ind, result), names.get(g)))
    return rows


def _no_data(ind: Indicator, empty: set[str], levels: Sequence[Level], settings: Settings) -> list[Row]:
    """When a table ``ind`` needs has no data anywhere: one row per level, for the whole authority, saying so."""
    missing = [t for t in ind.requires if t in empty]
    if not missing:
        return []
    result = NotEnoughData(f"no {', '.join(missing)} records have been loaded")
    return [Row(ind.code, lv, settings.authority_name, result, status(ind, result)) for lv in levels]


def _rows(ind: Indicator, units: pl.DataFrame, levels: Sequence[Level], settings: Settings,
          org: Organisation) -> list[Row]:
    return [row for lv in levels for row in aggregate(ind, units, lv, settings, org.groups(lv))]


def evaluate(store: Store, as_at: dt.date, *, start: dt.date | None = None, end: dt.date | None = None,
             levels: Sequence[Level] = LEVELS, codes: Sequence[str] | None = None,
             settings: Settings = DEFAULT_SETTINGS, prepared: bool = False,
             shared: bool | None = None) -> list[Row]:
    """Every chosen indicator at every chosen level, in catalogue order.

    ``prepared``: :func:`prepare` has been called on this store. ``shared``: compute the derivations indicators
    share (periods of care, open cases, who holds each case) once per date into temporary tables (default: when
    more than three indicators are asked for); the results are the same either way.
    """
    if not prepared:
        prepare(store, settings)
    reg = registry()
    chosen = [reg.get(c) for c in codes] if codes else list(reg)
    empty = _empty_tables(store, (t for ind in chosen for t in ind.requires))
    org = Organisation.load(store)
    share = len(chosen) > 3 if shared is None else shared
    points = {ind.code: query_for(ind, as_at, start, end, settings) for ind in chosen}
    authority_only = list(levels) == ["authority"]  # then nobody needs placing in a team
    results: dict[str, list[Row]] = {}
    for day in sorted({q.as_at for q in points.values()}):
        group = [ind for ind in chosen if points[ind.code].as_at == day]
        tables = materialise(store, Q(as_at=day, settings=settings),
                             skip=("holders",) if authority_only else ()).tables if share else ()
        frames: dict[tuple[str, str], pl.DataFrame] = {}
        try:
            for ind in group:
                no_data = _no_data(ind, empty, levels, settings)
                if no_data:
                    results[ind.code] = no_data
                    continue
                q = replace(points[ind.code], tables=tables)
                key = (ind.units_sql(q), ind.attribution)  # e.g. a count and its rate share their units
                if key not in frames:
                    frames[key] = attributed_frame(store, key[0], q, ind.attribution, org=org,
                                                   authority_only=authority_only)
                results[ind.code] = _rows(ind, frames[key], levels, settings, org)
        finally:
            release(store, Q(as_at=day, tables=tables))
    return [row for ind in chosen for row in results[ind.code]]


def units(store: Store, code: str, as_at: dt.date, *, start: dt.date | None = None, end: dt.date | None = None,
          level: Level = "authority", group: str | None = None, settings: Settings = DEFAULT_SETTINGS,
          prepared: bool = False) -> pl.DataFrame:
    """The units (children, plans, reviews due...) behind an indicator's numerator and denominator, optionally
    only those of one group: the answer to "which ones?"."""
    if not prepared:
        prepare(store, settings)
    ind = registry().get(code)
    frame = unit_frame(store, ind, query_for(ind, as_at, start, end, settings))
    if group is not None:
        frame = frame.filter(pl.col(level) == group)
    return frame.sort(["in_numerator", "child_id"], descending=[True, False])
