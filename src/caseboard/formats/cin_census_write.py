"""Writing canonical frames as a CIN census XML return for a given collection year.

Why a writer: round trips prove the reader (read(write(x)) == x), synthetic authorities become real returns for
other tools, and a council can rebuild a census from Caseboard. The structure is the one tree in
:mod:`cin_census`, filtered to what the year's XSD declares: GenderCurrent (1/2/0) to 2024 and Sex (M/F/U)
from 2025; CIN plan dates from 2022; pre-proceedings from 2026.

Each child's referrals become its CINdetails (by referral_date order); assessments, CIN plans, section 47
enquiries and CP plans go into the CINdetails whose CINreferralDate equals their ``referral_date``, CP review
dates into the plan whose start is their ``plan_start_date``. Pre-proceedings carry no referral_date in the
model, so each goes into the latest episode that started on or before it (the first episode if none did).

Nothing is dropped silently and nothing is invented: a record that fits no episode, or a module the year's
census does not collect, is a ``ValueError`` (and no file is left behind); a missing value is an absent
element. The file is schema-valid when the XSD's required items (Sex, Ethnicity, ReferralSource, ReferralNFA,
...) are present. Children without a referral are not written: the census holds only children with a CIN
episode (XSD ``childtype``: CINdetails minOccurs 1).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path

import polars as pl
from lxml import etree

from caseboard.formats.cin_census import CHILD, CIN_DETAILS, Field, Node, fields, table_nodes
from caseboard.model.tables import table as table_decl

_Key = tuple[object, ...]
_EPISODE_KEY = "__episode"


def write(
    frames: Mapping[str, pl.DataFrame],
    out: Path,
    *,
    year: int,
    la_code: str = "926",
    reference_date: dt.date | None = None,
    created: dt.datetime | None = None,
) -> list[Path]:
    """Write ``frames`` as the CIN census for collection ``year`` (ending 31 March) to ``out``.

    ``out`` is the file to write, or a folder to write ``CIN_census_<year>.xml`` into. ``la_code`` is the
    three-digit DfE LA number (Header/Source/LEA; 926 is Norfolk, the default only because it is public).
    """
    if not re.fullmatch(r"\d{3}", la_code):
        raise ValueError(f"la_code must be the three-digit DfE LA number, not {la_code!r}")
    path = out / f"CIN_census_{year}.xml" if out.is_dir() else out
    writer = _Writer(frames, year)
    tmp = path.with_name(path.name + ".part")
    try:
        with etree.xmlfile(str(tmp), encoding="utf-8") as xf:
            xf.write_declaration()
            with xf.element("Message"):
                xf.write("\n")
                xf.write(_header(year, la_code, reference_date or dt.date(year, 3, 31), created), pretty_print=True)
                with xf.element("Children"):
                    xf.write("\n")
                    for child in writer.children():
                        xf.write(child, pretty_print=True)
                xf.write("\n")
        writer.check_all_placed()
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    tmp.replace(path)
    return [path]


def _header(year: int, la_code: str, reference_date: dt.date, created: dt.datetime | None) -> etree._Element:
    """Header per XSD ``headertype``: CollectionDetails then Source."""
    header = etree.Element("Header")
    details = etree.SubElement(header, "CollectionDetails")
    for name, value in (("Collection", "CIN"), ("Year", str(year)), ("ReferenceDate", reference_date.isoformat())):
        etree.SubElement(details, name).text = value
    source = etree.SubElement(header, "Source")
    stamp = (created or dt.datetime.now()).replace(microsecond=0).isoformat()
    for name, value in (("SourceLevel", "L"), ("LEA", la_code), ("SoftwareCode", "Caseboard"),
                        ("Release", _release()), ("SerialNo", "001"), ("DateTime", stamp)):
        etree.SubElement(source, name).text = value
    return header


def _release() -> str:
    try:
        return metadata.version("caseboard")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree without install
        return "unknown"


def _text(value: object, codes: Mapping[str, str] | None) -> str:
    """A canonical value as the census writes it: ISO dates, 1/0 flags, codes translated back."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    return codes.get(text, text) if codes else text


def _reverse(codes: Mapping[str, str] | None) -> dict[str, str] | None:
    """Model code -> file code; where several file codes share a model code the first is written (U -> 0)."""
    if codes is None:
        return None
    out: dict[str, str] = {}
    for file_code, model_code in codes.items():
        out.setdefault(model_code, file_code)
    return out


