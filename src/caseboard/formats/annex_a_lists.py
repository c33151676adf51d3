"""The Annex A lists as data: which sheet is which list, which heading is which field, what a cell means.

Everything a council may vary (sheet names, headings, code labels) is in ``annex_a_headers.yml``; this module
turns that file into lookups that the reader (:mod:`annex_a_read`) and the writer (:mod:`annex_a_write`) share,
so that a heading the writer writes is, by construction, a heading the reader recognises.

Matching is tolerant in the ways councils' workbooks actually differ: case, punctuation, spacing, curly
quotes, trailing spaces, and older or local wordings of the same column (the Ofsted template has changed its
headings several times since 2015). It is not fuzzy beyond that: a heading that matches no known variant is
reported, never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

#: Excel error values (a formula that failed): not data. The reader reports them and reads the cell as empty.
EXCEL_ERRORS = frozenset({"#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NULL!", "#NUM!", "#SPILL!", "#CALC!"})

#: "a) Male", "s) NOBT", "b. No": the list letter Ofsted asks councils to put before a code (Annex A FAQ, 2019:
#: "ideally include these ... it helps create an order"). It is presentation, not part of the code.
_LIST_LETTER = re.compile(r"^[a-z]{1,2}[).]\s*(?=\S)")
#: "q) 6: Police", "C2: FCO", "N1 - Abuse or neglect", "PR4 - Private provision": a code followed by its label.
_CODE_LABEL = re.compile(r"^([A-Z0-9]{1,8})\s*(?::|\s[-\u2013]\s)\s*\S")
_SHEET_LIST = re.compile(r"\b(?:list|l)\s*(\d{1,2})\b")
_TITLE_LIST = re.compile(r"^list\s*(\d{1,2})\b")


def normalise(text: object) -> str:
    """Lower case, every run of characters other than letters and digits as one space, trimmed.

    ``"Date Ceased to be Looked After "``, ``"date_ceased_to_be_looked_after"`` and ``"DATE CEASED TO BE LOOKED
    AFTER"`` are one heading; curly and straight quotes vanish alike (``"Child’s Legal Status"``).
    """
    s = str(text).replace("\u2019", "").replace("'", "").replace("\u2018", "").lower()
    return re.sub(r"[^a-z0-9]+", " ", s).strip()


@dataclass(frozen=True)
class FieldSpec:
    """One Annex A column: its published heading, the other headings it goes by, and how its cells are read."""

    name: str
    header: str
    names: frozenset[str] = frozenset()  # the published heading and the ``also`` headings, normalised
    match: re.Pattern[str] | None = None
    value: str | None = None
    #: For a date column that some templates ask as yes/no (List 4 "Child seen"): the field yes/no answers go to.
    answer: str | None = None


@dataclass(frozen=True)
class RecordSpec:
    """The canonical row that one sheet row makes in ``table`` (see the YAML's ``records``)."""

    table: str
    columns: dict[str, str]
    when: tuple[str, ...] = ()
    fixed: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ListSpec:
    number: int
    title: str
    key: str | None
    fields: tuple[FieldSpec, ...]
    records: tuple[RecordSpec, ...]
    child_list: bool = True

    def field(self, name: str) -> FieldSpec:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"List {self.number} has no field {name!r}")

    @property
    def sheet_name(self) -> str:
        return f"List {self.number}"


