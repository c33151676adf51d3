"""An independent check: core indicators computed by hand, in plain Python with ``caseboard.calendar``, over a
small synthetic county with planted lateness and gaps (imperfection 0.3), must agree with the engine's SQL on
both engines (DESIGN.md, Indicators)."""

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
from caseboard.store import Store

AS_AT = dt.date(2026, 3, 31)
FIRST, LAST = dt.date(2025, 4, 1), dt.date(2026, 3, 31)


@pytest.fixture(scope="module")
def county() -> dict[str, pl.DataFrame]:
    synth = pytest.importorskip("caseboard.synth")  # another engineer's module; present in this repository
    return synth.generate(synth.SynthConfig(scale=0.03, years=4, imperfection=0.3, today=AS_AT))


def rows(frame: pl.DataFrame) -> Iterator[dict[str, Any]]:
    return frame.iter_rows(named=True)


def in_period(d: dt.date | None) -> bool:
    return d is not None and FIRST <= d <= LAST


def assessments_within_45wd(c: dict[str, pl.DataFrame]) -> tuple[int, int]:
    done = [r for r in rows(c["assessments"]) if in_period(r["authorised_date"])]
    return sum(CAL.working_days_between(r["start_date"], r["authorised_date"]) <= 45 for r in done), len(done)


def icpc_within_15wd(c: dict[str, pl.DataFrame]) -> tuple[int, int]:
    held = [r for r in rows(c["s47_enquiries"]) if in_period(r["icpc_date"]) and not r["icpc_not_required"]
            and r["icpc_date"] >= r["start_date"]]
    return sum(CAL.working_days_between(r["start_date"], r["icpc_date"]) <= 15 for r in held), len(held)


def rereferrals_within_12m(c: dict[str, pl.DataFrame]) -> tuple[int, int]:
    dates = defaultdict(list)
    for r in rows(c["referrals"]):
        dates[r["child_id"]].append(r["referral_date"])
    now = [(child, d) for child, ds in dates.items() for d in ds if in_period(d)]
    again = sum(any(add_months(d, -12) <= e < d for e in dates[child]) for child, d in now)
    return again, len(now)


def cp_plans_open(c: dict[str, pl.DataFrame]) -> tuple[int, int]:
    open_ = {r["child_id"] for r in rows(c["cp_plans"])
             if r["start_date"] <= AS_AT and (r["end_date"] is None or r["end_date"] > AS_AT)}
    return len(open_), len(open_)


def lac_open(c: dict[str, pl.DataFrame]) -> tuple[int, int]:
    """Looked after: an episode open at the date whose legal status is not a short break."""
    open_ = {r["child_id"] for r in rows(c["lac_episodes"])
             if r["start_date"] <= AS_AT and (r["end_date"] is None or r["end_date"] > AS_AT)
             and r["legal_status"] not in ("V3", "V4")}
    return len(open_), len(open_)


def cp_reviews_on_time(c: dict[str, pl.DataFrame]) -> tuple[int, int]:
    """Walk each plan's reviews: first due 3 months after the start, each next 6 months after the last held."""
    reviews = defaultdict(list)
    for r in rows(c["cp_reviews"]):
        reviews[r["child_id"]].append(r["review_date"])
    on_time = due = 0
    for plan in rows(c["cp_plans"]):
        start, end = plan["start_date"], plan["end_date"] if plan["end_date"] and plan["end_date"] <= AS_AT else None
        held = sorted(d for d in reviews[plan["child_id"]] if start <= d <= (end or AS_AT))
        last, n = None, 0
        for d in held:
            due_date = add_months(start, 3) if last is None else add_months(last, 6)
            if in_period(due_date):
                due, on_time = due + 1, on_time + (d <= due_date)
            last, n = d, n + 1
        pending = add_months(start, 3) if last is None else add_months(last, 6)
        if in_period(pending) and (end is None or pending < end):
            due += 1
    return on_time, due


REFERENCES = [assessments_within_45wd, icpc_within_15wd, rereferrals_within_12m, cp_plans_open, lac_open,
              cp_reviews_on_time]


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
        assert (result.numerator, result.denominator) == (numerator, denominator), reference.__name__