class _Writer:
    """The frames indexed by the record that holds them, consumed as the children are written."""

    def __init__(self, frames: Mapping[str, pl.DataFrame], year: int) -> None:
        self.year = year
        self.index: dict[str, dict[_Key, list[dict]]] = {}
        self.links: dict[str, tuple[tuple[str, str], ...]] = {}
        self.reverse = {f.element: _reverse(f.codes) for n in table_nodes() for f in fields(n)}
        nested_in_episode = {p.table for p in CIN_DETAILS.parts if isinstance(p, Node)}
        records = {n.table: self._records(frames, n) for n in table_nodes()}
        self.child_records = records.pop(CHILD.table)
        for node in table_nodes()[1:]:
            links = node.links
            if not links and node.table in nested_in_episode:  # placed by date: see the module docstring
                links = (("referral_date", _EPISODE_KEY),)
                _place_by_date(records[node.table], records["referrals"])  # type: ignore[index]
            self.links[node.table] = links  # type: ignore[index]
            groups: dict[_Key, list[dict]] = defaultdict(list)
            for rec in records[node.table]:  # type: ignore[index]
                groups[(rec.get("child_id"), *(rec.get(own) for _, own in links))].append(rec)
            self.index[node.table] = dict(groups)  # type: ignore[index]

    def _records(self, frames: Mapping[str, pl.DataFrame], node: Node) -> list[dict]:
        frame = frames.get(node.table)  # type: ignore[arg-type]
        if frame is None or frame.height == 0:
            return []
        if self.year < node.since:
            raise ValueError(f"{node.table}: {frame.height} records, but the CIN census collects <{node.element}> "
                             f"only from {node.since}; writing {self.year} would drop them")
        key = [c for c in table_decl(node.table).key if c in frame.columns]  # type: ignore[arg-type]
        return frame.sort(key, nulls_last=True, maintain_order=True).to_dicts()

    def children(self):
        """Each child with at least one referral, as a finished <Child> element, in child_id order."""
        for rec in self.child_records:
            if (rec.get("child_id"),) in self.index["referrals"]:
                el = etree.Element(CHILD.element)
                self._fill(el, CHILD, rec)
                yield el

    def _fill(self, el: etree._Element, node: Node, rec: dict) -> None:
        for part in node.parts:
            if isinstance(part, Field):
                self._field(el, part, rec)
            elif part.table is None:
                self._fill(etree.SubElement(el, part.element), part, rec)
            else:
                key = (rec.get("child_id"), *(rec.get(theirs) for theirs, _ in self.links[part.table]))
                subs = self.index[part.table].pop(key, [])
                if part.each_item and subs:
                    container = etree.SubElement(el, part.element)
                    for sub in subs:
                        self._fill(container, part, sub)
                for sub in subs if not part.each_item else []:
                    self._fill(etree.SubElement(el, part.element), part, sub)

    def _field(self, el: etree._Element, part: Field, rec: dict) -> None:
        if part.column is None or not part.since <= self.year <= part.until:
            return
        value = rec.get(part.column)
        if value is None or value == "":
            return
        if part.item:
            container = etree.SubElement(el, part.element)
            for v in str(value).split(","):
                if v.strip():
                    etree.SubElement(container, part.item).text = v.strip()
        else:
            etree.SubElement(el, part.element).text = _text(value, self.reverse[part.element])

    def check_all_placed(self) -> None:
        """Every record must have gone into the file: say which did not and why."""
        problems = []
        for table, groups in self.index.items():
            left = [rec for recs in groups.values() for rec in recs]
            if not left:
                continue
            what = ("their child is not in the children frame" if table == "referrals"
                    else f"no record holds them ({', '.join(theirs for theirs, _ in self.links[table])} matches none)")
            sample = ", ".join(f"{r.get('child_id')}" for r in left[:5])
            problems.append(f"{table}: {len(left)} records could not be placed: {what} (children {sample})")
        if problems:
            raise ValueError("; ".join(problems))


def _place_by_date(records: list[dict], referrals: list[dict]) -> None:
    """Give each record the referral_date of the latest episode of its child starting on or before it."""
    starts: dict[object, list[dt.date]] = defaultdict(list)
    for r in referrals:
        starts[r.get("child_id")].append(r["referral_date"])
    for rec in records:
        dates = sorted(d for d in starts.get(rec.get("child_id"), []) if d is not None)
        begun = [d for d in dates if rec.get("start_date") is not None and d <= rec["start_date"]]
        rec[_EPISODE_KEY] = begun[-1] if begun else (dates[0] if dates else None)
