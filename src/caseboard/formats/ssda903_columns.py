"""The SSDA903 tables once: their DfE columns, which canonical column each feeds, and the codes that differ.

Both 903 readers (CSV, XML) and both writers work from :data:`SPECS`, so the two formats cannot disagree about a
field. Column lists follow the DfE "Children looked after by local authorities in England" technical
specification, section 1.2.1 (CSV files) and the XML tag list; the social worker episodes table is new in
2023-24 (collection year 2024) and deprivation of liberty orders (DoLo) in 2026-27 (collection year 2027).

Years are collection years named by their end: 2024 = 1 April 2023 to 31 March 2024.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from caseboard.calendar import nth_birthday, reporting_year, reporting_year_bounds
from caseboard.model.tables import table as table_decl


@dataclass(frozen=True)
class Spec:
    """One 903 table.

    ``signature``: the columns (besides CHILD) that tell this table from the others when a CSV is identified by
    its header row. ``mapping``: DfE column -> canonical column; a column the mapping lacks (the DOB repeated in
    every sub-table) is read only to place the record and written from the child's own row. ``since``: first
    collection year of the table (the writer writes an empty file from then on, and a file with rows always).
    """

    name: str
    file: str
    target: str
    columns: tuple[str, ...]
    signature: tuple[str, ...]
    mapping: Mapping[str, str]
    since: int = 0
    extra: Mapping[str, str] = field(default_factory=dict)


SPECS: tuple[Spec, ...] = (
    Spec("header", "header", "children", ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"), ("ETHNIC",),
         {"CHILD": "child_id", "SEX": "sex", "DOB": "dob", "ETHNIC": "ethnicity", "UPN": "upn", "MOTHER": "mother",
          "MC_DOB": "mother_child_dob"},
         # The XML carries the UASC flag and DUC inside HEADER (no separate UASC table there).
         extra={"UASC": "uasc", "DUC": "uasc_ceased"}),
    Spec("episodes", "episodes", "lac_episodes",
         ("CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC", "REASON_PLACE_CHANGE",
          "HOME_POST", "PL_POST", "URN"), ("DECOM",),
         {"CHILD": "child_id", "DECOM": "start_date", "RNE": "rne", "LS": "legal_status", "CIN": "cin_category",
          "PLACE": "placement", "PLACE_PROVIDER": "provider", "DEC": "end_date", "REC": "reason_ceased",
          "REASON_PLACE_CHANGE": "reason_place_change", "HOME_POST": "home_postcode", "PL_POST": "placement_postcode",
          "URN": "urn"}),
    Spec("reviews", "reviews", "lac_reviews", ("CHILD", "DOB", "REVIEW", "REVIEW_CODE"), ("REVIEW",),
         {"CHILD": "child_id", "REVIEW": "review_date", "REVIEW_CODE": "participation"}),
    Spec("uasc", "uasc", "children", ("CHILD", "SEX", "DOB", "DUC"), ("DUC",),
         {"CHILD": "child_id", "SEX": "sex", "DOB": "dob", "DUC": "uasc_ceased"}),
    Spec("oc2", "oc2", "annual_outcomes",
         ("CHILD", "DOB", "SDQ_SCORE", "SDQ_REASON", "CONVICTED", "HEALTH_CHECK", "IMMUNISATIONS", "TEETH_CHECK",
          "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE", "INTERVENTION_RECEIVED", "INTERVENTION_OFFERED"), ("CONVICTED",),
         {"CHILD": "child_id", "SDQ_SCORE": "sdq_score", "SDQ_REASON": "sdq_reason", "CONVICTED": "convicted",
          "HEALTH_CHECK": "health_check", "IMMUNISATIONS": "immunisations", "TEETH_CHECK": "teeth_check",
          "HEALTH_ASSESSMENT": "health_assessment", "SUBSTANCE_MISUSE": "substance_misuse",
          "INTERVENTION_RECEIVED": "intervention_received", "INTERVENTION_OFFERED": "intervention_offered"}),
    Spec("oc3", "oc3", "care_leaver_status", ("CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"), ("IN_TOUCH",),
         {"CHILD": "child_id", "IN_TOUCH": "in_touch", "ACTIV": "activity", "ACCOM": "accommodation"}),
    Spec("ad1", "ad1", "adoptions",
         ("CHILD", "DOB", "DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"),
         ("DATE_INT",),
         {"CHILD": "child_id", "DATE_INT": "decision_date", "DATE_MATCH": "match_date",
          "FOSTER_CARE": "foster_carer_adoption", "NB_ADOPTR": "number_of_adopters", "SEX_ADOPTR": "sex_of_adopters",
          "LS_ADOPTR": "adopters_legal_status"}),
    Spec("placed_for_adoption", "placed_for_adoption", "adoptions",
         ("CHILD", "DOB", "DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED"), ("DATE_PLACED",),
         {"CHILD": "child_id", "DATE_PLACED": "placed_date", "DATE_PLACED_CEASED": "placed_ceased_date",
          "REASON_PLACED_CEASED": "placed_ceased_reason"}),
    Spec("previous_permanence", "previous_permanence", "previous_permanence",
         ("CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"), ("PREV_PERM",),
         {"CHILD": "child_id", "PREV_PERM": "prev_perm", "LA_PERM": "la_perm", "DATE_PERM": "date_perm"}),
    Spec("missing", "missing", "missing_episodes", ("CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"), ("MIS_START",),
         {"CHILD": "child_id", "MISSING": "kind", "MIS_START": "start_date", "MIS_END": "end_date"}),
    Spec("sw_episodes", "sw_episodes", "allocations", ("CHILD", "DOB", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"),
         ("SW_ID",), {"CHILD": "child_id", "SW_ID": "worker_id", "SW_DECOM": "start_date", "SW_DEC": "end_date",
                      "SW_REASON": "reason"}, since=2024),
    Spec("dolo", "DoLo", "deprivation_of_liberty", ("CHILD", "DOB", "DOLO_START", "DOLO_END"), ("DOLO_START",),
         {"CHILD": "child_id", "DOLO_START": "start_date", "DOLO_END": "end_date"}, since=2027),
)

SPECS_BY_NAME: dict[str, Spec] = {s.name: s for s in SPECS}

#: The XML's names for two CSV columns (technical specification, Annex A: XML tag to screen field mapping).
ALIASES: dict[str, str] = {"CHILDID": "CHILD", "PL": "PLACE"}


def normalise_column(name: str) -> str:
    """A header cell as the DfE spells it: BOM and spaces removed, upper case, XML tag names as CSV names."""
    key = name.replace("\ufeff", "").strip().upper()
    return ALIASES.get(key, key)


def identify(columns: Iterable[str]) -> Spec | None | list[Spec]:
    """The table whose signature the columns carry; several equally good candidates are returned as a list."""
    present = {normalise_column(c) for c in columns}
    if "CHILD" not in present:
        return None
    candidates = [s for s in SPECS if set(s.signature) <= present]
    if not candidates:
        return None
    best = max(len(present & set(s.columns)) for s in candidates)
    top = [s for s in candidates if len(present & set(s.columns)) == best]
    return top[0] if len(top) == 1 else top


def describe_tables() -> str:
    return "; ".join(f"{s.name} ({', '.join(s.columns)})" for s in SPECS)


# --- sex -------------------------------------------------------------------------------------------------------

#: The 903 coded SEX 1 (male) / 2 (female) until 2023-24 and M/F/U from 2024-25 (DfE SSDA903 2024-25 technical
#: specification, code set "Sex"). The model holds M/F/U, so 1/2 are translated in any year; other values pass.
SEX_TO_MODEL: dict[str, str] = {"1": "M", "2": "F"}
SEX_FROM_MODEL: dict[str, str] = {v: k for k, v in SEX_TO_MODEL.items()}
SEX_MFU_FROM = 2025


def sex_to_model(raw: pl.Series) -> pl.Series:
    text = raw.str.strip_chars()
    return text.replace(SEX_TO_MODEL).rename(raw.name)


def sex_era_mismatch(raw: pl.Series, year: int | None) -> pl.Series:
    """Which raw SEX values use the other era's codes (1/2 from 2025, M/F/U before): read, but worth a warning."""
    text = raw.str.strip_chars().str.to_uppercase()
    if year is None:
        return pl.Series([False] * raw.len())
    wrong = ["1", "2"] if year >= SEX_MFU_FROM else ["M", "F", "U"]
    return text.is_in(wrong).fill_null(False)


