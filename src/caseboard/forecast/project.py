"""Month-by-month projection of the looked-after stock, for many resamples at once.

Each month ``x' = x P + e``: the children in each state move by the transition probabilities, the exits leave,
and the month's entries arrive. Run on the fitted rates it gives the central projection; run on the bootstrap
resamples with process noise it gives the spread (parameter uncertainty from the resampling, the chance of
which children happen to come and go from the noise).

Noise: the number moving along each path (state to state, or out) in a month is binomial; it is drawn from
its normal approximation (mean ``n p``, variance ``n p (1 - p)``, clipped symmetrically to stay between zero
and twice the mean, and scaled back if a state would lose more children than it has) because exact multinomial draws for 1,000 resamples x 45 states x 60
months take ten times the 10-second budget. Entries are Poisson, approximated the same way.
Baseline and scenario runs share the noise draws (same seed, same paths), so their difference reflects the
scenario rather than two independent draws of luck.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from caseboard.forecast import groups as G
from caseboard.forecast.model import N_DEST, Rates
from caseboard.forecast.scenario import Scenario


@dataclass(frozen=True)
class Paths:
    """``stock[r, t, state]`` at month ends 0..H (0 = the start) and ``exits[r, t, reason]`` in months 1..H."""

    stock: np.ndarray
    exits: np.ndarray


def entries_by_state(entries: np.ndarray) -> np.ndarray:
    """Entries per month ``[r, age, group]`` summed into states ``[r, state]``."""
    out = np.zeros((entries.shape[0], G.N_STATES))
    for b in range(G.N_BANDS):
        out[:, b * G.N_GROUPS:(b + 1) * G.N_GROUPS] = entries[:, G.BAND_OF_AGE == b, :].sum(axis=1)
    return out


def _noisy(mean: np.ndarray, sd: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """``mean`` plus normal noise clipped to +-``mean``: never negative, and symmetric so still unbiased (flooring
    at zero instead would inflate the many small flows and drain the stock)."""
    return mean + np.clip(sd * rng.standard_normal(mean.shape), -mean, mean)


class _Summer:
    """Sums columns of ``flow[r, path]`` into ``[r, target]`` by each path's target, with ``np.add.reduceat``
    over paths sorted by target (a matrix product with a 0/1 matrix costs several times more)."""

    def __init__(self, target: np.ndarray, size: int) -> None:
        self.order = np.argsort(target, kind="stable")
        t = target[self.order]
        self.starts = np.flatnonzero(np.r_[True, t[1:] != t[:-1]]) if t.size else np.zeros(0, dtype=np.int64)
        self.targets, self.size = t[self.starts], size

    def __call__(self, flow: np.ndarray) -> np.ndarray:
        out = np.zeros((flow.shape[0], self.size))
        if self.starts.size:
            out[:, self.targets] = np.add.reduceat(flow[:, self.order], self.starts, axis=1)
        return out


def moving_cells(*rates: Rates) -> np.ndarray:
    """Flat (source * N_DEST + destination) indexes of every path any of the rates can take, staying put
    excluded (staying is what is left)."""
    mask = np.zeros((G.N_STATES, N_DEST), dtype=bool)
    for r in rates:
        mask |= (r.P > 0).any(axis=0)
    mask[np.arange(G.N_STATES), np.arange(G.N_STATES)] = False
    return np.flatnonzero(mask.ravel())


def project(x0: np.ndarray, base: Rates, months: int, *, scenario: Scenario | None = None, start_step: int = 1,
            changed: Rates | None = None, cells: np.ndarray | None = None,
            rng: np.random.Generator | None = None) -> Paths:
    """Project ``months`` steps from the stock ``x0`` (``[state]`` or ``[r, state]``) on ``base`` rates for each
    of its resamples; from step ``start_step`` (1 = the first month) the scenario's rates (``changed``, computed
    from ``base`` when not given) and moves apply. Without ``rng`` the projection is the expectation (no noise)."""
    R = base.resamples
    plans = [(base.P, entries_by_state(base.entries))]
    if scenario is not None:
        changed = changed or scenario.apply(base)
        plans.append((changed.P, entries_by_state(changed.entries)))
    if cells is None:
        cells = moving_cells(base, *([changed] if changed is not None else []))
    src, dst = cells // N_DEST, cells % N_DEST  # cells are sorted, so by source state
    leave, arrive = _Summer(src, G.N_STATES), _Summer(dst, N_DEST)
    probs = [P.reshape(R, -1)[:, cells] for P, _ in plans]
    x = np.broadcast_to(np.asarray(x0, dtype=np.float64), (R, G.N_STATES)).copy()
    stock = np.empty((R, months + 1, G.N_STATES))
    exits = np.empty((R, months, G.N_EXITS))
    stock[:, 0] = x
    for k in range(1, months + 1):
        active = scenario is not None and k >= start_step
        p, e = probs[1 if active else 0], plans[1 if active else 0][1]
        if active and k == start_step:
            x = scenario.on_start(x)  # type: ignore[union-attr]
        flow = x[:, src] * p
        if rng is not None:
            flow = _noisy(flow, np.sqrt(np.maximum(flow * (1 - p), 0)), rng)
            out = leave(flow)
            over = np.where(out > x, x / np.where(out > 0, out, 1), 1.0)
            flow *= over[:, src]
            e = _noisy(e, np.sqrt(e), rng)
        moved = arrive(flow)
        x = x - leave(flow) + moved[:, :G.N_STATES] + e
        if active:
            x = scenario.after_step(x)  # type: ignore[union-attr]
        stock[:, k] = x
        exits[:, k - 1] = moved[:, G.N_STATES:]
    return Paths(stock, exits)
