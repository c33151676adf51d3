"""The SSDA903 return as one XML file (root ``EXPSSDA903``), read into the same canonical tables as the CSVs.

Layout (DfE technical specification 1.1 and Annex A; the fake_903.xml sample agrees): one ``CHILD`` per child,
holding a ``HEADER`` and its ``EPISODE`` elements. HEADER carries the header, UASC (``UASC`` flag, ``DUC``), OC3
(``IN_TOUCH``, ``ACTIV``, ``ACCOM``) and AD1 fields inline, and containers for the rest: ``AREVIEW``, ``AMISSING``,
``OC2``, ``PERMANENCE`` and ``AD_PLACED``. EPISODE writes PLACE as ``PL`` and the header writes CHILD as
``CHILDID``. A container this reader does not know by name is still read when its fields are those of a 903
table (social worker episodes, DoLo), and anything else is reported, never silently skipped.

The file is parsed with lxml ``iterparse``, one CHILD at a time, so memory stays flat however many children a
return holds. Rows are line numbers (``sourceline``) of the element the record came from. The records then go
through the same assembly as the CSV tables (:func:`ssda903_csv.assemble`): same years, translations and merges.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from pathlib import Path

import polars as pl
from lxml import etree

from caseboard.formats.base import Batch, Finding, FormatError
from caseboard.formats.ssda903_columns import SPECS_BY_NAME, Spec, dfe_tables, identify, normalise_column
from caseboard.formats.ssda903_csv import RawFile, RawTable, assemble

FORMAT = "ssda903-xml"
ROOT = "EXPSSDA903"

#: Containers by element name -> 903 table.
CONTAINERS: dict[str, str] = {"EPISODE": "episodes", "AREVIEW": "reviews", "AMISSING": "missing", "OC2": "oc2",
                              "PERMANENCE": "previous_permanence", "AD_PLACED": "placed_for_adoption"}
CONTAINER_SPECS: dict[str, Spec] = {tag: SPECS_BY_NAME[name] for tag, name in CONTAINERS.items()}
COLUMN_SETS: dict[str, frozenset[str]] = {s.name: frozenset(s.columns) for s in SPECS_BY_NAME.values()}
HEADER_FIELDS = frozenset(SPECS_BY_NAME["header"].columns) | frozenset(SPECS_BY_NAME["header"].extra)
#: Tables whose fields sit inline in HEADER (at most one record per child).
INLINE: dict[str, str] = {c: name for name in ("oc3", "ad1")
                          for c in SPECS_BY_NAME[name].columns if c not in ("CHILD", "DOB")}

#: Element order written, after the sample and the DfE XML: a name is an inline field, a pair a container.
HEADER_ORDER: tuple[str | tuple[str, str], ...] = (
    "CHILDID", "UPN", "SEX", "DOB", "ETHNIC", "UASC", "DUC", "IN_TOUCH", "ACTIV", "ACCOM", "DATE_INT", "DATE_MATCH",
    "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR", ("AMISSING", "missing"), ("AREVIEW", "reviews"), "MOTHER",
    "MC_DOB", ("PERMANENCE", "previous_permanence"), ("OC2", "oc2"), ("AD_PLACED", "placed_for_adoption"),
)
EPISODE_ORDER = ("DECOM", "RNE", "LS", "CIN", "PL", "PL_POST", "HOME_POST", "URN", "PLACE_PROVIDER", "DEC", "REC",
                 "REASON_PLACE_CHANGE")


def sniff(path: Path) -> bool:
    if path.suffix.lower() != ".xml":
        return False
    with path.open("rb") as fh:
        return ROOT.encode() in fh.read(4096)


def read(paths: list[Path], batch: Batch) -> None:
    assemble([_read_file(p, batch) for p in paths], batch)


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname


_NAMES: dict[object, str] = {}


def _name(tag: object) -> str:
    """An element's 903 name (namespace dropped, XML aliases resolved), memoised: this runs once per element."""
    name = _NAMES.get(tag)
    if name is None:
        local = tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""  # comments and PIs have no name
        name = _NAMES[tag] = normalise_column(local) if local else ""
    return name


