"""What every reader produces: a :class:`Batch` of canonical frames with the findings met on the way.

A reader's only job is to say which raw value in its file is which canonical field. Typing (dates in any of the
shapes councils send, booleans, integers), required-field checks and quarantine happen here, once, in
:func:`canonicalise`, so that every format gets the same treatment and the same messages.

Nothing is silently dropped: a record that cannot enter the model (a required field missing or unreadable)
goes to ``quarantine`` with its raw values and a finding naming file, row, field, value and what was expected.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import polars as pl

from caseboard.model.schema import PROVENANCE_COLUMNS, Table
from caseboard.model.tables import table as table_decl
from caseboard.formats.values import parse_column

Severity = Literal["fatal", "error", "warning"]


class FormatError(Exception):
    """A file that cannot be read at all (wrong format, truncated, empty): the whole load is refused."""

    def __init__(self, file: str, message: str, *, row: int | None = None, field: str | None = None) -> None:
        self.file, self.row, self.field, self.message = file, row, field, message
        where = file + (f", row {row}" if row is not None else "") + (f", field {field}" if field else "")
        super().__init__(f"{where}: {message}")

    def finding(self) -> "Finding":
        return Finding(file=self.file, row=self.row, field=self.field, value=None, expected=self.message,
                       severity="fatal", rule="format")


@dataclass(frozen=True)
class Finding:
    """One problem found in the input, precise enough for a person to find and fix it at source."""

    file: str
    row: int | None
    field: str | None
    value: str | None
    expected: str
    severity: Severity
    rule: str
    table: str | None = None
    child_id: str | None = None
    source: str = "caseboard"

    def message(self) -> str:
        where = self.file + (f", row {self.row}" if self.row is not None else "")
        what = f", field {self.field}" if self.field else ""
        got = f": found {self.value!r}" if self.value not in (None, "") else (": found nothing" if self.field else "")
        return f"{where}{what}{got}; expected {self.expected}"


@dataclass
class SourceFile:
    """A file that went into a load, with what identifies it and what it held."""

    path: str
    format: str
    sha256: str
    size: int
    collection_year: int | None = None
    records: int = 0

    @classmethod
    def of(cls, path: Path, format: str, collection_year: int | None = None) -> "SourceFile":
        data = path.read_bytes()
        return cls(str(path), format, hashlib.sha256(data).hexdigest(), len(data), collection_year)


@dataclass
class Batch:
    """Canonical frames from one or more files, not yet stored."""

    frames: dict[str, pl.DataFrame] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    files: list[SourceFile] = field(default_factory=list)
    quarantine: list[dict[str, object]] = field(default_factory=list)
    #: Deletions a source asked for (the DfE API's purge flags), applied by the store after the records merge.
    purges: list[Any] = field(default_factory=list)

    def add(self, table_name: str, frame: pl.DataFrame) -> None:
        """Append rows to a table's frame (frames already canonical: see :func:`canonicalise`)."""
        if frame.height == 0:
            self.frames.setdefault(table_name, frame)
            return
        if table_name in self.frames and self.frames[table_name].height:
            self.frames[table_name] = pl.concat([self.frames[table_name], frame], how="vertical_relaxed")
        else:
            self.frames[table_name] = frame

    def extend(self, other: "Batch") -> None:
        for name, frame in other.frames.items():
            self.add(name, frame)
        self.findings.extend(other.findings)
        self.files.extend(other.files)
        self.quarantine.extend(other.quarantine)
        self.purges.extend(other.purges)

    @property
    def fatal(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "fatal"]

    def counts(self) -> dict[str, int]:
        return {name: frame.height for name, frame in sorted(self.frames.items())}


def empty_frame(t: Table) -> pl.DataFrame:
    """An empty frame with the canonical columns of ``t`` and provenance (load_id is set by the store)."""
    from caseboard.formats.values import POLARS_TYPES

    schema = {c.name: POLARS_TYPES[c.type] for c in t.columns}
    schema.update({n: POLARS_TYPES[ty] for n, ty in PROVENANCE_COLUMNS if n != "load_id"})
    return pl.DataFrame(schema=schema)


