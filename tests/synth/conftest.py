"""Small synthetic counties shared by the synth tests (generated once per session: a fraction of a second)."""

from __future__ import annotations

from collections.abc import Callable

import polars as pl
import pytest

from caseboard.synth import SynthConfig, generate

SMALL = {"scale": 0.02, "years": 2, "seed": 7}


def _small_config(**changes: object) -> SynthConfig:
    options: dict[str, object] = {**SMALL, "imperfection": 0.0}
    options.update(changes)
    return SynthConfig(**options)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def small_config() -> Callable[..., SynthConfig]:
    """Make a small config (scale 0.02, two years, seed 7, imperfection 0) with the given changes."""
    return _small_config


@pytest.fixture(scope="session")
def perfect() -> tuple[SynthConfig, dict[str, pl.DataFrame]]:
    """A small county with no imperfection at all."""
    cfg = _small_config()
    return cfg, generate(cfg)


@pytest.fixture(scope="session")
def imperfect() -> tuple[SynthConfig, dict[str, pl.DataFrame]]:
    """A small county with imperfection 0.2 (ten planted errors of each data-entry kind)."""
    cfg = _small_config(imperfection=0.2)
    return cfg, generate(cfg)


