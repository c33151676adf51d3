"""Deliberate imperfection, so that validators and indicators have something true to find.

Lateness is drawn where each event is generated (``SynthConfig.late``: visits, reviews, assessments, ICPCs,
front-door decisions, PEPs and health checks miss their timescales with a probability proportional to
``imperfection``). This module adds what cannot be drawn that way:

* **unallocated**: some children open today have no open allocation (their last worker moved off the case and
  nobody took it on);
* **data-entry errors**, a handful of each (about ``imperfection`` x 50): codes not in any code list, end dates
  before start dates, and exact duplicate rows. Each is listed in ``SynthConfig.injected_errors``.

With ``imperfection`` 0 nothing here changes anything.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from caseboard.model.tables import table
from caseboard.synth.config import SynthConfig
from caseboard.synth.frames import stack

#: (table, column, invalid value): codes that are in no collection year's list.
INVALID_CODES = (
    ("lac_episodes", "placement", "Q9"),
    ("referrals", "source", "99"),
    ("children", "ethnicity", "WHTE"),
    ("cp_plans", "initial_category", "NGL"),
    ("lac_reviews", "participation", "PN9"),
)
#: (table, start column, end column) where an end can be typed before the start.
END_BEFORE_START = (
    ("cin_plans", "start_date", "end_date"),
    ("cp_plans", "start_date", "end_date"),
    ("early_help", "start_date", "end_date"),
    ("missing_episodes", "start_date", "end_date"),
    ("referrals", "referral_date", "closure_date"),
)
DUPLICATED = ("visits", "contacts", "lac_reviews", "health_assessments", "peps")


def handful(cfg: SynthConfig, kind: str) -> int:
    """How many errors of one kind: about imperfection x 50 (5 at the default), none if not injected."""
    if kind not in cfg.inject or cfg.imperfection <= 0:
        return 0
    return max(1, round(cfg.imperfection * 50))


def unallocate(rng: np.random.Generator, cfg: SynthConfig, alloc: pl.DataFrame, today: int) -> pl.DataFrame:
    """End the open allocation of a share (``imperfection`` x 0.3) of the children with a case open today."""
    p = cfg.late("unallocated", 0.3)
    open_rows = alloc.filter(pl.col("end").is_null())
    children = open_rows["child_id"].unique().sort()
    chosen = children.filter(pl.Series(rng.random(children.len()) < p)) if p > 0 else children.clear()
    cfg.injected["unallocated"] = chosen.len()
    if chosen.len() == 0:
        return alloc
    ended = today - rng.integers(1, 60, alloc.height)
    hit = alloc["end"].is_null() & alloc["child_id"].is_in(chosen.implode())
    return alloc.with_columns(
        end=pl.when(hit).then(pl.max_horizontal(pl.col("start"), pl.Series(ended))).otherwise(pl.col("end")),
        reason=pl.when(hit).then(pl.lit("LEFTRL")).otherwise(pl.col("reason")),
    )


def _visible(name: str, frame: pl.DataFrame, cfg: SynthConfig, whole: bool) -> pl.Series:
    """Rows that some written return or extract will carry (so the error reaches the reader).

    ``whole``: the record starts in the history and not in a collection year's first month, so that an end typed
    up to four weeks before the start stays in the start's year and the return for that year holds both dates
    (CIN plans are collected from 2022, so they are chosen from the latest four years).
    """
    from caseboard.synth.output import SPANS

    if name not in SPANS:
        return pl.Series([True] * frame.height)
    start, end = (pl.col(c) if isinstance(c, str) else c for c in SPANS[name])
    shown = start >= cfg.history_start if end is None else end.is_null() | (end >= cfg.history_start)
    if whole and end is not None:
        day_in_year = (start - start.dt.offset_by("-3mo").dt.truncate("1y").dt.offset_by("3mo")).dt.total_days()
        recent = max(cfg.history_start, cfg.today - dt.timedelta(days=4 * 365))
        shown = (start >= recent) & (day_in_year >= 31) & end.is_not_null()
    return frame.select(shown.alias("shown"))["shown"]


def data_errors(rng: np.random.Generator, cfg: SynthConfig, frames: dict[str, pl.DataFrame]) -> None:
    """Add invalid codes, end-before-start dates and duplicate rows to ``frames`` (in place), listing each."""
    used: dict[str, list[int]] = {}  # one error per record (duplicates are appended, so rows stay valid)
    for kind, targets in (("invalid_codes", INVALID_CODES), ("end_before_start", END_BEFORE_START),
                          ("duplicate_rows", DUPLICATED)):
        count = 0
        for i in range(handful(cfg, kind)):
            target = targets[i % len(targets)]
            name = target if isinstance(target, str) else target[0]
            frame = frames[name]
            candidates = np.flatnonzero(_visible(name, frame, cfg, kind == "end_before_start").to_numpy())
            candidates = np.setdiff1d(candidates, used.get(name, []))
            if candidates.size == 0:
                continue
            row = int(candidates[rng.integers(0, candidates.size)])
            used.setdefault(name, []).append(row)
            child = frame["child_id"][row] if "child_id" in frame.columns else None
            if kind == "invalid_codes":
                _, column, value = target
                frames[name] = frame.with_columns(pl.when(pl.int_range(pl.len()) == row).then(pl.lit(value))
                                                  .otherwise(pl.col(column)).alias(column))
                cfg.injected_errors.append({"kind": kind, "table": name, "child_id": child, "field": column,
                                            "value": value})
            elif kind == "end_before_start":
                _, start_col, end = target
                new_end = frame[start_col][row] - dt.timedelta(days=int(rng.integers(1, 29)))
                frames[name] = frame.with_columns(pl.when(pl.int_range(pl.len()) == row).then(pl.lit(new_end))
                                                  .otherwise(pl.col(end)).alias(end))
                cfg.injected_errors.append({"kind": kind, "table": name, "child_id": child, "field": end,
                                            "value": new_end.isoformat()})
            else:
                frames[name] = stack([frame, frame.slice(row, 1)])
                cfg.injected_errors.append({"kind": kind, "table": name, "child_id": child, "field": None,
                                            "value": None})
            count += 1
        cfg.injected[kind] = count
    for name in {e["table"] for e in cfg.injected_errors}:
        frames[str(name)] = frames[str(name)].sort(list(table(str(name)).key), nulls_last=True, maintain_order=True)
