"""Runs a DfE rule pack inside its own environment and answers in JSON; started by ``dfe_rules`` only.

Why a separate script: the DfE's validator packages (``csc-validator-be-903``, ``csc-validator-be-cin``, by Data
to Insight for the DfE) pin pandas<2 and numpy<1.25, so they live in their own virtual environment and this
script runs under that environment's interpreter. It may import only the standard library and those packages:
Caseboard itself is not installed there.

Protocol: one JSON request on standard input, one JSON answer on standard output. While a rule pack runs,
anything it prints goes to standard error, so the answer cannot be corrupted. Problems with the input (a file
the package cannot read, a year it has no rules for) are answers with ``"ok": false``; a non-zero exit means
this script itself broke.

The answer gives locations as the package knows them (its table name and the record's position in that
table) plus the value it saw; ``dfe_rules`` turns them into file rows a person can find.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import importlib
import importlib.metadata
import inspect
import io
import json
import logging
import sys
import time
import traceback
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any, Callable

#: pack -> (distribution, import name, rule-set folder prefix)
PACKAGES = {"903": ("csc-validator-be-903", "lac_validator", "lac"),
            "cin": ("csc-validator-be-cin", "cin_validator", "cin")}


class InputProblem(Exception):
    """The input files cannot be validated: reported to the caller as an answer, not as a crash."""

    def __init__(self, message: str, file: str | None = None) -> None:
        super().__init__(message)
        self.message, self.file = message, file


class Unsupported(Exception):
    """The request asks for something the packages do not have (a collection year without rules)."""


def ruleset(pack: str, collection_year: int) -> tuple[str, Any]:
    """The package's rule registry for a collection year (year ending 31 March: 2024 = ``lac2023_24``)."""
    dist, module, prefix = PACKAGES[pack]
    name = f"{prefix}{collection_year - 1}_{collection_year % 100:02d}"
    rules_dir = Path(list(importlib.import_module(f"{module}.rules").__path__)[0])  # may be a namespace package
    available = sorted(p.name for p in rules_dir.iterdir() if p.is_dir() and p.name.startswith(prefix))
    if name not in available:
        years = ", ".join(str(int(a[len(prefix):len(prefix) + 4]) + 1) for a in available)
        raise Unsupported(f"{dist} {importlib.metadata.version(dist)} has no rules for collection year "
                           f"{collection_year}; it has rules for the years ending March {years}")
    return name, importlib.import_module(f"{module}.rules.{name}").registry


def watched(registry: dict[str, Any], failed: list[dict[str, str]]) -> dict[str, Any]:
    """The registry with each rule's function wrapped so that an exception inside a rule is recorded.

    Both packages catch a rule's exception and carry on (the CIN one only prints it), so without this a rule
    that never ran would look like a rule that found nothing. The exception is re-raised so the package's own
    handling is unchanged.
    """

    def wrap(code: str, func: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any, **kwargs: Any) -> Any:
            try:
                return func(*args, **kwargs)
            except Exception as exc:
                frame = traceback.extract_tb(exc.__traceback__)[-1]
                failed.append({"rule": code, "error": f"{type(exc).__name__}: {exc} "
                                                       f"(at {Path(frame.filename).name} line {frame.lineno})"})
                raise
        return run

    return {code: dataclasses.replace(rule, func=wrap(str(rule.code), rule.func)) for code, rule in registry.items()}


def decode(path: Path) -> str:
    """File text as UTF-8 (with or without BOM) or, failing that, Windows-1252, as Caseboard's readers accept."""
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputProblem("not a text file in UTF-8 or Windows-1252 encoding", str(path))


def text(value: Any) -> str | None:
    """A cell as text for the report; missing values (NaN, NA, NaT) as None."""
    if isinstance(value, (list, tuple)):
        return ",".join(str(v) for v in value)
    shown = "" if value is None else str(value)
    return None if shown in ("", "<NA>", "NaT", "nan", "None") else shown


