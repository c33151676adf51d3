"""The schema is versioned: opening a database migrates it once, and a newer database is refused plainly."""

from __future__ import annotations

import datetime as dt

import pytest

from caseboard.store import Store
from caseboard.store.migrations import CURRENT_VERSION, current_version, migrate


def test_new_database_is_at_the_current_version_and_reopening_applies_nothing(store: Store) -> None:
    assert current_version(store) == CURRENT_VERSION
    assert migrate(store) == []
    assert store.table("schema_version")["version"].to_list() == list(range(1, CURRENT_VERSION + 1))


def test_a_column_added_to_the_model_is_added_to_an_existing_database(store: Store) -> None:
    store.execute("ALTER TABLE peps DROP COLUMN source_row")
    assert "source_row" not in store.existing_columns("peps")
    migrate(store)
    assert "source_row" in store.existing_columns("peps")


def test_a_database_from_a_newer_release_is_refused(store: Store) -> None:
    store.insert_rows("schema_version", [{"version": CURRENT_VERSION + 1, "applied_at": dt.datetime.now(),
                                          "description": "from the future"}])
    with pytest.raises(RuntimeError, match="newer than this Caseboard release"):
        migrate(store)
