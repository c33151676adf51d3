"""Comparisons with England, the region and the statistical neighbours, from the DfE's published statistics.

The figures come from package data built by tools/build_benchmarks.py (``published.csv.gz``,
``neighbours.csv.gz``; sources and licence in README.md beside them), so an installed Caseboard compares
without the DfE's files. ``year`` is always the DfE's ``time_period``: the reporting year ending 31 March
(2024 = April 2023 to March 2024), the same as Caseboard's collection year; for the workforce census it is the
year of the collection (the count at 30 September before it).

Each Caseboard indicator with a published equivalent is mapped in :data:`MAPPINGS`, with what differs between
the two (the caveat shown with every comparison). Rates per 10,000 that the DfE files here do not carry (CIN,
CP, referrals) are computed from the published count and the ONS child population the DfE uses for that year.
"""

from __future__ import annotations

import gzip
import io
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import Any, Literal

import polars as pl

from caseboard.indicators.settings import DEFAULT_SETTINGS, Settings

Transform = Literal["as_published", "per_10k", "complement"]


@dataclass(frozen=True)
class Mapping:
    """A Caseboard indicator and the published measure it is compared with."""

    code: str
    measure: str
    source: str
    caveat: str
    transform: Transform = "as_published"


_CLA = "DfE, Children looked after in England including adoptions (CLA on 31 March / starting / ceasing)"
_CIN = "DfE, Children in need (tables B1, C1, D3, D5)"
_CL = "DfE, Children looked after in England: care leavers' activity and accommodation"
_CSWW = "DfE, Children's social work workforce (census at 30 September)"

MAPPINGS: dict[str, Mapping] = {m.code: m for m in (
    Mapping("lac_rate_per_10k", "cla_rate_per_10k", _CLA,
            "Children looked after at 31 March per 10,000 aged 0-17, rounded to a whole number by the DfE; compare "
            "with Caseboard as at 31 March of the year (short breaks excluded on both sides)."),
    Mapping("lac_open", "cla_count", _CLA, "Children looked after at 31 March; compare as at 31 March."),
    Mapping("lac_starts", "cla_starts_count", _CLA,
            "Children starting to be looked after in the year to 31 March; compare over the whole reporting year."),
    Mapping("lac_ceased", "cla_ceased_count", _CLA,
            "Children ceasing to be looked after in the year to 31 March; compare over the whole reporting year."),
    Mapping("cin_open", "cin_at31_episodes", _CIN,
            "The DfE counts CIN episodes open at 31 March (a child with two open episodes counts twice; children on "
            "CP plans and looked after included); Caseboard counts children."),
    Mapping("cin_rate_per_10k", "cin_at31_episodes", _CIN,
            "Computed here: CIN episodes open at 31 March per 10,000 children aged 0-17 (ONS mid-year estimate the "
            "DfE uses for the year); the DfE's own rate counts children and may differ slightly.", "per_10k"),
    Mapping("referrals", "referrals_count", _CIN, "Referrals in the year to 31 March (table C1)."),
    Mapping("referral_rate_per_10k", "referrals_count", _CIN,
            "Computed here: referrals in the year per 10,000 children aged 0-17 (ONS mid-year estimate).", "per_10k"),
    Mapping("rereferrals_within_12m", "rereferral_percent", _CIN,
            "Referrals within 12 months of a previous referral, % of referrals in the year (table C1)."),
    Mapping("referrals_nfa", "referral_nfa_percent", _CIN,
            "Referrals resulting in no further action, % of referrals in the year (table C1)."),
    Mapping("cp_plans_open", "cpp_at31_count", _CIN, "Children on a CP plan at 31 March (table D5)."),
    Mapping("cp_rate_per_10k", "cpp_at31_count", _CIN,
            "Computed here: CP plans at 31 March per 10,000 children aged 0-17 (ONS mid-year estimate).", "per_10k"),
    Mapping("cp_second_or_subsequent", "cpp_subsequent_percent", _CIN,
            "Plans starting in the year that are a second or subsequent plan, ever (table D3)."),
    Mapping("lac_placements_3plus", "cla_3plus_placements_percent", _CLA,
            "Children looked after at 31 March with three or more placements during the year (April to March); "
            "Caseboard counts the 12 months to the date: the same at 31 March."),
    Mapping("lac_long_term_stability", "cla_long_term_stability_percent", _CLA,
            "Children under 16 looked after for 2.5 years or more at 31 March, living with the same carer for 2 "
            "years (or placed for adoption)."),
    Mapping("care_leavers_eet", "care_leavers_eet_percent_19_21", _CL,
            "The DfE's figure is care leavers aged 19 to 21, activity around their birthday; Caseboard's is the "
            "latest activity in the 12 months of relevant and former relevant care leavers under 21."),
    Mapping("care_leavers_suitable_accommodation", "care_leavers_suitable_percent_19_21", _CL,
            "As for EET: DfE aged 19 to 21 around the birthday; Caseboard the latest status of all under 21."),
    Mapping("care_leavers_in_touch", "care_leavers_info_not_known_percent_19_21", _CL,
            "Computed here: 100 minus the DfE's 'information not known' (not in touch or refused contact), aged "
            "19 to 21.", "complement"),
    Mapping("agency_worker_rate", "sw_agency_rate_fte", _CSWW,
            "Agency child and family social workers, % of FTE, at 30 September before the year."),
    Mapping("vacancy_rate", "sw_vacancy_rate_fte", _CSWW,
            "Vacant FTE as a % of vacancies plus employed FTE, at 30 September before the year."),
    Mapping("caseload_per_worker_fte", "sw_caseload_fte", _CSWW,
            "Cases per case-holding FTE at 30 September; Caseboard's is cases per FTE of workers holding a case."),
)}


