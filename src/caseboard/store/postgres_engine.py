"""PostgreSQL, for a council's multi-user server: the same tables and the same SQL as the embedded default.

Frames travel by COPY in CSV form (one round trip per table, not one per row). A ``schema`` may be given so
that several databases (or test runs) share one server without touching each other.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import Any

import polars as pl
import psycopg

from caseboard.store.base import Store

_PLACEHOLDER = re.compile(r"\?")


class PostgresStore(Store):
    dialect = "postgres"
    SQL_TYPES = {"str": "TEXT", "date": "DATE", "int": "BIGINT", "float": "DOUBLE PRECISION", "bool": "BOOLEAN",
                 "timestamp": "TIMESTAMP"}

    def __init__(self, url: str, *, schema: str | None = None) -> None:
        self._url = url
        self.schema = schema
        self.con = psycopg.connect(url, autocommit=True)
        if schema:
            if not re.fullmatch(r"[a-z_][a-z0-9_]*", schema):
                raise ValueError(f"schema name {schema!r} must be lower-case letters, digits and underscores")
            self.con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
            self.con.execute(f"SET search_path TO {schema}")
        self._in_tx = False

    @property
    def url(self) -> str:
        return self._url + (f" (schema {self.schema})" if self.schema else "")

    def _sql(self, sql: str) -> str:
        return _PLACEHOLDER.sub("%s", sql)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self.con.execute(self._sql(sql), list(params) or None)

    def query(self, sql: str, params: Sequence[Any] = ()) -> pl.DataFrame:
        with self.con.cursor() as cur:
            cur.execute(self._sql(sql), list(params) or None)
            if cur.description is None:
                return pl.DataFrame()
            names = [d.name for d in cur.description]
            rows = cur.fetchall()
        if not rows:
            return pl.DataFrame(schema={n: pl.Utf8 for n in names})
        return pl.DataFrame(rows, schema=names, orient="row", infer_schema_length=None)

    def analyze(self, tables: Sequence[str] = ()) -> None:
        """ANALYZE the loaded tables: without statistics the planner guesses row counts and picks nested loops
        that take seconds per indicator query (issue 3). Named tables only: a bare ANALYZE would visit every
        schema of the database."""
        for table in tables:
            self.execute(f"ANALYZE {table}")

    def _begin(self) -> None:
        self.con.execute("BEGIN")
        self._in_tx = True

    def _commit(self) -> None:
        self.con.execute("COMMIT")
        self._in_tx = False

    def _rollback(self) -> None:
        self.con.execute("ROLLBACK")
        self._in_tx = False

    def _stage(self, name: str, frame: pl.DataFrame, columns: list[tuple[str, str]]) -> str:
        body = ", ".join(f"{n} {self.SQL_TYPES[ty]}" for n, ty in columns)
        self.con.execute(f"DROP TABLE IF EXISTS {name}")
        self.con.execute(f"CREATE TEMPORARY TABLE {name} ({body})")
        names = [n for n, _ in columns]
        buffer = io.BytesIO()
        frame.select(names).write_csv(buffer, include_header=False, null_value="\\N", datetime_format="%Y-%m-%d %H:%M:%S%.f")
        with self.con.cursor() as cur:
            with cur.copy(f"COPY {name} ({', '.join(names)}) FROM STDIN WITH (FORMAT csv, NULL '\\N')") as copy:
                copy.write(buffer.getvalue())
        return name

    def _unstage(self, name: str) -> None:
        self.con.execute(f"DROP TABLE IF EXISTS {name}")

    def existing_columns(self, table: str) -> set[str]:
        rows = self.con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s AND table_schema = current_schema()",
            [table],
        ).fetchall()
        return {r[0] for r in rows}

    def drop_schema(self) -> None:
        """Remove this store's schema and everything in it (tests use one schema each)."""
        if self.schema:
            self.con.execute(f"DROP SCHEMA IF EXISTS {self.schema} CASCADE")

    def close(self) -> None:
        self.con.close()
