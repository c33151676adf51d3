"""Each child's month-end state (age band x placement group, or not looked after) from the store's episodes.

The episodes and their periods of care come from :func:`caseboard.indicators.derived.episodes`, the one
definition the indicators use (a period starts with RNE S or after an episode ending with a REC other than X1;
end dates after the as-at date are not yet known). This module only adds what finance needs: the provider
(joined back from ``lac_episodes`` on its key), the placement group (:mod:`.groups`), and a month-end grid.

A child counts as looked after at a month end when an episode covers it: started on or before it and not ended
by it (an episode ending on 31 March is not open at 31 March, as the DfE counts "looked after at 31 March").
Short-break episodes (legal status V3/V4, ``Settings.short_break_legal_statuses``; CPPCR 2010 reg 48) are left
out, as the DfE's looked-after counts leave them out.

Nothing is dropped: a child without a date of birth is counted in the 10-15 band and one past 17 in the 16-17
band, and a foster placement without a provider as in-house; ``History.notes`` counts each such case so the
forecast can say how much of it rests on them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from caseboard.forecast import groups as G
from caseboard.indicators.derived import Q, episodes
from caseboard.indicators.sql import run
from caseboard.store import Store

OUT = -1  #: state of a child not looked after at a month end


@dataclass(frozen=True)
class History:
    """Month-end states ``state[child, t]`` (``OUT`` or a state index) for month ends ``first``..``last``.

    ``age[child, t]`` is the completed age at the month end; ``exit[child, t]`` is the exit reason index of a
    period of care ending between month end ``t`` and ``t + 1`` (``OUT`` if none).
    """

    first: int  #: month index (``groups.month_index``) of the first month end
    state: np.ndarray
    age: np.ndarray
    exit: np.ndarray
    children: tuple[str, ...]
    notes: dict[str, int] = field(default_factory=dict)

    @property
    def dates(self) -> list[dt.date]:
        return [G.month_end(self.first + t) for t in range(self.state.shape[1])]

    def stock(self) -> np.ndarray:
        """Children looked after at each month end by state: ``[months, N_STATES]``."""
        months = self.state.shape[1]
        counts = np.zeros((months, G.N_STATES))
        child, t = np.nonzero(self.state >= 0)
        np.add.at(counts, (t, self.state[child, t]), 1)
        return counts

    def population(self) -> pl.DataFrame:
        """Children looked after at each month end by placement group, age bands as columns, and the total."""
        x = self.stock().reshape(-1, G.N_BANDS, G.N_GROUPS)
        rows = [{"date": d, "group": g, **{f"age {b[0]}": int(x[t, bi, gi]) for bi, b in enumerate(G.AGE_BANDS)},
                 "total": int(x[t, :, gi].sum())} for t, d in enumerate(self.dates) for gi, g in enumerate(G.GROUPS)]
        return pl.DataFrame(rows)


def episode_frame(store: Store, as_at: dt.date) -> pl.DataFrame:
    """Episodes known at ``as_at`` with their derived care end, short-break flag, provider and date of birth."""
    q = Q(as_at=as_at)
    sql = f"""
    SELECT ep.child_id, ep.start_date, ep.end_date, ep.placement, ep.reason_ceased, ep.care_end,
           ep.is_short_break, le.provider, c.dob
    FROM ({episodes(q)}) ep
    JOIN lac_episodes le ON le.child_id = ep.child_id AND le.start_date = ep.start_date
    LEFT JOIN children c ON c.child_id = ep.child_id"""
    return run(store, sql)


def history(store: Store, first: dt.date, last: dt.date, as_at: dt.date | None = None) -> History:
    """Month-end states from the month end on or after ``first`` to the one on or before ``last``, as the
    records stood at ``as_at`` (default ``last``)."""
    return history_from(episode_frame(store, as_at or last), first, last)


def history_from(frame: pl.DataFrame, first: dt.date, last: dt.date) -> History:
    """:func:`history` from an :func:`episode_frame` (kept apart so tests and benchmarks can time each half)."""
    k0 = G.month_index(first)  # the month end of ``first``'s month is on or after it
    k1 = G.month_index(last) if last == G.month_end(G.month_index(last)) else G.month_index(last) - 1
    months = k1 - k0 + 1
    if months < 2:
        raise ValueError(f"not enough history to estimate rates: at least two month ends are needed between {first} "
                         f"and {last} (the records are taken as complete from the month of their earliest end date)")
    # An all-empty column comes back untyped from some engines (PostgreSQL): type every column used.
    frame = frame.cast({"start_date": pl.Date, "end_date": pl.Date, "care_end": pl.Date, "dob": pl.Date,
                        "placement": pl.Utf8, "provider": pl.Utf8, "reason_ceased": pl.Utf8,
                        "is_short_break": pl.Boolean})
    notes = {"short_break_episodes": int(frame["is_short_break"].fill_null(False).sum())}
    eps = frame.filter(~pl.col("is_short_break").fill_null(False))
    places = eps.select("placement", "provider").unique()
    places = places.with_columns(pl.Series("group", [G.GROUPS.index(G.group_of(p, v)) for p, v in places.rows()],
                                           dtype=pl.Int64))
    mi = lambda c: pl.col(c).dt.year().cast(pl.Int64) * 12 + pl.col(c).dt.month().cast(pl.Int64) - 1  # noqa: E731
    eps = eps.join(places, on=["placement", "provider"], how="left", nulls_equal=True).with_columns(
        k_start=pl.max_horizontal(mi("start_date"), pl.lit(k0)),
        k_last=pl.min_horizontal((mi("end_date") - 1).fill_null(k1), pl.lit(k1)))
    notes["fostering_without_provider"] = int(eps.filter(
        pl.col("placement").is_in(list(G.UNRELATED_FOSTER)) & pl.col("provider").is_null()).height)
    ids = sorted(set(eps.filter(pl.col("k_last") >= pl.col("k_start"))["child_id"].to_list()))
    index = pl.DataFrame({"child_id": ids, "i": np.arange(len(ids), dtype=np.int64)})
    covered = (eps.filter(pl.col("k_last") >= pl.col("k_start"))
               .with_columns(k=pl.int_ranges("k_start", pl.col("k_last") + 1)).explode("k")
               .sort("start_date").unique(["child_id", "k"], keep="last")  # overlapping episodes: the later wins
               .join(index, on="child_id"))
    state = np.full((len(ids), months), OUT, dtype=np.int16)
    age = np.zeros((len(ids), months), dtype=np.int16)
    i, t = covered["i"].to_numpy(), covered["k"].to_numpy() - k0
    years = covered["k"].to_numpy() // 12 - covered["dob"].dt.year().to_numpy()
    # At a month end every birthday in that month has passed (29 February ones on 28 February too).
    passed = covered["dob"].dt.month().to_numpy() - 1 <= covered["k"].to_numpy() % 12
    years = np.where(passed, years, years - 1)
    unknown = np.isnan(years.astype(float))
    notes["child_months_without_dob"] = int(unknown.sum())
    notes["child_months_over_17"] = int((np.nan_to_num(years, nan=0) > G.MAX_AGE).sum())
    years = np.clip(np.where(unknown, 12, np.nan_to_num(years, nan=12)), 0, G.MAX_AGE).astype(np.int16)
    age[i, t] = years
    state[i, t] = G.state(G.BAND_OF_AGE[years], covered["group"].to_numpy())
    exit_ = np.full((len(ids), months - 1), OUT, dtype=np.int8)
    ends = (eps.filter(pl.col("care_end").is_not_null()).with_columns(k=mi("care_end"))
            .filter((pl.col("k") > k0) & (pl.col("k") <= k1)).join(index, on="child_id"))
    reasons = np.array([G.EXIT_REASONS.index(G.exit_of(r)) for r in ends["reason_ceased"].to_list()], dtype=np.int8)
    exit_[ends["i"].to_numpy(), ends["k"].to_numpy() - k0 - 1] = reasons
    left = (state[:, :-1] >= 0) & (state[:, 1:] < 0)
    exit_ = np.where(left & (exit_ < 0), G.EXIT_REASONS.index("other"), np.where(left, exit_, OUT)).astype(np.int8)
    return History(first=k0, state=state, age=age, exit=exit_, children=tuple(ids), notes=notes)
