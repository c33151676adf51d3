"""The audit log: who looked at or changed what, when, and who was refused.

Every view of a child's record, every export, every change and every refusal (403) is appended here (issue 4;
UK GDPR art. 5(2) accountability and art. 32 security of processing: a council must be able to show who saw a
child's record). The application only ever inserts and selects: there is no route, and no function in this
module, that updates or deletes an entry. Identifiers come from a database sequence so that several server
processes writing at once never collide.
"""

from __future__ import annotations

from typing import Literal

import polars as pl

from caseboard.store import Store
from caseboard.web.accounts import now

Action = Literal["view_child", "export", "change", "denied", "sign_in", "sign_in_failed", "sign_out"]
ACTIONS: tuple[str, ...] = ("view_child", "export", "change", "denied", "sign_in", "sign_in_failed", "sign_out")

DDL = (
    "CREATE SEQUENCE IF NOT EXISTS web_audit_seq",
    """CREATE TABLE IF NOT EXISTS web_audit (
      entry_id BIGINT PRIMARY KEY, logged_at TIMESTAMP NOT NULL, username TEXT, role TEXT, action TEXT NOT NULL,
      target TEXT, detail TEXT, address TEXT)""",
)
COLUMNS = ("entry_id", "logged_at", "username", "role", "action", "target", "detail", "address")


def ensure_tables(store: Store) -> None:
    for sql in DDL:
        store.execute(sql)


def record(store: Store, action: Action, *, username: str | None, role: str | None, target: str = "",
           detail: str = "", address: str | None = None) -> None:
    """Append one entry (the only write this log allows)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    store.execute(
        "INSERT INTO web_audit (entry_id, logged_at, username, role, action, target, detail, address) "
        "VALUES (nextval('web_audit_seq'), ?, ?, ?, ?, ?, ?, ?)",
        (now(), username, role, action, target, detail, address))


def search(store: Store, *, text: str | None = None, username: str | None = None, action: str | None = None,
           limit: int = 200) -> pl.DataFrame:
    """Newest first; ``text`` matches the target or the detail (case-insensitive), ``username`` exactly."""
    where, params = [], []
    if text:
        where.append("(LOWER(target) LIKE ? OR LOWER(detail) LIKE ?)")
        params += [f"%{text.lower()}%"] * 2
    if username:
        where.append("username = ?")
        params.append(username)
    if action:
        where.append("action = ?")
        params.append(action)
    sql = f"SELECT {', '.join(COLUMNS)} FROM web_audit"
    if where:
        sql += " WHERE " + " AND ".join(where)
    return store.query(f"{sql} ORDER BY entry_id DESC LIMIT {int(limit)}", params)
