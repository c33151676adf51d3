"""The authority overview, area pages and team pages, as HTML and as JSON from one model each.

The figures are the indicator engine's (``indicators.engine.evaluate``) at the chosen as-at date, the same for a
page and for the command line; the worklist counts are the worklists' (``caseboard.worklists``). Groups are
named by the engine by label (a team's name); the pages link them by id.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import polars as pl
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from caseboard.indicators.attribution import UNALLOCATED
from caseboard.indicators.registry import registry
from caseboard.web.accounts import User
from caseboard.web.auth import board_of, deny, require_user
from caseboard.web.board import Board
from caseboard.web.render import page
from caseboard.web.scopes import children_in_scope, count, figure, may_see_area, may_see_team

router = APIRouter()
api = APIRouter(prefix="/api", tags=["dashboards"])


def _figures(board: Board, as_at: dt.date, user: User, level: str, group: str | None) -> dict[str, dict[str, Any]]:
    """Each indicator's figure for one group of ``level`` (``None``: the authority), by code."""
    reg = registry()
    out = {}
    for row in board.scorecard(as_at):
        if row.level == level and (group is None or row.group == group):
            out[row.code] = figure(row, reg.get(row.code), user)
    return out


def _indicators() -> list[dict[str, Any]]:
    return [{"code": i.code, "title": i.title, "family": i.family, "unit": i.unit, "target": i.target,
             "higher_is_better": i.higher_is_better} for i in registry()]


def authority_model(board: Board, user: User, as_at: dt.date) -> dict[str, Any]:
    org = board.organisation()
    return {"as_at": as_at, "level": "authority", "name": board.settings.authority_name,
            "indicators": _indicators(), "figures": _figures(board, as_at, user, "authority", None),
            "areas": [{"area_id": a, "name": n, "teams": [{"team_id": t, "name": org.team_label(t)}
                                                          for t, r in org.teams.items() if r["area_id"] == a]}
                      for a, n in org.areas.items()]}


def _work_counts(frame: pl.DataFrame, user: User) -> list[dict[str, Any]]:
    """Overdue and due-this-week items by kind (aggregates: small numbers suppressed for members)."""
    tally: Counter[tuple[str, str]] = Counter(zip(frame["item"].to_list(), frame["status"].to_list(), strict=True))
    items = sorted({item for item, _ in tally})
    return [{"item": i, "overdue": count(tally[(i, "overdue")], user), "due": count(tally[(i, "due")], user)}
            for i in items]


def _this_week(board: Board, frame: pl.DataFrame, as_at: dt.date) -> pl.DataFrame:
    """Overdue items and those due within the settings' horizon (the worklist is computed further ahead)."""
    horizon = as_at + dt.timedelta(days=board.settings.worklist_horizon_days)
    return frame.filter((pl.col("status") == "overdue") | (pl.col("due_date") <= horizon))


def group_model(board: Board, user: User, as_at: dt.date, level: str, group_id: str) -> dict[str, Any]:
    """An area (its teams side by side) or a team (its caseloads and unallocated children)."""
    org = board.organisation()
    code_column = "area_code" if level == "area" else "team_code"
    label = org.area_label(group_id) if level == "area" else org.team_label(group_id)
    work = _this_week(board, board.worklist(as_at).filter(pl.col(code_column) == group_id), as_at)
    held = board.holders(as_at).filter(pl.col(code_column) == group_id)
    unallocated = held.filter(pl.col("worker") == UNALLOCATED)
    model: dict[str, Any] = {
        "as_at": as_at, "level": level, "id": group_id, "name": label, "indicators": _indicators(),
        "figures": _figures(board, as_at, user, level, label),
        "work": _work_counts(work, user),
        "unallocated_count": count(unallocated.height, user),
        "unallocated": (children_in_scope(user, unallocated).select("child_id", "team").to_dicts()
                        if user.sees_children else []),
    }
    if level == "area":
        teams = [t for t, r in org.teams.items() if r["area_id"] == group_id]
        model["teams"] = [{"team_id": t, "name": org.team_label(t),
                           "figures": _figures(board, as_at, user, "team", org.team_label(t))} for t in teams]
    else:
        caseloads = Counter(held.filter(pl.col("worker") != UNALLOCATED)["worker"].to_list())
        model["area_id"] = org.teams[group_id]["area_id"]
        model["caseloads"] = [{"worker_id": w, "name": (org.workers.get(w) or {}).get("name") or w,
                               "children": count(n, user)} for w, n in sorted(caseloads.items())]
    return model


def _area(request: Request, area_id: str, as_at: str | None) -> tuple[User, dict[str, Any]]:
    user, board = require_user(request), board_of(request)
    if area_id not in board.organisation().areas:
        raise HTTPException(404, f"There is no area {area_id}.")  # areas are not confidential
    if not may_see_area(user, area_id):
        deny(request, user, f"area {area_id}", "outside the user's scope")
    return user, group_model(board, user, board.as_at(as_at), "area", area_id)


def _team(request: Request, team_id: str, as_at: str | None) -> tuple[User, dict[str, Any]]:
    user, board = require_user(request), board_of(request)
    team = board.organisation().teams.get(team_id)
    if team is None:
        raise HTTPException(404, f"There is no team {team_id}.")
    if not may_see_team(user, team_id, team["area_id"]):
        deny(request, user, f"team {team_id}", "outside the user's scope")
    return user, group_model(board, user, board.as_at(as_at), "team", team_id)


@router.get("/", include_in_schema=False)
def authority_page(request: Request, as_at: str | None = None) -> Response:
    user, board = require_user(request), board_of(request)
    model = authority_model(board, user, board.as_at(as_at))
    return page(request, "authority.html", title="Authority overview", m=model)


@router.get("/areas/{area_id}", include_in_schema=False)
def area_page(request: Request, area_id: str, as_at: str | None = None) -> Response:
    _, model = _area(request, area_id, as_at)
    return page(request, "group.html", title=model["name"], m=model)


@router.get("/teams/{team_id}", include_in_schema=False)
def team_page(request: Request, team_id: str, as_at: str | None = None) -> Response:
    _, model = _team(request, team_id, as_at)
    return page(request, "group.html", title=model["name"], m=model)


@api.get("/overview", summary="The authority's scorecard: every indicator at the as-at date")
def authority_api(request: Request, as_at: str | None = None) -> dict[str, Any]:
    user, board = require_user(request), board_of(request)
    return authority_model(board, user, board.as_at(as_at))


@api.get("/areas/{area_id}", summary="An area: its indicators, its teams side by side, worklist counts")
def area_api(request: Request, area_id: str, as_at: str | None = None) -> dict[str, Any]:
    return _area(request, area_id, as_at)[1]


@api.get("/teams/{team_id}", summary="A team: its indicators, worklist counts, caseloads, unallocated children")
def team_api(request: Request, team_id: str, as_at: str | None = None) -> dict[str, Any]:
    return _team(request, team_id, as_at)[1]