def sex_for_year(model: pl.Series, year: int) -> pl.Series:
    """The model's M/F/U as the return for ``year`` codes it (U has no code before 2025 and is written as U)."""
    return model if year >= SEX_MFU_FROM else model.replace(SEX_FROM_MODEL)


# --- collection years ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class YearLabel:
    """A year found in a file or folder name. ``definite``: it named both years ("2023-24"), so means the end."""

    year: int
    definite: bool
    text: str


_YEAR = re.compile(r"(?<!\d)(20\d{2})(?:[-_/ ]?(\d{2}|20\d{2}))?(?!\d)")


def year_label(path: Path) -> YearLabel | None:
    """The year in the file name or, failing that, its folder's name ("2017-episodes.csv", "903/2023-24/...")."""
    for text in (path.stem, path.parent.name):
        for m in _YEAR.finditer(text):
            start, second = int(m.group(1)), m.group(2)
            if second is not None and int(second[-2:]) == (start + 1) % 100:
                return YearLabel(start + 1, True, m.group(0))
            return YearLabel(start, False, m.group(1))
    return None


#: Share of a return's dates that a year must hold to count as the return's latest year (see year_from_dates).
YEAR_SHARE = 0.01


def year_from_dates(dates: pl.Series) -> int | None:
    """The latest collection year holding at least 1% of the dates.

    Why not simply the year of the latest date: real and fake returns alike carry a few mistyped future dates
    (the validator's fake reviews run to 2031), and one such date must not move the whole return.
    """
    dates = dates.drop_nulls()
    if dates.len() == 0:
        return None
    per_year: Counter[int] = Counter()
    for day, count in dates.value_counts().iter_rows():
        per_year[reporting_year(day)] += count
    needed = max(1, math.ceil(YEAR_SHARE * dates.len()))
    return max(y for y, n in per_year.items() if n >= needed)


