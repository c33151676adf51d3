"""Local accounts: who may sign in, with which role and over which part of the service.

Passwords are stored only as Argon2id hashes (argon2-cffi's defaults, the RFC 9106 second recommended option;
NCSC password guidance: never store passwords in a form that can be reversed). After
:data:`MAX_FAILURES` failed attempts in a row an account is locked for :data:`LOCKOUT` (NCSC guidance:
throttle or lock out to defeat guessing; five is the issue's number). The tables live in the Caseboard store
beside the canonical model, created here with ``CREATE TABLE IF NOT EXISTS`` so that the store's own migrations
stay untouched; the same SQL runs on DuckDB and PostgreSQL.

Roles and their scopes (issue 4, "Who sees what"): a social worker sees their own caseload, a team manager
their team, a head of service their area, and the performance and QA officers, the director, the inspector and
the administrator the whole authority. An elected member sees the whole authority in aggregate only, with small
numbers suppressed, and never a child.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import polars as pl
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from caseboard.store import Store

ScopeKind = Literal["worker", "team", "area", "authority"]

#: Each role and the scope it works in.
ROLES: dict[str, ScopeKind] = {
    "social_worker": "worker",
    "team_manager": "team",
    "head_of_service": "area",
    "performance": "authority",
    "qa": "authority",
    "director": "authority",
    "member": "authority",
    "inspector": "authority",
    "admin": "authority",
}
#: Roles that see aggregates only (small numbers suppressed) and never a child's record.
AGGREGATE_ONLY = frozenset({"member"})

MAX_FAILURES = 5
LOCKOUT = dt.timedelta(minutes=15)

#: The password hasher: argon2-cffi's defaults (Argon2id, RFC 9106's second recommended option). Tests replace
#: it with a cheap one, as each hash costs about a second on a busy machine.
HASHER = PasswordHasher()

USERS_DDL = """CREATE TABLE IF NOT EXISTS web_users (
  username TEXT PRIMARY KEY, password_hash TEXT NOT NULL, role TEXT NOT NULL, display_name TEXT,
  worker_id TEXT, team_id TEXT, area_id TEXT, failed_attempts BIGINT NOT NULL DEFAULT 0,
  locked_until TIMESTAMP, created_at TIMESTAMP NOT NULL, session_epoch BIGINT DEFAULT 0)"""


@dataclass(frozen=True)
class User:
    """A signed-in person: role and the identifiers of their scope."""

    username: str
    role: str
    display_name: str
    worker_id: str | None = None
    team_id: str | None = None
    area_id: str | None = None

    @property
    def scope(self) -> ScopeKind:
        return ROLES[self.role]

    @property
    def sees_children(self) -> bool:
        return self.role not in AGGREGATE_ONLY


def now() -> dt.datetime:
    """UTC, without a zone (the TIMESTAMP columns are UTC by convention)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def ensure_tables(store: Store) -> None:
    store.execute(USERS_DDL)
    # Sessions carry the epoch they began in; raising it ends them all (sign-out, password reset), so a copied
    # cookie stops working on the server, not only in the browser that signed out (OWASP Session Management).
    store.execute("ALTER TABLE web_users ADD COLUMN IF NOT EXISTS session_epoch BIGINT DEFAULT 0")


