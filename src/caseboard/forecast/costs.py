"""Placement costs: weekly unit costs per placement group (YAML finance can edit) turned into spend per
financial year (1 April to 31 March, named here "2026-27").

A month's spend is the average of the children in each group at its start and end (the month ends either
side), times the weekly cost, times the month's days / 7. Costs rise by ``annual_uplift`` each financial year
after the first of the forecast.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from caseboard.calendar import reporting_year
from caseboard.forecast import groups as G

DEFAULT_COSTS = Path(__file__).with_name("unit_costs.yml")


@dataclass(frozen=True)
class UnitCosts:
    weekly: np.ndarray  #: pounds per child per week, by placement group (``groups.GROUPS`` order)
    annual_uplift: float = 0.0
    budget: float | None = None  #: the placements budget for a year, to compare spend against
    source: str = ""


def load_costs(path: str | Path | None = None) -> UnitCosts:
    """Unit costs from YAML (default: the shipped illustrative file); every group must have a cost."""
    path = Path(path) if path else DEFAULT_COSTS
    d = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    weekly = d.get("weekly") or {}
    missing = [g for g in G.GROUPS if g not in weekly]
    unknown = sorted(set(weekly) - set(G.GROUPS))
    if missing or unknown:
        raise ValueError(f"{path}: weekly costs needed for every placement group; missing {missing}, "
                         f"unknown {unknown}")
    return UnitCosts(np.array([float(weekly[g]) for g in G.GROUPS]), float(d.get("annual_uplift") or 0.0),
                     float(d["budget"]) if d.get("budget") else None, str(d.get("source", "")).strip())


def fy_label(year: int) -> str:
    """The financial year ending in March of ``year``: 2027 -> "2026-27"."""
    return f"{year - 1}-{str(year)[-2:]}"


def month_years(first: int, months: int) -> np.ndarray:
    """Financial year (named by the year it ends in) of each projected month 1..months after month ``first``."""
    return np.array([reporting_year(G.month_end(first + k)) for k in range(1, months + 1)])


def monthly_spend(stock: np.ndarray, first: int, costs: UnitCosts) -> np.ndarray:
    """Spend in each projected month ``[r, month]`` from month-end stocks ``[r, 0..H, state]`` that start at
    month index ``first``."""
    months = stock.shape[1] - 1
    by_group = stock.reshape(stock.shape[0], months + 1, G.N_BANDS, G.N_GROUPS).sum(axis=2)
    mid = (by_group[:, :-1] + by_group[:, 1:]) / 2
    days = np.array([G.month_end(first + k).day for k in range(1, months + 1)])
    years = month_years(first, months)
    uplift = (1 + costs.annual_uplift) ** (years - years[0])
    return (mid @ costs.weekly) * (days / 7) * uplift


def by_year(values: np.ndarray, years: np.ndarray) -> dict[int, np.ndarray]:
    """Sum ``values[..., month]`` within each financial year."""
    return {int(y): values[..., years == y].sum(axis=-1) for y in np.unique(years)}