def _read(name: str) -> pl.DataFrame:
    raw = gzip.decompress((files("caseboard.benchmarks") / name).read_bytes())
    return pl.read_csv(io.BytesIO(raw), infer_schema_length=0)  # all text: codes like 926 stay codes


@lru_cache(maxsize=1)
def figures() -> pl.DataFrame:
    """Every published figure: measure, year, level (england/region/la), code, new_code, name, region_code,
    value."""
    return _read("published.csv.gz").with_columns(pl.col("year").cast(pl.Int64), pl.col("value").cast(pl.Float64))


@lru_cache(maxsize=1)
def _neighbour_table() -> pl.DataFrame:
    return _read("neighbours.csv.gz").with_columns(pl.col("rank").cast(pl.Int64))


@lru_cache(maxsize=1)
def _authorities() -> dict[str, tuple[str, str, str]]:
    """Old code, new code and name -> (old code, name, region code), from the latest year each LA appears."""
    la = (figures().filter(pl.col("level") == "la").sort("year")
          .unique("code", keep="last").select("code", "new_code", "name", "region_code"))
    out: dict[str, tuple[str, str, str]] = {}
    for code, new_code, name, region in la.iter_rows():
        for key in (code, new_code, name):
            if key:
                out[key.lower()] = (code, name, region)
    return out


def authority(la: str) -> tuple[str, str, str]:
    """(old LA code, name, region code) of an authority given by old code (926), new code (E10000020) or name."""
    try:
        return _authorities()[la.strip().lower()]
    except KeyError:
        raise KeyError(f"no local authority {la!r} in the published statistics (give e.g. 926, E10000020 or "
                       f"Norfolk)") from None


def _value(measure: str, year: int, level: str, code: str) -> float | None:
    rows = figures().filter((pl.col("measure") == measure) & (pl.col("year") == year) &
                            (pl.col("level") == level) & (pl.col("code") == code))
    return float(rows["value"][0]) if rows.height else None


