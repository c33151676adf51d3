"""Caseboard's own checks on canonical records, run on every load before anything is stored.

Each check is a small function from the batch's canonical frames to findings, so a person sees every problem
with its file, row, field, value and what was expected. Checks report; they never change or drop a record
(loading the record with its finding keeps the data and lets the data-quality indicators count it).

The DfE's own rule packs are separate (``validation.dfe_rules``) and run on request, because they pin old
libraries and take minutes on a large return.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping

import polars as pl

from caseboard.formats.base import Finding, SourceFile
from caseboard.model import codelists
from caseboard.model.tables import TABLES, TABLES_BY_NAME

Frames = Mapping[str, pl.DataFrame]

#: Which code-list collection governs records that came from each file format. Formats not listed carry codes
#: in the model's own vocabulary (council extracts, Annex A text) and are checked against the 903/CIN lists of
#: the file's year where the column has one.
COLLECTION_OF_FORMAT = {
    "ssda903-csv": "ssda903",
    "ssda903-xml": "ssda903",
    "cin-census-xml": "cin",
}

#: Fields whose codes come from the CIN census when a format has no collection of its own.
CIN_LISTS = frozenset({"referral_source", "primary_need", "closure_reason", "abuse_category", "upn_unknown"})


def record_checks(frames: Frames, files: Iterable[SourceFile], *, today: dt.date | None = None) -> list[Finding]:
    """Checks of each record on its own: run on every record as read, before records from several sources are
    stitched into one, so that a bad value in one source is reported even when another source gives a good one."""
    file_info = {f.path: f for f in files}
    findings: list[Finding] = []
    for check in (dates_in_order, codes_valid_for_year):
        findings.extend(check(frames, file_info))
    findings.extend(events_before_birth(frames))
    findings.extend(future_dates(frames, today or dt.date.today()))
    return findings


def cross_record_checks(frames: Frames, *, known_children: set[str] | None = None,
                        known_workers: set[str] | None = None, known_teams: set[str] | None = None,
                        known_areas: set[str] | None = None) -> list[Finding]:
    """Checks between records (overlaps, references): run once records are one per natural key.
    ``known_*`` are identifiers already in the store (references may point there)."""
    return overlapping_periods(frames) + references_resolve(
        frames, known_children or set(), known_workers or set(), known_teams or set(), known_areas or set())


def run_checks(frames: Frames, files: Iterable[SourceFile], *, known_children: set[str] | None = None,
               known_workers: set[str] | None = None, known_teams: set[str] | None = None,
               known_areas: set[str] | None = None, today: dt.date | None = None) -> list[Finding]:
    """Every check, on frames that already hold one record per key (see :func:`record_checks` for why the
    load runs the two kinds at different moments)."""
    return record_checks(frames, files, today=today) + cross_record_checks(
        frames, known_children=known_children, known_workers=known_workers, known_teams=known_teams,
        known_areas=known_areas)


def _findings(frame: pl.DataFrame, table: str, field: str, value_expr: pl.Expr, expected: Callable[[dict], str],
              rule: str, severity: str = "error") -> list[Finding]:
    """Findings for every row of ``frame`` (already filtered to the bad ones)."""
    if frame.height == 0:
        return []
    child = pl.col("child_id") if "child_id" in frame.columns else pl.lit(None, pl.Utf8)
    rows = frame.with_columns(value_expr.cast(pl.Utf8).alias("__value"), child.alias("__child"))
    return [
        Finding(r["source_file"], r["source_row"], field, r["__value"], expected(r), severity, rule, table, r["__child"])  # type: ignore[arg-type]
        for r in rows.iter_rows(named=True)
    ]


def dates_in_order(frames: Frames, file_info: Mapping[str, SourceFile]) -> list[Finding]:
    """An end before its start cannot be right (e.g. 903 DEC before DECOM; CIN closure before referral)."""
    out: list[Finding] = []
    for t in TABLES:
        frame = frames.get(t.name)
        if frame is None or frame.height == 0:
            continue
        for start, end in t.date_columns_in_order:
            bad = frame.filter(pl.col(end) < pl.col(start))
            out += _findings(bad, t.name, end, pl.col(end),
                             lambda r, s=start: f"a date on or after {s} ({r[s]})", "dates-in-order")
    return out


def _collection_for(fmt: str, list_name: str) -> str:
    if fmt in COLLECTION_OF_FORMAT:
        return COLLECTION_OF_FORMAT[fmt]
    return "cin" if list_name in CIN_LISTS else "ssda903"


def codes_valid_for_year(frames: Frames, file_info: Mapping[str, SourceFile]) -> list[Finding]:
    """A code must be in the list in force for the file's collection year (code lists change every year)."""
    out: list[Finding] = []
    for t in TABLES:
        frame = frames.get(t.name)
        if frame is None or frame.height == 0:
            continue
        for column in t.columns:
            if column.codelist is None or column.name not in frame.columns:
                continue
            values = frame.filter(pl.col(column.name).is_not_null())
            if values.height == 0:
                continue
            for (source_file,), part in values.group_by(["source_file"], maintain_order=True):
                # a workbook's records name "<file> [<sheet>]"
                info = file_info.get(str(source_file).split(" [")[0]) or file_info.get(source_file)  # type: ignore[arg-type]
                if info is None or info.collection_year is None:
                    continue
                collection = _collection_for(info.format, column.codelist)
                valid = codelists.codes(collection, column.codelist, info.collection_year)
                if valid is None:
                    continue
                bad = part.filter(~pl.col(column.name).is_in(list(valid)))
                shown = ", ".join(sorted(valid)[:12]) + (" ..." if len(valid) > 12 else "")
                out += _findings(bad, t.name, column.name, pl.col(column.name),
                                 lambda r, y=info.collection_year, s=shown, c=collection:
                                 f"a {c.upper()} code valid in {y}: one of {s}", "code-list")
    return out


