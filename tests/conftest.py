"""Shared test fixtures.

The reference data (other projects' fake returns, DfE schemas and statistics) lives in ../shared beside the
repository, in development and in CI alike; tests read it from there and never copy it into the repository.
"""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
REFERENCE_DATA = SHARED / "reference-data"


@pytest.fixture(scope="session")
def reference_data() -> Path:
    """The folder ../shared/reference-data (must exist: CI clones with shared/ beside the repo)."""
    assert REFERENCE_DATA.is_dir(), f"expected the shared reference data at {REFERENCE_DATA}"
    return REFERENCE_DATA


@pytest.fixture(scope="session")
def peer_samples(reference_data: Path) -> Path:
    return reference_data / "peer-samples"
