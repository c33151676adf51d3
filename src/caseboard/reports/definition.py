"""A scorecard definition: a saved selection of measures, grouped under headings, kept in a YAML file.

Why a file: the service agrees its scorecard (which measures, what targets, how often each is reported) once a
year and writes the commentary each month before publication; a file in the council's own folder is reviewed,
versioned and diffed like any other document, and the report is rebuilt from it identically.

Layout (see ``scorecards/childrens_social_care.yml``)::

    title: Children's social care scorecard
    trend_months: 12            # monthly points in the charts and the data sheet
    sections:
      - heading: Child protection
        measures:
          - code: cp_reviews_on_time        # an indicator of the engine (caseboard.indicators.registry) ...
            frequency: M                    # M monthly, Q quarterly, B bi-annually, A annually (seed 004's key)
            target: 95                      # optional: overrides the indicator's own target and thresholds
            green: 95
            amber: 90
            commentary: "..."
          - code: ks2_rwm_expected          # ... or an imported aggregate measure (``source: imported``) read from
            source: imported                # the CSV of figures Caseboard does not compute (education, finance...)
            title: Key stage 2 ...
            unit: "%"
            higher_is_better: true

RAG: green when the value is at least ``green`` (at most, when lower is better), amber when at least ``amber``,
else red — the same rule as ``indicators.framework.status``, with the thresholds of the scorecard when it gives
them. The colours and words of the key follow seed 004's "Key" (Green: on target, no action required; Amber:
slightly off-track; Red: worse than the target, action required).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from caseboard.indicators.registry import registry

DEFAULT_SCORECARD = Path(__file__).parent / "scorecards" / "childrens_social_care.yml"
FREQUENCIES = {"M": "Monthly", "Q": "Quarterly", "B": "Bi-annually", "A": "Annually"}
UNITS = ("%", "count", "rate_per_10k", "ratio")


class ScorecardError(ValueError):
    """A scorecard file that cannot be used, with what to change in it."""


@dataclass(frozen=True)
class Measure:
    """One line of a scorecard: what is measured and how it is judged."""

    code: str
    title: str
    unit: str
    higher_is_better: bool
    frequency: str
    source: str  # "caseboard" (the indicator engine) or "imported" (the aggregate-figures CSV)
    kind: str  # "as_at", "period" (reporting year to date) or "imported"
    target: float | None = None
    green: float | None = None
    amber: float | None = None
    commentary: str = ""

    @property
    def cumulative(self) -> bool:
        """A count over the year to date only grows month by month (seed 004's ©): its direction of travel is
        judged against the same point of the previous year, not the previous month."""
        return self.kind == "period" and self.unit == "count"

    def rag(self, value: float | None) -> str:
        """"green", "amber", "red", or "no target" (see the module docstring)."""
        if value is None:
            return "no value"
        if self.green is None or self.amber is None:
            return "no target"
        if self.higher_is_better:
            return "green" if value >= self.green else "amber" if value >= self.amber else "red"
        return "green" if value <= self.green else "amber" if value <= self.amber else "red"


@dataclass(frozen=True)
class Section:
    heading: str
    measures: tuple[Measure, ...]


@dataclass(frozen=True)
class Scorecard:
    title: str
    sections: tuple[Section, ...]
    trend_months: int = 12
    digest: str = ""  # sha256 of the file: recorded in every report built from it
    source: str = ""

    @property
    def measures(self) -> list[Measure]:
        return [m for s in self.sections for m in s.measures]


def _measure(raw: dict[str, Any], where: str) -> Measure:
    code = str(raw.get("code") or "").strip()
    if not code:
        raise ScorecardError(f"{where}: every measure needs a code")
    frequency = str(raw.get("frequency", "M")).upper()
    if frequency not in FREQUENCIES:
        raise ScorecardError(f"{where} ({code}): frequency {frequency!r} is not one of {', '.join(FREQUENCIES)}")
    source = str(raw.get("source", "caseboard"))
    common = {k: raw.get(k) for k in ("target", "green", "amber")}
    if (common["green"] is None) != (common["amber"] is None):
        raise ScorecardError(f"{where} ({code}): give both green and amber thresholds, or neither")
    if source == "caseboard":
        try:
            ind = registry().get(code)
        except KeyError as exc:
            raise ScorecardError(f"{where}: {exc.args[0]}") from None
        thresholds = ({"green": ind.green, "amber": ind.amber} if common["green"] is None
                      else {"green": common["green"], "amber": common["amber"]})
        return Measure(code, str(raw.get("title") or ind.title), ind.unit,
                       bool(raw.get("higher_is_better", ind.higher_is_better)), frequency, source, ind.kind,
                       target=common["target"] if common["target"] is not None else ind.target,
                       commentary=str(raw.get("commentary") or ""), **thresholds)
    if source != "imported":
        raise ScorecardError(f"{where} ({code}): source must be 'caseboard' or 'imported', not {source!r}")
    missing = [k for k in ("title", "unit", "higher_is_better") if raw.get(k) is None]
    if missing:
        raise ScorecardError(f"{where} ({code}): an imported measure needs {', '.join(missing)}")
    if raw["unit"] not in UNITS:
        raise ScorecardError(f"{where} ({code}): unit {raw['unit']!r} is not one of {', '.join(UNITS)}")
    return Measure(code, str(raw["title"]), str(raw["unit"]), bool(raw["higher_is_better"]), frequency, source,
                   "imported", commentary=str(raw.get("commentary") or ""), **common)


def load_scorecard(path: Path | None = None) -> Scorecard:
    """Read and check a scorecard file (the default children's social care scorecard when ``path`` is None)."""
    path = path or DEFAULT_SCORECARD
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ScorecardError(f"cannot read the scorecard {path}: {exc.strerror}") from None
    try:
        raw = yaml.safe_load(data) or {}
    except yaml.YAMLError as exc:
        raise ScorecardError(f"{path} is not valid YAML: {exc}") from None
    sections = []
    for i, s in enumerate(raw.get("sections") or [], 1):
        where = f"{path.name}, section {i}"
        measures = tuple(_measure(m, f"{where}, measure {j}") for j, m in enumerate(s.get("measures") or [], 1))
        sections.append(Section(str(s.get("heading") or f"Section {i}"), measures))
    if not sections:
        raise ScorecardError(f"{path} has no sections of measures")
    return Scorecard(str(raw.get("title") or "Scorecard"), tuple(sections), int(raw.get("trend_months", 12)),
                     hashlib.sha256(data).hexdigest(), path.name)

