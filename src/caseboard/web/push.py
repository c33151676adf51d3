"""Live data: a case management system pushes the DfE children's social care API payload as changes happen.

``POST /children_social_care_data/{la_code}/children`` is the DfE API's own path and body (a JSON array of child
records; ../shared/reference-data/schemas/dfe-csc-api-openapi.json), so a system that already feeds the DfE can
feed Caseboard unchanged. The request carries ``Authorization: Bearer <token>``; tokens are made with
``caseboard user token NAME`` and stored only as SHA-256 digests (they are long random strings, so a fast digest
is enough; a password needs argon2, a random token does not).

A push goes through the same reader, checks and atomic load as a file (:func:`caseboard.ingest.commit_batch`).
A payload with any error is refused whole with 400 and the field-level findings, and changes nothing; a good
one is committed as a recorded load, and every page's cache moves on with the new load.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from caseboard.formats.base import Batch, FormatError
from caseboard.formats.dfe_api import read_payload
from caseboard.ingest import commit_batch
from caseboard.store import Store
from caseboard.web import audit
from caseboard.web.accounts import now

TOKENS_DDL = """CREATE TABLE IF NOT EXISTS web_api_tokens (
  name TEXT PRIMARY KEY, token_sha256 TEXT NOT NULL, created_at TIMESTAMP NOT NULL)"""

router = APIRouter(tags=["live data"])


def ensure_tables(store: Store) -> None:
    store.execute(TOKENS_DDL)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token(store: Store, name: str) -> str:
    """Make (or replace) the token called ``name`` and return it: it is shown once and never stored."""
    ensure_tables(store)
    token = secrets.token_urlsafe(32)
    store.execute("DELETE FROM web_api_tokens WHERE name = ?", (name,))
    store.execute("INSERT INTO web_api_tokens (name, token_sha256, created_at) VALUES (?, ?, ?)",
                  (name, _digest(token), now()))
    return token


def token_name(store: Store, header: str | None) -> str | None:
    """The name of the token in an ``Authorization: Bearer`` header, or None when absent or unknown."""
    if not header or not header.lower().startswith("bearer "):
        return None
    digest = _digest(header[7:].strip())
    for name, stored in store.query("SELECT name, token_sha256 FROM web_api_tokens").iter_rows():
        if hmac.compare_digest(stored, digest):
            return str(name)
    return None


def _findings(batch: Batch) -> list[dict[str, Any]]:
    return [{"record": f.row, "field": f.field, "value": f.value, "expected": f.expected, "severity": f.severity,
             "rule": f.rule} for f in batch.findings]


@router.post("/children_social_care_data/{la_code}/children")
async def push_children(la_code: str, request: Request) -> JSONResponse:
    """Accept one DfE API payload: 200 with the load's id and counts, or 400 with every finding (nothing stored)."""
    board = request.app.state.board
    store: Store = board.store
    with board.lock:
        ensure_tables(store)
        caller = token_name(store, request.headers.get("authorization"))
        if caller is None:
            audit.record(store, "denied", username=None, role="api", target=request.url.path,
                         detail="push without a valid API token", address=request.client.host if request.client else None)
            return JSONResponse({"detail": "a valid API token is needed (Authorization: Bearer ...)"}, status_code=401)
        source = f"push {la_code} {now().isoformat(timespec='seconds')} by {caller}"
        batch = Batch()
        try:
            payload = json.loads(await request.body())
            read_payload(payload, source, batch)
        except json.JSONDecodeError as exc:
            return JSONResponse({"detail": f"not valid JSON: {exc.msg} at line {exc.lineno}"}, status_code=400)
        except FormatError as exc:
            return JSONResponse({"detail": exc.message, "findings": [exc.finding().__dict__]}, status_code=400)
        errors = [f for f in batch.findings if f.severity in ("error", "fatal")]
        if errors:
            return JSONResponse({"detail": f"payload refused: {len(errors)} error(s); nothing was changed",
                                 "findings": _findings(batch)}, status_code=400)
        report = commit_batch(store, batch, user=caller, strict=True, command="push")
        if not report.ok:
            return JSONResponse({"detail": report.message, "findings": _findings(batch)}, status_code=400)
        audit.record(store, "change", username=caller, role="api", target=request.url.path,
                     detail=f"load {report.load_id}: {sum(c.received for c in report.changes)} records")
    return JSONResponse({"load_id": report.load_id, "status": report.status,
                         "changes": {c.table: {"received": c.received, "new": c.new, "updated": c.updated}
                                     for c in report.changes},
                         "purged": report.purged, "warnings": _findings(batch)})
