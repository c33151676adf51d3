"""Reading a CIN census XML file into canonical frames, streamed one ``<Child>`` at a time.

Why streamed: a large authority's census holds tens of thousands of children; ``lxml.etree.iterparse`` hands
over each ``<Child>`` when it is complete and the element is cleared afterwards, so memory stays flat and time
grows linearly with the number of children. Values are gathered into plain Python lists and typed with ONE
:func:`canonicalise` call per table at the end (typing column by column in polars is what makes it fast).

What the reader decides, and nothing more: which element is which canonical field (the tree in
:mod:`cin_census`), the row (the line of the element holding the record), and the collection year (the year of
the header's ReferenceDate, 31 March for a real return). Codes are passed through as given, stripped, except
GenderCurrent, translated to the model's M/F/U. Checks across records belong to the validation module.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import polars as pl
from lxml import etree

from caseboard.formats.base import Batch, Finding, FormatError, SourceFile, canonicalise
from caseboard.formats.cin_census import CHILD, FORMAT, TABLES, Field, Node, fields
from caseboard.formats.values import parse_dates

# What to do with a child element (the walk's hot loop branches on these small ints, not on types).
_PLAIN, _FIELD, _WRAPPER, _ITEMS, _RECORD, _UNKNOWN = range(6)

#: Element name -> {child element name -> (kind, part)}, for every element-content node (element names are
#: unique across the CIN schema).
_INDEX: dict[str, dict[str, tuple[int, Field | Node]]] = {}
#: Table -> its columns as the reader fills them (child_id first, then links, then fields).
_COLUMNS: dict[str, list[str]] = {}


def _kind(part: Field | Node) -> int:
    if isinstance(part, Field):
        return _PLAIN if part.column and not part.item and not part.codes else _FIELD
    return _WRAPPER if part.table is None else _ITEMS if part.each_item else _RECORD


def _build(node: Node) -> None:
    _INDEX[node.element] = {p.element: (_kind(p), p) for p in node.parts}
    if node.table:
        cols = _COLUMNS.setdefault(node.table, ["child_id"])
        for c in [own for _, own in node.links] + [f.column for f in fields(node) if f.column]:
            if c not in cols:
                cols.append(c)
    for part in node.parts:
        if isinstance(part, Node):
            _build(part)


_build(CHILD)
_NOWHERE: tuple[int, None] = (_UNKNOWN, None)

#: Header fields wanted (CIN XSD ``collectiondetailstype`` and ``sourcetype``).
_HEADER_ITEMS = ("Collection", "Year", "ReferenceDate", "LEA")


@dataclass(frozen=True)
class CINHeader:
    """The census header: which collection, which year, which authority."""

    collection: str | None
    year: str | None
    reference_date: dt.date | None
    lea: str | None

    @property
    def collection_year(self) -> int | None:
        """The year ending 31 March that the return covers: the year of its ReferenceDate."""
        return self.reference_date.year if self.reference_date else None


def _local(tag: str) -> str:
    """The element name without a namespace (files with a default namespace are accepted)."""
    return tag[tag.index("}") + 1:] if tag[0] == "{" else tag


def _header(element: etree._Element) -> CINHeader:
    found: dict[str, str] = {}
    for e in element.iter():
        if isinstance(e.tag, str):
            name = _local(e.tag)
            if name in _HEADER_ITEMS and name not in found and e.text and e.text.strip():
                found[name] = e.text.strip()
    ref = found.get("ReferenceDate")
    ref_date = parse_dates(pl.Series([ref], dtype=pl.Utf8)).item() if ref else None
    return CINHeader(found.get("Collection"), found.get("Year"), ref_date, found.get("LEA"))


class _Reader:
    """State of one file's parse: the records per table, their lines, and what was met but not loaded."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.records: dict[str, list[dict[str, str | None]]] = {t: [] for t in TABLES}
        self.rows: dict[str, list[int]] = {t: [] for t in TABLES}
        self.unknown: dict[str, list] = {}  # description -> [first line, count, first value]
        self.not_held: dict[str, list] = {}
        self.findings: list[Finding] = []
        self.header: CINHeader | None = None
        self.children = 0

    def parse(self, path: Path, encoding: str | None) -> None:
        root = _root_name(path, encoding)
        if root != "Message":
            raise FormatError(self.file, f"this is not a CIN census file: its outer element is <{root}>, and a CIN "
                              "census starts with <Message> (DfE CIN census XML)", row=1)
        with path.open("rb") as f:
            events = etree.iterparse(f, events=("end",), tag=("{*}Child", "{*}Header"), encoding=encoding,
                                     remove_comments=True, remove_pis=True, huge_tree=True)
            for _, el in events:
                if _local(el.tag) == "Header":
                    self._take_header(el)
                    continue
                self.children += 1
                self._child(el)
                el.clear(keep_tail=True)
                parent = el.getparent()
                while el.getprevious() is not None:
                    del parent[0]

    def _take_header(self, el: etree._Element) -> None:
        self.header = _header(el)
        collection = self.header.collection
        if collection is not None and collection != "CIN":
            line = next((e.sourceline for e in el.iter() if isinstance(e.tag, str) and _local(e.tag) == "Collection"),
                        el.sourceline)
            raise FormatError(self.file, f"this is a {collection!r} return, not the CIN census: its header says "
                              f"<Collection>{collection}</Collection>", row=line, field="Collection")

    def _child(self, el: etree._Element) -> None:
        rec: dict[str, str | None] = {}
        records = [(CHILD, rec, el.sourceline or 0)] + self._walk(el, CHILD, rec, CHILD.table)
        child_id = rec.get("child_id")
        for node, r, line in records:
            r["child_id"] = child_id
            self.records[node.table].append(r)  # type: ignore[index]
            self.rows[node.table].append(line)  # type: ignore[index]

    def columns(self, table: str) -> dict[str, list[str | None]]:
        """The table's values column by column (built once at the end: cheaper than per record)."""
        recs = self.records[table]
        return {c: [r.get(c) for r in recs] for c in _COLUMNS[table]}

    def _walk(self, elem: etree._Element, node: Node, rec: dict[str, str | None],
              table: str | None) -> list[tuple[Node, dict, int]]:
        """Fill ``rec`` (a record of ``table``) from ``elem``'s children; return the records nested inside."""
        index = _INDEX[node.element]
        direct: list[tuple[Node, dict, int]] = []
        deeper: list[tuple[Node, dict, int]] = []
        for e in elem:
            tag = e.tag
            if type(tag) is not str:
                continue
            if tag[0] == "{":
                tag = tag[tag.index("}") + 1:]
            kind, part = index.get(tag, _NOWHERE)
            if kind == _PLAIN and part.column not in rec:  # type: ignore[union-attr]
                text = e.text
                rec[part.column] = text.strip() if text else None  # type: ignore[union-attr]
            elif kind <= _FIELD:
                self._field(e, part, rec, node.element, table)  # type: ignore[arg-type]
            elif kind == _WRAPPER:  # its fields are this record's
                deeper.extend(self._walk(e, part, rec, table))  # type: ignore[arg-type]
            elif kind == _ITEMS:  # one record per item: Reviews/CPPreviewDate
                item_index = _INDEX[part.element]
                for item in e:
                    if type(item.tag) is not str:
                        continue
                    _, field = item_index.get(_local(item.tag), _NOWHERE)
                    if type(field) is Field:
                        sub: dict[str, str | None] = {}
                        self._field(item, field, sub, part.element, part.table)
                        direct.append((part, sub, item.sourceline or 0))
                    else:
                        self._note(self.unknown, f"<{_local(item.tag)}> inside <{part.element}>", item.sourceline)
            elif kind == _RECORD:
                sub = {}
                inner = self._walk(e, part, sub, part.table)  # type: ignore[arg-type]
                direct.append((part, sub, e.sourceline or 0))
                deeper.extend(inner)
            else:
                self._note(self.unknown, f"<{tag}> inside <{node.element}>", e.sourceline)
        for part, sub, _ in direct:
            for theirs, own in part.links:
                sub[own] = rec.get(theirs)
        return direct + deeper

    def _field(self, e: etree._Element, part: Field, rec: dict[str, str | None], parent: str,
               table: str | None) -> None:
        """Any field but the common case: not held, repeated items, translated codes, or met twice."""
        if part.column is None:
            if (e.text and e.text.strip()) or len(e):
                self._note(self.not_held, f"<{part.element}>", e.sourceline, (e.text or "").strip() or None)
            return
        if part.item:
            value = self._items(e, part) or None
        else:
            text = e.text
            value = text.strip() if text else None
            if part.codes and value is not None:
                value = part.codes.get(value, value)
        if part.column in rec:
            self.findings.append(Finding(
                self.file, e.sourceline, part.element, value,
                f"one <{part.element}> in each <{parent}> (CIN schema); the first, "
                f"{rec[part.column]!r}, was kept", "error", "format", table,
            ))
            return
        rec[part.column] = value

    def _items(self, e: etree._Element, part: Field) -> str:
        out = []
        for i in e:
            if type(i.tag) is not str:
                continue
            if _local(i.tag) != part.item:
                self._note(self.unknown, f"<{_local(i.tag)}> inside <{part.element}>", i.sourceline)
            elif i.text and i.text.strip():
                out.append(i.text.strip())
        return ",".join(out)

    @staticmethod
    def _note(seen: dict[str, list], what: str, line: int | None, value: str | None = None) -> None:
        if what in seen:
            seen[what][1] += 1
        else:
            seen[what] = [line or 0, 1, value]

    def report(self) -> list[Finding]:
        """Findings for elements met but not loaded, each listed once with its first line and count."""
        out = list(self.findings)
        for what, (line, n, _) in self.unknown.items():
            out.append(Finding(self.file, line, what.split(">")[0][1:], None,
                               f"an element of the CIN census schema: {what} is not one and was ignored "
                               f"({n} time{'s' if n > 1 else ''})", "warning", "format"))
        for what, (line, n, value) in self.not_held.items():
            out.append(Finding(self.file, line, what[1:-1], value,
                               f"a field Caseboard holds: {what} is in the CIN census but not in Caseboard's model, "
                               f"so {n} value{'s were' if n > 1 else ' was'} not loaded", "warning", "format"))
        if self.header is None:
            out.append(Finding(self.file, None, "Header", None, "a <Header> with a ReferenceDate: without it the "
                               "collection year is unknown", "warning", "format"))
        elif self.header.reference_date is None:
            out.append(Finding(self.file, None, "ReferenceDate", self.header.year, "a ReferenceDate in the header "
                               "(the 31 March that ends the collection year): the collection year is unknown",
                               "warning", "format"))
        return out


