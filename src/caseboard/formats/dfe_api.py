"""The DfE children's social care API payload (JSON), as files or as HTTP pushes.

The DfE's CSC data API receives a daily push of child-level records: ``POST
/children_social_care_data/{la_code}/children`` with a request body that is a bare JSON array of child records
(OpenAPI component ``CSC``, version 1.0.1, at most 100 records per request). A case management system that
already implements that feed can feed Caseboard the same payload. Files may hold the bare array, or an object
``{"children": [...]}`` wrapping it (a convenience for files; the API itself takes only the bare array).

Structure is checked against the published schema (``dfe_api_schema.json``, converted from the OpenAPI file by
:func:`json_schema_from_openapi`). A structural problem is a finding whose ``row`` is the record's index in the
array (0-based, as in the JSON pointer) and whose ``field`` is a JSON pointer to the value. A value of the wrong
JSON type or not a ``yyyy-mm-dd`` date is left empty (never guessed); values breaking length or pattern limits
are reported and kept as given (codes are checked against the code lists later, by validation).

Not stored, on purpose: ``first_name`` and ``surname`` (data minimisation, UK GDPR Art. 5(1)(c): no indicator,
worklist or report needs a child's name, and the council's case system remains the place to look it up);
``mis_child_id`` and the API's element identifiers (the model keys records by child and date); a section 47
enquiry's ``end_date`` (the model has no column for it).

Purge flags ask for data to be removed. Caseboard does not load a purged element; :func:`read_payload` returns
one :class:`PurgeRequest` per removal and records each purge flag as a warning finding. The store applies the
requests (deleting the rows of the child that match ``key`` in ``table``) after the load.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from caseboard.calendar import reporting_year
from caseboard.formats.base import Batch, Finding, FormatError, SourceFile, canonicalise
from caseboard.formats.dfe_api_spec import (
    CARE_LEAVER_VISIT, CHILD_DETAILS, EPISODE, IN_EPISODE, MAX_RECORDS_PER_REQUEST, SCHEMA_NAME, SDQ, Section,
    escape, explain, from_api, record_is_valid, record_validator, to_api,
)
from caseboard.model.tables import table as table_decl

FORMAT = "dfe-csc-api-json"


@dataclass(frozen=True)
class PurgeRequest:
    """Remove the child's rows of ``table`` whose columns equal ``key`` (all the child's rows when ``key`` is
    empty; every table of the child when ``table`` is None). Applied by the store after the load.

    ``key`` holds typed values (dates as dates), compared with the canonical columns of the same names.
    """

    child_id: str
    table: str | None
    key: dict[str, object] = field(default_factory=dict)


def sniff(path: Path) -> bool:
    """A .json file that opens an array or an object and names ``la_child_id`` (required in every record)."""
    if path.suffix.lower() != ".json" or not path.is_file():
        return False
    with path.open("rb") as f:
        head = f.read(65536).lstrip(b"\xef\xbb\xbf \t\r\n")
    return head[:1] in (b"[", b"{") and (b'"la_child_id"' in head or head.replace(b" ", b"").rstrip() == b"[]")


def read(paths: list[Path], batch: Batch) -> list[PurgeRequest]:
    """Read payload files (the reader contract), returning the purge requests for the store to apply.

    A caller that only wants the frames may ignore the return value: each purge is also a warning finding.
    """
    purges: list[PurgeRequest] = []
    rows: dict[str, list[tuple[str, int, dict[str, object]]]] = {}
    counts: dict[str, int] = {}
    for path in paths:
        try:
            payload = json.loads(path.read_bytes().decode("utf-8-sig"))
        except UnicodeDecodeError:
            raise FormatError(str(path), "not a DfE API payload: the file is not UTF-8 text (JSON must be UTF-8)") from None
        except json.JSONDecodeError as e:
            raise FormatError(str(path), f"not valid JSON: {e.msg} at line {e.lineno}, column {e.colno}", row=e.lineno) from None
        purges += _collect(payload, str(path), batch, rows)
        counts[str(path)] = len(_records(payload, str(path))[1])
    frames = _emit(rows, batch)
    for path in paths:
        mine = {name: frame.filter(pl.col("source_file") == str(path)) for name, frame in frames.items()}
        info = SourceFile.of(path, FORMAT, collection_year(mine))
        info.records = counts[str(path)]
        batch.files.append(info)
    batch.purges.extend(purges)
    return purges


def read_payload(payload: object, source: str, batch: Batch) -> list[PurgeRequest]:
    """Check one parsed payload against the schema and add its records to ``batch``.

    Used for files and for HTTP pushes alike (``source`` names the file or the request in findings).
    """
    rows: dict[str, list[tuple[str, int, dict[str, object]]]] = {}
    purges = _collect(payload, source, batch, rows)
    _emit(rows, batch)
    batch.purges.extend(purges)
    return purges


def _collect(payload: object, source: str, batch: Batch,
             rows: dict[str, list[tuple[str, int, dict[str, object]]]]) -> list[PurgeRequest]:
    """Validate and map one payload's records into ``rows`` (per table: file, record index, raw values)."""
    prefix, records = _records(payload, source)
    if len(records) > MAX_RECORDS_PER_REQUEST:
        batch.findings.append(Finding(source, None, prefix or "/", str(len(records)),
                                      f"at most {MAX_RECORDS_PER_REQUEST} records per request ({SCHEMA_NAME}, maxItems); "
                                      "the file is read whole", "warning", "schema"))
    mine: dict[str, list[tuple[int, dict[str, object]]]] = {}
    purges: list[PurgeRequest] = []
    for index, record in enumerate(records):
        reader = _RecordReader(source, index, f"{prefix}/{index}", batch, mine, purges)
        reader.read(record)
    for table_name, entries in mine.items():
        rows.setdefault(table_name, []).extend((source, i, values) for i, values in entries)
    return purges


