"""Pytest fixtures for tests that run on every engine (imported by the test folders' conftest files).

One store per engine for the whole session, the calendar built once; each test gets it emptied of canonical
data, because building a schema per test on both engines would cost most of the test budget. PostgreSQL runs on
127.0.0.1:5432 in development and CI, and these tests are never skipped; CASEBOARD_TEST_PG overrides the URL.
Only the test suite imports this module (it needs pytest).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

from caseboard.indicators.engine import prepare
from caseboard.indicators.fixtures import clear_tables
from caseboard.store import Store, open_store

PG_URL = os.environ.get("CASEBOARD_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
ENGINES = ("duckdb", "postgres")


@pytest.fixture(scope="session")
def engine_stores(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Store]]:
    folder = tmp_path_factory.mktemp("engines")
    stores = {
        "duckdb": open_store(folder / "caseboard.duckdb"),
        "postgres": open_store(f"{PG_URL}#schema=t_ind_{uuid.uuid4().hex[:10]}"),
    }
    for s in stores.values():
        prepare(s)
    yield stores
    for s in stores.values():
        if s.dialect == "postgres":
            s.drop_schema()  # type: ignore[attr-defined]
        s.close()


@pytest.fixture(params=ENGINES)
def engine_store(request: pytest.FixtureRequest, engine_stores: dict[str, Store]) -> Store:
    """A prepared store on each engine, emptied of canonical data."""
    s = engine_stores[request.param]
    clear_tables(s)
    return s
