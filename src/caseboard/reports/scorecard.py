"""A scorecard's figures: each measure now, before, its direction of travel, comparators and monthly trend.

Values of Caseboard's own measures come from the indicator engine at the authority level (one ``evaluate`` per
date for every measure that needs that date); imported measures and every comparator from the figures CSV
(``reports.imported``). The previous value is the measure's previous reporting point by its frequency (a month,
a quarter, half a year or a year earlier); a cumulative count (the year to date only grows) is compared with the
same point a year earlier, as seed 004's key warns. Period measures are reporting-year-to-date figures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from caseboard.calendar import add_months, reporting_year, reporting_year_bounds
from caseboard.indicators.engine import evaluate, prepare
from caseboard.indicators.framework import Computed
from caseboard.indicators.settings import DEFAULT_SETTINGS, Settings
from caseboard.reports.definition import Measure, Scorecard, load_scorecard
from caseboard.reports.imported import Figure, latest
from caseboard.reports.provenance import Provenance, provenance
from caseboard.reports.suppression import MARKER, suppressed
from caseboard.store import Store

COMPARATORS = {"england": "England", "region": "Region", "neighbours": "Statistical neighbours"}
STEP_MONTHS = {"M": 1, "Q": 3, "B": 6, "A": 12}


@dataclass(frozen=True)
class Point:
    """One figure of one measure at one date (value None: ``reason`` says why)."""

    day: dt.date
    value: float | None
    numerator: float | None = None
    denominator: float | None = None
    reason: str = ""
    label: str = ""  # the period, for imported figures ("2024/25")
    hidden: bool = False  # suppressed in a public version


@dataclass(frozen=True)
class Line:
    measure: Measure
    current: Point
    previous: Point | None
    comparisons: dict[str, Figure | None]
    trend: tuple[Point, ...]

    @property
    def rag(self) -> str:
        return "suppressed" if self.current.hidden else self.measure.rag(self.current.value)

    @property
    def direction(self) -> str:
        """"improving", "worsening", "no change", or "" when there is nothing to compare."""
        a, b = self.current, self.previous
        if b is None or a.value is None or b.value is None or a.hidden or b.hidden:
            return ""
        if shown(self.measure.unit, a.value) == shown(self.measure.unit, b.value):
            return "no change"
        return "improving" if (a.value > b.value) == self.measure.higher_is_better else "worsening"

    @property
    def period(self) -> str:
        m, day = self.measure, self.current.day
        if m.kind == "imported":
            return self.current.label
        if m.kind == "period":
            first = reporting_year_bounds(reporting_year(day))[0]
            return f"{first.day} {first:%b %Y} to {day.day} {day:%b %Y}"
        return f"at {day.day} {day:%b %Y}"


@dataclass(frozen=True)
class ScorecardReport:
    scorecard: Scorecard
    as_at: dt.date
    sections: tuple[tuple[str, tuple[Line, ...]], ...]
    provenance: Provenance
    public: bool = False
    authority: str = "Authority"
    comparators: tuple[str, ...] = field(default=())  # the comparator series that have any figure

    @property
    def lines(self) -> list[Line]:
        return [line for _, lines in self.sections for line in lines]


def shown(unit: str, value: float | None, hidden: bool = False) -> str:
    """A figure as a person reads it: 85.2%, 1,234, 45.1 (per 10,000), 17.3 (ratio)."""
    if hidden:
        return MARKER
    if value is None:
        return ""
    if unit == "%":
        return f"{value:.1f}%"
    if unit == "count":
        return f"{value:,.0f}"
    return f"{value:,.1f}"


def month_end(day: dt.date) -> dt.date:
    return add_months(day.replace(day=1), 1) - dt.timedelta(days=1)


def months_back(day: dt.date, months: int) -> dt.date:
    """The same point ``months`` earlier; a month's end maps to a month's end (31 March -> 28 February)."""
    return month_end(add_months(day, -months)) if day == month_end(day) else add_months(day, -months)


def previous_day(measure: Measure, as_at: dt.date) -> dt.date:
    return months_back(as_at, 12 if measure.cumulative else STEP_MONTHS[measure.frequency])


def trend_days(as_at: dt.date, months: int) -> list[dt.date]:
    """Month ends before ``as_at`` and ``as_at`` itself: ``months`` points in all, oldest first."""
    return [month_end(add_months(as_at, -k)) for k in range(months - 1, 0, -1)] + [as_at]


def _point(row_result: object, day: dt.date) -> Point:
    """Figures rounded to 6 decimals: the engine's float sums (FTE weights) can differ in the 16th digit between
    runs, which would change the workbook's bytes but no figure anyone reads."""
    if isinstance(row_result, Computed):
        return Point(day, round(row_result.value, 6), round(row_result.numerator, 6),
                     round(row_result.denominator, 6))
    return Point(day, None, reason=getattr(row_result, "reason", ""))