def resolve_year(label: YearLabel | None, evidence: int | None) -> tuple[int | None, str | None]:
    """The collection year of a return from its name and its dates, and a warning when they cannot settle it.

    A bare year in a name is ambiguous: the multi-year sample's "2017-episodes.csv" holds April 2017 to March
    2018 (collection year 2018), while councils often name a return by the year it ends. The dates decide
    between the two; without dates the name is read as the year's end, as the DfE names its collections.
    """
    if label is not None and label.definite:
        return label.year, None
    if label is None:
        if evidence is None:
            return None, "no year in the file or folder name, and no episode, review or missing dates to tell it"
        return evidence, None
    if evidence in (label.year, label.year + 1):
        return evidence, None
    if evidence is None:
        return label.year, (f"collection year {label.year} taken from the name '{label.text}' (year ending 31 March "
                            f"{label.year}); no episode, review or missing dates confirm it")
    return label.year, (f"the name says {label.text} but the dates point to the year ending 31 March {evidence}; "
                        f"{label.year} used")


def birthday_in_year(dob: pl.Series, year: int) -> pl.Series:
    """Each child's birthday within collection year ``year`` (1 April year-1 to 31 March year).

    Birthdays follow :func:`caseboard.calendar.nth_birthday` (a 29 February child's falls on 28 February in
    a common year), the one definition the indicators and worklists use too.
    """
    out = []
    for day in dob.to_list():
        if day is None:
            out.append(None)
            continue
        in_year = year - 1 if (day.month, day.day) >= (4, 1) else year
        out.append(nth_birthday(day, in_year - day.year))
    return pl.Series(dob.name, out, dtype=pl.Date)


