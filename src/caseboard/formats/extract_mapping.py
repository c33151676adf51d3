"""Mapping files: how a council says which of its own extract's columns is which canonical field, without code.

A mapping (YAML) describes one data file::

    table: visits                    # the canonical table the file fills
    columns:                         # the file's column: the canonical field
      Child ID: child_id
      Date of visit: visit_date
      Seen alone?: seen_alone
    codes:                           # optional, per canonical field: the file's value: the canonical value
      seen_alone: {Yes: "true", No: "false"}
    constants:                       # optional: fields every row shares
      kind: lac
    date_format: dd/mm/yyyy          # optional: how the system writes dates (yyyy, yy, mm, dd, or strftime %-codes)
    sheet: Visits                    # optional, spreadsheets: which sheet (default: the first)
    collection_year: 2024            # optional: else the year (to 31 March) of the latest date in the file

Columns of the file that the mapping does not name are not read: the mapping is the council's declaration of
what Caseboard may hold (names, free text and the like stay in the case system).

Where the mapping for ``visits.csv`` is found:

1. ``visits.mapping.yml`` beside the file;
2. else ``caseboard-mapping.yml`` in the same folder, whose ``files`` maps file-name patterns (``visits*.csv``;
   case-insensitive; the first that matches wins) to a mapping written inline or to the name of a mapping file
   in that folder (name it ``*.mapping.yml``: loading a whole folder skips those names as not data).

Every scalar is read as text (YAML's BaseLoader): a code ``01`` stays "01" and ``No`` stays "No" instead of
becoming false, so codes reach the translation exactly as the council wrote them.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from caseboard.formats.base import FormatError
from caseboard.model.tables import TABLES_BY_NAME

FOLDER_MAPPING = "caseboard-mapping.yml"
MAPPING_SUFFIX = ".mapping.yml"
KEYS = ("table", "columns", "codes", "constants", "date_format", "sheet", "collection_year", "description")
DATE_TOKENS = (("yyyy", "%Y"), ("yy", "%y"), ("mm", "%m"), ("dd", "%d"))


@dataclass(frozen=True)
class Mapping:
    """One data file's mapping, checked against the canonical tables."""

    origin: str  # the mapping file, with the pattern when it came from a folder mapping: for messages
    table: str
    columns: dict[str, str]  # source column -> canonical field
    codes: dict[str, dict[str, str]] = field(default_factory=dict)
    constants: dict[str, str] = field(default_factory=dict)
    date_format: str | None = None  # as written in the mapping
    sheet: str | None = None
    collection_year: int | None = None

    @property
    def strftime(self) -> str | None:
        """The date format as strftime codes (``dd/mm/yyyy`` becomes ``%d/%m/%Y``)."""
        if self.date_format is None or "%" in self.date_format:
            return self.date_format
        fmt = self.date_format.lower()
        for token, code in DATE_TOKENS:
            fmt = fmt.replace(token, code)
        return fmt


def locate(data: Path) -> tuple[Path, str | None] | None:
    """The mapping file for ``data`` and, for a folder mapping, the pattern that matched (cheap: for sniffing).

    An unreadable folder mapping is returned with no pattern, so that reading reports what is wrong with it.
    """
    own = data.with_name(data.stem + MAPPING_SUFFIX)
    if own.is_file():
        return own, None
    folder = data.with_name(FOLDER_MAPPING)
    if not folder.is_file():
        return None
    try:
        doc = yaml.load(folder.read_text(encoding="utf-8-sig"), Loader=yaml.BaseLoader)
    except (yaml.YAMLError, UnicodeDecodeError):
        return folder, None
    files = doc.get("files") if isinstance(doc, dict) else None
    if not isinstance(files, dict):
        return folder, None
    for pattern in files:
        if fnmatch.fnmatch(data.name.lower(), str(pattern).lower()):
            return folder, pattern
    return None


