"""The indicator page: what an indicator means and where its rule comes from, its worked examples, its figure
for the authority, each area and each team, its month-end trend (``indicators.series``, drawn by the reports'
``sparkline``), and the children behind it for those who may see them.

The children behind a figure are the engine's units (``indicators.engine.units``), limited to the user's scope;
downloading them is an export and is written to the audit log.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import polars as pl
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from markupsafe import Markup

from caseboard.indicators.framework import Indicator
from caseboard.indicators.registry import registry
from caseboard.indicators.schedules import RULES
from caseboard.reports.charts import sparkline
from caseboard.web.accounts import User
from caseboard.web.auth import address, board_of, deny, require_user
from caseboard.web.board import Board
from caseboard.web.render import page
from caseboard.web.scopes import children_in_scope, figure

router = APIRouter()
api = APIRouter(prefix="/api", tags=["indicators"])

MAX_CHILDREN_SHOWN = 500
TREND_MONTHS = 12


def _indicator(code: str) -> Indicator:
    try:
        return registry().get(code)
    except KeyError:
        raise HTTPException(404, f"no indicator {code!r}") from None


def definition(ind: Indicator) -> dict[str, Any]:
    return {
        "code": ind.code, "title": ind.title, "family": ind.family, "unit": ind.unit,
        "higher_is_better": ind.higher_is_better, "kind": ind.kind, "population": ind.population,
        "numerator": ind.numerator, "denominator": ind.denominator, "source": ind.source, "target": ind.target,
        "green": ind.green, "amber": ind.amber, "notes": ind.notes, "requires": list(ind.requires),
        "rule": RULES.get(ind.schedule) if ind.schedule else None,
        "examples": [{"why": ex.why, "as_at": ex.as_at, "period": ex.period, "numerator": ex.numerator,
                      "denominator": ex.denominator, "tables": {k: len(v) for k, v in ex.tables.items()}}
                     for ex in ind.examples],
    }


def behind(board: Board, user: User, ind: Indicator, as_at: dt.date, team: str | None) -> pl.DataFrame:
    """The units behind the figure that ``user`` may see, optionally one team's."""
    frame = children_in_scope(user, board.units(ind.code, as_at))
    if team:
        frame = frame.filter(pl.col("team_code") == team)
    wanted = [c for c in ("child_id", "in_numerator", "event_date", "due_date", "worker", "worker_name", "team",
                          "team_code", "area") if c in frame.columns]
    return frame.select(wanted)


def indicator_model(board: Board, user: User, code: str, as_at: dt.date, team: str | None) -> dict[str, Any]:
    ind = _indicator(code)
    rows = [r for r in board.scorecard(as_at) if r.code == code]
    org = board.organisation()
    ids = {"area": org.area_by_label(), "team": org.team_by_label()}
    breakdown = [{**figure(r, ind, user), "id": ids.get(r.level, {}).get(r.group)} for r in rows]
    trend = [{"date": day, **figure(found[0], ind, user)}
             for day, found in board.series(code, as_at, TREND_MONTHS).items() if found]
    model: dict[str, Any] = {"as_at": as_at, "definition": definition(ind), "team": team, "trend": trend,
                             "authority": next((b for b in breakdown if b["level"] == "authority"), None),
                             "areas": [b for b in breakdown if b["level"] == "area"],
                             "teams": [b for b in breakdown if b["level"] == "team"],
                             "children": None, "children_total": None}
    if user.sees_children:
        children = behind(board, user, ind, as_at, team)
        model["children_total"] = children.height
        model["children"] = children.head(MAX_CHILDREN_SHOWN).to_dicts()
    return model


@router.get("/indicators/{code}", include_in_schema=False)
def indicator_page(request: Request, code: str, as_at: str | None = None, team: str | None = None) -> Response:
    user, board = require_user(request), board_of(request)
    model = indicator_model(board, user, code, board.as_at(as_at), team)
    chart = sparkline([t["value"] for t in model["trend"]], target=model["definition"]["target"], width=480,
                      height=120, title=f"{model['definition']['title']}: month-end values, oldest first")
    return page(request, "indicator.html", title=model["definition"]["title"], m=model, chart=Markup(chart))


@router.get("/indicators/{code}/children.csv", include_in_schema=False)
def indicator_export(request: Request, code: str, as_at: str | None = None, team: str | None = None) -> Response:
    """The children behind a figure as CSV: an export, so audited."""
    user, board = require_user(request), board_of(request)
    if not user.sees_children:
        deny(request, user, f"indicator {code} children", "this role sees aggregates only")
    day = board.as_at(as_at)
    frame = behind(board, user, _indicator(code), day, team)
    board.audit("export", username=user.username, role=user.role, target=f"indicator {code}",
                detail=f"{frame.height} rows as at {day}" + (f", team {team}" if team else ""),
                address=address(request))
    out = io.StringIO()
    frame.write_csv(out)
    return Response(out.getvalue(), media_type="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{code}-{day}.csv"'})


@api.get("/indicators", summary="The indicator catalogue: every indicator's definition")
def catalogue_api(request: Request) -> list[dict[str, Any]]:
    require_user(request)
    return [definition(ind) for ind in registry()]


@api.get("/indicators/{code}", summary="One indicator: definition, breakdown, and the children behind it")
def indicator_api(request: Request, code: str, as_at: str | None = None, team: str | None = None) -> dict[str, Any]:
    user, board = require_user(request), board_of(request)
    return indicator_model(board, user, code, board.as_at(as_at), team)
