"""One indicator, one declaration: what it counts, why, where the rule comes from, and how to check it.

An :class:`Indicator` is data: a stable code, its meaning in words (population, numerator, denominator), the
statutory source, the target and RAG thresholds, a ``units_sql`` that returns one row per counted unit (a
child, a plan, a review due...) with ``in_numerator``, and at least three worked examples. The engine turns the
units into results for every level (authority, area, team, worker); the registry refuses a declaration that
lacks a citation or examples; the catalogue in docs/ is generated from these declarations.

Results are typed: :class:`Computed`, :class:`NotApplicable` or :class:`NotEnoughData`, never a bare None, so a
page or a report says *why* there is no number.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from caseboard.indicators.derived import Q

Unit = Literal["%", "count", "rate_per_10k", "ratio"]
Kind = Literal["as_at", "period"]
#: How a unit is placed in a team: by the allocation open at the as-at date, at the unit's ``event_date``, or
#: by the ``worker_id`` the unit already names (caseloads).
Attribution = Literal["as_at", "event", "worker"]
Rows = Sequence[Mapping[str, Any]]


@dataclass(frozen=True)
class Example:
    """A worked example: tiny tables, the date (or period), the expected counts and one sentence why."""

    why: str
    tables: Mapping[str, Rows]
    as_at: dt.date
    numerator: float
    denominator: float
    period: tuple[dt.date, dt.date] | None = None
    settings: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Indicator:
    """The declaration of one indicator (see the module docstring)."""

    code: str
    title: str
    family: str
    unit: Unit
    higher_is_better: bool
    kind: Kind
    population: str
    numerator: str
    denominator: str
    source: str
    units_sql: Callable[[Q], str]
    examples: tuple[Example, ...]
    requires: tuple[str, ...]
    target: float | None = None
    green: float | None = None
    amber: float | None = None
    attribution: Attribution = "as_at"
    schedule: str | None = None
    settings_used: tuple[str, ...] = ()
    notes: str = ""


@dataclass(frozen=True)
class Computed:
    numerator: float
    denominator: float
    value: float


@dataclass(frozen=True)
class NotApplicable:
    reason: str


@dataclass(frozen=True)
class NotEnoughData:
    reason: str


Result = Computed | NotApplicable | NotEnoughData


def compute(ind: Indicator, numerator: float, denominator: float, *, population: int | None) -> Result:
    """The value of ``ind`` from its counts; ``population`` is the group's child population if known."""
    if ind.unit == "count":
        return Computed(numerator, denominator, float(numerator))
    if ind.unit == "rate_per_10k":
        if not population:
            return NotApplicable("a rate per 10,000 needs the child population of the group; "
                                 "only the authority's is known")
        return Computed(numerator, population, numerator / population * 10_000)
    if not denominator:
        return NotApplicable(f"no {ind.denominator[:1].lower()}{ind.denominator[1:].rstrip('.')} in this group")
    scale = 100.0 if ind.unit == "%" else 1.0
    return Computed(numerator, denominator, numerator / denominator * scale)


def status(ind: Indicator, result: Result) -> str:
    """RAG status against the indicator's thresholds (or why there is none)."""
    if isinstance(result, NotApplicable):
        return "not applicable"
    if isinstance(result, NotEnoughData):
        return "not enough data"
    if ind.green is None or ind.amber is None:
        return "no target"
    v = result.value
    if ind.higher_is_better:
        return "green" if v >= ind.green else "amber" if v >= ind.amber else "red"
    return "green" if v <= ind.green else "amber" if v <= ind.amber else "red"


def shown(value: float | None, unit: str) -> str:
    """A value as people read it, in the terminal, on pages and in reports: percentages and rates to one
    place, counts with thousands separators, anything else to two places."""
    if value is None:
        return ""
    return {"%": f"{value:.1f}%", "count": f"{value:,.0f}", "rate_per_10k": f"{value:.1f}"}.get(unit, f"{value:.2f}")
