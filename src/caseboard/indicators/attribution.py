"""Who holds a unit: the area, team and worker an indicator's unit or a worklist's item is counted under.

Chain: ``allocations`` open at the date (start on or before it, end empty or on or after it; when several are
open, an allocation to a worker before one to a team only, then the latest start) → ``workers`` → ``teams``
(the allocation's team, else the worker's own) → ``areas``. The date is the as-at date, or the unit's
``event_date`` for period measures (the team that did the work, not the one holding the case now), or none
when the unit already names its ``worker_id`` (caseloads).

A unit with no allocation to a worker is in the group "Unallocated" at the worker level, and at the team and
area levels too unless a team holds it.

SQL finds the allocation (``by_worker``, ``by_alloc_team``); the names come from the small ``workers``, ``teams``
and ``areas`` tables joined in Polars (:class:`Organisation`, read once per run): joined in SQL they cost more
than the query itself whenever an engine misjudges how many units there are.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import polars as pl

from caseboard.indicators.derived import Q, holders
from caseboard.indicators.settings import Settings
from caseboard.indicators.sql import run
from caseboard.store import Store

UNALLOCATED = "Unallocated"
Mode = Literal["as_at", "event", "worker"]


def attributed(units: str, q: Q, mode: Mode) -> str:
    """``units`` SQL with ``by_worker`` and ``by_alloc_team`` (the allocation's own team) added."""
    if mode == "worker":
        return f"SELECT u.*, u.worker_id AS by_worker, CAST(NULL AS VARCHAR) AS by_alloc_team FROM ({units}) u"
    if mode == "as_at":
        return (f"SELECT u.*, h.by_worker, h.by_team AS by_alloc_team "
                f"FROM ({units}) u LEFT JOIN ({holders(q)}) h ON h.child_id = u.child_id")
    # At each unit's own event date: the same choice as ``holders``, made per unit.
    return f"""
    WITH u AS (SELECT u0.*, ROW_NUMBER() OVER () AS unit_no FROM ({units}) u0),
    a AS (
      SELECT u.unit_no, al.worker_id, al.team_id,
             ROW_NUMBER() OVER (PARTITION BY u.unit_no
                                ORDER BY al.worker_id IS NULL, al.start_date DESC, al.worker_id) AS rn
      FROM u JOIN allocations al ON al.child_id = u.child_id AND al.start_date <= u.event_date
       AND (al.end_date IS NULL OR al.end_date >= u.event_date)
    )
    SELECT u.*, a.worker_id AS by_worker, a.team_id AS by_alloc_team
    FROM u LEFT JOIN a ON a.unit_no = u.unit_no AND a.rn = 1"""


@dataclass(frozen=True)
class Organisation:
    """Workers, teams and areas with their names: what a unit's allocation is looked up in."""

    workers: pl.DataFrame
    teams: pl.DataFrame
    areas: pl.DataFrame

    @classmethod
    def load(cls, store: Store) -> "Organisation":
        def frame(sql: str, schema: dict[str, type[pl.DataType]]) -> pl.DataFrame:
            return run(store, sql).cast(schema)  # type: ignore[arg-type]

        return cls(
            frame("SELECT worker_id AS by_worker, name AS worker_name, team_id AS worker_team FROM workers",
                  {"by_worker": pl.Utf8, "worker_name": pl.Utf8, "worker_team": pl.Utf8}),
            frame("SELECT team_id AS by_team, name AS team_name, area_id AS by_area FROM teams",
                  {"by_team": pl.Utf8, "team_name": pl.Utf8, "by_area": pl.Utf8}),
            frame("SELECT area_id AS by_area, name AS area_name FROM areas",
                  {"by_area": pl.Utf8, "area_name": pl.Utf8}),
        )

    def groups(self, level: str) -> list[str]:
        """Every area or team by its label, so that groups with nothing in them still show."""
        if level == "area":
            return self.areas.select(pl.coalesce("area_name", "by_area")).to_series().to_list()
        if level == "team":
            return self.teams.select(pl.coalesce("team_name", "by_team")).to_series().to_list()
        return []


def group_columns(frame: pl.DataFrame, settings: Settings, org: Organisation) -> pl.DataFrame:
    """Replace ``by_worker``/``by_alloc_team`` with the groups of each level: ``authority``, ``area``, ``team``,
    ``worker`` (labels: names where known, else codes, else "Unallocated"), plus ``worker_name``, ``team_code``
    and ``area_code``."""
    def label(name: str, code: str) -> pl.Expr:
        return pl.coalesce(pl.col(name), pl.col(code), pl.lit(UNALLOCATED))

    out = (frame.with_columns(pl.col("by_worker").cast(pl.Utf8), pl.col("by_alloc_team").cast(pl.Utf8))
           .join(org.workers, on="by_worker", how="left")
           .with_columns(pl.coalesce("by_alloc_team", "worker_team").alias("by_team"))
           .join(org.teams, on="by_team", how="left")
           .join(org.areas, on="by_area", how="left"))
    out = out.with_columns(
        pl.lit(settings.authority_name).alias("authority"),
        label("area_name", "by_area").alias("area"),
        label("team_name", "by_team").alias("team"),
        pl.coalesce(pl.col("by_worker"), pl.lit(UNALLOCATED)).alias("worker"),
        pl.col("by_team").alias("team_code"),
        pl.col("by_area").alias("area_code"),
    )
    return out.drop([c for c in out.columns if c.startswith("by_") or c in (
        "unit_no", "worker_team", "team_name", "area_name")])


def attributed_frame(store: Store, units: str, q: Q, mode: Mode, *, org: Organisation | None = None,
                     authority_only: bool = False) -> pl.DataFrame:
    """Run ``units`` with their groups attached (see :func:`group_columns`); ``authority_only`` skips placing
    them in areas, teams and workers when only the authority's figure is wanted."""
    if authority_only:
        frame = run(store, units).with_columns(pl.lit(q.settings.authority_name).alias("authority"))
    else:
        frame = group_columns(run(store, attributed(units, q, mode)), q.settings, org or Organisation.load(store))
    if "in_numerator" in frame.columns:
        frame = frame.with_columns(pl.col("in_numerator").cast(pl.Boolean))
    return frame
