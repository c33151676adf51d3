"""The web application: pages for people, the same data as JSON under /api/ with its OpenAPI document.

``create_app(db)`` builds the application over a store (a path, a ``postgresql://`` URL or an open
:class:`~caseboard.store.Store`); ``serve(db, host, port)`` runs it with uvicorn (``caseboard demo`` calls it).
Every route checks the signed-in user's role and scope (``web.scopes``); refusals and every view of a child are
written to the audit log (``web.audit``).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from caseboard.indicators.settings import DEFAULT_SETTINGS, Settings
from caseboard.store import Store, open_store
from caseboard.web import admin, auth, child, indicator, overview, push
from caseboard.web.auth import COOKIE, Forbidden, NotSignedIn, Sessions
from caseboard.web.board import BadDate, Board
from caseboard.web.render import HERE, page

LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
#: Pages may load only this site's own styles, scripts and images (the API explorer at /api/docs loads its
#: scripts from a CDN, so it is left out).
CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'"


def create_app(db: str | Path | Store, *, secret: str | None = None, secure_cookies: bool = False,
               settings: Settings = DEFAULT_SETTINGS) -> FastAPI:
    """The application over ``db``. ``secret`` signs session cookies (default: ``CASEBOARD_SECRET`` or a random
    one, so sessions end when the server restarts); ``secure_cookies`` marks them HTTPS-only."""
    owned = not isinstance(db, Store)
    store = open_store(db) if owned else db  # type: ignore[arg-type]

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        if owned:
            store.close()

    app = FastAPI(title="Caseboard", version="0.1.0", lifespan=lifespan, docs_url="/api/docs", redoc_url=None,
                  openapi_url="/api/openapi.json",
                  description="Children's services indicators, worklists and children's journeys. Every route "
                              "needs a signed-in session (sign in at /sign-in) and answers within the user's "
                              "role and scope; views of a child's record are audited.")
    app.state.board = Board(store, settings)
    app.state.sessions = Sessions(secret or os.environ.get("CASEBOARD_SECRET") or secrets.token_urlsafe(32),
                                  secure=secure_cookies)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    for module in (auth, overview, child, indicator, admin, push):
        app.include_router(module.router)
        if hasattr(module, "api"):
            app.include_router(module.api)
    _handlers(app)

    @app.middleware("http")
    async def session_cookie(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        sessions: Sessions = request.app.state.sessions
        request.state.session = sessions.load(request.cookies.get(COOKIE))
        request.state.user = None
        response = await call_next(request)
        if not request.url.path.startswith("/static/"):
            sessions.save(response, request.state.session)  # re-signed each time: expiry counts from last use
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if not request.url.path.startswith("/api/docs"):
            response.headers.setdefault("Content-Security-Policy", CSP)
        if request.url.path.startswith(("/api/", "/children/", "/my-work", "/admin/")):
            response.headers.setdefault("Cache-Control", "no-store")  # children's records stay off shared caches
        return response

    return app


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _handlers(app: FastAPI) -> None:
    @app.exception_handler(NotSignedIn)
    async def not_signed_in(request: Request, _: NotSignedIn) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": "sign in first"}, status_code=401)
        return RedirectResponse(f"/sign-in?next={request.url.path}", status_code=303)

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, exc: Forbidden) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": exc.message}, status_code=403)
        return page(request, "error.html", title="You cannot see this page", status_code=403, message=exc.message)

    @app.exception_handler(BadDate)
    async def bad_date(request: Request, exc: BadDate) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": str(exc)}, status_code=400)
        return page(request, "error.html", title="That date is not a date", status_code=400, message=str(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if _is_api(request) or request.url.path.startswith("/static/"):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code)
        title = "Page not found" if exc.status_code == 404 else "Something went wrong"
        return page(request, "error.html", title=title, status_code=exc.status_code, message=str(exc.detail))


def serve(db: str | Path, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve the application (one process, the embedded database's single writer) until interrupted."""
    import uvicorn

    app = create_app(db, secure_cookies=host not in LOOPBACK)
    print("Working out today's figures and worklists ...", flush=True)
    app.state.board.warm()
    print(f"Caseboard is at http://{host}:{port}/ (Ctrl+C to stop)", flush=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")
