"""Sessions, CSRF protection, sign-in and sign-out.

The session is a cookie signed with the application's secret (itsdangerous), holding only the user name, the
account's session epoch (signing out or a password reset raises it, ending every copy of the cookie) and the
session's CSRF token; it is HttpOnly (scripts cannot read it), SameSite=Lax (not sent with cross-site form
posts) and Secure whenever the application is served beyond this machine (OWASP Session Management Cheat
Sheet). It expires after :data:`SESSION_SECONDS` of inactivity. Every form carries the session's CSRF token and
every POST checks it (OWASP CSRF Prevention Cheat Sheet, synchroniser token pattern); an anonymous visitor gets
a session with a token too, so the sign-in form itself is protected against login CSRF. Signing in replaces the
token, so a token seen before sign-in is useless after it (session fixation).
"""

from __future__ import annotations

import secrets
from typing import Any, NoReturn

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer

from caseboard.web import accounts
from caseboard.web.accounts import User
from caseboard.web.board import Board
from caseboard.web.render import page

COOKIE = "caseboard_session"
SESSION_SECONDS = 8 * 3600

router = APIRouter(include_in_schema=False)


class NotSignedIn(Exception):
    """The request needs a signed-in user and has none."""


class Forbidden(Exception):
    """The signed-in user (or an anonymous form post) may not do this; already written to the audit log."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Sessions:
    """Reads and writes the signed session cookie."""

    def __init__(self, secret: str, *, secure: bool) -> None:
        self.serializer = URLSafeTimedSerializer(secret, salt="caseboard-session")
        self.secure = secure

    def load(self, cookie: str | None) -> dict[str, Any]:
        if cookie:
            try:
                data = self.serializer.loads(cookie, max_age=SESSION_SECONDS)
                if isinstance(data, dict) and isinstance(data.get("csrf"), str):
                    return data
            except BadSignature:
                pass
        return {"csrf": secrets.token_urlsafe(32)}

    def save(self, response: Response, data: dict[str, Any]) -> None:
        response.set_cookie(COOKIE, self.serializer.dumps(data), max_age=SESSION_SECONDS, httponly=True,
                            samesite="lax", secure=self.secure, path="/")


def board_of(request: Request) -> Board:
    return request.app.state.board  # type: ignore[no-any-return]


def session(request: Request) -> dict[str, Any]:
    return request.state.session  # type: ignore[no-any-return]


def current_user(request: Request) -> User | None:
    data = session(request)
    username, epoch = data.get("user"), data.get("epoch")
    if not username or not isinstance(epoch, int):
        return None
    board = board_of(request)
    with board.lock:
        user = accounts.get_user(board.store, username, epoch)
    request.state.user = user  # for the page template's header
    return user


def require_user(request: Request) -> User:
    user = current_user(request)
    if user is None:
        raise NotSignedIn()
    return user


def address(request: Request) -> str | None:
    return request.client.host if request.client else None


def deny(request: Request, user: User | None, target: str, message: str) -> NoReturn:
    """Refuse with 403, writing the refusal to the audit log first."""
    board_of(request).audit("denied", username=user.username if user else None, role=user.role if user else None,
                            target=target, detail=f"{request.method} {request.url.path}: {message}",
                            address=address(request))
    raise Forbidden(message)


def check_csrf(request: Request, token: str | None, user: User | None) -> None:
    expected = session(request).get("csrf", "")
    if not token or not secrets.compare_digest(token, expected):
        deny(request, user, request.url.path, "the form's security token did not match (CSRF check)")


def _safe_next(target: str | None) -> str:
    """Only paths on this site: never an open redirect to another."""
    return target if target and target.startswith("/") and not target.startswith("//") else "/"


@router.get("/sign-in")
def sign_in_form(request: Request, next: str = "/") -> Response:
    return page(request, "sign_in.html", title="Sign in", next=_safe_next(next), error=None, username="")


@router.post("/sign-in")
def sign_in(request: Request, username: str = Form(""), password: str = Form(""), csrf_token: str = Form(""),
            next: str = Form("/")) -> Response:
    check_csrf(request, csrf_token, None)
    board = board_of(request)
    with board.lock:
        outcome, user = accounts.authenticate(board.store, username.strip(), password)
    if user is None:
        board.audit("sign_in_failed", username=username.strip()[:100], role=None, target=username.strip()[:100],
                    detail=outcome, address=address(request))
        error = ("This account is locked after too many failed attempts. Try again in 15 minutes or ask an "
                 "administrator." if outcome == "locked" else "The user name or password is not right.")
        return page(request, "sign_in.html", title="Sign in", next=_safe_next(next), error=error,
                    username=username, status_code=200)
    with board.lock:
        epoch = accounts.session_epoch(board.store, user.username)
    request.state.session = {"user": user.username, "epoch": epoch, "csrf": secrets.token_urlsafe(32)}
    board.audit("sign_in", username=user.username, role=user.role, address=address(request))
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/sign-out")
def sign_out(request: Request, csrf_token: str = Form("")) -> Response:
    user = current_user(request)
    check_csrf(request, csrf_token, user)
    if user is not None:
        board = board_of(request)
        with board.lock:
            accounts.end_sessions(board.store, user.username)
        board.audit("sign_out", username=user.username, role=user.role, address=address(request))
    request.state.session = {"csrf": secrets.token_urlsafe(32)}
    return RedirectResponse("/sign-in", status_code=303)
