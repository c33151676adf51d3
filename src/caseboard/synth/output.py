"""Writing a synthetic county through the real formats, so that loading it exercises the real ingest.

``write_all`` writes, under ``out_dir``:

* ``ssda903/<year>/*.csv`` — one SSDA903 return per collection year (``formats.ssda903_csv``);
* ``cin-census/CIN_census_<year>.xml`` — one CIN census per collection year (``formats.cin_census``);
* ``annex-a/annex-a-<today>.xlsx`` — the Ofsted Annex A workbook as at today (``formats.annex_a``);
* ``dfe-api/changes.json`` — DfE children's social care API payloads for the children whose records changed in
  the last fortnight (``formats.dfe_api``; split into files of 100 children as the API requires);
* ``extract/`` — the council extract for what the national returns lack (``formats.extract``; see
  ``EXTRACT_TABLES``);
* ``synthetic-county.md`` — what was generated and which errors were planted (not read by the ingest).

A record belongs to every collection year in which it is open or happens (:func:`frames_between`): an episode
open across 31 March is in both years' returns, as in real returns. Each return then holds its own children:
the 903 those looked after in the year (and care leavers and adoptions of the year), the CIN census those with a
CIN episode open in the year.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from pathlib import Path

import polars as pl

from caseboard.calendar import reporting_year, reporting_year_bounds
from caseboard.model.tables import TABLES
from caseboard.synth.config import SynthConfig

Progress = Callable[[str, float], None]

#: For each table, the columns giving when a record starts and ends (``None``: a single date, a moment).
#: Tables not listed belong to every period (areas, teams) or follow their children (children, care leavers).
SPANS: dict[str, tuple[str | pl.Expr, str | pl.Expr | None]] = {
    "contacts": ("contact_date", "decision_date"),
    "referrals": ("referral_date", "closure_date"),
    "assessments": ("start_date", "authorised_date"),
    "s47_enquiries": ("start_date", pl.coalesce("icpc_date", pl.when(pl.col("icpc_not_required")).then(
        pl.col("start_date")))),
    "cp_plans": ("start_date", "end_date"),
    "cp_reviews": ("review_date", None),
    "core_groups": ("meeting_date", None),
    "visits": ("visit_date", None),
    "cin_plans": ("start_date", "end_date"),
    "cin_plan_reviews": ("review_date", None),
    "pre_proceedings": ("start_date", pl.coalesce("court_application_date", "step_decision_date")),
    "lac_episodes": ("start_date", "end_date"),
    "lac_reviews": ("review_date", None),
    "health_assessments": ("assessment_date", None),
    "sdq_assessments": ("assessment_date", None),
    "peps": ("pep_date", None),
    "missing_episodes": ("start_date", "end_date"),
    "care_leaver_status": ("status_date", None),
    "pathway_plans": ("plan_date", None),
    "adoptions": ("decision_date", pl.coalesce("adoption_order_date", "decision_reversed_date",
                                               "placed_ceased_date")),
    "deprivation_of_liberty": ("start_date", "end_date"),
    "early_help": ("start_date", "end_date"),
    "allocations": ("start_date", "end_date"),
    "workers": ("start_date", "end_date"),
}
#: Fields that exist only once their date has passed (a reason for ending, an outcome): a return made before
#: that date leaves them blank along with the date.
WITH_DATE: dict[str, dict[str, tuple[str, ...]]] = {
    "lac_episodes": {"end_date": ("reason_ceased", "reason_place_change")},
    "referrals": {"closure_date": ("closure_reason",)},
    "assessments": {"authorised_date": ("factors", "outcome_csc_support"), "child_seen_date": ("child_seen",)},
    "s47_enquiries": {"icpc_date": ("icpc_resulted_in_plan",)},
    "missing_episodes": {"end_date": ("return_interview_offered", "return_interview_accepted")},
    "early_help": {"end_date": ("outcome",)},
    "allocations": {"end_date": ("reason",)},
    "adoptions": {"match_date": ("foster_carer_adoption", "number_of_adopters", "sex_of_adopters",
                                 "adopters_legal_status")},
}
#: Tables keyed by child that follow the children present in the period's other tables.
FOLLOW_CHILDREN = ("children", "previous_permanence", "care_leavers")
#: What the council extract carries: everything the national returns lack. Children too (those known only at
#: the front door or in early help are in no return), and CIN plans (the census collects their dates only from
#: 2021-22, and their reviews are in the extract).
EXTRACT_TABLES = ("children", "areas", "teams", "workers", "allocations", "visits", "health_assessments", "peps",
                  "pathway_plans", "care_leavers", "contacts", "early_help", "core_groups", "cin_plans",
                  "cin_plan_reviews", "sdq_assessments")
#: The tables each national return is built from (its children are those in the first table's rows).
SSDA903_TABLES = ("lac_episodes", "care_leaver_status", "adoptions", "children", "lac_reviews", "annual_outcomes",
                  "missing_episodes", "previous_permanence", "deprivation_of_liberty", "allocations")
CIN_TABLES = ("referrals", "children", "assessments", "s47_enquiries", "cp_plans", "cp_reviews", "cin_plans",
              "pre_proceedings")
#: How far back the DfE API sample of recent changes looks.
RECENT_DAYS = 14


def _as_expr(c: str | pl.Expr) -> pl.Expr:
    return pl.col(c) if isinstance(c, str) else c


def frames_between(frames: Mapping[str, pl.DataFrame], lo: dt.date, hi: dt.date) -> dict[str, pl.DataFrame]:
    """The records open or happening at any time from ``lo`` to ``hi`` (and the children they concern)."""
    out: dict[str, pl.DataFrame] = {}
    for name, frame in frames.items():
        if name in SPANS:
            start, end = (_as_expr(c) if c is not None else None for c in SPANS[name])
            if end is None:
                keep = start.is_between(lo, hi)
            else:
                keep = (start <= hi) & (end.is_null() | (end >= lo))
            out[name] = frame.filter(keep)
        elif name == "annual_outcomes":
            out[name] = frame.filter(pl.col("year") == reporting_year(hi))
        else:
            out[name] = frame
        out[name] = as_known_on(name, out[name], hi)
    present = pl.concat([f.select("child_id") for n, f in out.items()
                         if "child_id" in f.columns and n not in FOLLOW_CHILDREN]).unique()
    for name in FOLLOW_CHILDREN:
        if name in out:
            out[name] = out[name].join(present, on="child_id", how="semi")
    return out


def as_known_on(name: str, frame: pl.DataFrame, day: dt.date) -> pl.DataFrame:
    """The records as a return made on ``day`` holds them: later dates (and what comes with them) not yet known.

    An episode still open on 31 March has no end date in that year's return, even though it ended later; the
    later return carries the end, and the load keeps the latest version of each record.
    """
    dates = [c for c, ty in frame.schema.items() if ty == pl.Date]
    later = {c: pl.col(c) > day for c in dates}
    blanks = [pl.when(later[c]).then(None).otherwise(pl.col(c)).alias(c) for c in dates]
    for date, fields in WITH_DATE.get(name, {}).items():
        blanks += [pl.when(later[date]).then(None).otherwise(pl.col(f)).alias(f) for f in fields]
    return frame.with_columns(blanks) if blanks else frame


def frames_for_year(frames: Mapping[str, pl.DataFrame], year: int) -> dict[str, pl.DataFrame]:
    """:func:`frames_between` for collection year ``year`` (1 April ``year - 1`` to 31 March ``year``)."""
    return frames_between(frames, *reporting_year_bounds(year))


def for_return(frames: Mapping[str, pl.DataFrame], tables: tuple[str, ...], anchors: tuple[str, ...]) -> dict[
        str, pl.DataFrame]:
    """Only the return's tables, and only for its children: those in the ``anchors`` tables."""
    who = pl.concat([frames[a].select("child_id") for a in anchors]).unique()
    return {name: frames[name].join(who, on="child_id", how="semi") if "child_id" in frames[name].columns
            else frames[name] for name in tables}


