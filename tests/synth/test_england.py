"""Many authorities: calibrations read from the DfE files, identifiers unique nationally, seeds independent."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from caseboard.synth.config import NORFOLK
from caseboard.synth import generate
from caseboard.synth.england import (choose, config_for, generate_england, prefixed, scan_england, stack_england,
                                     write_england)
from caseboard.synth.published import authorities, calibration_for


@pytest.fixture(scope="module")
def statistics(reference_data: Path) -> Path:
    return reference_data / "dfe-statistics"


def test_norfolk_figures_in_config_are_the_published_ones(statistics: Path) -> None:
    """config.NORFOLK cites the files; reading the files gives exactly the same numbers."""
    assert calibration_for("926", statistics) == NORFOLK


def test_suppressed_cells_are_filled_from_their_group_total(statistics: Path) -> None:
    cal = calibration_for("926", statistics)
    # 17-18: EET total 162 = 117 + (c) + (c) + 32, so the two suppressed cells share 13 as 7 and 6.
    assert cal.activity_17_18[:4] == (117, 7, 6, 32) and cal.total_care_leavers_17_18 == 264
    tiny = calibration_for("201", statistics)  # City of London: most cells suppressed
    assert tiny.population == 847 and tiny.cla_at31 == 6 and all(v >= 0 for v in tiny.activity_17_18)


def test_authorities_and_the_seeded_choice(statistics: Path) -> None:
    every = authorities(statistics)
    codes = [a.la_code for a in every]
    assert len(every) >= 150 and "926" in codes and "909" not in codes  # Cumbria was abolished in 2023
    assert codes == sorted(codes)
    picked = choose(5, seed=3, reference_dir=statistics)
    assert picked == choose(5, seed=3, reference_dir=statistics) != choose(5, seed=4, reference_dir=statistics)
    assert [a.la_code for a in picked] == sorted(a.la_code for a in picked)
    assert len(choose(500, seed=3, reference_dir=statistics)) == len(every)


def test_each_authority_is_its_own_size_and_seed(statistics: Path) -> None:
    norfolk = next(a for a in authorities(statistics) if a.la_code == "926")
    cfg = config_for(norfolk, seed=1, reference_dir=statistics, scale=0.02)
    assert cfg.calibration == NORFOLK and cfg.scale == 0.02 and cfg.workers == 350
    assert cfg.seed == config_for(norfolk, seed=1, reference_dir=statistics).seed != config_for(
        norfolk, seed=2, reference_dir=statistics).seed


def test_a_few_authorities_stack_into_national_tables(statistics: Path) -> None:
    counties = generate_england(3, seed=5, reference_dir=statistics, scale=0.01, years=1)
    assert len(counties) == 3
    national = stack_england(counties)
    assert set(national["referrals"]["la_code"]) == set(counties)
    for name, column in (("children", "child_id"), ("workers", "worker_id"), ("teams", "team_id"),
                         ("areas", "area_id")):
        frame = national[name]
        assert frame[column].n_unique() == frame.height, name
        assert (frame[column].str.slice(0, 3) == frame["la_code"]).all(), name
    alloc = national["allocations"].filter(pl.col("worker_id").is_not_null())
    assert set(alloc["worker_id"]) <= set(national["workers"]["worker_id"])
    # An authority's county depends on the seed and its code, not on which other authorities were drawn.
    la = next(iter(counties))
    alone = next(a for a in authorities(statistics) if a.la_code == la)
    own = prefixed(generate(config_for(alone, seed=5, reference_dir=statistics, scale=0.01, years=1)), la)
    assert own["referrals"].equals(counties[la]["referrals"])
    assert own["workers"].equals(counties[la]["workers"])


def test_written_to_parquet_and_scanned_back(statistics: Path, tmp_path: Path) -> None:
    paths = write_england(tmp_path, 2, seed=6, reference_dir=statistics, scale=0.01, years=1,
                          tables=["children", "referrals"])
    assert len(paths) == 4 and all(p.name == "data.parquet" for p in paths)
    national = scan_england(tmp_path)
    assert set(national) == {"children", "referrals"}
    children = national["children"].collect()
    assert children.columns[0] == "la_code" and children.schema["la_code"] == pl.Utf8
    assert (children["child_id"].str.slice(0, 3) == children["la_code"]).all()
    assert children["la_code"].n_unique() == 2
