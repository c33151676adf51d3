"""Reading an Ofsted Annex A workbook (ILACS lists 1-11) into the canonical tables.

What each list becomes (the column-by-column map is ``annex_a_headers.yml``, ``records``):

- every list but 11: a ``children`` row (ID, sex, date of birth or, for an unborn child - "Age" -1, Annex A
  guidance - expected date of birth, ethnicity, and UASC from lists 8 and 9). A child on several lists gives one
  row when the lists agree; when they disagree every version is kept, for validation to report.
- List 1 contacts; List 2 early_help; List 3 referrals; List 4 assessments; List 5 s47_enquiries.
- List 6 -> ``referrals``: its CIN Start Date, primary need, closure date and reason are the CIN *episode*
  (CIN census CINdetails: CINreferralDate, PrimaryNeedCode, CINclosureDate, ReasonForClosure), not a CIN plan;
  the list says which children have a plan only through "Case Status", without dates, so no ``cin_plans`` row
  can be made. "Date Child Was Last Seen" (by a social worker, Annex A guidance) -> ``visits`` kind cin, seen.
- List 7 -> ``cp_plans``; the last statutory visit and seen-alone answer -> ``visits`` kind cp; the latest review
  conference -> ``cp_reviews``.
- List 8 -> ``lac_episodes``: the current (most recent) episode starting at "Start Date of Most Recent
  Placement", with legal status, category of need, placement type, provider, placement postcode, URN, date and
  reason ceased. When the child started to be looked after before that placement, a second episode records the
  start of the period (RNE S, ended X1 on the day the placement began), its other codes unknown: that keeps the
  period start, which Annex A gives and the model derives from episodes. An episode whose placement began on the
  day care began gets RNE S. The latest statutory review -> ``lac_reviews``; the last social work visit ->
  ``visits`` kind lac; the last health assessment and dental check -> ``health_assessments`` (review, dental).
- List 9 -> ``care_leavers`` (eligibility as eligible/relevant/former_relevant/qualifying, personal adviser) and
  ``care_leaver_status`` dated by the latest contact (in touch as the 903 IN_TOUCH code; accommodation type and
  suitability as the 903 ACCOM code, letter then 1 suitable or 2 unsuitable; activity); the latest pathway plan
  review -> ``pathway_plans`` kind review.
- List 10 -> ``adoptions``; "Reason Why Child No Longer Placed for Adoption" uses the 903 RD1-RD4 codes and goes
  to ``placed_ceased_reason``.
- Lists 3-9: "Allocated Team"/"Allocated Worker" -> ``allocations`` from the list's key date (List 9, which has
  none: the latest contact date), names as given.
- List 11 (adopters) is not read: the model has no adopters yet (one warning says so).

Not held by the model, so recognised but not loaded: age (derived), disability yes/no (the model holds CIN
disability codes), counts in the last 12 months (referrals, s47s, ICPCs, placements, missing and absent
episodes: counts cannot become dated records), EPO in last 6 months, second period in 12 months, start of
current legal status, permanence plan, last IRO contact, placement location and LA, return interview offered
and accepted (they belong to a missing episode whose dates the list does not give), List 10 family ID, date
entered care and FFA date. "Child Seen During Continuous Assessment" is a date in older templates and yes/no in
the current one: a date goes to ``assessments.child_seen_date``, an answer to ``assessments.child_seen``.

Row numbers are the rows a person sees in Excel; ``source_file`` is ``"<path> [<sheet>]"`` because a row number
alone is ambiguous in a workbook.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path

import polars as pl

from caseboard.calendar import reporting_year
from caseboard.formats.annex_a_book import load, sheet_names
from caseboard.formats.annex_a_lists import (
    EXCEL_ERRORS, FieldSpec, ListSpec, RecordSpec, is_yes_no, list_number, lists, match_headers, title_number,
    translate,
)
from caseboard.formats.base import Batch, Finding, FormatError, SourceFile, canonicalise
from caseboard.formats.values import parse_dates
from caseboard.model.tables import table as table_decl

FORMAT = "annex-a"

#: Headings are looked for in the first rows only: above them there may be a title and guidance, not data.
HEADER_SEARCH_ROWS = 30
#: A row is a heading row when it names the child (or adopter) ID and at least this many known columns.
MIN_HEADINGS = 3
_SUFFIXES = (".xlsx", ".xlsm")


def sniff(path: Path) -> bool:
    """An .xlsx whose workbook names a sheet "List N", or whose strings hold the heading "Child Unique ID"."""
    if path.suffix.lower() not in _SUFFIXES:
        return False
    try:
        with path.open("rb") as fh:
            if fh.read(4) != b"PK\x03\x04":
                return False
        if any(list_number(name) for name in sheet_names(path)):
            return True
        with zipfile.ZipFile(path) as z:
            if "xl/sharedStrings.xml" in z.namelist():
                with z.open("xl/sharedStrings.xml") as s:
                    return b"child unique id" in s.read(2_000_000).lower()
    except (OSError, KeyError, zipfile.BadZipFile):
        return False
    return False


def read(paths: list[Path], batch: Batch) -> None:
    for path in paths:
        read_file(path, batch)


def read_file(path: Path, batch: Batch) -> None:
    file = str(path)
    sheets = load(path)
    produced: dict[str, list[pl.DataFrame]] = {}
    records = 0
    recognised = 0
    for title, rows in sheets:
        sheet = _Sheet(file, title, rows)
        readable = sheet.locate(batch)
        recognised += sheet.recognised
        if readable:
            records += sheet.read(batch, produced)
    if not recognised:
        raise FormatError(file, "this workbook holds no Annex A list: expected sheets such as 'List 1' ... 'List 11' "
                          "with a heading row naming 'Child Unique ID', 'Gender', 'Date of Birth' and the list's columns")
    event_dates: list[dt.date] = []
    for name, frames in produced.items():
        merged = merge_across_lists(name, pl.concat(frames, how="vertical_relaxed"))
        batch.add(name, merged)
        if name != "children":
            event_dates += [d for c, s in merged.schema.items() if s == pl.Date for d in merged[c].drop_nulls()]
    source = SourceFile.of(path, FORMAT, _collection_year(event_dates))
    source.records = records
    batch.files.append(source)


def _collection_year(dates: list[dt.date]) -> int | None:
    """The reporting year of the latest event date in the workbook (not after today: a mistyped future date must
    not make a 2024 return look like 2099's)."""
    today = dt.date.today()
    usable = [d for d in dates if d <= today] or dates
    return reporting_year(max(usable)) if usable else None


def _cell_text(value: object) -> str | None:
    """A cell as text: dates as ISO dates (times dropped: the model holds dates), whole numbers without ".0",
    non-breaking spaces as spaces, surrounding space trimmed, empty as None."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).replace("\u00a0", " ").strip()
    return text or None


@dataclass
class _Sheet:
    file: str
    title: str
    rows: list[list[object]]
    spec: ListSpec | None = None
    header_row: int = 0  # index into rows
    columns: dict[int, FieldSpec] = field(default_factory=dict)
    recognised: bool = False  # an Annex A list, read or not (named "List N", or headed like one)

    @property
    def label(self) -> str:
        return f"{self.file} [{self.title}]"

    def _finding(self, row: int | None, field_: str | None, value: str | None, expected: str, severity: str,
                 rule: str) -> Finding:
        return Finding(self.label, row, field_, value, expected, severity, rule)  # type: ignore[arg-type]

    def locate(self, batch: Batch) -> bool:
        """Decide which list this sheet is and where its headings are; False for sheets that hold no list."""
        named = list_number(self.title)
        self.recognised = named is not None
        candidates = [lists()[named]] if named else list(lists().values())
        for i, row in enumerate(self.rows[:HEADER_SEARCH_ROWS]):
            if sum(1 for v in row if v not in (None, "")) < MIN_HEADINGS:
                continue
            best: tuple[int, ListSpec, dict[int, FieldSpec]] | None = None
            for spec in candidates:
                found = match_headers(spec, list(row))
                ident = "child_id" if spec.child_list else "adopter_id"
                if len(found) >= MIN_HEADINGS and any(f.name == ident for f in found.values()):
                    if best is None or len(found) > best[0]:
                        best = (len(found), spec, found)
            if best:
                titled = None if named else next(
                    (n for r in self.rows[:i] for v in r if v is not None and (n := title_number(v))), None)
                self.spec = lists()[titled] if titled else best[1]
                self.columns = best[2] if self.spec is best[1] else match_headers(self.spec, list(row))
                self.header_row = i
                self.recognised = True
                return self._check(batch)
        if named and any(v not in (None, "") for r in self.rows for v in r):
            batch.findings.append(self._finding(
                None, None, None, f"a heading row naming 'Child Unique ID' and the List {named} columns within the first "
                f"{HEADER_SEARCH_ROWS} rows; none was found, so this sheet is not read", "error", "annex-a-columns"))
        return False

    def _check(self, batch: Batch) -> bool:
        spec = self.spec
        assert spec is not None
        row_no = self.header_row + 1
        if not spec.child_list:
            batch.findings.append(self._finding(
                row_no, None, None, f"a list Caseboard holds: List {spec.number} ({spec.title}) is not read, adopters are not "
                f"part of the child model yet ({len(self._data_rows())} rows left unread)", "warning", "annex-a-not-held"))
            return False
        names = {f.name for f in self.columns.values()}
        missing = [spec.field(n).header for n in ("child_id", spec.key) if n and n not in names]
        if missing:
            batch.findings.append(self._finding(
                row_no, missing[0], None, f"the column(s) {', '.join(repr(m) for m in missing)} in List {spec.number} "
                f"({spec.title}): without the child's ID and the list's key date no record can be placed, so this "
                "sheet is not read", "error", "annex-a-columns"))
            return False
        header = self.rows[self.header_row]
        data = self._data_rows()
        for i, heading in enumerate(header):
            if i in self.columns:
                continue
            has_data = any(i < len(r) and r[i] not in (None, "") for _, r in data)
            if heading not in (None, "") or has_data:
                batch.findings.append(self._finding(
                    row_no, None if heading in (None, "") else str(heading).strip(), None,
                    f"a List {spec.number} column heading; this column is not one Caseboard knows, so it is not read"
                    + ("" if heading not in (None, "") else f" (column {i + 1} has values but no heading)"),
                    "warning", "annex-a-unknown-column"))
        return True

    def _data_rows(self) -> list[tuple[int, list[object]]]:
        return [(i + 1, r) for i, r in enumerate(self.rows) if i > self.header_row and any(v not in (None, "") for v in r)]

    def read(self, batch: Batch, produced: dict[str, list[pl.DataFrame]]) -> int:
        """Translate the sheet's rows and hand each canonical table's rows to :func:`canonicalise`."""
        spec = self.spec
        assert spec is not None
        data = self._data_rows()
        values = [self._row_values(r) for _, r in data]
        row_numbers = [n for n, _ in data]
        self._report_cells(batch, values, row_numbers)
        if spec.number == 8:
            self._emit(batch, produced, "lac_episodes", _period_starts(values), row_numbers,
                       {"start_date": "lac_start", "end_date": "placement_start"})
        for rec in spec.records:
            raw = _record_rows(rec, values, first=rec is spec.records[0])
            self._emit(batch, produced, rec.table, raw, row_numbers, rec.columns)
        if {"team", "worker"} & {f.name for f in self.columns.values()}:
            self._allocations(batch, produced, values, row_numbers)
        return len(data)

    def _allocations(self, batch: Batch, produced: dict[str, list[pl.DataFrame]],
                     values: list[dict[str, str | None]], rows: list[int]) -> None:
        """Allocated Team/Worker from the list's key date (List 9: the latest contact). A row without a usable key
        date makes no allocation: its own record is already quarantined with a finding (lists 3-8), or, on List 9,
        one warning says how many allocations could not be dated."""
        assert self.spec is not None
        key = self.spec.key or "latest_contact"
        dates = parse_dates(pl.Series([v.get(key) for v in values], dtype=pl.Utf8)).to_list()
        raw: list[dict[str, str | None] | None] = []
        undated: list[int] = []
        for v, day, row in zip(values, dates, rows):
            if not (v.get("child_id") and (v.get("team") or v.get("worker"))):
                raw.append(None)
            elif day is None:
                raw.append(None)
                undated.append(row)
            else:
                raw.append({"child_id": v["child_id"], "start_date": day.isoformat(), "team_id": v.get("team"),
                            "worker_id": v.get("worker")})
        if undated and self.spec.key is None:
            batch.findings.append(self._finding(
                undated[0], self.spec.field(key).header, None,
                f"a date to start the allocation from: {len(undated)} row(s) name an allocated team or worker but no "
                f"{self.spec.field(key).header}, so those allocations are not loaded", "warning", "annex-a-not-held"))
        self._emit(batch, produced, "allocations", raw, rows, {"start_date": key, "team_id": "team", "worker_id": "worker"})

    def _row_values(self, row: list[object]) -> dict[str, str | None]:
        out: dict[str, str | None] = {}
        for i, f in self.columns.items():
            text = _cell_text(row[i]) if i < len(row) else None
            out[f.name] = text
        return out

    def _report_cells(self, batch: Batch, values: list[dict[str, str | None]], rows: list[int]) -> None:
        """Excel error values and yes/no answers in date columns: one warning per column, then the cells are read
        as empty (an error is not data; an answer is not a date)."""
        for f in self.columns.values():
            if f.answer:  # a yes/no answer in a date column the template asks as yes/no: it goes to its own field
                for v in values:
                    given = v[f.name]
                    answered = bool(given) and given not in EXCEL_ERRORS and is_yes_no(given or "")
                    v[f.answer] = translate("yes_no", given) if answered else None
                    if answered:
                        v[f.name] = None
            errors = [(r, v[f.name]) for r, v in zip(rows, values) if v[f.name] in EXCEL_ERRORS]
            answers = ([(r, v[f.name]) for r, v in zip(rows, values) if v[f.name] and v[f.name] not in EXCEL_ERRORS
                        and is_yes_no(v[f.name] or "")] if f.value == "date" else [])
            for bad, what in ((errors, "a value, not an Excel error (a formula that failed): read as empty"),
                              (answers, "a date: the model holds the date, so a yes/no answer is not loaded")):
                if bad:
                    where = ", ".join(str(r) for r, _ in bad[:10]) + (" ..." if len(bad) > 10 else "")
                    batch.findings.append(self._finding(
                        bad[0][0], f.header, bad[0][1], f"{what} ({len(bad)} cell(s), rows {where})", "warning",
                        "annex-a-cell"))
                    bad_rows = {r for r, _ in bad}
                    for r, v in zip(rows, values):
                        if r in bad_rows:
                            v[f.name] = None
        for v in values:
            for f in self.columns.values():
                v[f.name] = translate(f.value, v[f.name])
            if self.spec and self.spec.number == 9 and v.get("accommodation"):
                v["accommodation"] = _accommodation(v["accommodation"], v.get("suitability"))
            if _unborn(v.get("age")):
                v["expected_dob"], v["dob"] = v.get("dob"), None

    def _emit(self, batch: Batch, produced: dict[str, list[pl.DataFrame]], table: str,
              raw: list[dict[str, str | None] | None], rows: list[int], sources: dict[str, str]) -> None:
        """Canonicalise one table's rows; findings then name the Annex A heading (what the analyst sees in the
        workbook), not the canonical column (``sources``: canonical column -> field)."""
        keep = [i for i, r in enumerate(raw) if r is not None]
        if not keep:
            return
        names = sorted({k for i in keep for k in raw[i]})  # type: ignore[union-attr]
        frame = pl.DataFrame({n: [raw[i].get(n) for i in keep] for n in names},  # type: ignore[union-attr]
                             schema={n: pl.Utf8 for n in names})
        numbers = pl.Series("source_row", [rows[i] for i in keep], dtype=pl.Int64)
        before = len(batch.findings)
        produced.setdefault(table, []).append(canonicalise(table, frame, file=self.label, batch=batch, rows=numbers))
        headers = {f.name: f.header for f in self.columns.values()}
        for i in range(before, len(batch.findings)):
            f = batch.findings[i]
            source = sources.get(f.field or "")
            if source in headers:
                batch.findings[i] = replace(f, field=headers[source])


def _record_rows(rec: RecordSpec, values: list[dict[str, str | None]], *, first: bool) -> list[dict[str, str | None] | None]:
    """One raw row per sheet row for ``rec``, or None where the record is not made.

    The list's first record is always made (a row missing a required value is then quarantined with a finding,
    never lost); the others need the child's ID and, when they name ``when`` fields, one of those.
    """
    out: list[dict[str, str | None] | None] = []
    for v in values:
        if not first and (not v.get("child_id") or (rec.when and not any(v.get(w) for w in rec.when))):
            out.append(None)
            continue
        row = {col: v.get(src) for col, src in rec.columns.items() if src in v}
        row.update(rec.fixed)
        out.append(row)
    return out


def _period_starts(values: list[dict[str, str | None]]) -> list[dict[str, str | None] | None]:
    """List 8: the episode that opens the period when care began before the current placement (see module doc);
    and RNE S on the current episode when the placement began the day care began."""
    starts = parse_dates(pl.Series([v.get("lac_start") for v in values], dtype=pl.Utf8)).to_list()
    placed = parse_dates(pl.Series([v.get("placement_start") for v in values], dtype=pl.Utf8)).to_list()
    out: list[dict[str, str | None] | None] = []
    for v, began, placement in zip(values, starts, placed):
        v["rne"] = "S" if began and placement and began == placement else None
        if v.get("child_id") and began and placement and began < placement:
            out.append({"child_id": v["child_id"], "start_date": began.isoformat(), "rne": "S",
                        "end_date": placement.isoformat(), "reason_ceased": "X1"})
        else:
            out.append(None)
    return out


def _accommodation(kind: str, suitability: str | None) -> str:
    """903 ACCOM: the accommodation letter and 1 (suitable) or 2 (not suitable); a letter whose suitability is
    not given stays a letter, for validation to report."""
    return kind + suitability if len(kind) == 1 and kind.isalpha() and suitability in ("1", "2") else kind


def _unborn(age: str | None) -> bool:
    """Annex A guidance: "If a child is unborn, enter their age as '-1'" (and the date of birth is expected)."""
    try:
        return age is not None and float(age) < 0
    except ValueError:
        return False


#: Tables made from every row of a list, so that one child with three contacts gives three identical rows by
#: design ("A child may appear on this list more than once", Annex A guidance, List 1): these merge within a
#: sheet too. Other tables hold one record per row, and a repeated record within a list is the return's to explain.
DERIVED_TABLES = frozenset({"children", "allocations"})


def merge_across_lists(table_name: str, frame: pl.DataFrame) -> pl.DataFrame:
    """One row for one fact told several times (a child on List 1 and List 3; a referral on List 3 that is also
    the CIN episode on List 6), when the tellings agree.

    Rows sharing a natural key are combined, each value taken from whichever row gives it, when no two rows give
    different values and (outside :data:`DERIVED_TABLES`) they come from different sheets. Disagreeing rows are
    all kept, for validation to report with their rows.
    """
    derived = table_name in DERIVED_TABLES
    values = [c for c in frame.columns if c not in ("source_file", "source_row")]
    if derived:
        frame = frame.unique(subset=values, keep="first", maintain_order=True)
    key = list(table_decl(table_name).key)
    if frame.height < 2:
        return frame
    dup = frame.select(pl.struct(key).is_duplicated()).to_series()
    if not dup.any():
        return frame
    single, multi = frame.filter(~dup), frame.filter(dup)
    keep: list[dict[str, object]] = []
    others = [c for c in values if c not in key]
    for _, group in multi.group_by(key, maintain_order=True):
        rows = group.to_dicts()
        distinct = {c: {r[c] for r in rows if r[c] is not None} for c in others}
        apart = derived or len({r["source_file"] for r in rows}) == len(rows)
        if apart and all(len(v) <= 1 for v in distinct.values()):
            merged = dict(rows[0])
            merged.update({c: next(iter(v)) for c, v in distinct.items() if v})
            keep.append(merged)
        else:
            keep.extend(rows)
    return pl.concat([single, pl.DataFrame(keep, schema=frame.schema)], how="vertical_relaxed")
