"""Every test here runs on DuckDB and PostgreSQL: see ``caseboard.indicators.testing``."""

from caseboard.indicators.testing import engine_store, engine_stores

__all__ = ["engine_store", "engine_stores"]