# --- writing ---------------------------------------------------------------------------------------------------

def to_dfe(spec: Spec, frame: pl.DataFrame, year: int, dobs: pl.DataFrame | None = None) -> pl.DataFrame:
    """Canonical rows as the DfE table's text columns: dd/mm/yyyy dates, 1/0 flags, SEX coded for ``year``.

    ``dobs`` (child_id, dob) supplies the DOB that every sub-table repeats but the model keeps once per child.
    """
    decl = table_decl(spec.target)
    exprs: list[pl.Expr] = []
    for name in spec.columns:
        column = spec.mapping.get(name)
        if column is None:
            exprs.append(pl.col("__dob").dt.strftime("%d/%m/%Y").alias(name))
            continue
        ctype = decl.column(column).type
        source = pl.col(column)
        if ctype == "date":
            exprs.append(source.dt.strftime("%d/%m/%Y").alias(name))
        elif ctype == "bool":
            exprs.append(pl.when(source).then(pl.lit("1")).when(~source).then(pl.lit("0")).alias(name))
        else:
            exprs.append(source.cast(pl.Utf8).alias(name))
    if "DOB" in spec.columns and "DOB" not in spec.mapping:
        lookup = (dobs if dobs is not None else pl.DataFrame(schema={"child_id": pl.Utf8, "dob": pl.Date}))
        lookup = lookup.select("child_id", pl.col("dob").alias("__dob")).unique("child_id", keep="first")
        frame = frame.join(lookup, on="child_id", how="left", maintain_order="left")
    out = frame.select(exprs)
    if "SEX" in out.columns:
        out = out.with_columns(sex_for_year(out["SEX"], year).alias("SEX"))
    return out


#: Adoption fields only the AD1 table carries: a canonical adoption with any of them is written to AD1.
AD1_ONLY = ("match_date", "foster_carer_adoption", "number_of_adopters", "sex_of_adopters", "adopters_legal_status")


def dfe_tables(frames: Mapping[str, pl.DataFrame], year: int) -> dict[str, pl.DataFrame]:
    """Every 903 table for collection year ``year`` from canonical frames, as DfE text columns.

    Rows are written as given, except the two per-year tables: OC2 takes the outcomes recorded for ``year`` and
    OC3 the care-leaver statuses dated within it. An adoption goes to AD1 when it has AD1 details or its decision
    date differs from its placement date, and to "placed for adoption" when it has placement details; the reader
    joins the two back on the child.
    """
    children = frames.get("children")
    dobs = children.select("child_id", "dob") if children is not None else None
    start, end = reporting_year_bounds(year)
    chosen: dict[str, pl.DataFrame] = {}
    for spec in SPECS:
        frame = frames.get(spec.target)
        if frame is None:
            continue
        if spec.name == "uasc":
            frame = frame.filter(pl.col("uasc").fill_null(False))
        elif spec.name == "oc2":
            frame = frame.filter(pl.col("year") == year)
        elif spec.name == "oc3":
            frame = frame.filter(pl.col("status_date").is_between(start, end))
        elif spec.name == "ad1":
            frame = frame.filter(pl.any_horizontal([pl.col(c).is_not_null() for c in AD1_ONLY])
                                 | pl.col("placed_date").is_null()
                                 | (pl.col("placed_date") != pl.col("decision_date")))
        elif spec.name == "placed_for_adoption":
            frame = frame.filter(pl.any_horizontal([pl.col(c).is_not_null() for c in spec.mapping.values()
                                                    if c != "child_id"]))
        chosen[spec.name] = to_dfe(spec, frame, year, dobs)
    return chosen