def mapping_for(data: Path) -> Mapping:
    """The checked mapping for a data file, or a :class:`FormatError` saying what is missing or wrong."""
    found = locate(data)
    if found is None:
        raise FormatError(str(data), f"no mapping for this file: put {data.stem}{MAPPING_SUFFIX} beside it, or list "
                                     f"it under 'files' in {FOLDER_MAPPING} in the same folder")
    path, pattern = found
    doc = _load(path)
    if path.name != FOLDER_MAPPING:
        return parse(doc, str(path))
    files = doc.get("files") if isinstance(doc, dict) else None
    if pattern is None or not isinstance(files, dict):
        raise FormatError(str(path), "a folder mapping holds 'files:', a set of 'file-name pattern: mapping' lines",
                          field="files")
    for key in doc:
        if key not in ("files", "description"):
            raise FormatError(str(path), f"unknown key {key!r}; a folder mapping holds 'files' and 'description'", field=key)
    entry = doc["files"][pattern]
    if isinstance(entry, str):
        target = path.with_name(entry)
        if not target.is_file():
            raise FormatError(str(path), f"the mapping file {entry!r} named for {pattern!r} does not exist in {path.parent}",
                              field=f"files: {pattern}")
        return parse(_load(target), str(target))
    return parse(entry, f"{path} (files: {pattern})")


def _load(path: Path) -> object:
    try:
        return yaml.load(path.read_text(encoding="utf-8-sig"), Loader=yaml.BaseLoader)
    except UnicodeDecodeError:
        raise FormatError(str(path), "the mapping file is not UTF-8 text") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise FormatError(str(path), f"not readable YAML{where}: {getattr(e, 'problem', None) or e}",
                          row=mark.line + 1 if mark is not None else None) from None


def parse(doc: object, origin: str) -> Mapping:
    """Check a mapping's content against the canonical tables; every problem names the mapping and the key."""
    def fail(message: str, key: str) -> FormatError:
        return FormatError(origin, message, field=key)

    if not isinstance(doc, dict):
        raise fail("a mapping is a set of 'key: value' lines (table, columns, ...)", "table")
    for key in doc:
        if key not in KEYS:
            raise fail(f"unknown key {key!r}; a mapping may hold: {', '.join(KEYS)}", key)
    name = doc.get("table")
    if name not in TABLES_BY_NAME:
        raise fail(f"unknown canonical table {name!r}; the tables are: {', '.join(TABLES_BY_NAME)}", "table")
    table = TABLES_BY_NAME[name]
    fields = table.column_names

    def section(key: str) -> dict[str, object]:
        value = doc.get(key) or {}
        if not isinstance(value, dict):
            raise fail(f"'{key}' must be a set of 'name: value' lines", key)
        return value

    columns: dict[str, str] = {}
    for source, target in section("columns").items():
        if target not in fields:
            raise fail(f"column {source!r} maps to {target!r}, which is not a field of {name}; its fields are: "
                       f"{', '.join(fields)}", f"columns: {source}")
        if target in columns.values():
            raise fail(f"two columns map to {target!r}", f"columns: {source}")
        columns[str(source).strip()] = str(target)
    if not columns:
        raise fail("'columns' must name at least one column of the file and its canonical field", "columns")
    constants = {str(k): str(v) for k, v in section("constants").items()}
    for target in constants:
        if target not in fields:
            raise fail(f"{target!r} is not a field of {name}; its fields are: {', '.join(fields)}", f"constants: {target}")
        if target in columns.values():
            raise fail(f"{target!r} is both read from a column and given as a constant", f"constants: {target}")
    codes: dict[str, dict[str, str]] = {}
    for target, translation in section("codes").items():
        if target not in columns.values():
            raise fail(f"codes are given for {target!r}, which no column of this mapping fills", f"codes: {target}")
        if not isinstance(translation, dict):
            raise fail(f"the codes for {target!r} must be 'source value: canonical value' lines", f"codes: {target}")
        codes[str(target)] = {str(k).strip(): str(v).strip() for k, v in translation.items()}
    missing = [c.name for c in table.columns if c.required and c.name not in columns.values() and c.name not in constants]
    if missing:
        raise fail(f"{name} needs {', '.join(missing)}: map a column to it or give it under 'constants'", "columns")
    year = doc.get("collection_year")
    if year is not None and not (isinstance(year, str) and year.isdigit() and 2000 <= int(year) <= 2100):
        raise fail(f"collection_year must be a year such as 2025 (the year ending 31 March), not {year!r}", "collection_year")
    date_format = doc.get("date_format")
    if date_format is not None and not (isinstance(date_format, str) and ("%" in date_format or "yy" in date_format.lower())
                                        and ":" not in date_format):
        raise fail(f"date_format must look like dd/mm/yyyy (or strftime codes such as %d/%m/%Y), the date part only "
                   f"(a time after the date is ignored), not {date_format!r}", "date_format")
    sheet = doc.get("sheet")
    return Mapping(origin, name, columns, codes, constants, date_format, None if sheet is None else str(sheet),
                   None if year is None else int(year))
