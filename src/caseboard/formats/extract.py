"""A council's own extract: CSV or XLSX with its own column names, read through a mapping file.

This is how what the national returns lack arrives: workers, teams, areas, allocations, visits, health
assessments, PEPs, pathway plans, care leavers, early help, core groups, CIN plan reviews and contacts
(reference/data-formats.md: "a mapping file ... is how users adapt them without code"). The mapping
(``extract_mapping``) names the canonical table, which column is which field, code translations, constants and
a date format; this module reads the file, applies the mapping and hands the raw values to ``canonicalise``.

Rows are numbered as a spreadsheet shows them (the header is row 1 in a CSV; in a workbook, the sheet's own
row numbers). Wholly blank rows are skipped: they hold nothing to load. A code with no translation passes
through unchanged and is reported once per value as a warning, never silently.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Mapping as AnyMapping
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

import polars as pl
import python_calamine
import yaml

from caseboard.formats.base import Batch, Finding, FormatError, SourceFile, canonicalise
from caseboard.formats.dfe_api import collection_year
from caseboard.formats.extract_mapping import FOLDER_MAPPING, Mapping, locate, mapping_for
from caseboard.formats.values import parse_dates
from caseboard.model.tables import TABLES, table as table_decl

FORMAT = "council-extract"
SPREADSHEETS = (".xlsx", ".xlsm")
SUFFIXES = (".csv", *SPREADSHEETS)
TIME_PART = r"[T ]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?Z?$"  # as values.parse_dates: the model holds dates


def sniff(path: Path) -> bool:
    """A CSV or workbook with a mapping that applies to it (beside it, or in the folder's mapping)."""
    return path.suffix.lower() in SUFFIXES and path.is_file() and locate(path) is not None


def read(paths: list[Path], batch: Batch) -> None:
    for path in paths:
        mapping = mapping_for(path)
        fast = _fast_csv(path, mapping, batch) if path.suffix.lower() not in SPREADSHEETS else None
        if fast is not None:
            raw, rows = fast
        else:
            header, records = _grid(path, mapping.sheet)
            raw, rows = _mapped(path, header, records, mapping, batch)
        frame = canonicalise(mapping.table, raw, file=str(path), batch=batch, rows=rows)
        batch.add(mapping.table, frame)
        info = SourceFile.of(path, FORMAT, mapping.collection_year or collection_year({mapping.table: frame}))
        info.records = raw.height
        batch.files.append(info)


Grid = list[tuple[int, list[object]]]  # (row number as the user sees it, cells)


def _grid(path: Path, sheet: str | None) -> tuple[list[str], Grid]:
    """The header and the numbered rows of a CSV file or a workbook sheet."""
    rows = _spreadsheet_rows(path, sheet) if path.suffix.lower() in SPREADSHEETS else _csv_rows(path)
    numbered = [(n, cells) for n, cells in rows if any(_present(c) for c in cells)]
    if not numbered:
        raise FormatError(str(path), "the file is empty: expected a header row naming the columns, then records")
    (_, header), *records = numbered
    return [str(c).strip() if _present(c) else "" for c in header], records


def _csv_rows(path: Path) -> Grid:
    data = path.read_bytes()
    if b"\x00" in data[:4096]:
        raise FormatError(str(path), "not a CSV text file (it holds binary data; is it a spreadsheet saved as .csv?)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")  # Excel's "CSV" on English Windows
        except UnicodeDecodeError:
            raise FormatError(str(path), "not a text file in UTF-8 or Windows-1252 encoding") from None
    try:
        return [(n, list(cells)) for n, cells in enumerate(csv.reader(io.StringIO(text, newline="")), start=1)]
    except csv.Error as e:
        raise FormatError(str(path), f"not a readable CSV file: {e}") from None


def _spreadsheet_rows(path: Path, sheet: str | None) -> Grid:
    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
    except Exception as e:  # calamine raises its own errors, and zip/XML ones, for a damaged or foreign file
        raise FormatError(str(path), f"not a readable Excel workbook ({type(e).__name__})") from None
    if sheet is not None and sheet not in book.sheet_names:
        raise FormatError(str(path), f"the mapping names sheet {sheet!r}, which the workbook does not have; its sheets "
                                     f"are: {', '.join(book.sheet_names)}", field="sheet")
    cells = book.get_sheet_by_name(sheet or book.sheet_names[0]).to_python(skip_empty_area=False)
    return [(n, list(row)) for n, row in enumerate(cells, start=1)]


def _present(cell: object) -> bool:
    return cell is not None and not (isinstance(cell, str) and not cell.strip())


def _mapped(path: Path, header: list[str], records: Grid, mapping: Mapping,
            batch: Batch) -> tuple[pl.DataFrame, pl.Series]:
    """Raw canonical columns (text, or dates a workbook typed) and the row numbers, for ``canonicalise``."""
    positions = {source: _position(path, header, source, mapping) for source in mapping.columns}
    kept: Grid = []
    for n, cells in records:
        if any(_present(c) for c in cells[len(header):]):
            batch.findings.append(Finding(str(path), n, None, None, f"at most {len(header)} values, one per column "
                                          "(this row has more: a stray separator?)", "error", "format", mapping.table))
            batch.quarantine.append({"file": str(path), "row": n, "table": mapping.table,
                                     "raw": {str(i): _text(c) for i, c in enumerate(cells)}})
            continue
        kept.append((n, cells))
    rows = pl.Series("source_row", [n for n, _ in kept], dtype=pl.Int64)
    t = table_decl(mapping.table)
    columns: dict[str, pl.Series] = {}
    for source, target in mapping.columns.items():
        values = [cells[positions[source]] if positions[source] < len(cells) else None for _, cells in kept]
        if t.column(target).type == "date":
            columns[target] = _dates(path, target, values, rows, mapping, batch)
        else:
            series = pl.Series(target, [_text(v) for v in values], dtype=pl.Utf8)
            columns[target] = _translated(path, series, rows, mapping, batch) if target in mapping.codes else series
    for target, value in mapping.constants.items():
        columns[target] = pl.Series(target, [value] * len(kept), dtype=pl.Utf8)
    return pl.DataFrame(columns), rows


def _fast_csv(path: Path, mapping: Mapping, batch: Batch) -> tuple[pl.DataFrame, pl.Series] | None:
    """The common case read column-wise with polars: a plain CSV, one record per line, no quoting.

    Anything unusual (quotes that may hide line breaks, blank lines, ragged rows, odd encodings) returns None
    and the careful row-by-row reader handles the file, so row numbers and findings stay exact. The two paths
    give the same frames (tests/formats/test_extract.py reads every file both ways).
    """
    data = path.read_bytes()
    if b'"' in data or b"\r\n\r\n" in data or b"\n\n" in data.rstrip(b"\r\n") or b"\x00" in data[:4096]:
        return None
    try:
        text = data.decode("utf-8-sig")
        frame = pl.read_csv(io.StringIO(text), infer_schema=False, has_header=True, quote_char=None)
    except (UnicodeDecodeError, pl.exceptions.PolarsError):
        return None
    header = [c.strip() for c in frame.columns]
    frame.columns = header
    rows = pl.Series("source_row", range(2, frame.height + 2), dtype=pl.Int64)
    frame = frame.with_columns(pl.col(c).str.strip_chars().replace("", None) for c in header)
    present = frame.select(pl.any_horizontal(pl.all().is_not_null())).to_series() if header else None
    if present is None or frame.height == 0 or not present.all():
        return None  # empty file or blank rows: the careful reader reports them exactly
    t = table_decl(mapping.table)
    columns: dict[str, pl.Series] = {}
    for source, target in mapping.columns.items():
        series = frame.get_column(header[_position(path, header, source, mapping)]).rename(target)
        if t.column(target).type == "date":
            columns[target] = _dates(path, target, [None] * 0, rows, mapping, batch, text=series)
        else:
            columns[target] = _translated(path, series, rows, mapping, batch) if target in mapping.codes else series
    for target, value in mapping.constants.items():
        columns[target] = pl.Series(target, [value] * frame.height, dtype=pl.Utf8)
    return pl.DataFrame(columns, height=frame.height), rows


def _position(path: Path, header: list[str], source: str, mapping: Mapping) -> int:
    """Where the mapping's column is: its exact name, else the name ignoring case (exports change case)."""
    exact = [i for i, h in enumerate(header) if h == source]
    folded = [i for i, h in enumerate(header) if h.casefold() == source.casefold()]
    if len(exact) == 1 or (not exact and len(folded) == 1):
        return (exact or folded)[0]
    problem = "twice" if len(exact) > 1 or len(folded) > 1 else "not at all"
    raise FormatError(str(path), f"the mapping {mapping.origin} names column {source!r}, which this file has {problem}; "
                                 f"the columns found are: {', '.join(h for h in header if h)}", field=source)


def _text(cell: object) -> str | None:
    """A cell as text: whole numbers without ".0" (identifiers a spreadsheet stored as numbers), dates as ISO."""
    if not _present(cell):
        return None
    if isinstance(cell, bool):
        return "true" if cell else "false"
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, (dt.date, dt.datetime)):
        return cell.isoformat()
    return str(cell).strip()