def _check(role: str, worker_id: str | None, team_id: str | None, area_id: str | None) -> None:
    """A role needs the identifier of its scope: a worker id, a team or an area."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; known: {', '.join(ROLES)}")
    needed = {"worker": worker_id, "team": team_id, "area": area_id}.get(ROLES[role], "authority")
    if not needed:
        raise ValueError(f"a {role} account needs a {ROLES[role]} identifier")


def set_user(store: Store, username: str, password: str, role: str, *, display_name: str | None = None,
             worker_id: str | None = None, team_id: str | None = None, area_id: str | None = None) -> User:
    """Create the account, or replace its password, role and scope (and unlock it)."""
    _check(role, worker_id, team_id, area_id)
    if len(password) < 12:
        raise ValueError("passwords need at least 12 characters (NCSC: length over complexity)")
    epoch = store.scalar("SELECT session_epoch FROM web_users WHERE username = ?", (username,))
    store.execute("DELETE FROM web_users WHERE username = ?", (username,))
    store.execute(
        "INSERT INTO web_users (username, password_hash, role, display_name, worker_id, team_id, area_id, "
        "failed_attempts, locked_until, created_at, session_epoch) VALUES (?, ?, ?, ?, ?, ?, ?, 0, NULL, ?, ?)",
        (username, HASHER.hash(password), role, display_name or username, worker_id, team_id, area_id, now(),
         0 if epoch is None else int(epoch) + 1))  # a reset ends the account's sessions
    return User(username, role, display_name or username, worker_id, team_id, area_id)


def get_user(store: Store, username: str, epoch: int | None = None) -> User | None:
    """The account, if it exists (and, given ``epoch``, if sessions of that epoch are still current)."""
    frame = store.query("SELECT username, role, display_name, worker_id, team_id, area_id, session_epoch "
                        "FROM web_users WHERE username = ?", (username,))
    if not frame.height or (epoch is not None and frame["session_epoch"][0] != epoch):
        return None
    return User(*frame.row(0)[:6])


def session_epoch(store: Store, username: str) -> int:
    return int(store.scalar("SELECT session_epoch FROM web_users WHERE username = ?", (username,)) or 0)


def end_sessions(store: Store, username: str) -> None:
    """End every session of the account (see :func:`ensure_tables`)."""
    store.execute("UPDATE web_users SET session_epoch = session_epoch + 1 WHERE username = ?", (username,))


SignIn = Literal["ok", "wrong", "locked"]


def authenticate(store: Store, username: str, password: str) -> tuple[SignIn, User | None]:
    """Check a password, counting failures and locking the account after :data:`MAX_FAILURES` in a row."""
    frame = store.query("SELECT password_hash, failed_attempts, locked_until FROM web_users WHERE username = ?",
                        (username,))
    if not frame.height:
        # Verify against a throwaway hash so a wrong name takes as long as a wrong password and the response
        # time does not tell which names exist.
        _verify(_dummy_hash(), password)
        return "wrong", None
    stored, failures, locked_until = frame.row(0)
    if locked_until is not None and locked_until > now():
        return "locked", None
    if not _verify(stored, password):
        failures = int(failures) + 1
        lock = now() + LOCKOUT if failures >= MAX_FAILURES else None
        store.execute("UPDATE web_users SET failed_attempts = ?, locked_until = ? WHERE username = ?",
                      (0 if lock else failures, lock, username))
        return ("locked" if lock else "wrong"), None
    store.execute("UPDATE web_users SET failed_attempts = 0, locked_until = NULL WHERE username = ?", (username,))
    return "ok", get_user(store, username)


@lru_cache(maxsize=4)
def _hash_for(hasher: PasswordHasher) -> str:
    return hasher.hash(secrets.token_urlsafe(16))


def _dummy_hash() -> str:
    return _hash_for(HASHER)


def _verify(stored: str, password: str) -> bool:
    try:
        return HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


DemoAccount = tuple[str, str, str, str]
#: Teams the demo's team manager and social worker prefer, in order: those with statutory visits to show.
DEMO_TEAM_TYPES = ("looked_after", "cp", "cin")


def create_demo_accounts(store: Store) -> list[DemoAccount]:
    """One account per role over real ids of the loaded county, with fresh random passwords each call.

    Returns ``(username, password, role, scope)`` rows for ``caseboard demo`` to print. The team chosen is the
    busiest of the first kind in :data:`DEMO_TEAM_TYPES` the county has (so the team manager's pages have
    statutory visits and reviews in them), its area is the head of service's, and the social worker is the
    worker in that team holding the most children.
    """
    ensure_tables(store)
    busiest = store.query("""
        SELECT a.team_id, t.area_id, t.team_type, a.worker_id, COUNT(*) AS n
        FROM allocations a JOIN teams t ON t.team_id = a.team_id
        WHERE a.end_date IS NULL AND a.worker_id IS NOT NULL
        GROUP BY a.team_id, t.area_id, t.team_type, a.worker_id ORDER BY n DESC, a.team_id, a.worker_id""")
    if not busiest.height:
        raise ValueError("no open allocations to a worker in a team: load a county before making demo accounts")
    rank = pl.col("team_type").replace_strict(DEMO_TEAM_TYPES, list(range(len(DEMO_TEAM_TYPES))),
                                              default=len(DEMO_TEAM_TYPES), return_dtype=pl.Int64)
    by_team = (busiest.group_by("team_id", "team_type").agg(pl.col("n").sum().alias("total"))
               .with_columns(rank.alias("rank")).sort(["rank", "total", "team_id"], descending=[False, True, False]))
    team = by_team["team_id"][0]
    mine = busiest.filter(pl.col("team_id") == team)
    worker, area = mine["worker_id"][0], mine["area_id"][0]
    names = dict(store.query("SELECT worker_id, name FROM workers").iter_rows())
    team_name = store.scalar("SELECT name FROM teams WHERE team_id = ?", (team,)) or team
    area_name = store.scalar("SELECT name FROM areas WHERE area_id = ?", (area,)) or area
    plan = [
        ("social.worker", "social_worker", {"worker_id": worker, "team_id": team, "area_id": area},
         f"caseload of {names.get(worker) or worker} ({worker})", names.get(worker)),
        ("team.manager", "team_manager", {"team_id": team, "area_id": area}, f"team {team_name} ({team})", None),
        ("head.of.service", "head_of_service", {"area_id": area}, f"area {area_name} ({area})", None),
    ] + [(role.replace("_", "."), role, {}, "authority" + (" (aggregates only)" if role in AGGREGATE_ONLY else ""),
          None) for role in ("performance", "qa", "director", "member", "inspector", "admin")]
    accounts = []
    for username, role, ids, scope, display in plan:
        password = secrets.token_urlsafe(12)
        set_user(store, username, password, role, display_name=display or username.replace(".", " ").title(),
                 **ids)
        accounts.append((username, password, role, scope))
    return accounts