def child_population(la_code: str, year: int) -> int | None:
    """ONS mid-year estimate of children aged 0-17 the DfE uses for reporting year ``year``: the mid-year
    before it ends (the CLA tables' 2024 rates use mid-2023). Falls back to the latest earlier estimate when that
    one is not published yet; ``la_code`` may also be England's (E92000001) or a region's code."""
    level, code = _area(la_code)
    pops = figures().filter((pl.col("measure") == "population_0_17") & (pl.col("level") == level) &
                            (pl.col("code") == code) & (pl.col("year") <= year - 1)).sort("year")
    return int(pops["value"][-1]) if pops.height else None


def _area(code: str) -> tuple[str, str]:
    if code.upper() == "E92000001":
        return "england", "E92000001"
    if code.upper().startswith("E12"):
        return "region", code.upper()
    return "la", authority(code)[0]


def _measure(mapping: Mapping, year: int, area_code: str) -> float | None:
    level, code = _area(area_code)
    value = _value(mapping.measure, year, level, code)
    if value is None:
        return None
    if mapping.transform == "complement":
        return round(100 - value, 1)
    if mapping.transform == "per_10k":
        population = child_population(area_code, year)
        return round(value / population * 10_000, 1) if population else None
    return value


def neighbours(la_code: str, model: str = "2025") -> list[tuple[str, str]]:
    """The ten statistical neighbours (old code, closeness) in rank order: the DfE's 2025 model by default, the
    April 2021 groupings with ``model="2021"`` (or when the authority is not in the 2025 model)."""
    code = authority(la_code)[0]
    table = _neighbour_table()
    for m in (model, "2021"):
        rows = table.filter((pl.col("model") == m) & (pl.col("la_code") == code)).sort("rank")
        if rows.height:
            return list(rows.select("neighbour_code", "closeness").iter_rows())
    return []


def latest_year(code: str) -> int:
    """The latest year with a published figure for the indicator ``code``."""
    return int(figures().filter(pl.col("measure") == _mapping(code).measure)["year"].max())  # type: ignore[arg-type]


def _mapping(code: str) -> Mapping:
    try:
        return MAPPINGS[code]
    except KeyError:
        raise KeyError(f"no published equivalent of {code!r}; indicators with one: {', '.join(MAPPINGS)}") from None


def comparison(code: str, la_code: str, year: int) -> dict[str, Any]:
    """The published figures an authority's value of indicator ``code`` for reporting year ``year`` is compared
    with: ``england``, ``region``, ``neighbours_mean`` (the plain mean of the neighbours' published figures,
    as the DfE's LAIT tool shows), ``neighbours`` (each with code, name and value) and ``la_published`` (the
    authority's own published figure), with the measure, source and caveat. Missing or suppressed figures are
    None."""
    mapping = _mapping(code)
    la, name, region = authority(la_code)
    group = []
    for neighbour, closeness in neighbours(la):
        try:
            neighbour_name = authority(neighbour)[1]
        except KeyError:  # a neighbour code no longer published (reorganised authorities)
            neighbour_name = neighbour
        group.append({"code": neighbour, "name": neighbour_name, "closeness": closeness,
                      "value": _measure(mapping, year, neighbour) if neighbour_name != neighbour else None})
    values = [g["value"] for g in group if g["value"] is not None]
    regions = figures().filter((pl.col("level") == "region") & (pl.col("code") == region))
    return {
        "code": code, "measure": mapping.measure, "year": year, "la_code": la, "la_name": name,
        "la_published": _measure(mapping, year, la),
        "england": _measure(mapping, year, "E92000001"),
        "region": _measure(mapping, year, region) if region else None,
        "region_name": regions["name"][0] if regions.height else None,
        "neighbours_mean": round(sum(values) / len(values), 1) if values else None,
        "neighbours": group, "source": mapping.source, "caveat": mapping.caveat,
    }


def settings_for(la_code: str, year: int, base: Settings = DEFAULT_SETTINGS) -> Settings:
    """``base`` with the authority's name and its ONS child population for ``year`` (rates per 10,000), in place
    of the fixed default."""
    _, name, _ = authority(la_code)
    population = child_population(la_code, year)
    return base.with_(authority_name=name, **({"population_0_17": population} if population else {}))
