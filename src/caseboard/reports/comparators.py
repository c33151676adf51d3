"""Comparators from the DfE's published statistics: England, the region and the statistical neighbours.

For an authority (``la_code``, the DfE's three-digit code: Norfolk is 926), every scorecard measure with a
published equivalent (``benchmarks.published.MAPPINGS``) gets the England, regional and statistical-neighbour
(plain mean, as the DfE's LAIT tool shows) figures of the latest published reporting year that has ended by the
as-at date, as :class:`~caseboard.reports.imported.Figure` rows, so they travel the same road as comparators a
council imports itself. The council's own imported comparators win over these for the same measure and series
(it may hold a newer release). What differs between each DfE count and Caseboard's (the caveat) is declared
with the mapping in ``benchmarks.published.MAPPINGS``; the report lists it under the tables.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from caseboard.benchmarks.published import MAPPINGS, child_population, comparison, latest_year, settings_for
from caseboard.indicators.registry import registry
from caseboard.indicators.settings import DEFAULT_SETTINGS, Settings
from caseboard.reports.imported import Figure

SERIES_KEYS = (("england", "england"), ("region", "region"), ("neighbours", "neighbours_mean"))


def published_year(code: str, as_at: dt.date) -> int:
    """The latest published reporting year of ``code`` that has ended (31 March) by ``as_at``."""
    ended = as_at.year if as_at >= dt.date(as_at.year, 3, 31) else as_at.year - 1
    return min(latest_year(code), ended)


def published_figures(codes: Iterable[str], la_code: str, as_at: dt.date) -> list[Figure]:
    """England, region and neighbour figures for every code with a published equivalent (others: none).
    Counts are left out: England's 600,000 referrals say nothing beside one authority's; rates and percentages
    compare."""
    out = []
    for code in codes:
        if code not in MAPPINGS or registry().get(code).unit == "count":
            continue
        year = published_year(code, as_at)
        found = comparison(code, la_code, year)
        for series, key in SERIES_KEYS:
            if found[key] is not None:
                out.append(Figure(code, series, f"{year - 1}-{year % 100:02d}", dt.date(year, 3, 31),
                                  float(found[key]), f"{found['source']}, {year - 1}-{year % 100:02d}: "
                                                     f"{found['caveat']}"))
    return out


def with_published(figures: Sequence[Figure], codes: Iterable[str], la_code: str, as_at: dt.date) -> list[Figure]:
    """``figures`` plus the published comparators of ``codes``, except where ``figures`` already has that code
    and series (the council's own import wins)."""
    own = {(f.code, f.series) for f in figures}
    return list(figures) + [f for f in published_figures(codes, la_code, as_at) if (f.code, f.series) not in own]


def authority_settings(la_code: str, as_at: dt.date, base: Settings = DEFAULT_SETTINGS) -> Settings:
    """``base`` with the authority's name and its latest published ONS child population (for rates per 10,000)
    of the last two years ended by ``as_at``."""
    ended = as_at.year if as_at >= dt.date(as_at.year, 3, 31) else as_at.year - 1
    year = next((y for y in (ended, ended - 1) if child_population(la_code, y)), ended)
    return settings_for(la_code, year, base)