def _within_episodes(frames: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """CIN modules only with the episode (referral) they belong to in the return, reviews with their plan."""
    episodes = frames["referrals"].select("child_id", "referral_date")
    out = {name: f.join(episodes, on=["child_id", "referral_date"], how="semi")
           if name != "referrals" and "referral_date" in f.columns else f for name, f in frames.items()}
    if "cp_reviews" in out:
        plans = out["cp_plans"].select("child_id", plan_start_date="start_date")
        out["cp_reviews"] = out["cp_reviews"].join(plans, on=["child_id", "plan_start_date"], how="semi")
    return out


def collection_years(config: SynthConfig) -> list[int]:
    """Every collection year the history touches, the (possibly partial) current one included."""
    return list(range(reporting_year(config.history_start), reporting_year(config.today) + 1))


def write_all(frames: Mapping[str, pl.DataFrame], out_dir: Path, config: SynthConfig,
              progress: Progress | None = None) -> list[Path]:
    """Write the county in every real format (module docstring); returns the files written."""
    from caseboard.formats import annex_a, cin_census, dfe_api, extract, ssda903_csv

    say = progress or (lambda message, fraction: None)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    years = collection_years(config)
    for i, year in enumerate(years):
        say(f"returns for {year - 1}-{str(year)[-2:]}", i / (len(years) + 3))
        yearly = frames_for_year(frames, year)
        looked_after = for_return(yearly, SSDA903_TABLES, ("lac_episodes", "care_leaver_status", "adoptions"))
        written += ssda903_csv.write(looked_after, out_dir / "ssda903" / str(year), year=year)
        # Only what that year's census collects (CIN plan dates from 2022, pre-proceedings from 2026).
        collected = tuple(t for t in CIN_TABLES if t in {n.table: n for n in cin_census.table_nodes()}
                          and year >= {n.table: n for n in cin_census.table_nodes()}[t].since)
        in_need = _within_episodes(for_return(yearly, collected, ("referrals",)))
        census = out_dir / "cin-census"
        census.mkdir(parents=True, exist_ok=True)
        written += cin_census.write(in_need, census / f"CIN_census_{year}.xml", year=year, la_code=config.la_code)
    say("Annex A", len(years) / (len(years) + 3))
    annex = out_dir / "annex-a"
    annex.mkdir(parents=True, exist_ok=True)
    written += annex_a.write(frames, annex / f"annex-a-{config.today.isoformat()}.xlsx", as_at=config.today)
    say("DfE API sample", (len(years) + 1) / (len(years) + 3))
    recent = recent_changes(frames, config.today)
    api = out_dir / "dfe-api"
    api.mkdir(parents=True, exist_ok=True)
    written += dfe_api.write(recent, api / "changes.json")
    say("council extract", (len(years) + 2) / (len(years) + 3))
    written += extract.write(frames, out_dir / "extract", tables=list(EXTRACT_TABLES))
    written.append(_manifest(out_dir / "synthetic-county.md", frames, config))
    say("written", 1.0)
    return written


def recent_changes(frames: Mapping[str, pl.DataFrame], today: dt.date) -> dict[str, pl.DataFrame]:
    """What an API feed would have pushed lately: the records of the last fortnight, for their children."""
    lo = today - dt.timedelta(days=RECENT_DAYS)
    recent = frames_between(frames, lo, today)
    changed = pl.concat([f.select("child_id") for n, f in recent.items() if "child_id" in f.columns and n in SPANS
                         and n not in ("allocations", "workers")]).unique()
    return {n: f.join(changed, on="child_id", how="semi") if "child_id" in f.columns else f
            for n, f in recent.items()}


def _manifest(path: Path, frames: Mapping[str, pl.DataFrame], config: SynthConfig) -> Path:
    """A note for people: the parameters, the row counts and every planted error (ignored by the ingest)."""
    lines = [
        "# Synthetic county (not real data)",
        "",
        f"Generated by caseboard.synth: seed {config.seed}, scale {config.scale}, {config.years} years to "
        f"{config.today.isoformat()}, imperfection {config.imperfection}; calibrated on "
        f"{config.calibration.la_name} ({config.calibration.la_code}) {config.calibration.year}.",
        "",
        "| table | rows |",
        "|---|---|",
        *[f"| {t.name} | {frames[t.name].height:,} |" for t in TABLES if t.name in frames],
        "",
        "## Imperfection",
        "",
        *[f"- {kind}: probability {rate:.3f}" for kind, rate in sorted(config.injected_rates.items())],
        *[f"- {kind}: {count} records" for kind, count in sorted(config.injected.items())],
        "",
        "## Planted data-entry errors",
        "",
        *[f"- {e['kind']}: {e['table']}, child {e['child_id']}, field {e['field']}, value {e['value']}"
          for e in config.injected_errors],
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def synthesize(out_dir: Path, config: SynthConfig, progress: Progress | None = None) -> list[Path]:
    """Generate a county and write it in the real formats (what ``caseboard synth`` runs)."""
    from caseboard.synth.county import generate

    say = progress or (lambda message, fraction: None)
    frames = generate(config, lambda message, fraction: say(message, 0.5 * fraction))
    return write_all(frames, Path(out_dir), config, lambda message, fraction: say(message, 0.5 + 0.5 * fraction))
