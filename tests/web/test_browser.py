"""End to end in headless Chromium (the system's, driven by Playwright) against a live uvicorn server.

A team manager signs in, drills from the authority scorecard to their team, to the team's worklist and to a
child overdue a visit, and sees why; a social worker is refused another team's child. Screenshots of the main
pages go to build/screenshots/ for a person to look at.
"""

from __future__ import annotations

import datetime as dt
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
import uvicorn
from fastapi import FastAPI

from caseboard.store import Store
from caseboard.web.audit import search

playwright = pytest.importorskip("playwright.sync_api")

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(app: FastAPI) -> Iterator[str]:
    port = free_port()
    live = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=live.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not live.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    live.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.fail("Chromium is not installed: ./dev setup installs it (apt-get install chromium)")
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


def signed_in_page(browser: object, server: str, username: str, password: str) -> object:
    page = browser.new_page(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    page.goto(f"{server}/")
    assert "/sign-in" in page.url
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{server}/")
    return page


def shot(page: object, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]


def test_a_team_manager_finds_who_is_overdue_a_visit_and_why_in_three_clicks(
        browser: object, server: str, accounts: dict, app: FastAPI, county_store: Store) -> None:
    username, password, _, _ = accounts["team_manager"]
    team = county_store.scalar("SELECT team_id FROM web_users WHERE username = ?", (username,))
    team_name = county_store.scalar("SELECT name FROM teams WHERE team_id = ?", (team,))
    page = signed_in_page(browser, server, username, password)
    assert page.locator("h1").inner_text().endswith("overview")
    assert page.locator("#scorecard tbody tr").count() > 20
    shot(page, "1-authority-overview")

    board = app.state.board
    work = board.worklist(board.default_as_at()).filter(pl.col("team_code") == team)
    item = work["item"][0]  # the kind of the team's most urgent item
    work = work.filter(pl.col("item") == item)
    child = work["child_id"][0]

    page.get_by_role("link", name="My team").click()                                    # click 1
    assert page.locator("h1").inner_text() == team_name
    shot(page, "2-team")
    page.locator("#work-counts").get_by_role("link", name=item.replace("_", " "), exact=True).click()  # click 2
    assert page.locator("h1").inner_text().endswith("My work")
    rows = page.locator("#worklist tbody tr")
    assert rows.count() == work.filter(pl.col("due_date") <= board.default_as_at() + dt.timedelta(days=7)).height
    shot(page, "3-team-worklist")
    first = rows.first
    assert first.locator("td").first.inner_text() == child  # most urgent first, with the rule that makes it due
    assert work["rule"][0][:30] in first.inner_text()
    first.get_by_role("link", name=child).click()                                        # click 3
    assert page.locator("h1").inner_text() == f"Child {child}"
    due = page.locator("#due tbody").inner_text()
    assert item.replace("_", " ") in due and work["rule"][0][:30] in due
    assert page.locator("#timeline tbody tr").count() > 0
    shot(page, "4-child")
    assert search(county_store, username=username, action="view_child", text=f"child {child}").height >= 1

    page.goto(f"{server}/indicators/cp_plans_open")
    assert page.locator("#definition").is_visible()
    shot(page, "5-indicator")
    page.close()


UNLABELLED = """() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
    .filter(e => !(e.id && document.querySelector(`label[for="${e.id}"]`))).map(e => e.name)"""


def test_pages_are_keyboard_and_tablet_friendly(browser: object, server: str, accounts: dict,
                                                county_store: Store) -> None:
    """WCAG 2.2 basics checked in the browser: a skip link first in the tab order, a label for every field,
    one h1, the page's language; and no sideways scrolling of the page at tablet width (wide tables scroll
    inside their own box)."""
    username, password, _, _ = accounts["head_of_service"]
    area = county_store.scalar("SELECT area_id FROM web_users WHERE username = ?", (username,))
    page = signed_in_page(browser, server, username, password)
    page.set_viewport_size({"width": 768, "height": 1024})
    for path in ("/", f"/areas/{area}", "/my-work", "/indicators/lac_visits_on_time", "/sign-in"):
        page.goto(f"{server}{path}")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content", path
        assert page.evaluate(UNLABELLED) == [], path
        assert page.locator("h1").count() == 1 and page.evaluate("document.documentElement.lang") == "en"
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), path
    page.goto(f"{server}/areas/{area}")
    shot(page, "8-area-tablet")
    page.close()


def test_a_social_worker_is_refused_another_teams_child(browser: object, server: str, accounts: dict,
                                                       app: FastAPI, county_store: Store) -> None:
    username, password, _, _ = accounts["social_worker"]
    team = county_store.scalar("SELECT team_id FROM web_users WHERE username = ?", (username,))
    board = app.state.board
    other = board.holders(board.default_as_at()).filter(
        (pl.col("team_code") != team) & (pl.col("worker") != "Unallocated"))["child_id"][-1]
    page = signed_in_page(browser, server, username, password)
    response = page.goto(f"{server}/children/{other}")
    assert response.status == 403 and page.locator("h1").inner_text() == "You cannot see this page"
    shot(page, "6-refused")
    assert search(county_store, username=username, action="denied", text=f"child {other}").height == 1
    page.goto(f"{server}/my-work")
    shot(page, "7-my-work")
    page.close()
