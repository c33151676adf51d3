"""Who holds a unit: the area, team and worker an indicator's unit or a worklist's item is counted under.

Chain: ``allocations`` open at the date (start on or before it, end empty or on or after it; when several are
open, an allocation to a worker before one to a team only, then the latest start) → ``workers`` → ``teams``
(the allocation's team, else the worker's own) → ``areas``. The date is the as-at date, or the unit's
``event_date`` for period measures (the team that did the work, not the one holding the case now), or none
when the unit already names its ``worker_id`` (caseloads).

A unit with no allocation to a worker is in the group "Unallocated" at the worker level, and at the team and
area levels too unless a team holds it.
"""

from __future__ import annotations

from typing import Literal

import polars as pl

from caseboard.indicators.derived import Q, holders
from caseboard.indicators.settings import Settings
from caseboard.indicators.sql import run
from caseboard.store import Store

UNALLOCATED = "Unallocated"
Mode = Literal["as_at", "event", "worker"]


def attributed(units: str, q: Q, mode: Mode) -> str:
    """``units`` SQL with ``by_worker``, ``by_team``, ``by_area`` and their names added."""
    names = """
      LEFT JOIN workers w ON w.worker_id = x.by_worker
      LEFT JOIN teams t ON t.team_id = x.by_team
      LEFT JOIN areas ar ON ar.area_id = t.area_id"""
    named = "x.*, w.name AS by_worker_name, t.name AS by_team_name, t.area_id AS by_area, ar.name AS by_area_name"
    if mode == "worker":
        return f"""
        SELECT {named} FROM (
          SELECT u.*, u.worker_id AS by_worker, wk.team_id AS by_team
          FROM ({units}) u LEFT JOIN workers wk ON wk.worker_id = u.worker_id
        ) x {names}"""
    if mode == "as_at":
        return f"""
        SELECT {named} FROM (
          SELECT u.*, h.by_worker, COALESCE(h.by_team, wk.team_id) AS by_team
          FROM ({units}) u LEFT JOIN ({holders(q)}) h ON h.child_id = u.child_id
          LEFT JOIN workers wk ON wk.worker_id = h.by_worker
        ) x {names}"""
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
    SELECT {named} FROM (
      SELECT u.*, a.worker_id AS by_worker, COALESCE(a.team_id, wk.team_id) AS by_team
      FROM u LEFT JOIN a ON a.unit_no = u.unit_no AND a.rn = 1 LEFT JOIN workers wk ON wk.worker_id = a.worker_id
    ) x {names}"""


def group_columns(frame: pl.DataFrame, settings: Settings) -> pl.DataFrame:
    """Replace the ``by_*`` columns with the groups of each level: ``authority``, ``area``, ``team``, ``worker``
    (labels: names where known, else codes, else "Unallocated"), plus ``worker_name``, ``team_code`` and
    ``area_code``."""
    def label(name: str, code: str) -> pl.Expr:
        return pl.coalesce(pl.col(name).cast(pl.Utf8), pl.col(code).cast(pl.Utf8), pl.lit(UNALLOCATED))

    out = frame.with_columns(
        pl.lit(settings.authority_name).alias("authority"),
        label("by_area_name", "by_area").alias("area"),
        label("by_team_name", "by_team").alias("team"),
        pl.coalesce(pl.col("by_worker").cast(pl.Utf8), pl.lit(UNALLOCATED)).alias("worker"),
        pl.col("by_worker_name").cast(pl.Utf8).alias("worker_name"),
        pl.col("by_team").cast(pl.Utf8).alias("team_code"),
        pl.col("by_area").cast(pl.Utf8).alias("area_code"),
    )
    return out.drop([c for c in out.columns if c.startswith("by_") or c == "unit_no"])


def attributed_frame(store: Store, units: str, q: Q, mode: Mode, *, authority_only: bool = False) -> pl.DataFrame:
    """Run ``units`` with their groups attached (see :func:`group_columns`); ``authority_only`` skips placing
    them in areas, teams and workers when only the authority's figure is wanted."""
    if authority_only:
        frame = run(store, units).with_columns(pl.lit(q.settings.authority_name).alias("authority"))
    else:
        frame = group_columns(run(store, attributed(units, q, mode)), q.settings)
    if "in_numerator" in frame.columns:
        frame = frame.with_columns(pl.col("in_numerator").cast(pl.Boolean))
    return frame
