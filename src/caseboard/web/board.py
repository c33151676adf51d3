"""What the pages read: the indicator engine, the worklists and the canonical tables, behind one lock and a cache.

The engine's queries use per-date temporary tables with fixed names, and one embedded DuckDB connection serves
every request, so each read runs under :attr:`Board.lock` (a PostgreSQL deployment runs several processes, each
with its own connection). Results are cached per as-at date and per load: a new committed load changes
:meth:`Board.version` and so every key, which is how a page never shows figures older than the data.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import polars as pl

from caseboard.indicators.attribution import attributed_frame
from caseboard.indicators.derived import Q
from caseboard.indicators.engine import Row, evaluate, prepare, units
from caseboard.indicators.series import month_ends, series
from caseboard.indicators.settings import DEFAULT_SETTINGS, Settings
from caseboard.model.tables import TABLES_BY_NAME
from caseboard.store import Store
from caseboard.web import accounts, audit
from caseboard.worklists import worklist

T = TypeVar("T")

#: Worklists are computed this far ahead once per date; "this week" views filter to the settings' horizon.
WORKLIST_AHEAD_DAYS = 28
CACHE_ENTRIES = 64


class BadDate(ValueError):
    """A date in a request that is not a date (answered with 400)."""


@dataclass(frozen=True)
class Organisation:
    """Areas, teams and workers by id, with names (small tables, read whole)."""

    areas: dict[str, str]
    teams: dict[str, dict[str, Any]]
    workers: dict[str, dict[str, Any]]

    def team_label(self, team_id: str) -> str:
        return (self.teams.get(team_id) or {}).get("name") or team_id

    def area_label(self, area_id: str) -> str:
        return self.areas.get(area_id) or area_id

    def team_by_label(self) -> dict[str, str]:
        """Team id by the label the engine groups under (its name, else its code)."""
        return {self.team_label(t): t for t in self.teams}

    def area_by_label(self) -> dict[str, str]:
        return {self.area_label(a): a for a in self.areas}


class Board:
    """The store as the web application reads it (see the module docstring)."""

    def __init__(self, store: Store, settings: Settings = DEFAULT_SETTINGS) -> None:
        self.store = store
        self.settings = settings
        self.lock = threading.RLock()
        self._cache: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        with self.lock:
            prepare(store, settings)
            accounts.ensure_tables(store)
            audit.ensure_tables(store)

    # --- caching --------------------------------------------------------------------------------------------
    def version(self) -> int:
        """The latest committed load: part of every cache key."""
        with self.lock:
            return int(self.store.scalar("SELECT COALESCE(MAX(load_id), 0) FROM loads WHERE status = 'committed'"))

    def cached(self, key: tuple[Any, ...], build: Callable[[], T]) -> T:
        with self.lock:
            full = (self.version(), *key)
            if full in self._cache:
                self._cache.move_to_end(full)
                return self._cache[full]  # type: ignore[no-any-return]
            value = build()
            self._cache[full] = value
            while len(self._cache) > CACHE_ENTRIES:
                self._cache.popitem(last=False)
            return value

    # --- reads ----------------------------------------------------------------------------------------------
    def default_as_at(self) -> dt.date:
        """The latest day with recorded activity, never after today.

        A store loaded from returns that end on 31 March would otherwise show, months later, every visit and
        review as overdue; the person can always choose another date.
        """
        def build() -> dt.date:
            latest = self.store.scalar(
                "SELECT MAX(d) FROM (SELECT MAX(contact_date) AS d FROM contacts UNION ALL "
                "SELECT MAX(referral_date) FROM referrals UNION ALL SELECT MAX(visit_date) FROM visits) x")
            today = dt.date.today()
            return min(latest, today) if latest else today
        return self.cached(("default_as_at",), build)

    def as_at(self, value: str | None) -> dt.date:
        """The date a page is seen as at: the one asked for (yyyy-mm-dd), else :meth:`default_as_at`."""
        if not value:
            return self.default_as_at()
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise BadDate(f"{value!r} is not a date: expected yyyy-mm-dd") from None

    def organisation(self) -> Organisation:
        def build() -> Organisation:
            areas = dict(self.store.query("SELECT area_id, name FROM areas ORDER BY area_id").iter_rows())
            teams = {r["team_id"]: r for r in self.store.query(
                "SELECT team_id, name, team_type, area_id FROM teams ORDER BY team_id").iter_rows(named=True)}
            workers = {r["worker_id"]: r for r in self.store.query(
                "SELECT worker_id, name, role, team_id FROM workers ORDER BY worker_id").iter_rows(named=True)}
            return Organisation(areas, teams, workers)
        return self.cached(("organisation",), build)

    def scorecard(self, as_at: dt.date) -> list[Row]:
        """Every indicator for the authority, each area and each team (workers' figures are not shown)."""
        return self.cached(("scorecard", as_at), lambda: evaluate(
            self.store, as_at, levels=("authority", "area", "team"), settings=self.settings, prepared=True))

    def holders(self, as_at: dt.date) -> pl.DataFrame:
        """Each child with the worker, team and area holding the case at ``as_at`` (the engine's attribution)."""
        def build() -> pl.DataFrame:
            q = Q(as_at=as_at, settings=self.settings)
            return attributed_frame(self.store, "SELECT child_id FROM children", q, "as_at").select(
                "child_id", "worker", "worker_name", "team", "team_code", "area", "area_code")
        return self.cached(("holders", as_at), build)

    def holder(self, child_id: str, as_at: dt.date) -> dict[str, Any] | None:
        found = self.holders(as_at).filter(pl.col("child_id") == child_id)
        return found.row(0, named=True) if found.height else None

    def worklist(self, as_at: dt.date) -> pl.DataFrame:
        """The authority's worklist as at ``as_at``, :data:`WORKLIST_AHEAD_DAYS` ahead, most urgent first."""
        def build() -> pl.DataFrame:
            frame = worklist(self.store, as_at, horizon_days=WORKLIST_AHEAD_DAYS, settings=self.settings,
                             prepared=True)
            codes = self.holders(as_at).select("child_id", "team_code", "area_code")
            return (frame.join(codes, on="child_id", how="left")
                    .sort(["days_overdue", "due_date", "child_id"], descending=[True, False, False]))
        return self.cached(("worklist", as_at), build)

    def series(self, code: str, as_at: dt.date, months: int) -> dict[dt.date, list[Row]]:
        """One indicator for the authority at the last ``months`` month-ends up to ``as_at``."""
        return self.cached(("series", code, as_at, months), lambda: series(
            self.store, month_ends(as_at, months), codes=[code], settings=self.settings, prepared=True))

    def units(self, code: str, as_at: dt.date) -> pl.DataFrame:
        return self.cached(("units", code, as_at), lambda: units(
            self.store, code, as_at, settings=self.settings, prepared=True))

    def child_tables(self, child_id: str) -> dict[str, pl.DataFrame]:
        """Every canonical row about one child, by table (not cached: a child's page must be current)."""
        with self.lock:
            out = {}
            for name, table in TABLES_BY_NAME.items():
                if table.child_column is None:
                    continue
                frame = self.store.query(f"SELECT * FROM {name} WHERE child_id = ?", (child_id,))
                if frame.height:
                    out[name] = frame
            return out

    def warm(self) -> None:
        """Compute the default date's figures and worklist now, so the first person to sign in does not wait."""
        day = self.default_as_at()
        self.scorecard(day)
        self.worklist(day)

    def audit(self, action: audit.Action, **fields: Any) -> None:
        with self.lock:
            audit.record(self.store, action, **fields)
