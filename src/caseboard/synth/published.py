"""Any authority's :class:`~caseboard.synth.config.Calibration`, read from the DfE statistics files.

The files are the department's tidy CSVs in ``shared/reference-data/dfe-statistics`` (see config.py for which
column feeds which figure). Suppressed cells ("c", "x", "z", "low", blank) are filled, never guessed at random:

* a suppressed care-leaver activity or accommodation count is the published group total less the cells shown,
  shared evenly among the suppressed cells of that group (Norfolk 2025, 17-18: 162 in education, employment or
  training, 149 shown, so higher education 7 and apprenticeships 6);
* any other missing figure is the national rate for the year applied to the authority's child population (for
  counts) or the national percentage (for percentages).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import polars as pl

from caseboard.synth.config import ACCOMMODATION_GROUPS, ACTIVITY_GROUPS, Calibration

FILES = {
    "population": "ons_mid-year_population_estimates_2012_to_2024.csv",
    "cla": "cla_number_and_rate_per_10k_children.csv",
    "referrals": "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv",
    "cin": "b1_children_in_need_2013_to_2025.csv",
    "cpp_starts": "d3_cpps_subsequent_plan_2013_to_2025.csv",
    "cpp_at31": "d5_cpps_at31march_by_duration_2013_to_2025.csv",
    "activity": "la_care_leavers_activity.csv",
    "accommodation": "la_care_leavers_accommodation_suitability.csv",
    "workforce": "csww_indicators_2017_to_2025.csv",
    "stability": "la_cla_placement_stability.csv",
}
CLA_TYPES = {"cla_at31": "Children looked after on 31 March each year",
             "cla_starts": "Children starting to be looked after each year",
             "cla_ceased": "Children ceasing to be looked after each year"}
#: Care-leaver activity groups and the published total each belongs to.
ACTIVITY_TOTALS = {
    "Total in education, employment or training": ACTIVITY_GROUPS[:4],
    "Total not in education, employment or training": ACTIVITY_GROUPS[4:7],
    "Total information not known": ACTIVITY_GROUPS[7:],
}


@dataclass(frozen=True)
class Authority:
    la_code: str
    new_la_code: str
    la_name: str


@lru_cache(maxsize=4)
def _read(folder: str) -> dict[str, pl.DataFrame]:
    """Every file, all columns as text (suppression markers are text), BOMs and blank codes tidied."""
    out = {}
    for key, name in FILES.items():
        frame = pl.read_csv(Path(folder) / name, infer_schema=False, encoding="utf8-lossy")
        frame = frame.rename({c: c.lstrip("\ufeff") for c in frame.columns})
        out[key] = frame.with_columns(pl.col("time_period").cast(pl.Int64))
    return out


def _number(value: str | None) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except ValueError:
        return None  # c, x, z, low: suppressed or not applicable


def authorities(reference_dir: Path, year: int = 2025) -> list[Authority]:
    """Local authorities with published looked-after figures for ``year`` and a child population estimate for
    the year before (single, current authorities: not Cumbria or Northamptonshire, abolished in 2023 and 2021)."""
    d = _read(str(reference_dir))
    cla = d["cla"].filter((pl.col("geographic_level") == "Local authority") & (pl.col("time_period") == year)
                          & ~pl.col("old_la_code").str.contains("/"))
    counted = d["population"].filter((pl.col("geographic_level") == "Local authority")
                                     & (pl.col("time_period") == year - 1))["old_la_code"]
    rows = cla.filter(pl.col("old_la_code").is_in(counted.implode())).select(
        "old_la_code", "new_la_code", "la_name").unique().sort("old_la_code").iter_rows()
    return [Authority(a, b, c) for a, b, c in rows]


def _value(frame: pl.DataFrame, level: str, la: str | None, year: int, column: str, **where: str) -> float | None:
    f = frame.filter((pl.col("geographic_level") == level) & (pl.col("time_period") == year))
    if la is not None:
        f = f.filter(pl.col("old_la_code") == la)
    for k, v in where.items():
        f = f.filter(pl.col(k) == v)
    return _number(f[column][0]) if f.height else None


def calibration_for(la_code: str, reference_dir: Path, year: int = 2025) -> Calibration:
    """The calibration of one authority for collection ``year`` (national rates where a figure is missing)."""
    d = _read(str(reference_dir))

    def get(key: str, column: str, **where: str) -> tuple[float | None, float | None]:
        return (_value(d[key], "Local authority", la_code, year, column, **where),
                _value(d[key], "National", None, year, column, **where))

    pop_la, pop_nat = (_value(d["population"], lvl, la_code if lvl != "National" else None, year - 1,
                              "population_estimate") for lvl in ("Local authority", "National"))
    if pop_la is None or pop_nat is None:
        raise ValueError(f"no published child population for LA {la_code} in {year - 1}")

    def count(key: str, column: str, **where: str) -> int:
        la, nat = get(key, column, **where)
        return int(round(la if la is not None else (nat or 0) / pop_nat * pop_la))

    def percent(key: str, column: str, **where: str) -> float:
        la, nat = get(key, column, **where)
        return float(la if la is not None else nat or 0.0)

    names = d["cla"].filter(pl.col("old_la_code") == la_code).select("new_la_code", "la_name").row(0)
    workforce = d["workforce"].filter((pl.col("geographic_level") == "Local authority")
                                      & (pl.col("old_la_code") == la_code))
    agency = {int(y): v for y, r in workforce.select("time_period", "agency_rate_fte").iter_rows()
              if (v := _number(r)) is not None and y <= year}
    return Calibration(
        la_code=la_code, new_la_code=names[0], la_name=names[1], year=year, population=int(pop_la),
        referrals=count("referrals", "referral_count"),
        rereferral_pct=percent("referrals", "rereferral_percent"),
        nfa_pct=percent("referrals", "no_further_action_percent"),
        not_in_need_pct=percent("referrals", "not_in_need_percent"),
        cin_at31=count("cin", "At31_episodes"),
        cpp_starts=count("cpp_starts", "CPP_start"),
        cpp_subsequent_pct=percent("cpp_starts", "CPP_subsequent_percent"),
        cpp_at31=count("cpp_at31", "CPP_At31"),
        **{k: count("cla", "children_count", population_type=v) for k, v in CLA_TYPES.items()},
        activity_17_18=_groups(d["activity"], la_code, year, "17 to 18 years", ACTIVITY_TOTALS),
        activity_19_21=_groups(d["activity"], la_code, year, "19 to 21 years", ACTIVITY_TOTALS),
        accommodation_17_18=_groups(d["accommodation"], la_code, year, "17 to 18 years",
                                    {"Suitability total": ACCOMMODATION_GROUPS}),
        accommodation_19_21=_groups(d["accommodation"], la_code, year, "19 to 21 years",
                                    {"Suitability total": ACCOMMODATION_GROUPS}),
        agency_rate_by_year=agency or {year: percent("workforce", "agency_rate_fte")},
        vacancy_rate=percent("workforce", "vacancy_rate_fte"),
        turnover_rate=percent("workforce", "turnover_rate_fte"),
        caseload=percent("workforce", "caseload_fte"),
        placements_3plus_pct=percent("stability", "children_percent", cla_group="CLA on 31 March",
                                     placement_stability="With 3 or more placements during the year"),
    )


def _groups(frame: pl.DataFrame, la_code: str, year: int, age: str,
            totals: dict[str, tuple[str, ...]]) -> tuple[int, ...]:
    """Counts per breakdown in the order of the groups given, suppressed cells filled from their total."""
    rows = frame.filter((pl.col("geographic_level") == "Local authority") & (pl.col("old_la_code") == la_code)
                        & (pl.col("time_period") == year) & (pl.col("care_leaver_age") == age))
    cells = {b: _number(c) for b, c in rows.select("breakdown", "care_leaver_count").iter_rows()}
    out: dict[str, int] = {}
    for total_name, members in totals.items():
        total = cells.get(total_name)
        shown = {m: cells.get(m) for m in members}
        hidden = [m for m, v in shown.items() if v is None]
        left = max((total or 0) - sum(v for v in shown.values() if v is not None), 0)
        for i, m in enumerate(hidden):
            shown[m] = left // len(hidden) + (1 if i < left % len(hidden) else 0)
        out.update({m: int(v or 0) for m, v in shown.items()})
    return tuple(out[m] for members in totals.values() for m in members)
