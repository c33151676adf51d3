"""Forecast tests: tiny stores built the way real data arrives (``indicators.fixtures.load_tables``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from caseboard.store import Store, open_store


@pytest.fixture
def memory_store() -> Iterator[Store]:
    store = open_store(":memory:")
    yield store
    store.close()
