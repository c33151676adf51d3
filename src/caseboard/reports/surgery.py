"""The area performance-surgery pack: an area's teams side by side, what turned red, worklists, unallocated children.

Seed 003 (para 27): each month a head of service takes to the performance surgery, for their area, the teams'
figures on the core data set, the exceptions, the worklist position and the children without an allocated
worker. All of it is read from the engine (``indicators.engine.evaluate`` at the area and team levels, at the
date and a month earlier), the worklists (``worklists.worklist``) and the children behind the
``unallocated_children`` figure (``indicators.engine.units``), computed once for every area
(:func:`surgery_data`) so a month's pack of all areas costs two evaluations, not two per area.

The pack names children (the unallocated list): it is an internal management report and has no public version.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from caseboard.indicators.attribution import Organisation
from caseboard.indicators.engine import Row, evaluate, prepare, units
from caseboard.indicators.framework import Computed, Indicator
from caseboard.indicators.registry import registry
from caseboard.indicators.settings import DEFAULT_SETTINGS, Settings
from caseboard.reports.provenance import Provenance, provenance
from caseboard.reports.scorecard import months_back
from caseboard.store import Store
from caseboard.worklists import worklist

#: The core data set compared across teams (measures that mean something for one team: no rates per 10,000).
CORE = ("assessments_within_45wd", "assessments_overdue", "cin_open", "cp_plans_open", "cp_reviews_on_time",
        "cp_visits_on_time", "lac_open", "lac_reviews_on_time", "lac_visits_on_time", "lac_pep_current",
        "pathway_plan_authorised_6m", "unallocated_children", "caseload_per_worker_fte")


class SurgeryError(ValueError):
    """An area that is not in the store."""


@dataclass(frozen=True)
class SurgeryData:
    """Everything the packs of every area need, computed once."""

    as_at: dt.date
    previous: dt.date
    now: tuple[Row, ...]
    before: tuple[Row, ...]
    worklist: pl.DataFrame
    unallocated: pl.DataFrame
    org: Organisation
    provenance: Provenance
    codes: tuple[str, ...]


@dataclass(frozen=True)
class RedFigure:
    code: str
    title: str
    group: str
    value: Row
    was: str  # the status a month earlier
    new: bool  # turned red this month (not red before)


@dataclass(frozen=True)
class SurgeryReport:
    area_id: str
    area: str
    as_at: dt.date
    previous: dt.date
    measures: tuple[Indicator, ...]
    teams: tuple[str, ...]
    cells: dict[tuple[str, str], Row]  # (code, team or the area's name) -> the engine's row
    exceptions: tuple[RedFigure, ...]
    worklist: pl.DataFrame  # team, overdue, due, items
    unallocated: pl.DataFrame  # child_id, team, cases
    provenance: Provenance
    unplaced: int = 0  # unallocated children held by no team at all (in no area's pack): the authority's to place


def surgery_data(store: Store, as_at: dt.date, *, codes: Sequence[str] = CORE,
                 settings: Settings = DEFAULT_SETTINGS) -> SurgeryData:
    prepare(store, settings)
    previous = months_back(as_at, 1)
    levels = ["area", "team"]
    now = evaluate(store, as_at, levels=levels, codes=list(codes), settings=settings, prepared=True)  # type: ignore[arg-type]
    before = evaluate(store, previous, levels=levels, codes=list(codes), settings=settings, prepared=True)  # type: ignore[arg-type]
    items = worklist(store, as_at, settings=settings, prepared=True)
    who = units(store, "unallocated_children", as_at, settings=settings, prepared=True)
    who = who.filter(pl.col("in_numerator")).select("child_id", "area", "area_code", "team", "cases").sort(
        "team", "child_id")
    prov = provenance(store, settings, as_at=as_at.isoformat(), compared_with=previous.isoformat(),
                      measures=",".join(codes))
    return SurgeryData(as_at, previous, tuple(now), tuple(before), items, who, Organisation.load(store), prov,
                       tuple(codes))


def _area(data: SurgeryData, area: str) -> tuple[str, str]:
    """(id, label) of an area given by id or name."""
    for area_id, name in data.org.areas.iter_rows():
        if area in (area_id, name):
            return area_id, name or area_id
    known = ", ".join(f"{i} ({n})" for i, n in data.org.areas.iter_rows())
    raise SurgeryError(f"no area {area!r}; known: {known or 'none loaded'}")


def _has_units(row: Row) -> bool:
    r = row.result
    return isinstance(r, Computed) and bool(r.numerator or r.denominator)


def area_report(data: SurgeryData, area: str) -> SurgeryReport:
    """The pack of one area (by id or name) from :func:`surgery_data`."""
    area_id, label = _area(data, area)
    teams_of_area = [name or tid for tid, name, a in data.org.teams.iter_rows() if a == area_id]
    mine = [r for r in data.now if (r.level == "area" and r.group == label)
            or (r.level == "team" and r.group in teams_of_area)]
    cells = {(r.code, r.group): r for r in mine}
    teams = tuple(t for t in teams_of_area if any(_has_units(r) for r in mine if r.group == t and r.level == "team"))
    was = {(r.code, r.level, r.group): r.status for r in data.before}
    reg = registry()
    exceptions = tuple(
        RedFigure(r.code, reg.get(r.code).title, r.group, r, was.get((r.code, r.level, r.group), ""),
                   was.get((r.code, r.level, r.group)) != "red")
        for r in mine if r.status == "red" and (r.level == "area" or r.group in teams))
    exceptions = tuple(sorted(exceptions, key=lambda e: (not e.new, e.code, e.group != label, e.group)))
    items = data.worklist.filter(pl.col("area") == label)
    counts = (items.group_by("team").agg((pl.col("status") == "overdue").sum().alias("overdue"),
                                          (pl.col("status") == "due").sum().alias("due"), pl.len().alias("items"))
              .sort("team"))
    unallocated = data.unallocated.filter(pl.col("area_code") == area_id).select("child_id", "team", "cases")
    return SurgeryReport(area_id, label, data.as_at, data.previous, tuple(reg.get(c) for c in data.codes), teams,
                         cells, exceptions, counts, unallocated, data.provenance,
                         data.unallocated.filter(pl.col("area_code").is_null()).height)


def build_surgery(store: Store, as_at: dt.date, area: str, *, codes: Sequence[str] = CORE,
                  settings: Settings = DEFAULT_SETTINGS) -> SurgeryReport:
    return area_report(surgery_data(store, as_at, codes=codes, settings=settings), area)


def surgery_sheets(report: SurgeryReport) -> list[tuple[str, str, list[str], list[list[object]], list[str]]]:
    """The pack as workbook tables (``reports.xlsx.tables_xlsx``): teams side by side with RAG fills, the
    exceptions, worklist counts and the unallocated children."""
    groups = [report.area, *report.teams]
    grid = []
    for m in report.measures:
        row: list[object] = [m.title]
        for g in groups:
            cell = report.cells.get((m.code, g))
            value = cell.result.value if cell is not None and isinstance(cell.result, Computed) else None
            row.append((value, m.unit, cell.status if cell is not None else "no value"))
        grid.append(row)
    units = {m.code: m.unit for m in report.measures}
    exceptions = [[e.title, e.group, (e.value.result.value, units[e.code], "red"),  # type: ignore[union-attr]
                   e.was or "no figure", "turned red this month" if e.new else "red last month too"]
                  for e in report.exceptions]
    when = f"as at {report.as_at:%d %B %Y}"
    return [
        ("Teams", f"{report.area}: teams side by side {when}", ["Measure", *groups], grid, [""] * (len(groups) + 1)),
        ("Exceptions", f"{report.area}: red {when}", ["Measure", "Team or area", "Value", "Last month", "Since"],
         exceptions, ["", "", "", "", ""]),
        ("Worklists", f"{report.area}: statutory items overdue or due within the week {when}",
         ["Team", "Overdue", "Due", "Items"], [list(r) for r in report.worklist.rows()], ["", "count", "count", "count"]),
        ("Unallocated", f"{report.area}: children without an allocated worker {when}",
         ["Child", "Team holding the case", "Open as"], [list(r) for r in report.unallocated.rows()], ["", "", ""]),
    ]
