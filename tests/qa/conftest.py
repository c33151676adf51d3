"""QA tests run on DuckDB and PostgreSQL (one store per engine for the session, emptied per test: see
``caseboard.indicators.testing``), on a tiny organisation: two areas, three teams, a handful of open cases."""

from __future__ import annotations

import pytest
from qa_county import AS_AT, county_tables

from caseboard.indicators.fixtures import load_tables
from caseboard.indicators.testing import engine_store, engine_stores
from caseboard.qa.schema import QA_TABLES, ensure_qa_schema
from caseboard.qa.templates import install_shipped
from caseboard.store import Store

__all__ = ["county", "engine_store", "engine_stores", "qa_store"]


@pytest.fixture
def qa_store(engine_store: Store) -> Store:
    """An engine's store with no canonical data and empty QA tables, the shipped templates saved."""
    ensure_qa_schema(engine_store)
    for name in QA_TABLES:
        engine_store.execute(f"DELETE FROM {name}")
    install_shipped(engine_store)
    return engine_store


@pytest.fixture
def county(qa_store: Store) -> Store:
    """``qa_store`` with the tiny organisation loaded."""
    load_tables(qa_store, county_tables(), today=AS_AT)
    return qa_store