def _root_name(path: Path, encoding: str | None) -> str:
    """The outer element's name, from the first start event (cheap: the rest of the file is not parsed)."""
    with path.open("rb") as f:  # opened here so that stopping early closes it
        for _, el in etree.iterparse(f, events=("start",), encoding=encoding, huge_tree=True):
            return _local(el.tag)
    return ""  # pragma: no cover - iterparse raises on a document without elements


def _syntax_error(file: str, e: etree.XMLSyntaxError) -> FormatError:
    """An XML parser error in words a council analyst can act on, naming the line."""
    line = e.lineno or None
    if e.code == etree.ErrorTypes.ERR_DOCUMENT_EMPTY or "no element found" in e.msg or "Document is empty" in e.msg:
        return FormatError(file, "the file is empty: it holds no XML, so there is nothing to load")
    if e.code == etree.ErrorTypes.ERR_TAG_NOT_FINISHED or "Premature end" in e.msg:
        return FormatError(file, f"the file is cut short: the XML stops at line {line} before its elements are "
                           f"closed (was the export or the copy interrupted?) [{e.msg}]", row=line)
    return FormatError(file, f"the file is not well-formed XML at line {line}: {e.msg}", row=line)


def read_file(path: Path, batch: Batch) -> None:
    """Read one CIN census file into ``batch``; raise :class:`FormatError` when it cannot be read at all."""
    file = str(path)
    if path.stat().st_size == 0:
        raise FormatError(file, "the file is empty (0 bytes): there is nothing to load")
    reader = _Reader(file)
    try:
        try:
            reader.parse(path, None)
        except etree.XMLSyntaxError as e:
            if e.code != etree.ErrorTypes.ERR_INVALID_ENCODING:
                raise
            # Not UTF-8 (and no declaration saying otherwise): council exports from Windows are cp1252.
            reader = _Reader(file)
            reader.parse(path, "cp1252")
    except etree.XMLSyntaxError as e:
        raise _syntax_error(file, e) from None
    if reader.children == 0:
        raise FormatError(file, "the file holds no <Child> records: a CIN census lists at least one child")
    batch.findings.extend(reader.report())
    for t in TABLES:
        raw = pl.DataFrame({c: pl.Series(c, v, dtype=pl.Utf8) for c, v in reader.columns(t).items()})
        rows = pl.Series("source_row", reader.rows[t], dtype=pl.Int64)
        batch.add(t, canonicalise(t, raw, file=file, batch=batch, rows=rows))
    source = SourceFile.of(path, FORMAT, reader.header.collection_year if reader.header else None)
    source.records = reader.children
    batch.files.append(source)


def read_header(path: Path) -> CINHeader | None:
    """The header alone (collection, year, reference date, LA code), without reading the children."""
    try:
        with path.open("rb") as f:
            for _, el in etree.iterparse(f, events=("end",), tag="{*}Header", huge_tree=True):
                return _header(el)
    except etree.XMLSyntaxError as e:
        raise _syntax_error(str(path), e) from None
    return None

