"""Scenarios: changes to the rates or the placement mix from a date, read from YAML a finance officer can edit.

Levers (each optional, each a list so a scenario can combine several):

* ``entries``: ``{ages: [13, 17] | bands: ["16-17"], change: -0.20}`` - entries at those ages change by the
  share (-0.20 = a fifth fewer children starting to be looked after);
* ``exits``: ``{reasons: [reunification, sgo_cao], change: 0.15, groups: [...], bands: [...]}`` - the monthly
  probability of leaving care for those reasons rises by the share, taken from the probability of staying;
* ``shifts``: ``{from: [independent_fostering], to: in_house_fostering, share: 0.10, bands: [...],
  existing: false}`` - that share of new placements that would have been in ``from`` go to ``to`` instead
  (``existing: true`` also moves that share of the children already there, once, on the start date). The same
  lever steps older children down: ``{from: [residential], to: semi_independent, bands: ["16-17"], ...}``;
* ``ceilings``: ``{group: residential, share: 0.07, to: independent_fostering, pace: 0.1}`` - from the start
  date the group comes down to that share of all children looked after, the excess moving to ``to``: all at
  once (``pace: 1``, the default) or that share of the remaining excess each month (0.1: about 70% in a year);
* ``investment``: ``{"2026-27": 3750000, ...}`` - money spent per financial year, for net savings and payback.

``start`` (yyyy-mm-dd) is when the levers apply; without it, the first 1 April after the forecast starts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from caseboard.forecast import groups as G
from caseboard.forecast.model import Rates

SCENARIOS = Path(__file__).with_name("scenarios")


@dataclass(frozen=True)
class Entries:
    ages: tuple[int, int]
    change: float


@dataclass(frozen=True)
class Exits:
    reasons: tuple[int, ...]
    change: float
    states: np.ndarray  #: boolean mask over states the change applies to


@dataclass(frozen=True)
class Shift:
    sources: tuple[int, ...]
    target: int
    share: float
    bands: tuple[int, ...]
    existing: bool


@dataclass(frozen=True)
class Ceiling:
    group: int
    share: float
    target: int
    pace: float = 1.0


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str = ""
    start: dt.date | None = None
    entries: tuple[Entries, ...] = ()
    exits: tuple[Exits, ...] = ()
    shifts: tuple[Shift, ...] = ()
    ceilings: tuple[Ceiling, ...] = ()
    #: Investment per financial year, keyed by the year it ends in (2027 = April 2026 to March 2027).
    investment: dict[int, float] = field(default_factory=dict)

    # -- rates --------------------------------------------------------------------------------------------
    def apply(self, r: Rates) -> Rates:
        """The rates under this scenario (entries, exits and redirected new placements)."""
        P, entries = r.P.copy(), r.entries.copy()
        for e in self.entries:
            entries[:, e.ages[0]:e.ages[1] + 1, :] *= max(0.0, 1 + e.change)
        for x in self.exits:
            _more_exits(P, x)
        for s in self.shifts:
            _redirect(P, entries, s)
        return Rates(P, entries)

    # -- stock --------------------------------------------------------------------------------------------
    def on_start(self, x: np.ndarray) -> np.ndarray:
        """The one-off moves of existing children on the start date (``existing: true`` shifts)."""
        x = x.copy()
        for s in self.shifts:
            if s.existing:
                for b in s.bands:
                    for g in s.sources:
                        moved = x[:, G.state(b, g)] * s.share
                        x[:, G.state(b, g)] -= moved
                        x[:, G.state(b, s.target)] += moved
        return x

    def after_step(self, x: np.ndarray) -> np.ndarray:
        """Ceilings: the excess over a group's share of all children (or ``pace`` of it) moves, band by band, to
        the target group."""
        for c in self.ceilings:
            cols = [G.state(b, c.group) for b in range(G.N_BANDS)]
            held = x[:, cols].sum(axis=1)
            excess = np.maximum(held - c.share * x.sum(axis=1), 0) * c.pace
            f = np.where(held > 0, excess / np.where(held > 0, held, 1), 0)[:, None]
            moved = x[:, cols] * f
            x = x.copy()
            x[:, cols] -= moved
            x[:, [G.state(b, c.target) for b in range(G.N_BANDS)]] += moved
        return x

    @property
    def changes_anything(self) -> bool:
        return bool(self.entries or self.exits or self.shifts or self.ceilings)


def _stay_cells(b: int, g: int) -> list[int]:
    """Destinations that keep a child of (band, group) where they are: the same state, or a band up."""
    return [G.state(b, g)] + ([G.state(b + 1, g)] if b + 1 < G.N_BANDS else [])


def _more_exits(P: np.ndarray, x: Exits) -> None:
    cols = [G.N_STATES + k for k in x.reasons]
    for s in np.flatnonzero(x.states):
        extra = P[:, s, cols].sum(axis=1) * x.change
        P[:, s, cols] *= 1 + x.change
        stay = _stay_cells(s // G.N_GROUPS, s % G.N_GROUPS)
        held = P[:, s, stay].sum(axis=1)
        factor = np.where(held > 0, np.clip((held - extra) / np.where(held > 0, held, 1), 0, None), 1)
        P[:, s, stay] *= factor[:, None]
        P[:, s, :] /= P[:, s, :].sum(axis=1, keepdims=True)  # only changes a row whose staying ran out


def _redirect(P: np.ndarray, entries: np.ndarray, s: Shift) -> None:
    for b in s.bands:
        for g in s.sources:
            src, dst = G.state(b, g), G.state(b, s.target)
            new = np.array([k % G.N_GROUPS not in s.sources for k in range(G.N_STATES)])  # a move, not a stay
            moved = P[:, new, src] * s.share
            P[:, new, src] -= moved
            P[:, new, dst] += moved
            ages = np.flatnonzero(G.BAND_OF_AGE == b)
            moved_in = entries[:, ages, g] * s.share
            entries[:, ages, g] -= moved_in
            entries[:, ages, s.target] += moved_in


# -- reading ----------------------------------------------------------------------------------------------
def _bands(spec: dict[str, Any]) -> tuple[int, ...]:
    return tuple(G.band_index(str(b)) for b in spec.get("bands", [b[0] for b in G.AGE_BANDS]))


def _groups(names: Any) -> tuple[int, ...]:
    names = [names] if isinstance(names, str) else list(names)
    return tuple(G.group_index(n) for n in names)


def _ages(spec: dict[str, Any]) -> tuple[int, int]:
    if "ages" in spec:
        lo, hi = (int(a) for a in spec["ages"])
    else:
        bands = [G.AGE_BANDS[b] for b in _bands(spec)]
        lo, hi = min(b[1] for b in bands), max(b[2] for b in bands)
    if not 0 <= lo <= hi <= G.MAX_AGE:
        raise ValueError(f"ages {lo}-{hi}: expected 0 to {G.MAX_AGE}, first no more than last")
    return lo, hi


def _year(label: Any) -> int:
    """A financial year key: "2026-27" or 2027 (the year it ends in)."""
    text = str(label)
    return int(text[:4]) + 1 if "-" in text else int(text)


def from_dict(d: dict[str, Any], name: str = "scenario") -> Scenario:
    """A scenario from its YAML mapping (format in the module docstring); unknown keys are refused."""
    known = {"name", "description", "start", "entries", "exits", "shifts", "ceilings", "investment"}
    unknown = sorted(set(d) - known)
    if unknown:
        raise ValueError(f"scenario {name}: unknown keys {', '.join(unknown)} (known: {', '.join(sorted(known))})")
    exits = []
    for e in d.get("exits") or []:
        groups = set(_groups(e.get("groups", G.GROUPS)))
        bands = set(_bands(e))
        mask = np.array([(k // G.N_GROUPS in bands) and (k % G.N_GROUPS in groups) for k in range(G.N_STATES)])
        reasons = tuple(G.EXIT_REASONS.index(r) if r in G.EXIT_REASONS else _bad_reason(r)
                        for r in e.get("reasons", G.EXIT_REASONS))
        exits.append(Exits(reasons, float(e["change"]), mask))
    start = d.get("start")
    return Scenario(
        name=str(d.get("name", name)), description=str(d.get("description", "")).strip(),
        start=dt.date.fromisoformat(str(start)) if start else None,
        entries=tuple(Entries(_ages(e), float(e["change"])) for e in d.get("entries") or []),
        exits=tuple(exits),
        shifts=tuple(Shift(_groups(s["from"]), G.group_index(s["to"]), _share(s["share"], "share"), _bands(s),
                           bool(s.get("existing", False))) for s in d.get("shifts") or []),
        ceilings=tuple(Ceiling(G.group_index(c["group"]), float(c["share"]), G.group_index(c["to"]),
                               _share(c.get("pace", 1.0), "pace")) for c in d.get("ceilings") or []),
        investment={_year(k): float(v) for k, v in (d.get("investment") or {}).items()},
    )


def _share(value: Any, what: str) -> float:
    share = float(value)
    if not 0 <= share <= 1:
        raise ValueError(f"{what} {value!r}: expected a share between 0 and 1")
    return share


def _bad_reason(r: str) -> int:
    raise ValueError(f"unknown exit reason {r!r}: one of {', '.join(G.EXIT_REASONS)}")


def load(spec: str | Path) -> Scenario:
    """A scenario by file path, or by the name of one shipped in ``forecast/scenarios`` (high, medium...)."""
    path = Path(spec)
    if not path.exists():
        path = SCENARIOS / f"{spec}.yml"
    if not path.exists():
        shipped = ", ".join(sorted(p.stem for p in SCENARIOS.glob("*.yml")))
        raise ValueError(f"no scenario file {spec!r} and no shipped scenario of that name (shipped: {shipped})")
    return from_dict(yaml.safe_load(path.read_text(encoding="utf-8")) or {}, path.stem)
