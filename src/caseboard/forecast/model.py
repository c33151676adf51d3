"""The Markov model's rates, estimated from a :class:`~.history.History`, and their bootstrap resamples.

From one month end to the next each looked-after child stays, moves placement group, moves up an age band, or
leaves care (for one of ``groups.EXIT_REASONS``); the probabilities ``P[s, c]`` are the shares observed in the
window, per state ``s`` (age band x placement group). Entries are the mean number per month starting to be
looked after, by single year of age and first placement group: single years so that a scenario can name any
ages ("13 to 17") even though the stock is kept in bands.

Uncertainty: children's whole histories are resampled with replacement (a child is the unit, so a child's
moves stay together); each resample's rates are the same counts reweighted, computed for all resamples at once
with ``np.bincount`` rather than in a Python loop.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from caseboard.forecast import groups as G
from caseboard.forecast.history import History

N_DEST = G.N_STATES + G.N_EXITS  #: destinations: every state, then each exit reason


@dataclass(frozen=True)
class Counts:
    """Events per child (the bootstrap's unit), as sparse (child, cell, count) triples."""

    n_children: int
    months: int  #: month-to-month steps observed
    trans: tuple[np.ndarray, np.ndarray, np.ndarray]  #: cell = source state * N_DEST + destination
    entry: tuple[np.ndarray, np.ndarray, np.ndarray]  #: cell = age * N_GROUPS + group


@dataclass(frozen=True)
class Rates:
    """Monthly transition probabilities ``P[r, s, dest]`` and entries per month ``entries[r, age, group]`` for
    ``r`` resamples (one when fitted on the data as it is)."""

    P: np.ndarray
    entries: np.ndarray

    @property
    def resamples(self) -> int:
        return self.P.shape[0]


def _triples(child: np.ndarray, cell: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    key = np.unique(child.astype(np.int64) * size + cell, return_counts=True)
    return key[0] // size, key[0] % size, key[1].astype(np.float64)


def count(h: History) -> Counts:
    """Every month-to-month step of every child in the history."""
    src, dst = h.state[:, :-1].astype(np.int64), h.state[:, 1:].astype(np.int64)
    inside = src >= 0
    dest = np.where(dst >= 0, dst, G.N_STATES + h.exit.astype(np.int64))
    child = np.broadcast_to(np.arange(h.state.shape[0])[:, None], src.shape)
    trans = _triples(child[inside], src[inside] * N_DEST + dest[inside], G.N_STATES * N_DEST)
    entering = (src < 0) & (dst >= 0)
    age_next = h.age[:, 1:].astype(np.int64)
    entry = _triples(child[entering], age_next[entering] * G.N_GROUPS + dst[entering] % G.N_GROUPS,
                     G.N_AGES * G.N_GROUPS)
    return Counts(h.state.shape[0], h.state.shape[1] - 1, trans, entry)


def bootstrap_weights(n_children: int, resamples: int, rng: np.random.Generator) -> np.ndarray:
    """How many times each child is drawn in each resample (``n_children`` draws with replacement):
    ``[resamples, n_children]``."""
    drawn = rng.integers(0, n_children, size=(resamples, n_children))
    flat = (np.arange(resamples)[:, None] * n_children + drawn).ravel()
    return np.bincount(flat, minlength=resamples * n_children).reshape(resamples, n_children).astype(np.float64)


def _sum(triples: tuple[np.ndarray, np.ndarray, np.ndarray], weights: np.ndarray, size: int) -> np.ndarray:
    """Weighted counts per cell ``[r, size]``: a dense (children x cells used) matrix product, the cells used
    being few (a few hundred of the thousands possible)."""
    child, cell, n = triples
    used, compact = np.unique(cell, return_inverse=True)
    m = np.zeros((weights.shape[1], used.size))
    np.add.at(m, (child, compact), n)
    out = np.zeros((weights.shape[0], size))
    out[:, used] = weights @ m
    return out


def rates(c: Counts, weights: np.ndarray | None = None) -> Rates:
    """Rates from the counts, each child weighted (``weights[r, child]``; default: once, one resample).

    A state never observed in the window (it can happen in a resample, or for a rare state) gets the pooled
    behaviour of all states: it stays with the overall probability of staying, else leaves by the overall mix
    of exit reasons. Every row of ``P`` sums to one.
    """
    w = np.ones((1, c.n_children)) if weights is None else weights
    n = _sum(c.trans, w, G.N_STATES * N_DEST).reshape(-1, G.N_STATES, N_DEST)
    totals = n.sum(axis=2, keepdims=True)
    exits = n[:, :, G.N_STATES:].sum(axis=1)  # [r, exits]
    observed = n.sum(axis=(1, 2))[:, None]
    pooled_exit = exits / np.maximum(observed, 1)
    fallback = np.zeros_like(n[:, 0, :])
    fallback[:, G.N_STATES:] = pooled_exit
    P = np.where(totals > 0, n / np.maximum(totals, 1), 0.0)
    empty = totals[:, :, 0] == 0
    if empty.any():
        rr, ss = np.nonzero(empty)
        P[rr, ss, :] = fallback[rr]
        P[rr, ss, ss] = 1 - pooled_exit[rr].sum(axis=1)
    entries = _sum(c.entry, w, G.N_AGES * G.N_GROUPS).reshape(-1, G.N_AGES, G.N_GROUPS) / max(c.months, 1)
    return Rates(P, entries)
