"""An .xlsx workbook as rows of cell values, fast, without hiding Excel's error values.

python-calamine reads the cached value of every cell (formula results, never formulas: Annex A templates compute
ages and dates with formulas) about fifty times faster than openpyxl, which matters for a List 1 of twenty
thousand contacts. It reads an error cell (``#N/A`` from a failed lookup) as an empty string, though, and an
error is not the same as a blank: the council should hear that a formula failed. So the error cells are found
in the sheet XML itself (``<c r="M2" t="e"><v>#N/A</v></c>``, ECMA-376 part 1, 18.3.1.4 and 18.18.11) and put
back into the rows.
"""

from __future__ import annotations

import html
import posixpath
import re
import zipfile
from pathlib import Path

from lxml import etree

from caseboard.formats.base import FormatError

Rows = list[list[object]]

_ERROR_CELL = re.compile(rb'<c\b([^>]*\bt="e"[^>]*)>(.*?)</c>', re.S)
_REF = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_VALUE = re.compile(rb"<v>([^<]*)</v>")
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def sheet_names(path: Path) -> list[str]:
    """The sheet names in workbook order (cheap: only ``xl/workbook.xml`` is read); [] if not an .xlsx."""
    try:
        with zipfile.ZipFile(path) as z:
            root = etree.fromstring(z.read("xl/workbook.xml"))
    except (OSError, KeyError, zipfile.BadZipFile, etree.XMLSyntaxError):
        return []
    return [s.get("name", "") for s in root.iter("{*}sheet")]


def load(path: Path) -> list[tuple[str, Rows]]:
    """Every worksheet as rows from row 1 and column A (so list index + 1 is the row a person sees)."""
    from python_calamine import CalamineWorkbook, SheetTypeEnum

    file = str(path)
    if path.stat().st_size == 0:
        raise FormatError(file, "the file is empty (0 bytes): there is nothing to load")
    try:
        wb = CalamineWorkbook.from_path(file)
        sheets = [(m.name, wb.get_sheet_by_name(m.name).to_python(skip_empty_area=False))
                  for m in wb.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet]
        errors = _error_cells(path)
    except Exception as e:  # calamine, zip and XML errors alike mean one thing to the analyst
        raise FormatError(file, "this is not a readable Excel workbook (.xlsx): the file is damaged, cut short or of "
                          f"another kind ({type(e).__name__}); open it in Excel and save it again as .xlsx") from None
    for name, rows in sheets:
        for r, c, value in errors.get(name, ()):
            while len(rows) <= r:
                rows.append([])
            row = rows[r]
            row.extend([""] * (c + 1 - len(row)))
            row[c] = value
    return sheets


def _error_cells(path: Path) -> dict[str, list[tuple[int, int, str]]]:
    """Sheet name -> (row index, column index, error text) of each cell holding an Excel error."""
    out: dict[str, list[tuple[int, int, str]]] = {}
    with zipfile.ZipFile(path) as z:
        book = etree.fromstring(z.read("xl/workbook.xml"))
        rels = etree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
        targets = {r.get("Id"): r.get("Target", "") for r in rels.iter("{*}Relationship")}
        for sheet in book.iter("{*}sheet"):
            target = targets.get(sheet.get(f"{{{_REL_NS}}}id"), "")
            part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            if part not in z.namelist():
                continue
            found = []
            for m in _ERROR_CELL.finditer(z.read(part)):
                ref, value = _REF.search(m.group(1)), _VALUE.search(m.group(2))
                if ref and value:
                    found.append((int(ref.group(2)) - 1, _column(ref.group(1).decode()),
                                  html.unescape(value.group(1).decode("utf-8", "replace"))))
            if found:
                out[sheet.get("name", "")] = found
    return out


def _column(letters: str) -> int:
    """ "A" -> 0, "Z" -> 25, "AA" -> 26."""
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1
