"""The embedded default: DuckDB in a file in the data directory, no server to install.

DuckDB is columnar and reads Arrow/Polars frames without copying, which is what makes loading a whole county
in seconds possible on a laptop.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from caseboard.store.base import Store


class DuckDBStore(Store):
    dialect = "duckdb"
    SQL_TYPES = {"str": "VARCHAR", "date": "DATE", "int": "BIGINT", "float": "DOUBLE", "bool": "BOOLEAN",
                 "timestamp": "TIMESTAMP"}

    def __init__(self, path: Path | str, *, read_only: bool = False) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self.con = duckdb.connect(self.path, read_only=read_only)
        self._staged: dict[str, pl.DataFrame] = {}

    @property
    def url(self) -> str:
        return self.path

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self.con.execute(sql, list(params))

    def query(self, sql: str, params: Sequence[Any] = ()) -> pl.DataFrame:
        relation = self.con.sql(sql, params=list(params) or None)
        return relation.pl() if relation is not None else pl.DataFrame()

    def _begin(self) -> None:
        self.con.execute("BEGIN TRANSACTION")

    def _commit(self) -> None:
        self.con.execute("COMMIT")

    def _rollback(self) -> None:
        self.con.execute("ROLLBACK")

    def _stage(self, name: str, frame: pl.DataFrame, columns: list[tuple[str, str]]) -> str:
        # Cast explicitly so an all-null column arrives with the declared type, not NULL-typed.
        casts = ", ".join(f"CAST({n} AS {self.SQL_TYPES[ty]}) AS {n}" for n, ty in columns)
        self.con.register(f"{name}_frame", frame.to_arrow())
        self.con.execute(f"CREATE OR REPLACE TEMPORARY TABLE {name} AS SELECT {casts} FROM {name}_frame")
        self.con.unregister(f"{name}_frame")
        return name

    def _unstage(self, name: str) -> None:
        self.con.execute(f"DROP TABLE IF EXISTS {name}")

    def existing_columns(self, table: str) -> set[str]:
        rows = self.con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ? AND table_schema = 'main'",
            [table],
        ).fetchall()
        return {r[0] for r in rows}

    def close(self) -> None:
        self.con.close()