def _emit(rows: dict[str, list[tuple[str, int, dict[str, object]]]], batch: Batch) -> dict[str, pl.DataFrame]:
    """One canonicalise call per table for every payload read (a call per file is many times slower)."""
    frames: dict[str, pl.DataFrame] = {}
    for table_name, entries in rows.items():
        columns = table_decl(table_name).column_names
        raw = pl.DataFrame({c: pl.Series(c, [values.get(c) for _, _, values in entries], dtype=pl.Utf8, strict=False)
                            for c in columns})  # JSON true/false become "true"/"false", numbers their digits
        row_numbers = pl.Series("source_row", [i for _, i, _ in entries], dtype=pl.Int64)
        files = pl.Series("source_file", [f for f, _, _ in entries], dtype=pl.Utf8)
        frames[table_name] = canonicalise(table_name, raw, file=files, batch=batch, rows=row_numbers)
        batch.add(table_name, frames[table_name])
    return frames


def _records(payload: object, source: str) -> tuple[str, list[object]]:
    """The array of child records and the JSON pointer to it (empty for a bare array)."""
    if isinstance(payload, list):
        return "", payload
    if isinstance(payload, dict) and set(payload) == {"children"} and isinstance(payload["children"], list):
        return "/children", payload["children"]
    raise FormatError(source, "not a DfE API payload: expected a JSON array of child records "
                              '(the request body of POST /children_social_care_data/{la_code}/children) or {"children": [...]}')


