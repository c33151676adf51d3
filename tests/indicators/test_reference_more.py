"""An independent check of the later families: indicators computed by hand in plain Python (with
``caseboard.calendar``) over a small synthetic county with planted lateness and gaps must agree with the engine's
SQL on both engines (as tests/indicators/test_reference.py does for the core timeliness indicators)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import polars as pl
import pytest

from caseboard.calendar import DEFAULT_CALENDAR as CAL, add_months
from caseboard.indicators.engine import evaluate
from caseboard.indicators.fixtures import batch_from_frames
from caseboard.indicators.framework import Computed
from caseboard.ingest import commit_batch
from caseboard.model.tables import table
from caseboard.store import Store

AS_AT = dt.date(2026, 3, 31)
FIRST, LAST = dt.date(2025, 4, 1), dt.date(2026, 3, 31)


@pytest.fixture(scope="module")
def county() -> dict[str, pl.DataFrame]:
    synth = pytest.importorskip("caseboard.synth")  # another engineer's module; present in this repository
    frames = synth.generate(synth.SynthConfig(scale=0.03, years=4, imperfection=0.3, today=AS_AT))
    # The county plants duplicate rows; a load keeps one record per natural key (the later), so the hand
    # computation must count the records as stored, not the rows as planted.
    return {name: frame.unique(subset=list(table(name).key), keep="last", maintain_order=True)
            for name, frame in frames.items()}


def rows(frame: pl.DataFrame) -> Iterator[dict[str, Any]]:
    return frame.iter_rows(named=True)


def in_period(d: dt.date | None) -> bool:
    return d is not None and FIRST <= d <= LAST


def referral_decision_within_1wd(c: dict[str, pl.DataFrame]) -> tuple[float, float]:
    decided = [r for r in rows(c["contacts"]) if in_period(r["contact_date"]) and r["decision_date"] is not None
               and r["decision_date"] <= AS_AT]
    return sum(CAL.working_days_between(r["contact_date"], r["decision_date"]) <= 1 for r in decided), len(decided)


def cin_plan_reviews_on_time(c: dict[str, pl.DataFrame]) -> tuple[float, float]:
    """Walk each plan's reviews: every one due 12 weeks after the plan's start or the review before it."""
    reviews = defaultdict(set)
    for r in rows(c["cin_plan_reviews"]):
        reviews[r["child_id"]].add(r["review_date"])
    on_time = due = 0
    for plan in rows(c["cin_plans"]):
        start = plan["start_date"]
        if start > AS_AT:
            continue
        end = plan["end_date"] if plan["end_date"] and plan["end_date"] <= AS_AT else None
        last = None
        for d in sorted(d for d in reviews[plan["child_id"]] if start <= d <= (end or AS_AT)):
            due_date = (last or start) + dt.timedelta(weeks=12)
            if in_period(due_date):
                due, on_time = due + 1, on_time + (d <= due_date)
            last = d
        pending = (last or start) + dt.timedelta(weeks=12)
        if in_period(pending) and (end is None or pending < end):
            due += 1
    return on_time, due


def cp_ended_2yrs_plus(c: dict[str, pl.DataFrame]) -> tuple[float, float]:
    ended = [r for r in rows(c["cp_plans"]) if in_period(r["end_date"])]
    return sum(r["end_date"] >= add_months(r["start_date"], 24) for r in ended), len(ended)


def cp_seen_alone(c: dict[str, pl.DataFrame]) -> tuple[float, float]:
    dob = {r["child_id"]: r["dob"] for r in rows(c["children"])}
    seen = [r for r in rows(c["visits"]) if r["kind"] == "cp" and r["seen"] is not False and in_period(r["visit_date"])
            and dob.get(r["child_id"]) and r["visit_date"] >= add_months(dob[r["child_id"]], 48)]
    return sum(bool(r["seen_alone"]) for r in seen), len(seen)


def lac_return_interviews_offered(c: dict[str, pl.DataFrame]) -> tuple[float, float]:
    ended = [r for r in rows(c["missing_episodes"]) if r["kind"] == "M" and in_period(r["end_date"])]
    return sum(bool(r["return_interview_offered"]) for r in ended), len(ended)


def early_help_closed_needs_met(c: dict[str, pl.DataFrame]) -> tuple[float, float]:
    ended = [r for r in rows(c["early_help"]) if in_period(r["end_date"])]
    return sum(r["outcome"] == "needs_met" for r in ended), len(ended)


def agency_worker_rate(c: dict[str, pl.DataFrame]) -> tuple[float, float]:
    """FTE of agency workers over FTE of all qualified workers in post on the date (no FTE recorded: 1)."""
    staff = [r for r in rows(c["workers"]) if (r["start_date"] is None or r["start_date"] <= AS_AT)
             and (r["end_date"] is None or r["end_date"] > AS_AT) and r["qualified"] is not False]
    fte = [(r["fte"] if r["fte"] is not None else 1.0, bool(r["agency"])) for r in staff]
    return sum(f for f, agency in fte if agency), sum(f for f, _ in fte)


REFERENCES = [referral_decision_within_1wd, cin_plan_reviews_on_time, cp_ended_2yrs_plus, cp_seen_alone,
              lac_return_interviews_offered, early_help_closed_needs_met, agency_worker_rate]


def test_the_engine_agrees_with_hand_computation(engine_store: Store, county: dict[str, pl.DataFrame]) -> None:
    report = commit_batch(engine_store, batch_from_frames(county), user="test", today=AS_AT)
    assert report.ok, report.message
    codes = [f.__name__ for f in REFERENCES]
    got = {r.code: r.result for r in evaluate(engine_store, AS_AT, start=FIRST, end=LAST, levels=["authority"],
                                              codes=codes, prepared=True)}
    for reference in REFERENCES:
        numerator, denominator = reference(county)
        result = got[reference.__name__]
        assert denominator > 0 and isinstance(result, Computed), reference.__name__
        assert (result.numerator, result.denominator) == (pytest.approx(numerator), pytest.approx(denominator)), \
            reference.__name__
