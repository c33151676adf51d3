"""Who may see which page, which child and which number: one place for every route's checks.

* Aggregates for the whole authority are open to every signed-in role (they are what the council publishes).
* An area's or a team's page is open to roles whose scope covers it: the authority-wide roles (members in
  aggregate), a head of service for their own area and its teams, a team manager for their own team. A social
  worker's scope is their own caseload, shown on "My work".
* A child is open to a role that sees children when the child's case is held, at the as-at date, inside the
  role's scope (the engine's attribution: ``indicators.attribution``). Members never see a child.
* Members see counts of 1 to 5 suppressed, and any figure derived from them, as the DfE publishes: the symbol
  ``c`` ("confidential"), by the same rule as the public reports (``reports.suppression``, which cites it), so
  that a small group of children cannot be identified.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from caseboard.indicators.framework import shown  # noqa: F401  (re-exported for the pages)
from caseboard.indicators.engine import Row
from caseboard.indicators.framework import Computed, Indicator
from caseboard.reports.suppression import MARKER as SUPPRESSED
from caseboard.reports.suppression import is_small, suppressed
from caseboard.web.accounts import User


def may_see_area(user: User, area_id: str) -> bool:
    return user.scope == "authority" or (user.scope == "area" and user.area_id == area_id)


def may_see_team(user: User, team_id: str, team_area: str | None) -> bool:
    if user.scope == "authority":
        return True
    if user.scope == "area":
        return team_area is not None and team_area == user.area_id
    return user.scope == "team" and user.team_id == team_id


def may_see_child(user: User, holder: Mapping[str, Any] | None) -> bool:
    """``holder``: the child's worker (id), ``team_code`` and ``area_code`` at the as-at date, or None."""
    if not user.sees_children:
        return False
    if user.scope == "authority":
        return True
    if holder is None:
        return False
    return {"worker": holder.get("worker") == user.worker_id,
            "team": holder.get("team_code") == user.team_id,
            "area": holder.get("area_code") == user.area_id}[user.scope]


def children_in_scope(user: User, frame: pl.DataFrame) -> pl.DataFrame:
    """Rows of ``frame`` (with ``worker``, ``team_code``, ``area_code``) about children ``user`` may see."""
    if not user.sees_children:
        return frame.clear()
    if user.scope == "authority":
        return frame
    column, value = {"worker": ("worker", user.worker_id), "team": ("team_code", user.team_id),
                     "area": ("area_code", user.area_id)}[user.scope]
    return frame.filter(pl.col(column) == value)


def count(n: float | int | None, user: User) -> int | float | str | None:
    """A count as ``user`` may see it."""
    if n is None:
        return None
    if not user.sees_children and is_small(n):
        return SUPPRESSED
    return int(n) if float(n).is_integer() else n


def figure(row: Row, ind: Indicator, user: User) -> dict[str, Any]:
    """One indicator result as ``user`` may see it: value (and its text), numerator, denominator, status."""
    out: dict[str, Any] = {"code": row.code, "level": row.level, "group": row.group, "status": row.status,
                           "numerator": None, "denominator": None, "value": None, "shown": "", "reason": None}
    r = row.result
    if not isinstance(r, Computed):
        out["reason"] = r.reason
        return out
    num, den = count(r.numerator, user), count(r.denominator, user)
    if not user.sees_children and suppressed(ind.unit, r.value, r.numerator, r.denominator):
        # A small count, or a percentage or rate of a small group, would identify the children.
        out.update(numerator=num, denominator=den, shown=SUPPRESSED, status="suppressed")
        return out
    out.update(numerator=num, denominator=den, value=round(r.value, 4), shown=shown(r.value, ind.unit))
    return out
