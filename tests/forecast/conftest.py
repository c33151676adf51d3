"""Forecast tests: tiny stores built the way real data arrives (``indicators.fixtures.load_tables``), on every
engine (``caseboard.indicators.testing``)."""

from caseboard.indicators.testing import engine_store, engine_stores

__all__ = ["engine_store", "engine_stores"]
