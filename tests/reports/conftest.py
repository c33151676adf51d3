"""A small synthetic county (scale 0.02), generated and loaded once for all the report tests through the real load
path (the reports only read it)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from caseboard.indicators.fixtures import batch_from_frames
from caseboard.ingest import commit_batch
from caseboard.store import Store, open_store

SCALE = 0.02


@pytest.fixture(scope="session")
def county(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, dt.date]]:
    from caseboard.synth import SynthConfig, generate

    config = SynthConfig(scale=SCALE)
    store = open_store(tmp_path_factory.mktemp("county") / "caseboard.duckdb")
    report = commit_batch(store, batch_from_frames(generate(config), source="synthetic-county"),
                          user="test", today=config.today)
    assert report.ok, report.message
    yield store, config.today
    store.close()
