"""Every store test runs on both engines: the embedded default and the local PostgreSQL server.

PostgreSQL runs on 127.0.0.1:5432 on every development machine and in CI; these tests are never skipped. Each
test gets its own schema, dropped afterwards. CASEBOARD_TEST_PG overrides the server URL.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from caseboard.store import Store, open_store

PG_URL = os.environ.get("CASEBOARD_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


@pytest.fixture(params=["duckdb", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "duckdb":
        s = open_store(tmp_path / "caseboard.duckdb")
        yield s
        s.close()
    else:
        schema = "t_" + uuid.uuid4().hex[:12]
        s = open_store(f"{PG_URL}#schema={schema}")
        try:
            yield s
        finally:
            s.drop_schema()  # type: ignore[attr-defined]
            s.close()