def _dates(path: Path, target: str, cells: Sequence[object], rows: pl.Series, mapping: Mapping,
           batch: Batch, *, text: pl.Series | None = None) -> pl.Series:
    """A date column: cells a workbook typed as dates (or Excel serial numbers) as they are; text as written.

    Without a date format, text goes to ``canonicalise`` (day-first shapes, reported when unreadable). With one,
    text is read in that format only (a US-style mm/dd export must not be read day-first): a value that does
    not fit it is reported here and left empty.
    """
    if text is not None:  # a text column (the fast CSV path): nothing was typed by a spreadsheet
        typed = pl.Series(target, [None] * text.len(), dtype=pl.Date)
    else:
        typed = pl.Series(target, [c.date() if isinstance(c, dt.datetime) else c if isinstance(c, dt.date) else None
                                   for c in cells], dtype=pl.Date)
        numbers = pl.Series(target, [float(c) if isinstance(c, (int, float)) and not isinstance(c, bool) else None
                                     for c in cells], dtype=pl.Float64)
        typed = typed.fill_null(parse_dates(numbers))
        text = pl.Series(target, [None if d is not None else _text(c) for d, c in zip(typed, cells)], dtype=pl.Utf8)
    if text.is_null().all():
        return typed
    if mapping.strftime is None:
        if typed.is_null().all():
            return text
        return pl.select(pl.when(typed.is_not_null()).then(typed.cast(pl.Utf8)).otherwise(text)).to_series().rename(target)
    parsed = text.str.replace(TIME_PART, "").str.strptime(pl.Date, mapping.strftime, strict=False, exact=True)
    for value, n in zip(text.filter(text.is_not_null() & parsed.is_null()), rows.filter(text.is_not_null() & parsed.is_null())):
        batch.findings.append(Finding(str(path), n, target, value, f"a date written {mapping.date_format} "
                                      f"(the date_format of {mapping.origin})", "error", "type", mapping.table))
    return typed.fill_null(parsed)