class _Records:
    """Text records per 903 table with the line each came from, gathered one CHILD at a time.

    Values are kept as the element text; stripping and blank-to-missing happen once, column-wise, in
    ``canonicalise`` (this loop runs for every element of the file, so it does as little as it can).
    """

    def __init__(self) -> None:
        self.rows: dict[str, list[dict[str, str | None]]] = {name: [] for name in SPECS_BY_NAME}
        self.lines: dict[str, list[int]] = {name: [] for name in SPECS_BY_NAME}
        self.unknown: Counter[str] = Counter()
        self.children = 0

    def add(self, table: str, record: dict[str, str | None], line: int | None) -> None:
        self.rows[table].append(record)
        self.lines[table].append(line or 0)

    def container(self, el: etree._Element, name: str, child_id: str | None, dob: str | None) -> None:
        names = _NAMES
        fields = {names.get(sub.tag) or _name(sub.tag): sub.text for sub in el}
        fields.pop("", None)
        spec = CONTAINER_SPECS.get(name) or _by_content(fields)
        if spec is None:
            self.unknown[name] += 1
            return
        if not fields.keys() <= COLUMN_SETS[spec.name]:
            for key in fields.keys() - COLUMN_SETS[spec.name]:
                self.unknown[f"{name}/{key}"] += 1
        fields["CHILD"], fields["DOB"] = child_id, dob
        self.rows[spec.name].append(fields)
        self.lines[spec.name].append(el.sourceline or 0)

    def child(self, child: etree._Element) -> None:
        self.children += 1
        header = None
        others = []
        for el in child:
            if _name(el.tag) == "HEADER":
                header = el
            elif _name(el.tag):
                others.append(el)
        own: dict[str, str | None] = {}
        inline: dict[str, dict[str, str | None]] = {}
        inline_line: dict[str, int | None] = {}
        containers = []
        names = _NAMES
        for el in header if header is not None else ():
            name = names.get(el.tag) or _name(el.tag)
            if not name:
                continue
            if len(el):
                containers.append((el, name))
            elif name in HEADER_FIELDS:
                own[name] = el.text
            elif name in INLINE:
                inline.setdefault(INLINE[name], {})[name] = el.text
                inline_line.setdefault(INLINE[name], el.sourceline)
            else:
                self.unknown[name] += 1
        child_id, dob = own.get("CHILD"), own.get("DOB")
        if header is not None:
            if "UASC" in own:  # DfE code set "UASC": 1 = the child was UASC; the blank tag means not
                own["UASC"] = (own["UASC"] or "").strip() or "0"
            self.add("header", own, header.sourceline)
        for table, record in inline.items():
            record["CHILD"], record["DOB"] = child_id, dob
            self.add(table, record, inline_line[table])
        for el, name in containers + [(el, _name(el.tag)) for el in others]:
            if len(el):
                self.container(el, name, child_id, dob)
            else:
                self.unknown[name] += 1


def _by_content(fields: Mapping[str, str | None]) -> Spec | None:
    found = identify(["CHILD", *fields])
    return found if isinstance(found, Spec) else None


def _read_file(path: Path, batch: Batch) -> RawFile:
    with path.open("rb") as fh:
        head = fh.read(4096)
    if not head.strip() and len(head) < 4096:
        raise FormatError(str(path), f"the file is empty: expected an SSDA903 XML return (<{ROOT}>)")
    try:
        records = _parse(path, None)
    except UnicodeError:
        records = _parse(path, "cp1252")
    for name, count in sorted(records.unknown.items()):
        batch.findings.append(Finding(str(path), None, name, None,
                                      f"elements of the SSDA903 return (<{name}> appears {count} time(s); not read)",
                                      "warning", "ssda903-unknown-element"))
    tables = []
    for name, rows in records.rows.items():
        if not rows:
            continue
        spec = SPECS_BY_NAME[name]
        columns = list(dict.fromkeys([*spec.columns, *spec.extra, "DOB"]))
        frame = pl.from_dicts(rows, schema={c: pl.Utf8 for c in columns})
        tables.append(RawTable(spec, frame, pl.Series("source_row", records.lines[name], dtype=pl.Int64)))
    return RawFile(path, FORMAT, tables, records.children)


