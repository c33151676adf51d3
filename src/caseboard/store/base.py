"""The store: canonical tables in a database, written only by atomic, recorded loads.

One class holds the SQL that both engines share; the engine subclasses (``duckdb_engine``, ``postgres_engine``)
supply only connection handling, bulk transfer and dialect details. The merge rule lives here, once:

* a row replaces the stored row with the same natural key (``Table.key``), so loading the same files twice
  changes nothing and a later return updates the children in it without duplicating them;
* ``children`` rows are merged field by field (a value given replaces, a value absent keeps what was known),
  because a child's identity arrives from several returns that each carry only some of it (the CIN census has
  disabilities, the 903 has motherhood) and none of them should erase the other.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import polars as pl

from caseboard.model.schema import PROVENANCE_COLUMNS, Table
from caseboard.model.tables import TABLES
from caseboard.store.meta import META_TABLES

#: Tables merged field by field rather than replaced whole (see module docstring).
FIELD_MERGED = frozenset({"children"})


@dataclass
class TableChange:
    """What one load did to one table."""

    table: str
    received: int
    new: int
    updated: int
    unchanged: int


class Store(ABC):
    """A Caseboard database: canonical tables plus load records, findings and quarantine."""

    dialect: str
    SQL_TYPES: dict[str, str]

    # --- engine primitives -------------------------------------------------------------------------------
    @abstractmethod
    def execute(self, sql: str, params: Sequence[Any] = ()) -> None: ...

    @abstractmethod
    def query(self, sql: str, params: Sequence[Any] = ()) -> pl.DataFrame: ...

    @abstractmethod
    def _begin(self) -> None: ...

    @abstractmethod
    def _commit(self) -> None: ...

    @abstractmethod
    def _rollback(self) -> None: ...

    @abstractmethod
    def _stage(self, name: str, frame: pl.DataFrame, columns: list[tuple[str, str]]) -> str:
        """Make ``frame`` queryable as a temporary relation; return its name."""

    @abstractmethod
    def _unstage(self, name: str) -> None: ...

    @abstractmethod
    def existing_columns(self, table: str) -> set[str]: ...

    @abstractmethod
    def close(self) -> None: ...

    @property
    @abstractmethod
    def url(self) -> str: ...

    # --- shared behaviour -----------------------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All or nothing: a failure anywhere inside rolls every change back."""
        self._begin()
        try:
            yield
        except BaseException:
            self._rollback()
            raise
        else:
            self._commit()

    def analyze(self, tables: Sequence[str] = ()) -> None:
        """Refresh the planner's statistics on ``tables`` after a load (engines that keep none: nothing)."""
        return None

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        frame = self.query(sql, params)
        return None if frame.height == 0 else frame.row(0)[0]

    def table(self, name: str) -> pl.DataFrame:
        """A whole canonical table as a frame (for tests, writers and small tables)."""
        return self.query(f"SELECT * FROM {name}")

    def _columns(self, t: Table) -> list[tuple[str, str]]:
        return [(c.name, c.type) for c in t.columns] + list(PROVENANCE_COLUMNS)

    def _create(self, name: str, columns: list[tuple[str, str]]) -> None:
        body = ", ".join(f"{n} {self.SQL_TYPES[ty]}" for n, ty in columns)
        self.execute(f"CREATE TABLE IF NOT EXISTS {name} ({body})")

    def ensure_schema(self) -> None:
        """Create or migrate the schema to this release (see :mod:`caseboard.store.migrations`)."""
        from caseboard.store.migrations import migrate

        migrate(self)

    def create_model_tables(self) -> None:
        for name, columns in META_TABLES.items():
            self._create(name, columns)
        for t in TABLES:
            self._create(t.name, self._columns(t))

    def add_missing_columns(self) -> list[str]:
        """Additive evolution: a column declared in the model but absent from the database is added, empty."""
        added = []
        for t in TABLES:
            have = self.existing_columns(t.name)
            for name, ty in self._columns(t):
                if name not in have:
                    self.execute(f"ALTER TABLE {t.name} ADD COLUMN {name} {self.SQL_TYPES[ty]}")
                    added.append(f"{t.name}.{name}")
        return added

    def next_load_id(self) -> int:
        return int(self.scalar("SELECT COALESCE(MAX(load_id), 0) + 1 FROM loads"))

    def merge(self, t: Table, frame: pl.DataFrame, load_id: int) -> TableChange:
        """Upsert ``frame`` (canonical columns + source_file/source_row) into ``t`` by natural key.

        Must run inside :meth:`transaction`. Counts of new, updated and unchanged rows compare canonical
        columns only, so provenance (which load, which file) does not make an identical record "updated".
        """
        columns = self._columns(t)
        names = [n for n, _ in columns]
        frame = frame.with_columns(pl.lit(load_id, pl.Int64).alias("load_id")).select(names)
        if not self.scalar(f"SELECT EXISTS (SELECT 1 FROM {t.name})"):
            # Nothing stored yet (a first load): every row is new, and there is nothing to compare or replace.
            stage = self._stage(f"stage_{t.name}", frame, columns)
            try:
                self.execute(f"INSERT INTO {t.name} ({', '.join(names)}) SELECT {', '.join(names)} FROM {stage}")
            finally:
                self._unstage(stage)
            return TableChange(t.name, frame.height, frame.height, 0, 0)
        stage = self._stage(f"stage_{t.name}", frame, columns)
        try:
            on = " AND ".join(f"s.{k} IS NOT DISTINCT FROM t.{k}" for k in t.key)
            data_cols = [c.name for c in t.columns]
            new = int(self.scalar(f"SELECT COUNT(*) FROM {stage} s WHERE NOT EXISTS (SELECT 1 FROM {t.name} t WHERE {on})"))
            cols = ", ".join(data_cols)
            if t.name in FIELD_MERGED:
                merged = self._field_merge_select(t, stage)
                unchanged = int(self.scalar(
                    f"SELECT COUNT(*) FROM (SELECT {cols} FROM ({merged}) m INTERSECT SELECT {cols} FROM {t.name}) x"))
                self.execute(f"CREATE TEMPORARY TABLE merged_{t.name} AS {merged}")
                try:
                    self.execute(f"DELETE FROM {t.name} t WHERE EXISTS (SELECT 1 FROM {stage} s WHERE {on})")
                    self.execute(f"INSERT INTO {t.name} ({', '.join(names)}) SELECT {', '.join(names)} FROM merged_{t.name}")
                finally:
                    self.execute(f"DROP TABLE merged_{t.name}")
            else:
                unchanged = int(self.scalar(
                    f"SELECT COUNT(*) FROM (SELECT {cols} FROM {stage} INTERSECT SELECT {cols} FROM {t.name}) x"))
                self.execute(f"DELETE FROM {t.name} t WHERE EXISTS (SELECT 1 FROM {stage} s WHERE {on})")
                self.execute(f"INSERT INTO {t.name} ({', '.join(names)}) SELECT {', '.join(names)} FROM {stage}")
        finally:
            self._unstage(stage)
        received = frame.height
        return TableChange(t.name, received, new, received - new - unchanged, unchanged)

    def _field_merge_select(self, t: Table, stage: str) -> str:
        """Staged rows with each absent field filled from the stored row of the same key."""
        on = " AND ".join(f"s.{k} IS NOT DISTINCT FROM t.{k}" for k in t.key)
        parts = []
        for c in t.columns:
            parts.append(f"s.{c.name}" if c.name in t.key else f"COALESCE(s.{c.name}, t.{c.name}) AS {c.name}")
        parts += [f"s.{n}" for n, _ in PROVENANCE_COLUMNS]
        return f"SELECT {', '.join(parts)} FROM {stage} s LEFT JOIN {t.name} t ON {on}"

    def purge(self, child_id: str, table: str | None, key: dict[str, Any]) -> int:
        """Delete what a source asked to be removed: rows of ``table`` for the child matching ``key`` (all the
        child's rows when ``key`` is empty; the child in every table when ``table`` is None). Returns rows deleted.
        Runs inside the load's transaction, so a refused load deletes nothing.
        """
        targets = [t for t in TABLES if t.child_column and (table is None or t.name == table)]
        deleted = 0
        for t in targets:
            where = ["child_id = ?"] + [f"{k} = ?" for k in key if k in t.column_names]
            params = [child_id] + [v for k, v in key.items() if k in t.column_names]
            before = int(self.scalar(f"SELECT COUNT(*) FROM {t.name} WHERE {' AND '.join(where)}", params))
            if before:
                self.execute(f"DELETE FROM {t.name} WHERE {' AND '.join(where)}", params)
                deleted += before
        return deleted

    def insert_rows(self, table: str, rows: list[dict[str, Any]]) -> None:
        """Append plain rows to a meta table (loads, findings, quarantine)."""
        if not rows:
            return
        columns = META_TABLES[table]
        frame = pl.DataFrame([{n: r.get(n) for n, _ in columns} for r in rows],
                             schema={n: _polars_type(ty) for n, ty in columns}, orient="row")
        stage = self._stage(f"stage_{table}", frame, columns)
        try:
            names = ", ".join(n for n, _ in columns)
            self.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM {stage}")
        finally:
            self._unstage(stage)

    def loads(self) -> pl.DataFrame:
        return self.query("SELECT * FROM loads ORDER BY load_id")

    def findings(self, load_id: int | None = None) -> pl.DataFrame:
        if load_id is None:
            return self.query("SELECT * FROM findings ORDER BY load_id, file, row")
        return self.query("SELECT * FROM findings WHERE load_id = ? ORDER BY file, row", (load_id,))

    def counts(self) -> dict[str, int]:
        return {t.name: int(self.scalar(f"SELECT COUNT(*) FROM {t.name}")) for t in TABLES}


def _polars_type(ty: str) -> pl.DataType:
    from caseboard.formats.values import POLARS_TYPES

    return POLARS_TYPES[ty]


def as_json(value: object) -> str:
    return json.dumps(value, default=str, sort_keys=True)