def run_903(request: dict[str, Any]) -> dict[str, Any]:
    from lac_validator import lac_validator

    logging.disable(logging.CRITICAL)  # the package logs every rule at INFO; failures are recorded by `watched`
    name, registry = ruleset("903", int(request["collection_year"]))
    paths = [Path(p) for p in request["paths"]]
    uploads, tables = read_903(paths)
    skipped = []
    if not request.get("local_authority"):
        # Placement location IN/OUT and some rules compare with the council's own code: without it they would
        # report every placement as out of area, so they are not run and are listed as skipped.
        needs_la = [c for c, r in registry.items() if {"localAuthority", "PL_LOCATION"} & _words(r.func)]
        skipped = [{"rule": c, "reason": "needs the council's local authority code (local_authority=)"}
                   for c in needs_la]
        registry = {c: r for c, r in registry.items() if c not in needs_la}
    failed: list[dict[str, str]] = []
    metadata = {"collectionYear": str(request["collection_year"]),
                "localAuthority": request.get("local_authority") or ""}
    try:
        v = lac_validator.LacValidator(metadata=metadata, files=uploads, registry=watched(registry, failed))
    except Exception as exc:  # the package's UploadError and pandas' parser errors: the files cannot be read
        raise InputProblem(f"the DfE 903 rules cannot read the files: {exc}",
                           str(paths[0]) if len(paths) == 1 else None) from exc
    skipped += [{"rule": c, "reason": "the tables or lookups it needs were not supplied"} for c in v.skips]
    issues, rules = [], {}
    for table, frame in v.ds_results.items():
        if table == "metadata":
            continue
        # CSV tables were named by read_903; from XML every table comes from the one file.
        tables.setdefault(table, {"file": str(paths[0])})["records"] = len(frame)
        for column in [c for c in frame.columns if c.startswith("ERR_")]:
            code = column[4:]
            rule = registry[code]
            fields = [f for f in dict.fromkeys(rule.affected_fields or []) if f in frame.columns] or [None]
            message = rule.message or ""
            # The pack has no error/query flag; its one advisory rule (EPI) says so in its message.
            rules[code] = {"message": message,
                           "severity": "warning" if message.upper().startswith("WARNING") else "error"}
            for index in frame.index[frame[column] == True]:  # noqa: E712 (the column holds True or NaN)
                child = text(frame.at[index, "CHILD"])
                for field in fields:
                    issues.append({"rule": code, "table": table, "index": int(index), "child": child, "field": field,
                                   "value": text(frame.at[index, field]) if field else None})
    return {"ruleset": name, "tables": tables, "issues": issues, "rules": rules, "failed": failed,
            "skipped": skipped, "rules_run": len(registry) - len(v.skips)}


def read_903(paths: list[Path]) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]:
    """The files as the package's uploads, and which table each CSV holds, found as the package finds it (by
    its set of column names) but checked here first so that a problem names its file."""
    from lac_validator.config import column_names

    uploads, tables = [], {}
    for path in paths:
        content = path.read_bytes()
        if path.suffix.lower() == ".csv":
            content = decode(path).encode("utf-8")  # the package reads UTF-8 only
            header = next(csv.reader(io.StringIO(content.decode("utf-8"))), [])
            table = next((t for t, cols in column_names.items() if set(cols) == {h.strip() for h in header}), None)
            if not header:
                raise InputProblem("the file is empty: a 903 CSV starts with a row of column names", str(path))
            if table is None:
                raise InputProblem(f"its columns {header} are not those of any SSDA903 table the DfE rules know "
                                   f"({', '.join(column_names)})", str(path))
            if table in tables:  # the package would keep only the last one, silently
                raise InputProblem(f"it holds the {table} table, as {tables[table]['file']} does: give one file "
                                   f"per table", str(path))
            tables[table] = {"file": str(path)}
        uploads.append({"name": str(path), "description": "This year", "file_content": content})
    return uploads, tables


