"""The default county against Norfolk's published figures (generated once: about five seconds)."""

from __future__ import annotations

import polars as pl
import pytest

from caseboard.synth import SynthConfig, generate
from caseboard.synth.config import NORFOLK
from caseboard.synth.measure import calibration_targets, published_measures

Frames = dict[str, pl.DataFrame]

#: Allowed relative difference for counts (a single year of a random county), absolute points for percentages.
COUNT_TOLERANCE = {
    "cla_at31": 0.15, "cla_starts": 0.2, "cla_ceased": 0.2, "referrals": 0.08, "cin_at31": 0.1,
    "cpp_starts": 0.15, "cpp_at31": 0.15, "care_leavers_19_21": 0.2, "care_leavers_17_18": 0.35,
}
POINTS_TOLERANCE = {"rereferral_pct": 2.5, "nfa_pct": 1.0, "not_in_need_pct": 3.0, "cpp_subsequent_pct": 5.0,
                    "placements_3plus_pct": 4.0}


@pytest.fixture(scope="module")
def county() -> tuple[SynthConfig, Frames]:
    cfg = SynthConfig()
    return cfg, generate(cfg)


@pytest.mark.slow
def test_published_figures_are_reproduced(county: tuple[SynthConfig, Frames]) -> None:
    cfg, f = county
    assert cfg.today.isoformat() == "2026-03-31" and cfg.calibration is NORFOLK
    measured = published_measures(f, 2026)
    target = calibration_targets(NORFOLK)
    for name, tolerance in COUNT_TOLERANCE.items():
        assert measured[name] == pytest.approx(target[name], rel=tolerance), name
    for name, points in POINTS_TOLERANCE.items():
        assert measured[name] == pytest.approx(target[name], abs=points), name


@pytest.mark.slow
def test_workforce_is_norfolk_sized(county: tuple[SynthConfig, Frames]) -> None:
    _, f = county
    in_post = f["workers"].filter(pl.col("end_date").is_null())
    assert 300 <= in_post.height <= 400
    assert 55 <= f["teams"].height <= 65 and f["areas"].height == 6
    assert f["teams"]["establishment_fte"].sum() > in_post["fte"].sum()  # some posts are vacant
    assert 0 < in_post["agency"].sum() < 0.1 * in_post.height  # Norfolk's agency rate is low (1.3% in 2025)
    # Every team's establishment covers the FTE in post.
    per_team = in_post.group_by("team_id").agg(pl.col("fte").sum()).join(f["teams"], on="team_id")
    assert (per_team["establishment_fte"] >= per_team["fte"] - 1e-9).all()
    # Caseloads: open cases per qualified worker in the case-holding teams are in the published range.
    open_alloc = f["allocations"].filter(pl.col("end_date").is_null() & pl.col("worker_id").is_not_null())
    per_worker = open_alloc.group_by("worker_id").len()
    assert 5 <= per_worker["len"].median() <= 30


@pytest.mark.slow
def test_children_and_statutory_rhythms(county: tuple[SynthConfig, Frames]) -> None:
    cfg, f = county
    ages = f["children"].select(((pl.lit(cfg.today) - pl.col("dob")).dt.total_days() / 365.25).alias("age"))
    assert ages["age"].min() >= 0
    # Unaccompanied children are 8% of starts (config assumption) but stay a year or so (they arrive at 15 to 17
    # and leave at 18): about 3% of those looked after on 31 March.
    at31 = f["lac_episodes"].filter(pl.col("end_date").is_null())["child_id"]
    uasc = f["children"].filter(pl.col("child_id").is_in(at31.implode()))["uasc"].mean()
    assert 0.01 <= uasc <= 0.08
    # Adoptions, missing episodes, OC2 cohort and care leavers all present at county scale.
    assert f["adoptions"].filter(pl.col("adoption_order_date").is_between(
        pl.date(2025, 4, 1), pl.date(2026, 3, 31))).height >= 10
    assert f["annual_outcomes"].filter(pl.col("year") == 2026).height > 0.5 * at31.len()
    assert f["care_leavers"]["eligibility"].value_counts().height == 4