def _translated(path: Path, series: pl.Series, rows: pl.Series, mapping: Mapping, batch: Batch) -> pl.Series:
    """Apply the mapping's code translation; values it does not know pass unchanged, each reported once."""
    translation = mapping.codes[series.name]
    known = set(translation) | set(translation.values())
    unknown = pl.DataFrame({"value": series, "row": rows}).filter(
        pl.col("value").is_not_null() & ~pl.col("value").is_in(list(known)))
    for value, first, count in unknown.group_by("value", maintain_order=True).agg(
            pl.col("row").first(), pl.len()).iter_rows():
        batch.findings.append(Finding(
            str(path), first, series.name, value,
            f"a value the mapping translates for {series.name} ({', '.join(translation)}); passed through unchanged"
            f" ({count} row{'s' if count > 1 else ''})", "warning", "code-translation", mapping.table))
    return series.replace(translation)


def standard_mapping() -> dict[str, object]:
    """The packaged standard layout (``mappings/caseboard-standard.yml``), as read."""
    text = (resources.files("caseboard.formats") / "mappings" / "caseboard-standard.yml").read_text(encoding="utf-8")
    return yaml.load(text, Loader=yaml.BaseLoader)


def write(frames: AnyMapping[str, pl.DataFrame], out_dir: Path, *, tables: Sequence[str] | None = None) -> list[Path]:
    """Write canonical frames in the standard layout: ``<table>.csv`` per table and the ``caseboard-mapping.yml``
    that reads them back (entries added to one already in ``out_dir``).

    CSVs are UTF-8 with a byte-order mark so that Excel shows names with accents correctly; dates are
    yyyy-mm-dd and yes/no is true/false, as the standard mapping says.
    """
    names = list(tables) if tables is not None else [t.name for t in TABLES if t.name in frames]
    entries = standard_mapping()["files"]
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for name in names:
        columns = table_decl(name).column_names
        path = out_dir / f"{name}.csv"
        frames[name].select(columns).write_csv(path, include_bom=True, date_format="%Y-%m-%d")
        written.append(path)
    mapping_path = out_dir / FOLDER_MAPPING
    doc = yaml.load(mapping_path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader) if mapping_path.is_file() else None
    if not isinstance(doc, dict) or not isinstance(doc.get("files"), dict):
        doc = {"description": "Caseboard standard extract layout (written by caseboard)", "files": {}}
    doc["files"].update({f"{name}.csv": entries[f"{name}.csv"] for name in names})
    mapping_path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return [*written, mapping_path]
