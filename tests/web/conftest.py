"""One small synthetic county for the whole web test session, loaded through the real load path, with the
demo accounts, one application over it, and test clients signed in as each role.

Scale 0.02 (about 800 children, 40 teams, 6 areas) keeps the county under five seconds to build and load.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from caseboard.indicators.fixtures import batch_from_frames
from caseboard.ingest import commit_batch
from caseboard.store import Store, open_store
from caseboard.web.accounts import create_demo_accounts
from caseboard.web.app import create_app
from caseboard.web.testing import sign_in

AS_AT = dt.date(2026, 3, 31)


@pytest.fixture(scope="session", autouse=True)
def cheap_hashing() -> Iterator[None]:
    """Argon2id with the lowest cost: the same code path, a hundredth of the time."""
    from argon2 import PasswordHasher

    from caseboard.web import accounts

    default, accounts.HASHER = accounts.HASHER, PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    yield
    accounts.HASHER = default


@pytest.fixture(scope="session")
def county_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    from caseboard.synth import SynthConfig, generate

    store = open_store(tmp_path_factory.mktemp("web") / "caseboard.duckdb")
    frames = generate(SynthConfig(scale=0.02, years=3, today=AS_AT))
    report = commit_batch(store, batch_from_frames(frames), user="web-tests", today=AS_AT)
    assert report.ok, report.message
    yield store
    store.close()


@pytest.fixture(scope="session")
def accounts(county_store: Store) -> dict[str, tuple[str, str, str, str]]:
    """(username, password, role, scope) by role."""
    return {a[2]: a for a in create_demo_accounts(county_store)}


@pytest.fixture(scope="session")
def app(county_store: Store, accounts: dict[str, tuple[str, str, str, str]]) -> FastAPI:
    return create_app(county_store, secret="test-secret")


@pytest.fixture(scope="session")
def client_for(app: FastAPI, accounts: dict[str, tuple[str, str, str, str]]) -> Callable[[str], TestClient]:
    """A client signed in as the demo account of a role (one per role for the session)."""
    clients: dict[str, TestClient] = {}

    def make(role: str) -> TestClient:
        if role not in clients:
            client = TestClient(app)
            username, password, _, _ = accounts[role]
            assert sign_in(client, username, password).status_code == 303
            clients[role] = client
        return clients[role]

    return make
