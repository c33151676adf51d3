"""The administrator's search of the audit log (read only: the log has no route that edits or deletes)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from caseboard.web import audit
from caseboard.web.accounts import User
from caseboard.web.auth import board_of, deny, require_user
from caseboard.web.render import page

router = APIRouter()
api = APIRouter(prefix="/api", tags=["administration"])


def _search(request: Request, text: str | None, username: str | None,
            action: str | None) -> tuple[User, list[dict[str, Any]]]:
    user, board = require_user(request), board_of(request)
    if user.role != "admin":
        deny(request, user, "audit log", "only administrators search the audit log")
    with board.lock:
        found = audit.search(board.store, text=text or None, username=username or None, action=action or None)
    return user, found.to_dicts()


@router.get("/admin/audit", include_in_schema=False)
def audit_page(request: Request, q: str | None = None, username: str | None = None,
               action: str | None = None) -> Response:
    _, entries = _search(request, q, username, action)
    return page(request, "audit.html", title="Audit log", entries=entries, q=q or "", username=username or "",
                action=action or "", actions=audit.ACTIONS)


@api.get("/audit", summary="Search the audit log (administrators only), newest first")
def audit_api(request: Request, q: str | None = None, username: str | None = None,
              action: str | None = None) -> list[dict[str, Any]]:
    return _search(request, q, username, action)[1]
