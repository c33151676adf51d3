"""Placement groups, exit reasons and age bands from SSDA903 codes (mapping documented in forecast/groups.py)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from caseboard.forecast import groups as G


@pytest.mark.parametrize(("place", "provider", "group"), [
    ("U6", "PR1", "in_house_fostering"), ("U4", "PR2", "in_house_fostering"), ("U5", None, "in_house_fostering"),
    ("U6", "PR4", "independent_fostering"), ("U4", " pr5 ", "independent_fostering"),
    ("U3", "PR4", "kinship"), ("U1", "PR1", "kinship"),
    ("K2", "PR4", "residential"), ("S1", "PR5", "residential"), ("R1", "PR3", "residential"),
    ("H5", "PR4", "semi_independent"), ("P2", None, "semi_independent"), ("K3", "PR4", "semi_independent"),
    ("P1", "PR0", "placed_with_parents"), ("K1", "PR1", "secure"), ("A5", "PR1", "adoption_placement"),
    ("Z1", "PR4", "other"), ("T0", "PR1", "other"), ("R5", None, "other"), ("Q9", "PR4", "other"), (None, None, "other"),
])
def test_placement_groups(place: str | None, provider: str | None, group: str) -> None:
    assert G.group_of(place, provider) == group


def test_exit_reasons() -> None:
    assert [G.exit_of(r) for r in ("E4A", "E13", "E45", "E41", "E11", "E17", "E5", "E3", "E8", None, "X1")] == [
        "reunification", "reunification", "sgo_cao", "sgo_cao", "adoption", "adulthood", "adulthood", "other",
        "other", "other", "other"]


def test_age_bands_and_months() -> None:
    assert G.band_of_age(np.array([0, 1, 4, 5, 9, 10, 15, 16, 17, 19, -1])).tolist() == [0, 1, 1, 2, 2, 3, 3, 4, 4, 4, 0]
    assert G.month_end(G.month_index(dt.date(2024, 2, 3))) == dt.date(2024, 2, 29)
    assert G.month_end(G.month_index(dt.date(2025, 12, 31)) + 1) == dt.date(2026, 1, 31)
    assert G.state(3, G.group_index("residential")) == 3 * len(G.GROUPS) + 3
    with pytest.raises(ValueError, match="unknown placement group 'fostering'"):
        G.group_index("fostering")