def overlapping_periods(frames: Frames) -> list[Finding]:
    """A child cannot be in two looked-after episodes, or on two child protection plans, at once."""
    out: list[Finding] = []
    for name in ("lac_episodes", "cp_plans", "cin_plans"):
        frame = frames.get(name)
        if frame is None or frame.height == 0:
            continue
        ordered = frame.sort(["child_id", "start_date"]).with_columns(
            pl.col("end_date").shift(1).over("child_id").alias("__prev_end"),
            pl.col("start_date").shift(1).over("child_id").alias("__prev_start"),
        )
        bad = ordered.filter(pl.col("__prev_start").is_not_null()
                             & (pl.col("__prev_end").is_null() | (pl.col("start_date") < pl.col("__prev_end"))))
        out += _findings(bad, name, "start_date", pl.col("start_date"),
                         lambda r: f"a start on or after the end of the previous record for this child "
                                   f"(which started {r['__prev_start']} and "
                                   + (f"ended {r['__prev_end']})" if r["__prev_end"] else "has no end date)"),
                         "overlap")
    return out


def events_before_birth(frames: Frames) -> list[Finding]:
    """Nothing about a child (other than a pre-birth plan or referral for an unborn child) predates birth."""
    children = frames.get("children")
    if children is None or children.height == 0:
        return []
    births = children.select("child_id", "dob").filter(pl.col("dob").is_not_null()).unique("child_id", keep="last")
    out: list[Finding] = []
    for name in ("lac_episodes", "lac_reviews", "visits", "health_assessments", "peps", "missing_episodes"):
        frame = frames.get(name)
        if frame is None or frame.height == 0:
            continue
        date_col = next(c.name for c in TABLES_BY_NAME[name].columns if c.type == "date" and c.required)
        bad = frame.join(births, on="child_id", how="inner").filter(pl.col(date_col) < pl.col("dob"))
        out += _findings(bad, name, date_col, pl.col(date_col),
                         lambda r: f"a date on or after the child's birth ({r['dob']})", "before-birth")
    return out


def future_dates(frames: Frames, today: dt.date) -> list[Finding]:
    """Events dated after today are usually keying errors (a target date is allowed to be in the future)."""
    out: list[Finding] = []
    allowed = {"icpc_target", "uasc_ceased", "expected_dob", "end_date"}
    for t in TABLES:
        frame = frames.get(t.name)
        if frame is None or frame.height == 0:
            continue
        for c in t.columns:
            if c.type != "date" or c.name in allowed or c.name not in frame.columns:
                continue
            bad = frame.filter(pl.col(c.name) > today)
            out += _findings(bad, t.name, c.name, pl.col(c.name), lambda r, d=today: f"a date not after today ({d})",
                             "future-date", "warning")
    return out


def references_resolve(frames: Frames, known_children: set[str], known_workers: set[str], known_teams: set[str],
                       known_areas: set[str]) -> list[Finding]:
    """Records must point at things that exist: a child, a worker, a team, an area."""
    def ids(table: str, column: str, known: set[str]) -> pl.DataFrame:
        frame = frames.get(table)
        found = frame.select(pl.col(column).alias("__id")) if frame is not None and frame.height else None
        given = pl.DataFrame({"__id": list(known)}, schema={"__id": pl.Utf8})
        return (pl.concat([given, found]) if found is not None else given).unique()

    def unknown(frame: pl.DataFrame, column: str, known: pl.DataFrame) -> pl.DataFrame:
        return frame.filter(pl.col(column).is_not_null()).join(known, left_on=column, right_on="__id", how="anti")

    children = ids("children", "child_id", known_children)
    out: list[Finding] = []
    for t in TABLES:
        frame = frames.get(t.name)
        if frame is None or frame.height == 0 or t.name == "children" or t.child_column is None:
            continue
        out += _findings(unknown(frame, "child_id", children), t.name, "child_id", pl.col("child_id"),
                         lambda r: "a child present in this load or already loaded (no child record found)",
                         "reference", "warning")
    checks = [("allocations", "worker_id", "workers", known_workers, "worker"),
              ("allocations", "team_id", "teams", known_teams, "team"),
              ("workers", "team_id", "teams", known_teams, "team"),
              ("teams", "area_id", "areas", known_areas, "area")]
    for table, column, target, known_ids, noun in checks:
        frame = frames.get(table)
        known = ids(target, f"{noun}_id", known_ids)
        # Only check where the load or the store holds that kind of record at all: a 903 return's social
        # worker ids cannot be resolved until the council's workforce extract is loaded, and that is not an error.
        if frame is None or frame.height == 0 or known.height == 0:
            continue
        out += _findings(unknown(frame, column, known), table, column, pl.col(column),
                         lambda r, n=noun: f"a known {n} (no {n} record with this identifier)", "reference", "warning")
    return out
