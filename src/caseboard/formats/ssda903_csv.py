"""The SSDA903 return as CSV files (one per table), read into the canonical model and written back.

A file's table is recognised by its header row, never by its name: councils rename files, and the DfE's own
loader takes the columns as the truth (technical specification 1.2.1). Each file's collection year comes from a
year in its name or folder, checked against the dates inside (see :func:`ssda903_columns.resolve_year`).

Translations where the model differs from the return (everything else passes through as given, stripped):
- SEX 1/2 (to 2023-24) become M/F; UASC presence sets ``children.uasc`` (True for the children listed, False for
  the others of the same return) and DUC ``uasc_ceased``. Header and UASC rows of one child become one row.
- OC2 becomes the child's outcomes for the return's collection year; OC3 is dated at the child's birthday in
  that year, since the DfE asks for the care leaver's situation around their 17th-21st birthday.
- AD1 and "placed for adoption" rows of a child are joined into one adoption. DATE_PLACED is, in the DfE guide,
  the date of the decision that the child should be placed for adoption, so a child with no AD1 row is dated
  by it (the model requires the decision date).
:func:`assemble` does this for both 903 formats: the XML reader hands it the same tables.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from caseboard.formats.base import Batch, Finding, FormatError, SourceFile, canonicalise
from caseboard.formats.ssda903_columns import (
    SPECS, Spec, birthday_in_year, describe_tables, dfe_tables, identify, normalise_column, resolve_year,
    sex_era_mismatch, sex_to_model, year_from_dates, year_label,
)
from caseboard.formats.values import parse_dates

FORMAT = "ssda903-csv"


@dataclass
class RawTable:
    """One 903 table as read: DfE column names, text values, and each record's row (or line) in its file."""

    spec: Spec
    frame: pl.DataFrame
    rows: pl.Series


@dataclass
class RawFile:
    path: Path
    format: str
    tables: list[RawTable]
    records: int


# --- reading ---------------------------------------------------------------------------------------------------

def sniff(path: Path) -> bool:
    """A .csv file whose header row is that of a 903 table."""
    if path.suffix.lower() != ".csv":
        return False
    with path.open("rb") as fh:
        head = fh.read(8192)
    try:
        first = _decode(head, path, partial=True).splitlines()[0]
    except (FormatError, IndexError):
        return False
    found = identify(next(csv.reader([first]), []))
    return isinstance(found, Spec)


def read(paths: list[Path], batch: Batch) -> None:
    assemble([_read_file(p, batch) for p in paths], batch)


def _decode(data: bytes, path: Path, *, partial: bool = False) -> str:
    """UTF-8 (with or without BOM), else Windows-1252 (what Excel saves as "CSV" on English Windows)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if partial and exc.start >= len(data) - 3:  # a character cut at the end of the sniffed block
            text = data[: exc.start].decode("utf-8", errors="strict")
        else:
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                raise FormatError(str(path), "the file is neither UTF-8 nor Windows-1252 text: save it as CSV "
                                             "(UTF-8) and try again") from None
    return text.lstrip("\ufeff")


def _read_file(path: Path, batch: Batch) -> RawFile:
    data = path.read_bytes()
    if not data.strip(b" \r\n\t\xef\xbb\xbf"):
        raise FormatError(str(path), "the file is empty: expected an SSDA903 table with its header row "
                                     "(for example CHILD,DECOM,RNE,LS,... for episodes)")
    text = _decode(data, path)
    try:
        frame = pl.read_csv(io.BytesIO(text.encode("utf-8")), infer_schema=False)
    except pl.exceptions.PolarsError as exc:
        raise FormatError(str(path), f"cannot be read as CSV ({str(exc).splitlines()[0]})", row=_ragged_row(text))
    names = [normalise_column(c) for c in frame.columns]
    if len(set(names)) != len(names):
        twice = sorted({n for n in names if names.count(n) > 1})
        raise FormatError(str(path), f"the header row names {', '.join(twice)} more than once", row=1)
    frame.columns = names
    spec = identify(names)
    if not isinstance(spec, Spec):
        what = ("could be more than one SSDA903 table (" + ", ".join(s.name for s in spec) + ")") if spec else \
            "are not those of any SSDA903 table"
        raise FormatError(str(path), f"the columns found ({', '.join(frame.columns)}) {what}; expected the columns "
                                     f"of one of: {describe_tables()}", row=1)
    _report_columns(path, spec, names, batch)
    rows = pl.int_range(2, frame.height + 2, eager=True, dtype=pl.Int64).alias("source_row")
    blank = frame.select(pl.all_horizontal(pl.all().str.strip_chars().fill_null("") == "")).to_series()
    if blank.any():
        batch.findings.append(Finding(str(path), int(rows.filter(blank)[0]), None, None,
                                      f"no blank rows ({int(blank.sum())} found, holding nothing; skipped)",
                                      "warning", "ssda903-blank-rows", spec.target))
        frame, rows = frame.filter(~blank), rows.filter(~blank)
    return RawFile(path, FORMAT, [RawTable(spec, frame, rows)], frame.height)


def _bare_name(name: str) -> str:
    """A table's file name without a year ("2017-episodes" -> "episodes") or punctuation; "oc2" stays "oc2"."""
    return re.sub(r"[^a-z0-9]", "", re.sub(r"(19|20)\d\d", "", name.lower().removesuffix(".csv")))