def _figure_point(f: Figure | None, day: dt.date) -> Point:
    if f is None:
        return Point(day, None, reason="no imported figure for this period")
    return Point(f.end, f.value, label=f.period)


def _hide(p: Point, unit: str) -> Point:
    if not suppressed(unit, p.value, p.numerator, p.denominator):
        return p
    return replace(p, value=None, numerator=None, denominator=None, hidden=True)


def build_scorecard(store: Store, as_at: dt.date, *, scorecard: Scorecard | None = None,
                    figures: Sequence[Figure] = (), public: bool = False, la_code: str | None = None,
                    settings: Settings = DEFAULT_SETTINGS) -> ScorecardReport:
    """Every measure of ``scorecard`` (the default children's social care one) as at ``as_at``; ``la_code``
    adds the DfE's published England / region / neighbour figures as comparators (``reports.comparators``)."""
    card = scorecard or load_scorecard()
    figures = list(figures)
    if la_code:
        from caseboard.reports.comparators import with_published

        figures = with_published(figures, [m.code for m in card.measures if m.source == "caseboard"], la_code, as_at)
    prepare(store, settings)
    engine = [m for m in card.measures if m.source == "caseboard"]
    trend = trend_days(as_at, max(card.trend_months, 1))
    needed: dict[dt.date, set[str]] = {d: {m.code for m in engine} for d in trend}
    for m in engine:
        needed.setdefault(previous_day(m, as_at), set()).add(m.code)
    points: dict[tuple[str, dt.date], Point] = {}
    for day, codes in sorted(needed.items()):
        if codes:
            for row in evaluate(store, day, levels=["authority"], codes=sorted(codes), settings=settings,
                                prepared=True):
                points[(row.code, day)] = _point(row.result, day)
    sections = []
    for section in card.sections:
        lines = []
        for m in section.measures:
            if m.source == "caseboard":
                current, previous = points[(m.code, as_at)], points[(m.code, previous_day(m, as_at))]
                series = tuple(points[(m.code, d)] for d in trend)
            else:
                current = _figure_point(latest(figures, m.code, "authority", as_at), as_at)
                before = latest(figures, m.code, "authority", as_at, skip=1)
                previous = _figure_point(before, as_at) if before else None
                own = sorted((f for f in figures if f.code == m.code and f.series == "authority" and f.end <= as_at),
                             key=lambda f: f.end)  # at the figure's own frequency: the last N years of an annual one
                series = tuple(_figure_point(f, f.end) for f in own[-len(trend):])
            if public:
                current, series = _hide(current, m.unit), tuple(_hide(p, m.unit) for p in series)
                previous = _hide(previous, m.unit) if previous else None
            comparisons = {s: latest(figures, m.code, s, as_at) for s in COMPARATORS}
            lines.append(Line(m, current, previous, comparisons, series))
        sections.append((section.heading, tuple(lines)))
    used = tuple(s for s in COMPARATORS if any(f.series == s for f in figures))
    prov = provenance(store, settings, as_at=as_at.isoformat(), scorecard=f"{card.source} ({card.digest[:12]})",
                      public="yes" if public else "no",
                      figures=f"{len(figures)} imported figures" if figures else "none imported",
                      **({"comparators": f"DfE published statistics for LA {la_code}"} if la_code else {}))
    return ScorecardReport(card, as_at, tuple(sections), prov, public, settings.authority_name, used)
