"""Who sees what: scopes on pages and the API, the audit trail of views and refusals, members' suppression."""

from __future__ import annotations

from collections.abc import Callable

import polars as pl
from fastapi import FastAPI
from fastapi.testclient import TestClient

from caseboard.indicators.engine import Row
from caseboard.indicators.framework import Computed, NotApplicable
from caseboard.indicators.registry import registry
from caseboard.store import Store
from caseboard.web.accounts import User
from caseboard.web.audit import search
from caseboard.web.scopes import figure

Clients = Callable[[str], TestClient]


def held(app: FastAPI) -> pl.DataFrame:
    board = app.state.board
    return board.holders(board.default_as_at())


def test_a_social_worker_cannot_open_another_teams_child_and_the_refusal_is_logged(
        app: FastAPI, client_for: Clients, county_store: Store) -> None:
    me = county_store.query("SELECT worker_id, team_id FROM web_users WHERE username = 'social.worker'").row(0)
    children = held(app)
    other = children.filter((pl.col("team_code") != me[1]) & (pl.col("worker") != "Unallocated"))["child_id"][0]
    mine = children.filter(pl.col("worker") == me[0])["child_id"][0]
    client = client_for("social_worker")

    page = client.get(f"/children/{other}")
    assert page.status_code == 403 and "outside" in page.text
    assert client.get(f"/api/children/{other}").status_code == 403
    refusals = search(county_store, text=f"child {other}", action="denied", username="social.worker")
    assert refusals.height == 2 and set(refusals["role"]) == {"social_worker"}
    assert search(county_store, text=f"child {other}", action="view_child").height == 0

    assert client.get(f"/children/{mine}").status_code == 200
    body = client.get(f"/api/children/{mine}").json()
    assert body["child_id"] == mine and body["holder"]["worker"] == me[0]
    assert search(county_store, text=f"child {mine}", action="view_child", username="social.worker").height == 2


def test_a_social_workers_work_is_their_caseload_most_urgent_first(app: FastAPI, client_for: Clients,
                                                                   county_store: Store) -> None:
    worker = county_store.scalar("SELECT worker_id FROM web_users WHERE username = 'social.worker'")
    work = client_for("social_worker").get("/api/my-work").json()
    items = work["worklist"]
    assert items and {i["worker"] for i in items} == {worker}
    overdue = [i["days_overdue"] for i in items]
    assert overdue == sorted(overdue, reverse=True)
    assert work["overdue"] == sum(i["status"] == "overdue" for i in items)


def test_team_and_area_pages_follow_the_scope(app: FastAPI, client_for: Clients, county_store: Store) -> None:
    team, area = county_store.query("SELECT team_id, area_id FROM web_users WHERE username = 'team.manager'").row(0)
    teams = county_store.query("SELECT team_id, area_id FROM teams ORDER BY team_id")
    same_area = teams.filter((pl.col("area_id") == area) & (pl.col("team_id") != team))["team_id"][0]
    elsewhere = teams.filter(pl.col("area_id") != area)["team_id"][0]
    manager, head, sw = client_for("team_manager"), client_for("head_of_service"), client_for("social_worker")

    assert manager.get(f"/teams/{team}").status_code == 200
    assert manager.get(f"/teams/{same_area}").status_code == 403
    assert manager.get(f"/api/areas/{area}").status_code == 403
    assert head.get(f"/teams/{same_area}").status_code == 200
    assert head.get(f"/areas/{area}").status_code == 200
    assert head.get(f"/teams/{elsewhere}").status_code == 403
    assert sw.get(f"/teams/{team}").status_code == 403
    assert search(county_store, text=f"team {elsewhere}", action="denied", username="head.of.service").height == 1
    # The team page's children are the team's: unallocated ones held by the team without a worker.
    body = manager.get(f"/api/teams/{team}").json()
    unallocated = held(app).filter((pl.col("team_code") == team) & (pl.col("worker") == "Unallocated"))
    assert sorted(c["child_id"] for c in body["unallocated"]) == sorted(unallocated["child_id"])
    assert sum(c["children"] for c in body["caseloads"]) == held(app).filter(
        (pl.col("team_code") == team) & (pl.col("worker") != "Unallocated")).height


def test_members_see_aggregates_with_small_numbers_suppressed_and_never_a_child(
        app: FastAPI, client_for: Clients, county_store: Store) -> None:
    member, officer = client_for("member"), client_for("performance")
    area = county_store.scalar("SELECT area_id FROM areas ORDER BY area_id")
    theirs, ours = member.get(f"/api/areas/{area}").json(), officer.get(f"/api/areas/{area}").json()
    pairs = [(ours["teams"][i]["figures"][c], t["figures"][c]) for i, t in enumerate(theirs["teams"])
             for c in t["figures"]]
    # The DfE rule (reports.suppression): a count of 1 to 5, or a percentage or rate with a numerator or
    # denominator of 1 to 5; ratios are per worker, not per child, and are not suppressed.
    units = {i.code: i.unit for i in registry()}
    ratios = {c for c, u in units.items() if u == "ratio"}

    def is_small(f: dict) -> bool:
        return f["numerator"] in range(1, 6) or (units[f["code"]] != "count" and f["denominator"] in range(1, 6))

    small = [(o, m) for o, m in pairs if is_small(o) and o["code"] not in ratios]
    assert small and len(small) < len(pairs), "the county should have small and large team figures"
    for o, m in pairs:
        if is_small(o) and o["code"] not in ratios:
            assert m["shown"] == "c" and m["value"] is None and m["status"] == "suppressed"
        elif not is_small(o) and o["denominator"] not in range(1, 6):
            assert m == o
    assert theirs["unallocated"] == [] and member.get("/api/indicators/cp_plans_open").json()["children"] is None

    child = held(app)["child_id"][0]
    assert member.get(f"/children/{child}").status_code == 403
    assert member.get("/my-work").status_code == 403
    assert member.get("/indicators/cp_plans_open/children.csv").status_code == 403
    assert search(county_store, username="member", action="denied").height == 3
    assert "are shown as <strong>c</strong>" in member.get("/").text


