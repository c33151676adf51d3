"""The published figures, recomputed from canonical frames: how close a synthetic county is to its calibration.

Each measure is the DfE's own counting rule, written plainly and independently of the indicator engine, so the
calibration tests (and anyone judging the synthetic data) can compare like with like:

* looked after at 31 March, starting (RNE S) and ceasing (REC other than X1) in the year, counting children;
* referrals in the year, re-referrals within 12 months of a previous referral (c1), NFA referrals, referrals
  assessed as not in need; CIN episodes open at 31 March (b1);
* CP plans starting in the year and the share that are second or subsequent (d3), open at 31 March (d5);
* care leavers with an OC3 record at 17-18 and 19-21 in the year;
* children looked after at 31 March with three or more placements during the year (new carers: RNE S, P, B).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import polars as pl

from caseboard.synth.config import Calibration


def _open_on(start: str, end: str, day: dt.date) -> pl.Expr:
    return (pl.col(start) <= day) & (pl.col(end).is_null() | (pl.col(end) > day))


def published_measures(frames: Mapping[str, pl.DataFrame], year: int) -> dict[str, float]:
    """The calibration figures of collection ``year`` (ending 31 March ``year``) measured on ``frames``."""
    lo, hi = dt.date(year - 1, 4, 1), dt.date(year, 3, 31)
    in_year = lambda c: pl.col(c).is_between(lo, hi)  # noqa: E731
    ep = frames["lac_episodes"]
    out: dict[str, float] = {
        "cla_at31": ep.filter(_open_on("start_date", "end_date", hi))["child_id"].n_unique(),
        "cla_starts": ep.filter(in_year("start_date") & (pl.col("rne") == "S"))["child_id"].n_unique(),
        "cla_ceased": ep.filter(in_year("end_date") & (pl.col("reason_ceased") != "X1"))["child_id"].n_unique(),
    }
    ref = frames["referrals"].sort("child_id", "referral_date").with_columns(
        previous=pl.col("referral_date").shift(1).over("child_id"))
    year_refs = ref.filter(in_year("referral_date"))
    n = max(year_refs.height, 1)
    within = year_refs.filter(pl.col("previous").is_not_null()
                              & (pl.col("previous") > pl.col("referral_date").dt.offset_by("-12mo")))
    not_in_need = frames["assessments"].filter(pl.col("outcome_csc_support") == False).select(  # noqa: E712
        "child_id", "referral_date").unique()
    out.update({
        "referrals": year_refs.height,
        "rereferral_pct": 100 * within.height / n,
        "nfa_pct": 100 * year_refs.filter(pl.col("nfa")).height / n,
        "not_in_need_pct": 100 * year_refs.join(not_in_need, on=["child_id", "referral_date"], how="semi").height / n,
        "cin_at31": ref.filter(_open_on("referral_date", "closure_date", hi)).height,
    })
    cp = frames["cp_plans"]
    starts = cp.filter(in_year("start_date"))
    out.update({
        "cpp_starts": starts.height,
        "cpp_subsequent_pct": 100 * starts.filter(pl.col("previous_plans") > 0).height / max(starts.height, 1),
        "cpp_at31": cp.filter(_open_on("start_date", "end_date", hi)).height,
    })
    oc3 = frames["care_leaver_status"].filter(in_year("status_date")).join(
        frames["children"].select("child_id", "dob"), on="child_id")
    age = (pl.col("status_date").dt.year() - pl.col("dob").dt.year())
    out["care_leavers_17_18"] = oc3.filter(age <= 18).height
    out["care_leavers_19_21"] = oc3.filter(age >= 19).height
    at31 = ep.filter(_open_on("start_date", "end_date", hi))["child_id"].unique()
    moves = ep.filter(pl.col("child_id").is_in(at31.implode()) & (pl.col("start_date") <= hi) & (
        pl.col("end_date").is_null() | (pl.col("end_date") >= lo))).filter(
        pl.col("rne").is_in(["S", "P", "B"]) | (pl.col("start_date") < lo))
    per_child = moves.sort("child_id", "start_date").with_columns(
        first_open=pl.col("start_date").rank("ordinal").over("child_id") == 1)
    # The placement open on 1 April counts once, then each new placement in the year.
    counted = per_child.filter(pl.col("first_open") | (pl.col("start_date") >= lo) & pl.col("rne").is_in(
        ["S", "P", "B"])).group_by("child_id").len()
    out["placements_3plus_pct"] = 100 * counted.filter(pl.col("len") >= 3).height / max(at31.len(), 1)
    return out


def calibration_targets(cal: Calibration, scale: float = 1.0) -> dict[str, float]:
    """The published values of the same measures (counts multiplied by ``scale``)."""
    return {
        "cla_at31": cal.cla_at31 * scale, "cla_starts": cal.cla_starts * scale,
        "cla_ceased": cal.cla_ceased * scale, "referrals": cal.referrals * scale,
        "rereferral_pct": cal.rereferral_pct, "nfa_pct": cal.nfa_pct, "not_in_need_pct": cal.not_in_need_pct,
        "cin_at31": cal.cin_at31 * scale, "cpp_starts": cal.cpp_starts * scale,
        "cpp_subsequent_pct": cal.cpp_subsequent_pct, "cpp_at31": cal.cpp_at31 * scale,
        "care_leavers_17_18": cal.total_care_leavers_17_18 * scale,
        "care_leavers_19_21": cal.total_care_leavers_19_21 * scale,
        "placements_3plus_pct": cal.placements_3plus_pct,
    }
