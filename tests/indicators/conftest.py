"""Stores for the indicator tests: one per engine for the whole session, calendar built once.

Worked examples share a store and empty the canonical tables between them: building a schema per example on
both engines would cost most of the test budget. PostgreSQL runs on 127.0.0.1:5432 here and in CI; these tests
are never skipped. CASEBOARD_TEST_PG overrides the server URL.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from caseboard.indicators.engine import prepare
from caseboard.store import Store, open_store

PG_URL = os.environ.get("CASEBOARD_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
ENGINES = ("duckdb", "postgres")


def _open(engine: str, folder: Path) -> Store:
    if engine == "duckdb":
        return open_store(folder / "indicators.duckdb")
    return open_store(f"{PG_URL}#schema=t_ind_{uuid.uuid4().hex[:10]}")


@pytest.fixture(scope="session")
def engine_stores(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Store]]:
    folder = tmp_path_factory.mktemp("indicators")
    stores = {e: _open(e, folder) for e in ENGINES}
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
    from caseboard.indicators.fixtures import clear_tables

    s = engine_stores[request.param]
    clear_tables(s)
    return s