def canonicalise(
    table_name: str,
    raw: pl.DataFrame,
    *,
    file: str | pl.Series,
    batch: Batch,
    rows: pl.Series | None = None,
) -> pl.DataFrame:
    """Turn a frame of raw values (column names already canonical) into a typed canonical frame.

    ``raw`` may hold strings, or values a spreadsheet reader already typed (dates, numbers): both are accepted.
    Columns of the table that ``raw`` lacks are added empty. ``rows`` gives each record's row number in its
    file (the line a person sees in Excel or a text editor); without it rows are numbered from 2 (after a header).
    ``file`` is one file name, or a series naming each record's file (a reader that gathers many small files
    into one call, which is much faster than a call per file).
    Unreadable values become findings (the value is left empty, never guessed); records missing a required
    field go to the batch's quarantine, whole, with a finding.
    """
    t = table_decl(table_name)
    unknown = [c for c in raw.columns if c not in t.column_names]
    if unknown:
        raise ValueError(f"reader bug: {table_name} has no columns {unknown}")
    n = raw.height
    row_numbers = rows if rows is not None else pl.Series("source_row", range(2, n + 2), dtype=pl.Int64)
    files = (file.cast(pl.Utf8) if isinstance(file, pl.Series) else pl.Series([file] * n, dtype=pl.Utf8)).alias("source_file")
    out: dict[str, pl.Series] = {}
    for c in t.columns:
        if c.name in raw.columns:
            series, problems = parse_column(raw[c.name], c.type)
            out[c.name] = series
            if problems is not None:
                bad = raw.select(pl.col(c.name).cast(pl.Utf8).alias("v")).with_columns(
                    row=row_numbers, child=raw[t.child_column].cast(pl.Utf8) if t.child_column and t.child_column in raw.columns else pl.lit(None, pl.Utf8),
                    file=files,
                ).filter(problems)
                for v, r, child, where in bad.iter_rows():
                    batch.findings.append(Finding(where, r, c.name, v, _expected(c.type), "error", "type", table_name, child))
        else:
            from caseboard.formats.values import POLARS_TYPES

            out[c.name] = pl.Series(c.name, [None] * n, dtype=POLARS_TYPES[c.type])
    frame = pl.DataFrame(out, height=n).with_columns(files, row_numbers.cast(pl.Int64).alias("source_row"))
    required = [c.name for c in t.columns if c.required]
    if required:
        mask = frame.select(pl.any_horizontal([pl.col(name).is_null() for name in required])).to_series()
        rejected = frame.filter(mask)
        if rejected.height:
            raw_rows = raw.filter(mask)
            for rec, raw_rec in zip(rejected.iter_rows(named=True), raw_rows.iter_rows(named=True)):
                for name in required:
                    if rec[name] is None:
                        value = raw_rec.get(name)
                        batch.findings.append(Finding(
                            rec["source_file"], rec["source_row"], name, None if value is None else str(value),
                            f"a value ({_expected(t.column(name).type)}): the record cannot be placed without it",
                            "error", "required", table_name, rec.get("child_id") if t.child_column else None,
                        ))
                        break
                batch.quarantine.append({
                    "file": rec["source_file"], "row": rec["source_row"], "table": table_name,
                    "raw": {k: (None if v is None else str(v)) for k, v in raw_rec.items()},
                })
            frame = frame.filter(~mask)
    return frame


def _expected(type_: str) -> str:
    return {
        "date": "a date (dd/mm/yyyy, yyyy-mm-dd or an Excel date)",
        "int": "a whole number",
        "float": "a number",
        "bool": "yes/no (1/0, true/false, Y/N)",
        "timestamp": "a date and time",
        "str": "text",
    }[type_]