def _report_columns(path: Path, spec: Spec, names: list[str], batch: Batch) -> None:
    """Missing columns are read as blank and extra ones are not read: both are said, never silent.

    A file named after another table (an "episodes.csv" holding the header) is read as what its columns say,
    which is worth saying too: the episodes may be missing from the return.
    """
    named = next((s for s in SPECS if _bare_name(s.file) == _bare_name(path.stem)), None)
    if named is not None and named is not spec:
        batch.findings.append(Finding(str(path), 1, None, path.name,
                                      f"the {named.name} table, as the name says (its columns are those of the "
                                      f"{spec.name} table, and it is read as that)", "warning", "ssda903-columns",
                                      spec.target))
    missing = [c for c in spec.columns if c not in names]
    extra = [c for c in names if c not in spec.columns and c not in spec.extra]
    if missing:
        batch.findings.append(Finding(str(path), 1, ", ".join(missing), None,
                                      f"every column of the {spec.name} table (missing ones are read as blank)",
                                      "warning", "ssda903-columns", spec.target))
    if extra:
        batch.findings.append(Finding(str(path), 1, ", ".join(extra), None,
                                      f"only the columns of the {spec.name} table (others are not read)",
                                      "warning", "ssda903-columns", spec.target))


def _ragged_row(text: str) -> int | None:
    """The first line with more fields than the header (polars does not say which line)."""
    reader = csv.reader(io.StringIO(text))
    width = len(next(reader, []))
    for record in reader:
        if len(record) > width:
            return reader.line_num
    return None


# --- one return: years, translations, merges ------------------------------------------------------------------

#: Dates that fall inside the year of the return: episodes first (every DEC, and the latest DECOMs, are in it);
#: the others only when a return has no episodes (their fake samples carry review dates years ahead).
EVIDENCE: tuple[tuple[tuple[str, tuple[str, ...]], ...], ...] = (
    (("episodes", ("DECOM", "DEC")),),
    (("missing", ("MIS_START", "MIS_END")), ("sw_episodes", ("SW_DECOM", "SW_DEC")), ("reviews", ("REVIEW",)),
     ("dolo", ("DOLO_START", "DOLO_END"))),
)


def _year_evidence(files: list[RawFile]) -> int | None:
    for sources in EVIDENCE:
        wanted = dict(sources)
        parts = [parse_dates(t.frame[c]) for f in files for t in f.tables
                 for c in wanted.get(t.spec.name, ()) if c in t.frame.columns]
        found = year_from_dates(pl.concat(parts)) if parts else None
        if found is not None:
            return found
    return None


def assemble(files: list[RawFile], batch: Batch) -> None:
    """Canonical frames from the raw 903 tables of one read, grouped into returns (folder and year in the name)."""
    groups: dict[tuple[Path, object], list[RawFile]] = {}
    for f in files:
        groups.setdefault((f.path.parent, year_label(f.path)), []).append(f)
    for (_, label), members in groups.items():
        year, warning = resolve_year(label, _year_evidence(members))  # type: ignore[arg-type]
        for f in members:
            if warning:
                batch.findings.append(Finding(str(f.path), None, None, getattr(label, "text", None), warning,
                                              "warning", "ssda903-year"))
            source = SourceFile.of(f.path, f.format, year)
            source.records = f.records
            batch.files.append(source)
        _emit_return(members, year, batch)


