"""Where the canonical model lives: the embedded default (DuckDB) or a PostgreSQL server, chosen by ``--db``."""

from __future__ import annotations

from pathlib import Path

from caseboard.store.base import Store, TableChange

DEFAULT_DB = Path("data") / "caseboard.duckdb"


def open_store(db: str | Path | None = None, *, migrate: bool = True, read_only: bool = False) -> Store:
    """Open the database named by ``db``: a ``postgresql://`` URL, or a file path for the embedded default.

    A URL may end with ``#schema=name`` to keep Caseboard's tables in their own PostgreSQL schema.
    """
    target = str(db) if db is not None else str(DEFAULT_DB)
    if target.startswith(("postgresql://", "postgres://")):
        from caseboard.store.postgres_engine import PostgresStore

        url, _, fragment = target.partition("#")
        schema = fragment.removeprefix("schema=") or None
        store: Store = PostgresStore(url, schema=schema)
    else:
        from caseboard.store.duckdb_engine import DuckDBStore

        store = DuckDBStore(target, read_only=read_only)
    if migrate and not read_only:
        store.ensure_schema()
    return store


__all__ = ["DEFAULT_DB", "Store", "TableChange", "open_store"]
