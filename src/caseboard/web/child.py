"""The child's page and "My work": a child's journey, who holds the case, and what is due next and why.

Every view of a child's record, on the page or through the API, is written to the audit log before the record
is returned; a child outside the user's scope is refused (403, logged) without saying whether the child exists.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from caseboard.calendar import age_on
from caseboard.web.accounts import User
from caseboard.web.auth import address, board_of, deny, require_user
from caseboard.web.board import Board
from caseboard.web.render import page
from caseboard.web.scopes import children_in_scope, may_see_child
from caseboard.web.timeline import events

router = APIRouter()
api = APIRouter(prefix="/api", tags=["children and work"])

WORK_COLUMNS = ("child_id", "item", "due_date", "days_overdue", "status", "last_done", "rule", "worker",
                "worker_name", "team", "team_code")


def child_model(board: Board, user: User, child_id: str, as_at: dt.date) -> dict[str, Any]:
    tables = board.child_tables(child_id)
    identity = tables.get("children")
    person = identity.row(0, named=True) if identity is not None else {"child_id": child_id}
    dob = person.get("dob")
    timeline, undated = events(tables)
    allocations = tables.get("allocations")
    org = board.organisation()
    history = [] if allocations is None else [
        {**r, "worker_name": (org.workers.get(r["worker_id"] or "") or {}).get("name"),
         "team_name": org.team_label(r["team_id"]) if r["team_id"] else None}
        for r in allocations.sort("start_date", descending=True).iter_rows(named=True)]
    due = board.worklist(as_at).filter(pl.col("child_id") == child_id)
    return {
        "as_at": as_at, "child_id": child_id, "known": bool(tables),
        "person": {k: v for k, v in person.items() if k not in ("load_id", "source_file", "source_row")},
        "age": age_on(dob, as_at) if dob else None,
        "holder": board.holder(child_id, as_at),
        "allocations": [{k: v for k, v in r.items() if k not in ("load_id", "source_file", "source_row")}
                        for r in history],
        "due": due.select(WORK_COLUMNS).to_dicts(),
        "timeline": timeline, "undated": undated,
    }


def _child(request: Request, child_id: str, as_at: str | None) -> dict[str, Any]:
    user, board = require_user(request), board_of(request)
    day = board.as_at(as_at)
    if not may_see_child(user, board.holder(child_id, day)):
        deny(request, user, f"child {child_id}", "child outside the user's scope" if user.sees_children
             else "this role sees aggregates only")
    model = child_model(board, user, child_id, day)
    if not model["known"]:
        raise HTTPException(404, f"No records about a child {child_id}.")  # only authority-wide roles get here
    board.audit("view_child", username=user.username, role=user.role, target=f"child {child_id}",
                detail=f"{request.method} {request.url.path} as at {day}", address=address(request))
    return model


def work_model(board: Board, user: User, as_at: dt.date, *, team: str | None = None, area: str | None = None,
               item: str | None = None) -> dict[str, Any]:
    """Overdue and due-this-week items of the user's own caseload, or their team or area, most urgent first;
    optionally only one team's or area's (within the scope) or one kind of item (a team page's counts link
    here)."""
    frame = children_in_scope(user, board.worklist(as_at))
    if team:
        frame = frame.filter(pl.col("team_code") == team)
    if area:
        frame = frame.filter(pl.col("area_code") == area)
    if item:
        frame = frame.filter(pl.col("item") == item)
    horizon = as_at + dt.timedelta(days=board.settings.worklist_horizon_days)
    frame = frame.filter((pl.col("status") == "overdue") | (pl.col("due_date") <= horizon))
    return {"as_at": as_at, "scope": user.scope, "horizon_days": board.settings.worklist_horizon_days,
            "team": team, "area": area, "item": item,
            "overdue": int((frame["status"] == "overdue").sum()), "due": int((frame["status"] == "due").sum()),
            "worklist": frame.select(WORK_COLUMNS).to_dicts()}


def _work(request: Request, as_at: str | None, team: str | None = None, area: str | None = None,
          item: str | None = None) -> tuple[User, dict[str, Any]]:
    user, board = require_user(request), board_of(request)
    if not user.sees_children:
        deny(request, user, "my work", "this role sees aggregates only")
    return user, work_model(board, user, board.as_at(as_at), team=team, area=area, item=item)


@router.get("/children/{child_id}", include_in_schema=False)
def child_page(request: Request, child_id: str, as_at: str | None = None) -> Response:
    model = _child(request, child_id, as_at)
    return page(request, "child.html", title=f"Child {child_id}", m=model)


@router.get("/my-work", include_in_schema=False)
def work_page(request: Request, as_at: str | None = None, team: str | None = None, area: str | None = None,
              item: str | None = None) -> Response:
    _, model = _work(request, as_at, team, area, item)
    return page(request, "work.html", title="My work", m=model)


@api.get("/children/{child_id}", summary="A child's journey, allocation and what is due next (audited)")
def child_api(request: Request, child_id: str, as_at: str | None = None) -> dict[str, Any]:
    return _child(request, child_id, as_at)


@api.get("/my-work", summary="The signed-in user's worklist: overdue and due this week, most urgent first")
def work_api(request: Request, as_at: str | None = None, team: str | None = None, area: str | None = None,
             item: str | None = None) -> dict[str, Any]:
    return _work(request, as_at, team, area, item)[1]
