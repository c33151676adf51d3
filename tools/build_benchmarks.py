"""Build the published-figures package data (src/caseboard/benchmarks/) from DfE and ONS files.

Caseboard compares an authority with England, its region and its statistical neighbours using the DfE's
published statistics. Installed users do not have the DfE's files, so this tool extracts the few columns the
comparisons need, for England, every region and every local authority, every year, into:

* ``published.csv.gz``: ``measure, year, level, code, new_code, name, region_code, value`` (one row per
  published figure; suppressed or missing figures - DfE symbols c, x, z, u, k, low - are left out);
* ``neighbours.csv.gz``: ``model, la_code, rank, neighbour_code, closeness`` (the DfE's ten statistical
  neighbours: the 2021 groupings and the 2025 model).

The measures and their sources are listed in :data:`MEASURES` (file, filter, value column); what each means
and which Caseboard indicator it is compared with is documented in src/caseboard/benchmarks/README.md and
``caseboard.benchmarks.MAPPINGS``.

Run: .venv/bin/python tools/build_benchmarks.py [--source /work/shared/reference-data/dfe-statistics]
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "src" / "caseboard" / "benchmarks"
DEFAULT_SOURCE = Path("/work/shared/reference-data/dfe-statistics")

LEVELS = {"National": "england", "Regional": "region", "Local authority": "la"}

# measure -> (file, {column: required value}, value column)
MEASURES: dict[str, tuple[str, dict[str, str], str]] = {
    "cla_rate_per_10k": ("cla_number_and_rate_per_10k_children.csv",
                         {"population_type": "Children looked after on 31 March each year"}, "rate_per_10000"),
    "cla_count": ("cla_number_and_rate_per_10k_children.csv",
                  {"population_type": "Children looked after on 31 March each year"}, "children_count"),
    "cla_starts_count": ("cla_number_and_rate_per_10k_children.csv",
                         {"population_type": "Children starting to be looked after each year"}, "children_count"),
    "cla_ceased_count": ("cla_number_and_rate_per_10k_children.csv",
                         {"population_type": "Children ceasing to be looked after each year"}, "children_count"),
    "cin_at31_episodes": ("b1_children_in_need_2013_to_2025.csv", {}, "At31_episodes"),
    "referrals_count": ("c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv", {}, "referral_count"),
    "rereferral_percent": ("c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv", {},
                           "rereferral_percent"),
    "referral_nfa_percent": ("c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv", {},
                             "no_further_action_percent"),
    "cpp_subsequent_percent": ("d3_cpps_subsequent_plan_2013_to_2025.csv", {}, "CPP_subsequent_percent"),
    "cpp_at31_count": ("d5_cpps_at31march_by_duration_2013_to_2025.csv", {}, "CPP_At31"),
    "cpp_at31_2yrs_plus_percent": ("d5_cpps_at31march_by_duration_2013_to_2025.csv", {}, "2_years_or_more_percent"),
    "cla_3plus_placements_percent": ("la_cla_placement_stability.csv", {
        "cla_group": "CLA on 31 March", "placement_stability": "With 3 or more placements during the year"},
        "children_percent"),
    "cla_long_term_stability_percent": ("la_cla_placement_stability.csv", {
        "cla_group": "Children looked after continuously for at least 2.5 years on 31 March aged under 16 years",
        "placement_stability": "Living with the same carer for at least 2 years"}, "children_percent"),
    "care_leavers_eet_percent_19_21": ("la_care_leavers_activity.csv", {
        "care_leaver_age": "19 to 21 years", "breakdown": "Total in education, employment or training"},
        "care_leaver_percent"),
    "care_leavers_eet_percent_17_18": ("la_care_leavers_activity.csv", {
        "care_leaver_age": "17 to 18 years", "breakdown": "Total in education, employment or training"},
        "care_leaver_percent"),
    "care_leavers_info_not_known_percent_19_21": ("la_care_leavers_activity.csv", {
        "care_leaver_age": "19 to 21 years", "breakdown": "Total information not known"}, "care_leaver_percent"),
    "care_leavers_suitable_percent_19_21": ("la_care_leavers_accommodation_suitability.csv", {
        "care_leaver_age": "19 to 21 years", "breakdown": "Accommodation considered suitable"},
        "care_leaver_percent"),
    "care_leavers_suitable_percent_17_18": ("la_care_leavers_accommodation_suitability.csv", {
        "care_leaver_age": "17 to 18 years", "breakdown": "Accommodation considered suitable"},
        "care_leaver_percent"),
    "sw_agency_rate_fte": ("csww_indicators_2017_to_2025.csv", {}, "agency_rate_fte"),
    "sw_vacancy_rate_fte": ("csww_indicators_2017_to_2025.csv", {}, "vacancy_rate_fte"),
    "sw_caseload_fte": ("csww_indicators_2017_to_2025.csv", {}, "caseload_fte"),
    "population_0_17": ("ons_mid-year_population_estimates_2012_to_2024.csv",
                        {"age_group": "Children aged 0 to 17 years"}, "population_estimate"),
}

NEIGHBOUR_FILES = {
    "2021": ("New_Statistical_Neighbour_Groupings_April_2021.csv", "LA number", "SN{n}"),
    "2025": ("sn_model_2025_wide.csv", "old_la_code", "SN_{n}"),
}


def _number(text: str) -> str | None:
    """The figure as published, or None for the DfE's symbols (c suppressed, x not available, z not applicable,
    u low reliability, k fewer than 0.5, low)."""
    text = (text or "").strip().replace(",", "")
    try:
        float(text)
    except ValueError:
        return None
    return text


def _rows(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        yield from csv.DictReader(fh)


def published(source: Path) -> list[list[str]]:
    out: list[list[str]] = []
    for measure, (file, where, column) in MEASURES.items():
        for r in _rows(source / file):
            level = LEVELS.get(r["geographic_level"])
            if level is None or any(r.get(k) != v for k, v in where.items()):
                continue
            value = _number(r[column])
            if value is None:
                continue
            code = {"england": r["country_code"], "region": r["region_code"], "la": r["old_la_code"]}[level]
            name = {"england": r["country_name"], "region": r["region_name"], "la": r["la_name"]}[level]
            out.append([measure, r["time_period"], level, code, r.get("new_la_code", "") if level == "la" else "",
                        name, r["region_code"] if level != "england" else "", value])
    out.sort()
    return out


def neighbours(source: Path) -> list[list[str]]:
    out = []
    for model, (file, la_column, pattern) in NEIGHBOUR_FILES.items():
        with (source / file).open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh)
            header = [h.strip() for h in next(reader)]
            for row in reader:
                if not row or not row[header.index(la_column)].strip():
                    continue
                for n in range(1, 11):
                    i = header.index(pattern.format(n=n))
                    neighbour = row[i].strip()
                    if neighbour:
                        # Closeness is the column after each neighbour (SNP / SN_nP) in both files.
                        out.append([model, row[header.index(la_column)].strip(), str(n), neighbour, row[i + 1].strip()])
    return out


def write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    # mtime=0: the same data gives the same bytes, so a rebuild changes nothing in git.
    path.write_bytes(gzip.compress(buffer.getvalue().encode("utf-8"), mtime=0))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    args = parser.parse_args()
    rows = published(args.source)
    write(OUT / "published.csv.gz", ["measure", "year", "level", "code", "new_code", "name", "region_code", "value"],
          rows)
    groups = neighbours(args.source)
    write(OUT / "neighbours.csv.gz", ["model", "la_code", "rank", "neighbour_code", "closeness"], groups)
    for name in ("published.csv.gz", "neighbours.csv.gz"):
        print(f"{OUT / name}: {(OUT / name).stat().st_size:,} bytes")
    print(f"{len(rows):,} published figures, {len(groups):,} neighbour links")


if __name__ == "__main__":
    main()