def _words(func: Callable[..., Any]) -> set[str]:
    try:
        return set(inspect.getsource(func).replace('"', " ").replace("'", " ").split())
    except OSError:
        return set()


def load_cin(path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """The package's own loading of a CIN XML file: its raw tables, and the date-typed tables its rules use."""
    import copy

    from cin_validator import cin_validator

    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as exc:
        raise InputProblem(f"not well-formed XML ({exc})", str(path)) from exc
    if root.find("Header") is None or root.find("Children") is None:
        raise InputProblem(f"not a CIN census file: the root <{root.tag}> has no <Header> and <Children>", str(path))
    raw = cin_validator.convert_data(root)
    return raw, cin_validator.process_data(copy.deepcopy(raw))


def run_cin(request: dict[str, Any]) -> dict[str, Any]:
    from cin_validator import cin_validator

    name, registry = ruleset("cin", int(request["collection_year"]))
    path = Path(request["path"])
    raw, data = load_cin(path)
    failed: list[dict[str, str]] = []
    v = cin_validator.CinValidator(data, watched(registry, failed))
    issues = []
    report = v.user_report
    for row in (report.to_dict("records") if len(report) else []):
        table, column = text(row["tables_affected"]), text(row["columns_affected"])
        index = int(row["ROW_ID"]) if text(row["ROW_ID"]) else None
        value = text(raw[table][column].iloc[index]) if table and column and index is not None else None
        issues.append({"rule": row["rule_code"], "table": table, "index": index, "child": text(row["LAchildID"]),
                       "field": column, "value": value})
    for code in (v.la_rule_issues["rule_code"] if "rule_code" in v.la_rule_issues else []):
        issues.append({"rule": code, "table": None, "index": None, "child": None, "field": None, "value": None})
    rules = {r["rule"]: {"message": registry[r["rule"]].message or "",
                         "severity": "warning" if registry[r["rule"]].rule_type.name == "QUERY" else "error"}
             for r in issues}
    tables = {t: {"file": str(path), "records": len(frame)} for t, frame in raw.items()}
    return {"ruleset": name, "tables": tables, "issues": issues, "rules": rules, "failed": failed,
            "skipped": [], "rules_run": len(registry)}


def cin_parse_seconds(request: dict[str, Any]) -> dict[str, Any]:
    """Seconds the CIN package takes to parse and load one XML file (its ingress), as its own CLI does."""
    import cin_validator.cin_validator  # noqa: F401  (imported before timing: only the parse is measured)

    start = time.perf_counter()
    raw, _ = load_cin(Path(request["path"]))
    return {"seconds": time.perf_counter() - start, "children": len(raw["ChildIdentifiers"])}


def versions(request: dict[str, Any]) -> dict[str, Any]:
    """Installed versions, proving both packages import (used to check a freshly built environment)."""
    out = {}
    for dist, module, _ in PACKAGES.values():
        importlib.import_module(f"{module}.{module}")  # the validator proper, with pandas and numpy
        out[dist] = importlib.metadata.version(dist)
    for dist in ("pandas", "numpy"):
        out[dist] = importlib.metadata.version(dist)
    return {"versions": out, "python": sys.version.split()[0]}


COMMANDS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "903": run_903, "cin": run_cin, "cin_parse": cin_parse_seconds, "versions": versions,
}


def main() -> int:
    request = json.load(sys.stdin)
    warnings.simplefilter("ignore")  # the packages' pandas FutureWarnings are theirs to fix, not the user's news
    start = time.perf_counter()
    with contextlib.redirect_stdout(sys.stderr):
        try:
            answer = {"ok": True, **COMMANDS[request["command"]](request)}
        except InputProblem as problem:
            answer = {"ok": False, "kind": "input", "error": problem.message, "file": problem.file}
        except Unsupported as problem:
            answer = {"ok": False, "kind": "unsupported", "error": str(problem)}
    answer["runner_seconds"] = time.perf_counter() - start
    json.dump(answer, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