def _parse(path: Path, encoding: str | None) -> _Records:
    """Stream the CHILD elements; a cut-off or malformed file is refused with the line where it breaks."""
    records = _Records()
    context = etree.iterparse(str(path), events=("end",), tag="{*}CHILD", encoding=encoding, huge_tree=True,
                              resolve_entities=False, no_network=True)
    try:
        for _, child in context:
            parent = child.getparent()
            if parent is None or _name(parent.tag) != ROOT:
                continue  # not a return's CHILD; the root check below refuses a file that is not a 903 return
            records.child(child)
            child.clear()
            while child.getprevious() is not None:
                del parent[0]
        root = context.root
    except etree.XMLSyntaxError as exc:
        if encoding is None and ("UTF-8" in str(exc.msg) or "encoding" in str(exc.msg)):
            raise UnicodeError(exc.msg) from None
        raise FormatError(str(path), f"the XML is cut short or malformed ({exc.msg}); nothing was read",
                          row=exc.lineno) from None
    if root is None or _local(root) != ROOT:
        found = _local(root) if root is not None else "none"
        raise FormatError(str(path), f"not an SSDA903 XML return: the root element is <{found}>, expected <{ROOT}>",
                          row=getattr(root, "sourceline", None))
    return records


# --- writing ---------------------------------------------------------------------------------------------------

def write(frames: Mapping[str, pl.DataFrame], out: Path, *, year: int, **options: object) -> list[Path]:
    """One EXPSSDA903 file for collection year ``year``.

    The XML holds one OC3 and one AD1 record per child (their fields are inline in HEADER), and has no place
    known to Caseboard for social worker episodes or DoLo, which the CSV files carry.
    """
    tables = dfe_tables(frames, year)
    by_child: dict[str, dict[str, list[dict[str, str | None]]]] = {}
    for name, table in tables.items():
        for row in table.iter_rows(named=True):
            by_child.setdefault(row["CHILD"], {}).setdefault(name, []).append(row)
    root = etree.Element(ROOT)
    for child_id, parts in by_child.items():
        child = etree.SubElement(root, "CHILD")
        header = etree.SubElement(child, "HEADER")
        own = {**(parts.get("header") or [{"CHILD": child_id}])[0]}
        uasc = parts.get("uasc")
        own.update({"UASC": "1", "DUC": uasc[0]["DUC"]} if uasc else {"UASC": None})
        for table in ("oc3", "ad1"):
            own.update(parts.get(table, [{}])[0])
        for item in HEADER_ORDER:
            if isinstance(item, tuple):
                tag, table = item
                for row in parts.get(table, []):
                    _fields(etree.SubElement(header, tag), row, SPECS_BY_NAME[table].columns[2:])
            elif item == "CHILDID":
                etree.SubElement(header, item).text = child_id
            elif item in own or item in ("UASC", "MOTHER", "MC_DOB"):
                etree.SubElement(header, item).text = own.get(item)
        for row in parts.get("episodes", []):
            _fields(etree.SubElement(child, "EPISODE"), {**row, "PL": row["PLACE"]}, EPISODE_ORDER)
    out.parent.mkdir(parents=True, exist_ok=True)
    etree.ElementTree(root).write(str(out), xml_declaration=True, encoding="utf-8", pretty_print=True)
    return [out]


def _fields(parent: etree._Element, row: Mapping[str, str | None], names: tuple[str, ...]) -> None:
    for name in names:
        etree.SubElement(parent, name).text = row.get(name)
