"""Rendering pages: the Jinja templates with what every page's layout needs (user, CSRF token, navigation)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from fastapi.templating import Jinja2Templates

from caseboard.web.scopes import SUPPRESSED, shown

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=str(HERE / "templates"))
templates.env.globals.update(SUPPRESSED=SUPPRESSED, shown=shown)
templates.env.filters["thousands"] = lambda n: f"{n:,}" if isinstance(n, int) else n


def page(request: Request, template: str, *, status_code: int = 200, **context: Any) -> Response:
    """``template`` with ``context`` plus ``user``, ``csrf_token`` and ``path`` for the layout."""
    user = getattr(request.state, "user", None)
    base = {"user": user, "csrf_token": request.state.session["csrf"], "path": request.url.path}
    return templates.TemplateResponse(request, template, {**base, **context}, status_code=status_code)
