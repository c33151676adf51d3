"""Helpers for tests of the web application (imported by tests/web; needs the test client's httpx2)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from httpx2 import Response


def csrf_of(html: str) -> str:
    """The CSRF token of the first form in a page."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF token in the page"
    return found.group(1)


def sign_in(client: TestClient, username: str, password: str) -> Response:
    """Sign in through the form, as a browser does (fetch the form for its token, post it)."""
    token = csrf_of(client.get("/sign-in").text)
    return client.post("/sign-in", data={"username": username, "password": password, "csrf_token": token,
                                         "next": "/"}, follow_redirects=False)
