"""Worklists: what is overdue or falling due, child by child, for a worker, a team, an area or the authority.

A worklist reads the same due items as the indicators (``indicators.schedules``): the pending item of every
open record (a plan's next review, a placement's next visit, an open assessment...) that is overdue at the
as-at date or falls due within the horizon (``Settings.worklist_horizon_days``, default 7 days). The rule behind
each item is shown with it, and the most urgent comes first: the longest overdue, then the soonest due.

Overdue means the item's last on-time date has passed (for a working-day rule, a working day has passed since
the deadline: see ``caseboard.calendar``); days overdue are calendar days since the due date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import polars as pl

from caseboard.indicators.attribution import attributed_frame
from caseboard.indicators.derived import Q, materialise, release
from caseboard.indicators.engine import prepare
from caseboard.indicators.schedules import due_items
from caseboard.indicators.settings import DEFAULT_SETTINGS, Settings
from caseboard.indicators.sql import add_days
from caseboard.store import Store

COLUMNS = ("child_id", "item", "due_date", "days_overdue", "status", "last_done", "rule", "worker", "worker_name",
           "team", "area")


def worklist_sql(q: Q, horizon_days: int, schedules: Sequence[str] | None = None) -> str:
    """Pending items of open records, overdue or due within ``horizon_days`` of the as-at date."""
    return f"""
    SELECT child_id, item, due_date, on_time_until, clock_start AS last_done, record_start, rule
    FROM ({due_items(q, list(schedules) if schedules else None, current=True)}) d
    WHERE done_date IS NULL AND record_end IS NULL AND due_date <= {add_days(q.at, horizon_days)}"""


def worklist(store: Store, as_at: dt.date, *, worker: str | None = None, team: str | None = None,
             area: str | None = None, horizon_days: int | None = None, schedules: Sequence[str] | None = None,
             settings: Settings = DEFAULT_SETTINGS, prepared: bool = False) -> pl.DataFrame:
    """The worklist as at ``as_at``, for one worker (id), team or area (name or code), or the whole authority.

    Items are placed by the allocation open at the as-at date; unallocated children's items are under
    "Unallocated" (and appear in a team's list when the team holds the case without a worker).
    """
    if not prepared:
        prepare(store, settings)
    horizon = settings.worklist_horizon_days if horizon_days is None else horizon_days
    q = materialise(store, Q(as_at=as_at, settings=settings))  # periods, placements, holders: computed once
    try:
        frame = attributed_frame(store, worklist_sql(q, horizon, schedules), q, "as_at")
    finally:
        release(store, q)
    if worker is not None:
        frame = frame.filter(pl.col("worker") == worker)
    if team is not None:
        frame = frame.filter((pl.col("team") == team) | (pl.col("team_code") == team))
    if area is not None:
        frame = frame.filter((pl.col("area") == area) | (pl.col("area_code") == area))
    overdue = pl.col("on_time_until") < pl.lit(as_at)
    frame = frame.with_columns(
        pl.when(overdue).then((pl.lit(as_at) - pl.col("due_date")).dt.total_days()).otherwise(0)
        .cast(pl.Int64).alias("days_overdue"),
        pl.when(overdue).then(pl.lit("overdue")).otherwise(pl.lit("due")).alias("status"),
    )
    return frame.sort(["due_date", "child_id", "item"]).select(COLUMNS)