@lru_cache(maxsize=1)
def _doc() -> dict[str, Any]:
    text = (resources.files("caseboard.formats") / "annex_a_headers.yml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def _field(name: str, spec: dict[str, Any]) -> FieldSpec:
    return FieldSpec(
        name=name,
        header=spec["header"],
        names=frozenset(normalise(a) for a in [spec["header"], *(spec.get("also") or ())]),
        match=re.compile(spec["match"]) if spec.get("match") else None,
        value=spec.get("value"),
        answer=spec.get("answer"),
    )


@lru_cache(maxsize=1)
def lists() -> dict[int, ListSpec]:
    """Every Annex A list, 1 to 11, from the YAML."""
    doc = _doc()
    common = doc["common_fields"]
    common_records = [_record(r) for r in doc["common_records"]]
    out: dict[int, ListSpec] = {}
    for number, spec in doc["lists"].items():
        fields: list[FieldSpec] = []
        for entry in spec["fields"]:
            if isinstance(entry, str):
                fields.append(_field(entry, common[entry]))
            else:
                (name, own), = entry.items()
                fields.append(_field(name, {**common.get(name, {}), **own}))
        child_list = spec.get("child_list", True)
        records = [_record(r) for r in spec["records"]] + (common_records if child_list else [])
        out[int(number)] = ListSpec(int(number), spec["title"], spec.get("key"), tuple(fields), tuple(records), child_list)
    return out


def _record(spec: dict[str, Any]) -> RecordSpec:
    return RecordSpec(spec["table"], dict(spec["columns"]), tuple(spec.get("when") or ()),
                      {k: str(v) for k, v in (spec.get("fixed") or {}).items()})


# --- which sheet is which list -----------------------------------------------------------------------------

def list_number(text: object) -> int | None:
    """The list a sheet name names: "List 1", "List_1", "list1", "L1 Contacts", "Annex A List 10"."""
    m = _SHEET_LIST.search(normalise(text))
    n = int(m.group(1)) if m else None
    return n if n in lists() else None


def title_number(text: object) -> int | None:
    """The list a title cell above the headings names ("List 3: Referral"); only at the start of the cell."""
    m = _TITLE_LIST.match(normalise(text))
    n = int(m.group(1)) if m else None
    return n if n in lists() else None


def match_headers(spec: ListSpec, headers: list[object]) -> dict[int, FieldSpec]:
    """Column index -> field, for the headings of one row.

    Exact (normalised) headings are matched first, over the whole row, so that a regular expression meant for
    an odd wording never steals a column that another field names exactly; each field takes one column (the
    first), and a repeated heading is left unmatched for the reader to report.
    """
    norms = {i: normalise(h) for i, h in enumerate(headers) if h is not None and normalise(h)}
    taken: dict[int, FieldSpec] = {}
    used: set[str] = set()
    for i, norm in norms.items():
        for f in spec.fields:
            if f.name not in used and norm in f.names:
                taken[i] = f
                used.add(f.name)
                break
    for i, norm in norms.items():
        if i in taken:
            continue
        for f in spec.fields:
            if f.name not in used and f.match is not None and f.match.search(norm):
                taken[i] = f
                used.add(f.name)
                break
    return taken


# --- what a cell means ---------------------------------------------------------------------------------------

@lru_cache(maxsize=None)
def _value_table(kind: str) -> dict[str, str]:
    return {normalise(v): model for model, variants in _doc()["values"][kind].items() for v in variants}


@lru_cache(maxsize=None)
def labels(kind: str) -> dict[str, str]:
    """Model value -> the Annex A coded label the writer puts in the cell."""
    return {str(k): str(v) for k, v in _doc()["labels"][kind].items()}


def strip_letter(text: str) -> str:
    """ "a) WBRI" -> "WBRI"; text without a list letter is returned as it is."""
    return _LIST_LETTER.sub("", text, count=1)


def code_of(text: str) -> str:
    """The code in an Annex A coded cell: "q) 6: Police" -> "6", "e) PR4 - Private provision" -> "PR4".

    Annex A asks for code and label together (Guidance: "Please use codes; N1 - Abuse or neglect ..."); the
    model holds the code alone (docs/model.md), so the label is dropped. A cell that is not code-and-label
    ("School", "White British") is passed through as given, for validation to judge.
    """
    bare = strip_letter(text)
    m = _CODE_LABEL.match(bare)
    return m.group(1) if m else bare


def translate(kind: str | None, text: str | None) -> str | None:
    """A cell's text (already trimmed, or None) as the model holds it, still as text (canonicalise types it).

    Values that a table does not know pass through unchanged (after the list letter is removed), so that
    validation reports them with the council's own wording; "unknown" answers become empty, the model's
    unknown.
    """
    if text is None or kind in (None, "text", "date", "int"):
        return text
    if kind == "code":
        return code_of(text)
    bare = strip_letter(text)
    if kind == "abuse":
        return _value_table("abuse").get(normalise(bare)) or code_of(text)
    found = _value_table(kind).get(normalise(bare))
    if found is None:
        found = _value_table(kind).get(normalise(text))
    if found is None:
        return bare
    return found or None


def is_yes_no(text: str) -> bool:
    """True for a yes/no/unknown answer (used where Annex A versions differ between a date and an answer)."""
    return normalise(strip_letter(text)) in _value_table("yes_no")
