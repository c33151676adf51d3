"""A load: files in, canonical records checked, stored atomically, recorded.

The flow is formats → stitch → validation → store. A load either commits whole or changes nothing: a file
that cannot be read, or (with ``strict``) any error found, refuses the load, and the data in service stays as
it was. Either way the load is recorded with its findings, so the person who ran it can see why.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import polars as pl

from caseboard.formats.base import Batch, Finding, FormatError, SourceFile
from caseboard.formats.read_all import read_files
from caseboard.model.tables import TABLES
from caseboard.stitching import prefer_detail, resolve_names, stitch
from caseboard.store.base import Store, TableChange
from caseboard.validation.checks import cross_record_checks, record_checks

log = logging.getLogger(__name__)

Progress = Callable[[str, float], None]
Status = Literal["committed", "rejected", "checked"]


@dataclass
class LoadReport:
    """What a load did, for the terminal, the web page and the record."""

    status: Status
    load_id: int | None
    files: list[SourceFile]
    changes: list[TableChange] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    quarantined: int = 0
    superseded: int = 0
    purged: int = 0
    #: Seconds spent in each step (reading, checking, stitching, storing), for the report and the benchmarks.
    phases: dict[str, float] = field(default_factory=dict)
    message: str = ""
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status != "rejected"

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def findings_frame(self) -> pl.DataFrame:
        """The findings as a table to download or print (one row each)."""
        schema = {"file": pl.Utf8, "row": pl.Int64, "field": pl.Utf8, "value": pl.Utf8, "expected": pl.Utf8,
                  "severity": pl.Utf8, "rule": pl.Utf8, "table": pl.Utf8, "child_id": pl.Utf8, "source": pl.Utf8}
        return pl.DataFrame([f.__dict__ for f in self.findings], schema=schema, orient="row")


def add_dfe_rule_findings(batch: Batch, *, local_authority: str | None = None,
                          progress: Progress | None = None) -> None:
    """Run the DfE rule packs on the load's 903 and CIN files and keep their findings beside Caseboard's own.

    A rule that fails to run inside the DfE package is reported as a warning finding naming the rule, never
    hidden. The packs run in their own environment (see :mod:`caseboard.validation.dfe_rules`).
    """
    from caseboard.validation import dfe_rules

    home = dfe_rules.default_home()
    by_year: dict[int, list[Path]] = {}
    for f in batch.files:
        if f.format == "ssda903-csv" and f.collection_year:
            by_year.setdefault(f.collection_year, []).append(Path(f.path))
    runs: list[tuple[str, Callable[[], dfe_rules.DfeRuleResult]]] = [
        (f"DfE 903 rules, {year}", lambda p=paths, y=year: dfe_rules.run_903(p, y, home, local_authority=local_authority))
        for year, paths in sorted(by_year.items())
    ] + [
        (f"DfE CIN rules, {f.path}", lambda f=f: dfe_rules.run_cin(Path(f.path), f.collection_year or 0, home))
        for f in batch.files if f.format == "cin-census-xml"
    ]
    for i, (label, run) in enumerate(runs):
        if progress:
            progress(label, i / max(len(runs), 1))
        try:
            result = run()
        except (FormatError, dfe_rules.DfeRulesError) as exc:
            batch.findings.append(Finding(label, None, None, None, f"the DfE rules to run ({exc})", "warning",
                                          "dfe-rules-not-run", source="dfe"))
            continue
        batch.findings.extend(result.findings)
        for rule, error in result.failed_rules.items():
            batch.findings.append(Finding(label, None, None, None, f"DfE rule {rule} to run (it failed: {error})",
                                          "warning", "dfe-rule-failed", source="dfe"))


def _known(store: Store, table: str, column: str) -> set[str]:
    return set(store.query(f"SELECT DISTINCT {column} FROM {table} WHERE {column} IS NOT NULL")[column].to_list()) \
        if store.scalar(f"SELECT COUNT(*) FROM {table}") else set()


def ingest(store: Store, paths: list[Path], *, user: str | None = None, strict: bool = False,
           check_only: bool = False, today: dt.date | None = None, progress: Progress | None = None,
           command: str = "ingest", dfe_rules: bool = False, local_authority: str | None = None) -> LoadReport:
    """Read, check and (unless ``check_only``) store the files as one atomic, recorded load.

    ``dfe_rules`` also runs the DfE rule packs on the 903 and CIN files and stores their findings with ours.
    """
    started = dt.datetime.now()
    clock = time.perf_counter()
    batch = read_files(paths, progress)
    read_seconds = time.perf_counter() - clock
    if dfe_rules and not batch.fatal:
        add_dfe_rule_findings(batch, local_authority=local_authority, progress=progress)
    dfe_seconds = time.perf_counter() - clock - read_seconds
    report = commit_batch(store, batch, user=user, strict=strict, check_only=check_only, today=today,
                          progress=progress, command=command, started=started, clock=clock)
    report.phases = {"reading": read_seconds, **({"DfE rules": dfe_seconds} if dfe_rules else {}), **report.phases}
    return report


def commit_batch(store: Store, batch: Batch, *, user: str | None = None, strict: bool = False,
                 check_only: bool = False, today: dt.date | None = None, progress: Progress | None = None,
                 command: str = "ingest", started: dt.datetime | None = None,
                 clock: float | None = None) -> LoadReport:
    """Stitch, check and store a batch already read (the web upload and API push come in here too)."""
    started = started or dt.datetime.now()
    clock = clock if clock is not None else time.perf_counter()
    if progress:
        progress("checking records", 0.6)
    phases: dict[str, float] = {}
    mark = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal mark
        now = time.perf_counter()
        phases[name] = phases.get(name, 0.0) + now - mark
        mark = now

    batch.findings.extend(record_checks(batch.frames, batch.files, today=today))
    lap("checking")
    resolve_names(batch, store)
    superseded = prefer_detail(batch) + stitch(batch)
    lap("stitching")
    batch.findings.extend(cross_record_checks(
        batch.frames,
        known_children=_known(store, "children", "child_id"), known_workers=_known(store, "workers", "worker_id"),
        known_teams=_known(store, "teams", "team_id"), known_areas=_known(store, "areas", "area_id"),
    ))
    lap("checking")
    report = LoadReport("checked", None, batch.files, findings=batch.findings, quarantined=len(batch.quarantine),
                        superseded=superseded, phases=phases)
    errors = [f for f in batch.findings if f.severity == "error"]
    if batch.fatal:
        report.status, report.message = "rejected", (
            f"load refused: {len(batch.fatal)} file problem{'s' if len(batch.fatal) != 1 else ''}; "
            "nothing was changed and the data in service is as it was")
    elif strict and errors:
        report.status, report.message = "rejected", (
            f"load refused (strict): {len(errors)} error{'s' if len(errors) != 1 else ''} in the records; "
            "nothing was changed")
    if check_only and report.status != "rejected":
        report.message = "checked only: nothing was stored"
        report.seconds = time.perf_counter() - clock
        return report
    if report.status == "rejected":
        report.load_id = _record(store, report, started, user, command)
        report.seconds = time.perf_counter() - clock
        return report
    if progress:
        progress("storing", 0.8)
    try:
        with store.transaction():
            load_id = store.next_load_id()
            for t in TABLES:
                frame = batch.frames.get(t.name)
                if frame is not None and frame.height:
                    report.changes.append(store.merge(t, frame, load_id))
            for request in batch.purges:
                report.purged += store.purge(request.child_id, request.table, request.key)
            report.status = "committed"
            report.message = "load committed"
            _record(store, report, started, user, command, load_id=load_id, quarantine=batch.quarantine,
                    in_transaction=True)
            report.load_id = load_id
        lap("storing")
    except Exception as exc:
        log.exception("load failed while storing")
        report.status, report.changes = "rejected", []
        report.message = f"load refused: storing failed ({exc}); nothing was changed"
        report.load_id = _record(store, report, started, user, command)
    if report.status == "committed":  # fresh planner statistics for what changed (PostgreSQL; issue 3)
        store.analyze([c.table for c in report.changes if c.new or c.updated])
        lap("analysing")
    report.seconds = time.perf_counter() - clock
    if progress:
        progress("done", 1.0)
    return report


def _record(store: Store, report: LoadReport, started: dt.datetime, user: str | None, command: str, *,
            load_id: int | None = None, quarantine: list[dict[str, object]] | None = None,
            in_transaction: bool = False) -> int:
    """Write the load's record, its files, findings and quarantined rows."""
    def write(load_id: int) -> None:
        store.insert_rows("loads", [{
            "load_id": load_id, "started_at": started, "finished_at": dt.datetime.now(), "status": report.status,
            "user_name": user or _user(), "command": command, "message": report.message,
            "counts_json": json.dumps({c.table: c.__dict__ for c in report.changes}, sort_keys=True),
            "findings_errors": report.count("error") + report.count("fatal"),
            "findings_warnings": report.count("warning"), "quarantined": report.quarantined,
        }])
        store.insert_rows("load_files", [{"load_id": load_id, **{k: v for k, v in f.__dict__.items()}}
                                         for f in report.files])
        store.insert_rows("findings", [{"load_id": load_id, "file": f.file, "row": f.row, "field": f.field,
                                        "value": f.value, "expected": f.expected, "severity": f.severity,
                                        "rule": f.rule, "table_name": f.table, "child_id": f.child_id,
                                        "source": f.source} for f in report.findings])
        store.insert_rows("quarantine", [{"load_id": load_id, "file": q["file"], "row": q["row"],
                                          "table_name": q["table"], "raw_json": json.dumps(q["raw"], sort_keys=True)}
                                         for q in (quarantine or [])])

    if in_transaction:
        assert load_id is not None
        write(load_id)
        return load_id
    with store.transaction():
        load_id = store.next_load_id()
        write(load_id)
    return load_id


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "unknown"