def _emit_return(files: list[RawFile], year: int | None, batch: Batch) -> None:
    canon: dict[str, list[pl.DataFrame]] = {}
    for f in files:
        for t in f.tables:
            raw = _canonical_raw(t, year, f.path, batch)
            canon.setdefault(t.spec.name, []).append(
                canonicalise(t.spec.target, raw, file=str(f.path), batch=batch, rows=t.rows))

    def take(name: str) -> pl.DataFrame | None:
        frames = canon.pop(name, None)
        return pl.concat(frames) if frames else None

    header, uasc = take("header"), take("uasc")
    children = merge_on_child(header, uasc, ("uasc", "uasc_ceased", "sex", "dob"))
    if children is not None:
        batch.add("children", children.with_columns(pl.col("uasc").fill_null(False)) if uasc is not None else children)
    adoptions = merge_on_child(take("ad1"), take("placed_for_adoption"),
                               ("placed_date", "placed_ceased_date", "placed_ceased_reason"))
    if adoptions is not None:
        batch.add("adoptions", adoptions)
    for spec in SPECS:
        frame = take(spec.name)
        if frame is not None:
            batch.add(spec.target, frame)


def _canonical_raw(t: RawTable, year: int | None, path: Path, batch: Batch) -> pl.DataFrame:
    """The raw table under canonical names, with the model's translations (module docstring) applied."""
    spec, frame = t.spec, t.frame
    mapping = {**spec.mapping, **spec.extra}
    raw = frame.select([pl.col(c).alias(mapping[c]) for c in frame.columns if c in mapping])
    if "sex" in raw.columns:
        odd = sex_era_mismatch(raw["sex"], year)
        if odd.any():
            batch.findings.append(Finding(
                str(path), int(t.rows.filter(odd)[0]), "sex", raw["sex"].filter(odd)[0],
                f"SEX coded as the {year} return codes it ({'M, F or U' if (year or 0) >= 2025 else '1 or 2'}); "
                f"{int(odd.sum())} record(s) use another year's codes and were read as M/F/U",
                "warning", "ssda903-sex-code", spec.target))
        raw = raw.with_columns(sex_to_model(raw["sex"]))
    if spec.name == "uasc":
        raw = raw.with_columns(pl.lit("1").alias("uasc"))
    elif spec.name == "oc2":
        raw = raw.with_columns(pl.lit(None if year is None else str(year), pl.Utf8).alias("year"))
    elif spec.name == "oc3":
        dob_text = frame["DOB"] if "DOB" in frame.columns else pl.Series([None] * frame.height, dtype=pl.Utf8)
        dob = parse_dates(dob_text)
        birthday = (birthday_in_year(dob, year).dt.strftime("%Y-%m-%d") if year is not None
                    else pl.Series([None] * frame.height, dtype=pl.Utf8))
        # An unreadable DOB is passed on as the status date, so the finding shows the value to correct.
        raw = raw.with_columns(pl.coalesce(birthday, pl.when(dob.is_null()).then(dob_text)).alias("status_date"))
    elif spec.name == "placed_for_adoption":
        raw = raw.with_columns(pl.col("placed_date").alias("decision_date"))
    return raw


def merge_on_child(primary: pl.DataFrame | None, secondary: pl.DataFrame | None,
                   fill: tuple[str, ...]) -> pl.DataFrame | None:
    """One row per child where two 903 tables describe the same thing (header + UASC, AD1 + placed).

    Each primary row takes the ``fill`` values it lacks from the first secondary row of its child; secondary rows
    not taken (a child in the UASC table only, a second placement decision) stay rows of their own, so nothing
    is lost and duplicates remain visible to validation.
    """
    if primary is None or secondary is None:
        return primary if secondary is None else secondary
    indexed = secondary.with_row_index("__i")
    first = indexed.unique("child_id", keep="first", maintain_order=True)
    used = first.filter(pl.col("child_id").is_in(primary["child_id"].implode()))["__i"]
    joined = primary.join(first.select("child_id", *[pl.col(c).alias(f"__{c}") for c in fill]),
                          on="child_id", how="left", maintain_order="left")
    joined = joined.with_columns([pl.coalesce(c, f"__{c}").alias(c) for c in fill]).select(primary.columns)
    rest = indexed.filter(~pl.col("__i").is_in(used.implode())).select(primary.columns)
    return pl.concat([joined, rest])


# --- writing ---------------------------------------------------------------------------------------------------

def write(frames: Mapping[str, pl.DataFrame], out: Path, *, year: int, **options: object) -> list[Path]:
    """The 903 CSV files for collection year ``year`` in folder ``out`` (DfE column names, dd/mm/yyyy dates).

    A table is written when it has rows, or empty from the year the DfE introduced it.
    """
    out.mkdir(parents=True, exist_ok=True)
    tables = dfe_tables(frames, year)
    written: list[Path] = []
    for spec in SPECS:
        table = tables.get(spec.name)
        if table is None:
            table = pl.DataFrame(schema={c: pl.Utf8 for c in spec.columns})
        if table.height == 0 and year < spec.since:
            continue
        path = out / f"{spec.file}.csv"
        table.write_csv(path)
        written.append(path)
    return written