def test_figure_suppresses_counts_of_one_to_five_and_percentages_of_them() -> None:
    ind = registry().get(next(i.code for i in registry() if i.unit == "%"))
    member = User("m", "member", "M")
    director = User("d", "director", "D")

    def row(n: float, d: float) -> Row:
        return Row(ind.code, "team", "T", Computed(n, d, n / d * 100), "green")

    assert figure(row(3, 40), ind, member)["shown"] == "c"
    assert figure(row(30, 4), ind, member)["numerator"] == 30 and figure(row(30, 4), ind, member)["denominator"] == "c"
    assert figure(row(0, 40), ind, member)["shown"] == "0.0%"
    assert figure(row(6, 40), ind, member) == figure(row(6, 40), ind, director)
    assert figure(row(3, 40), ind, director)["shown"] == "7.5%"
    reason = figure(Row(ind.code, "team", "T", NotApplicable("no plans"), "not applicable"), ind, member)
    assert reason["reason"] == "no plans" and reason["value"] is None


def test_exports_are_logged_and_the_audit_log_is_for_administrators_only(
        client_for: Clients, county_store: Store) -> None:
    csv = client_for("director").get("/indicators/cp_plans_open/children.csv")
    assert csv.status_code == 200 and csv.text.startswith("child_id,in_numerator")
    rows = len(csv.text.strip().splitlines()) - 1
    entry = search(county_store, username="director", action="export").row(0, named=True)
    assert entry["target"] == "indicator cp_plans_open" and entry["detail"].startswith(f"{rows} rows")

    assert client_for("director").get("/admin/audit").status_code == 403
    admin = client_for("admin")
    page = admin.get("/admin/audit", params={"username": "director", "action": "export"})
    assert page.status_code == 200 and "indicator cp_plans_open" in page.text
    found = admin.get("/api/audit", params={"q": "cp_plans_open", "action": "export"}).json()
    assert [e["username"] for e in found] == ["director"]


def test_no_route_edits_or_deletes_audit_entries_and_the_openapi_document_lists_the_api(app: FastAPI,
                                                                                          client_for: Clients) -> None:
    for route in app.routes:
        if "audit" in getattr(route, "path", ""):
            assert getattr(route, "methods", set()) <= {"GET", "HEAD"}, route
    admin = client_for("admin")
    assert admin.delete("/api/audit").status_code == 405
    spec = admin.get("/api/openapi.json").json()
    assert {"/api/overview", "/api/teams/{team_id}", "/api/children/{child_id}", "/api/my-work",
            "/api/indicators/{code}", "/api/audit"} <= set(spec["paths"])
    # every path is under /api/, but for the DfE API's own push path (kept so a CMS can feed us unchanged)
    assert [p for p in spec["paths"] if not p.startswith("/api/")] == ["/children_social_care_data/{la_code}/children"]


def test_unknown_children_are_refused_to_scoped_roles_and_not_found_for_the_authority(
        client_for: Clients, county_store: Store) -> None:
    assert client_for("director").get("/api/children/no-such-child").status_code == 404
    assert client_for("social_worker").get("/api/children/no-such-child").status_code == 403  # no existence leak
    assert client_for("director").get("/teams/NO-SUCH-TEAM").status_code == 404
    assert search(county_store, text="child no-such-child", action="view_child").height == 0
    assert client_for("director").get("/api/overview", params={"as_at": "2026-02-30"}).status_code == 400


def test_the_indicator_page_has_a_month_end_trend_with_the_members_suppression(
        app: FastAPI, client_for: Clients) -> None:
    code = "lac_visits_on_time"
    body = client_for("director").get(f"/api/indicators/{code}", params={"as_at": "2026-03-31"}).json()
    trend = body["trend"]
    assert [t["date"] for t in trend][-3:] == ["2026-01-31", "2026-02-28", "2026-03-31"] and len(trend) == 12
    board = app.state.board
    same_day = next(r for r in board.scorecard(board.as_at("2026-01-31")) if r.code == code and r.level == "authority")
    assert trend[-3]["numerator"] == same_day.result.numerator
    member = client_for("member").get(f"/api/indicators/{code}", params={"as_at": "2026-03-31"}).json()["trend"]
    assert [m["shown"] == "c" for m in member] == [t["denominator"] in range(1, 6) or t["numerator"] in range(1, 6)
                                                   for t in trend]
    page = client_for("director").get(f"/indicators/{code}", params={"as_at": "2026-03-31"})
    assert page.status_code == 200 and "<polyline" in page.text and 'id="trend"' in page.text