class _RecordReader:
    """Validates and maps one child record, collecting canonical rows per table, purge requests and findings."""

    def __init__(self, source: str, index: int, pointer: str, batch: Batch,
                 rows: dict[str, list[tuple[int, dict[str, object]]]], purges: list[PurgeRequest]) -> None:
        self.source, self.index, self.pointer, self.batch, self.rows, self.purges = source, index, pointer, batch, rows, purges
        self.child: str | None = None

    def read(self, given: object) -> None:
        record = self._validated(given)
        if not isinstance(record, dict) or not isinstance(record.get("la_child_id"), str):
            self.batch.quarantine.append({"file": self.source, "row": self.index, "table": None,
                                          "raw": {"record": json.dumps(given, default=str)}})
            return
        self.child = record["la_child_id"]
        if record.get("purge"):
            self._purge("", [(None, {})], "the whole record of the child, in every table")
            return
        self._section(CHILD_DETAILS, record.get("child_details"), "/child_details", {})
        health = record.get("health_and_wellbeing")
        if isinstance(health, dict):
            if health.get("purge"):
                self._purge("/health_and_wellbeing", [(SDQ.table, {})], "every SDQ of the child")
            else:
                self._section(SDQ, health.get("sdq_assessments"), "/health_and_wellbeing/sdq_assessments", {})
        for n, episode in enumerate(record.get("social_care_episodes") or []):
            if isinstance(episode, dict):
                self._episode(episode, f"/social_care_episodes/{n}")

    def _episode(self, episode: dict[str, object], where: str) -> None:
        """One social care episode. Purging it removes its referral and, through the referral date, every
        assessment and plan linked to it; its other elements (placements, workers...) are purged one by one."""
        purged = bool(episode.get("purge"))
        if purged:
            key = {"referral_date": episode.get("referral_date")}
            self._purge(where, [(t, key) for t in [EPISODE.table] + [s.table for s in IN_EPISODE if s.linked]],
                        "the social care episode with its assessments and plans")
        else:
            self._section(EPISODE, episode, where, {}, many=False)
        for section in IN_EPISODE:
            if purged and section.linked:
                continue  # removed through the referral date above
            extra = {"referral_date": episode.get("referral_date")} if section.linked else {}
            self._section(section, episode.get(section.api), f"{where}/{section.api}", extra, inherited_purge=purged)

    def _section(self, section: Section, value: object, where: str, extra: dict[str, object], *,
                 many: bool | None = None, inherited_purge: bool = False) -> None:
        many = section.many if many is None else many
        items = (value if isinstance(value, list) else []) if many else [value]
        for n, item in enumerate(items):
            if not isinstance(item, dict):
                continue
            at = f"{where}/{n}" if many else where
            values = {column: from_api(api, item.get(api)) for api, column in section.fields if api in item}
            if inherited_purge or item.get("purge"):
                t = table_decl(section.table)
                targets: list[tuple[str | None, dict[str, object]]] = [
                    (section.table, {k: values.get(k) for k in t.key if k != "child_id"})]
                if section.table == "care_leaver_status":
                    targets.append(("visits", {"visit_date": values.get("status_date"), "kind": CARE_LEAVER_VISIT}))
                self._purge(at, targets, f"this element of {section.api}", report=not inherited_purge)
                continue
            if all(v is None for v in values.values()):
                continue  # an empty section says nothing: it must not blank what an earlier load said
            self._row(section.table, {**values, **extra})
            if section.table == "care_leaver_status" and values.get("status_date") is not None:
                self._row("visits", {"visit_date": values["status_date"], "kind": CARE_LEAVER_VISIT})

    def _row(self, table_name: str, values: dict[str, object]) -> None:
        self.rows.setdefault(table_name, []).append((self.index, {"child_id": self.child, **values}))

    def _purge(self, where: str, targets: list[tuple[str | None, dict[str, object]]], what: str, *,
               report: bool = True) -> None:
        """Turn one purge flag into purge requests; a warning finding says what it removes.

        A purge naming no date cannot be applied (the model finds rows by child and date, not by the API's
        element identifiers): that is an error finding, never a wider deletion.
        """
        assert self.child is not None
        pointer = f"{self.pointer}{where}/purge"
        made = 0
        for table_name, key in targets:
            typed = {k: (_iso_date(v) if k.endswith("date") else v) for k, v in key.items()}
            missing = [k for k, v in typed.items() if v is None]
            if missing:
                self.batch.findings.append(Finding(
                    self.source, self.index, pointer, "true",
                    f"a purge Caseboard can apply: it finds {table_name} by {', '.join(missing)}, "
                    "which this element does not give", "error", "purge", table_name, self.child))
                continue
            self.purges.append(PurgeRequest(self.child, table_name, typed))
            made += 1
        if report and made:
            tables = ", ".join(t or "all tables" for t, _ in targets)
            self.batch.findings.append(Finding(self.source, self.index, pointer, "true",
                                               f"purge requested: removes {what} ({tables})", "warning", "purge",
                                               targets[0][0], self.child))

    def _validated(self, record: object) -> object:
        """Report every schema error; return a copy with wrongly typed values emptied."""
        if record_is_valid()(record):
            return record
        errors = sorted(record_validator().iter_errors(record), key=lambda e: [str(p) for p in e.path])
        child = record.get("la_child_id") if isinstance(record, dict) else None
        if not errors:
            return record
        record = copy.deepcopy(record)
        for error in errors:
            path = list(error.path)
            for name, value, expected in explain(error):
                pointer = self.pointer + "".join(f"/{escape(p)}" for p in path + ([name] if name else []))
                self.batch.findings.append(Finding(self.source, self.index, pointer, value, expected, "error", "schema",
                                                   None, child if isinstance(child, str) else None))
            if error.validator in ("type", "format"):
                if not path:
                    return None
                try:
                    parent = record
                    for p in path[:-1]:
                        parent = parent[p]
                    parent[path[-1]] = None
                except (TypeError, KeyError, IndexError):
                    pass  # inside a value already emptied
        return record


