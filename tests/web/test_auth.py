"""Sign-in, sessions, lock-out and CSRF, through the real application."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from caseboard.store import Store
from caseboard.web import accounts as acc
from caseboard.web.app import create_app
from caseboard.web.audit import search
from caseboard.web.testing import csrf_of, sign_in


def test_pages_and_api_need_a_signed_in_user(app: FastAPI) -> None:
    client = TestClient(app)
    page = client.get("/teams/T001", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/sign-in?next=/teams/T001"
    assert client.get("/api/overview").status_code == 401
    assert client.get("/api/children/x").json() == {"detail": "sign in first"}


def test_passwords_are_stored_as_argon2id_hashes(county_store: Store, accounts: dict) -> None:
    username, password, _, _ = accounts["director"]
    stored = county_store.scalar("SELECT password_hash FROM web_users WHERE username = ?", (username,))
    assert stored.startswith("$argon2id$") and password not in stored


def test_sign_in_sets_a_signed_httponly_lax_cookie_and_logs_it(app: FastAPI, accounts: dict,
                                                               county_store: Store) -> None:
    client = TestClient(app)
    username, password, _, _ = accounts["qa"]
    response = sign_in(client, username, password)
    assert response.status_code == 303 and response.headers["location"] == "/"
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie
    assert client.get("/api/overview").status_code == 200
    assert search(county_store, username="qa", action="sign_in").height >= 1
    # A tampered cookie is no session at all.
    tampered = client.cookies["caseboard_session"][:-2] + "xx"
    client.cookies.clear()
    client.cookies.set("caseboard_session", tampered)
    assert client.get("/api/overview").status_code == 401


def test_cookies_are_secure_beyond_localhost(county_store: Store, accounts: dict) -> None:
    client = TestClient(create_app(county_store, secret="s", secure_cookies=True), base_url="https://testserver")
    username, password, _, _ = accounts["inspector"]
    assert "secure" in sign_in(client, username, password).headers["set-cookie"].lower()


def test_wrong_password_is_refused_without_saying_which_part_was_wrong(app: FastAPI, county_store: Store) -> None:
    client = TestClient(app)
    for name in ("director", "nobody.at.all"):
        page = sign_in(client, name, "not the password")
        assert page.status_code == 200 and "The user name or password is not right." in page.text
    assert search(county_store, username="nobody.at.all", action="sign_in_failed").height == 1


def test_five_failures_lock_the_account_even_against_the_right_password(app: FastAPI, county_store: Store) -> None:
    acc.set_user(county_store, "lock.me", "correct horse battery", "performance")
    client = TestClient(app)
    for _ in range(acc.MAX_FAILURES - 1):
        assert "not right" in sign_in(client, "lock.me", "wrong wrong wrong").text
    assert "locked" in sign_in(client, "lock.me", "wrong wrong wrong").text
    refused = sign_in(client, "lock.me", "correct horse battery")
    assert refused.status_code == 200 and "locked" in refused.text
    # Once the lock has passed, the right password works again and the count starts afresh.
    county_store.execute("UPDATE web_users SET locked_until = ? WHERE username = 'lock.me'",
                         (acc.now() - acc.LOCKOUT,))
    assert sign_in(client, "lock.me", "correct horse battery").status_code == 303
    assert county_store.scalar("SELECT failed_attempts FROM web_users WHERE username = 'lock.me'") == 0


def test_forms_without_the_sessions_csrf_token_are_refused_and_logged(app: FastAPI, accounts: dict,
                                                                      county_store: Store) -> None:
    username, password, _, _ = accounts["admin"]
    client = TestClient(app)
    client.get("/sign-in")
    missing = client.post("/sign-in", data={"username": username, "password": password})
    assert missing.status_code == 403 and "security token" in missing.text
    other = TestClient(app)
    foreign = client.post("/sign-in", data={"username": username, "password": password,
                                            "csrf_token": csrf_of(other.get("/sign-in").text)})
    assert foreign.status_code == 403
    assert search(county_store, text="CSRF", action="denied").height >= 2
    # Signed in, sign-out needs the token too; the token changed at sign-in (no fixation).
    before = csrf_of(client.get("/sign-in").text)
    assert sign_in(client, username, password).status_code == 303
    after = csrf_of(client.get("/").text)
    assert after != before
    assert client.post("/sign-out", data={"csrf_token": before}).status_code == 403
    assert client.post("/sign-out", data={"csrf_token": after}, follow_redirects=False).status_code == 303
    assert client.get("/api/overview").status_code == 401


def test_signing_out_ends_the_session_on_the_server_not_only_in_the_browser(app: FastAPI,
                                                                             county_store: Store) -> None:
    acc.set_user(county_store, "leaver", "twelve chars at least", "director")
    client, thief = TestClient(app), TestClient(app)
    assert sign_in(client, "leaver", "twelve chars at least").status_code == 303
    thief.cookies.set("caseboard_session", client.cookies["caseboard_session"])
    assert thief.get("/api/indicators").status_code == 200
    client.post("/sign-out", data={"csrf_token": csrf_of(client.get("/").text)})
    assert thief.get("/api/indicators").status_code == 401
    # A password reset ends sessions too.
    assert sign_in(client, "leaver", "twelve chars at least").status_code == 303
    acc.set_user(county_store, "leaver", "a new long password", "director")
    assert client.get("/api/indicators").status_code == 401