def _iso_date(value: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def collection_year(frames: Mapping[str, pl.DataFrame], today: dt.date | None = None) -> int | None:
    """The collection year (ending 31 March) of a feed without a header: the one holding its latest date.

    A daily feed or a local extract says nothing of a year, but code lists are per year; the latest date it
    carries, up to today (a mistyped future date must not move the year), is when it describes the service.
    """
    limit = today or dt.date.today()
    latest: dt.date | None = None
    for frame in frames.values():
        for name, dtype in frame.schema.items():
            if dtype == pl.Date:
                top = frame.filter(pl.col(name) <= limit)[name].max()
                if top is not None and (latest is None or top > latest):  # type: ignore[operator]
                    latest = top  # type: ignore[assignment]
    return None if latest is None else reporting_year(latest)


def write(frames: Mapping[str, pl.DataFrame], out: Path, *,
          records_per_file: int = MAX_RECORDS_PER_REQUEST) -> list[Path]:
    """Write canonical frames as DfE API payloads: one record per child, at most ``records_per_file`` per file.

    Carried: the columns named in ``dfe_api_spec``'s sections. Referrals become social care episodes;
    assessments and plans go into the episode of their referral date; placements, workers, adoption and
    care-leaver contacts go into the latest episode begun on or before their date. What fits no episode goes
    into a carrier episode without referral details, which reads back as no referral. The visits table is not
    written: a care-leaver contact (``care_leaver_status``) reads back as its visit. More than 100 children
    (the API's limit per request) are split into ``out-001.json``, ``out-002.json``, ...
    """
    rows: dict[str, dict[str, list[dict[str, object]]]] = {}
    for section in (CHILD_DETAILS, SDQ, EPISODE, *IN_EPISODE):
        frame = frames.get(section.table)
        if frame is None:
            continue
        t = table_decl(section.table)
        for row in frame.sort([k for k in t.key], nulls_last=True).iter_rows(named=True):
            rows.setdefault(row["child_id"], {}).setdefault(section.table, []).append(row)
    records = [_payload_record(child, tables) for child, tables in sorted(rows.items())]
    chunks = [records[i:i + records_per_file] for i in range(0, len(records), records_per_file)] or [[]]
    paths = [out] if len(chunks) == 1 else [out.with_name(f"{out.stem}-{n:03d}{out.suffix}") for n in range(1, len(chunks) + 1)]
    for path, chunk in zip(paths, chunks):
        path.write_text(json.dumps(chunk, indent=1, ensure_ascii=False), encoding="utf-8")
    return paths


def _api_object(section: Section, row: Mapping[str, object]) -> dict[str, object]:
    """The API object for one canonical row (absent values omitted: the schema allows no nulls)."""
    out: dict[str, object] = {}
    for api, column in section.fields:
        if api not in out and row.get(column) is not None:
            out[api] = to_api(api, row[column])
    return out


def _payload_record(child: str, tables: Mapping[str, list[dict[str, object]]]) -> dict[str, object]:
    record: dict[str, object] = {"la_child_id": child}
    if tables.get("children") and (details := _api_object(CHILD_DETAILS, tables["children"][0])):
        record["child_details"] = details
    if sdqs := [_api_object(SDQ, r) for r in tables.get("sdq_assessments", [])]:
        record["health_and_wellbeing"] = {"sdq_assessments": sdqs}
    referrals = tables.get("referrals", [])
    episodes = [{"social_care_episode_id": f"{EPISODE.id_prefix}{n}", **_api_object(EPISODE, r)}
                for n, r in enumerate(referrals, 1)]
    carriers: list[dict[str, object]] = []

    def episode_for(section: Section, row: Mapping[str, object]) -> dict[str, object]:
        if section.linked:
            candidates = [e for e, r in zip(episodes, referrals) if r["referral_date"] == row.get("referral_date")]
        else:
            t = table_decl(section.table)
            when = next((row.get(c) for _, c in section.fields if t.column(c).type == "date"), None)
            candidates = [e for e, r in zip(episodes, referrals) if when is not None and r["referral_date"] <= when][-1:]
        for episode in candidates + carriers:
            if section.many or section.api not in episode:
                return episode
        carriers.append({"social_care_episode_id": f"X{len(carriers) + 1}"})
        return carriers[-1]

    for section in IN_EPISODE:
        for n, row in enumerate(tables.get(section.table, []), 1):
            item = _api_object(section, row)
            if section.id_field:
                item = {section.id_field: f"{section.id_prefix}{n}", **item}
            episode = episode_for(section, row)
            if section.many:
                episode.setdefault(section.api, []).append(item)  # type: ignore[union-attr]
            else:
                episode[section.api] = item
    if episodes or carriers:
        record["social_care_episodes"] = episodes + carriers
    return record
