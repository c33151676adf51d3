"""The indicator catalogue (docs/indicators.md), generated from the registry so it cannot go stale.

Run ``python -m caseboard.indicators.docs`` after changing an indicator; a test fails while the file in docs/
differs from what the registry says. ``caseboard indicators --explain CODE`` prints one entry of it.
"""

from __future__ import annotations

import sys
from pathlib import Path

from caseboard.indicators.framework import Example, Indicator
from caseboard.indicators.registry import registry
from caseboard.indicators.schedules import RULES
from caseboard.indicators.settings import Settings

DOC_PATH = Path("docs") / "indicators.md"
UNITS = {"%": "percentage", "count": "count", "rate_per_10k": "rate per 10,000 children aged 0-17",
         "ratio": "ratio"}

INTRO = """\
# Indicator catalogue

Generated from the indicator registry by `python -m caseboard.indicators.docs`: do not edit by hand (a test
fails when this file is stale). `caseboard indicators --explain CODE` prints one entry.

Conventions that apply to every indicator:

- **As at** a date means as the service stood that day: records starting later are not there yet, and end dates
  or events after it are not yet known. A record is open on a date if it started on or before it and has no
  end on or before it.
- **Period** indicators count events in a period (default: the reporting year, 1 April to 31 March, to the
  as-at date), seen as at the period's last day.
- **Working days** are Monday to Friday less England and Wales bank holidays and any local closure days.
  Working days between two dates count the days after the first up to and including the second (same day = 0);
  "within N working days" means at most N; the deadline is the N-th working day after the start, and an item is
  late once a working day has passed since its deadline.
- **Months** are calendar months clamped to the month's end (30 November + 3 months = 28 February); a child born
  on 29 February has birthdays on 28 February in common years.
- **Short breaks** (legal status V3/V4) are left out of looked-after measures.
- **Levels**: authority, area, team and worker, through the allocation open at the as-at date (or, for period
  measures counting events, at the event); children with no allocated worker are under "Unallocated".
- **Results** are a number, "not applicable" (with the reason, e.g. a rate below authority level) or "not enough
  data" (the tables it needs have not been loaded).
- **RAG** thresholds and targets are local defaults near recent England averages, not national targets.
"""


def _threshold(ind: Indicator) -> str:
    if ind.green is None or ind.amber is None:
        return "none (context measure)"
    op = ">=" if ind.higher_is_better else "<="
    target = f"target {ind.target:g}; " if ind.target is not None else ""
    return f"{target}green {op} {ind.green:g}, amber {op} {ind.amber:g}, otherwise red"


def _example(i: int, ex: Example) -> str:
    when = (f"period {ex.period[0]} to {ex.period[1]}" if ex.period else f"as at {ex.as_at}")
    changed = f"; settings {', '.join(f'{k}={v!r}' for k, v in ex.settings.items())}" if ex.settings else ""
    tables = ", ".join(f"{name} ({len(rows)})" for name, rows in ex.tables.items())
    return (f"{i}. {ex.why} ({when}{changed}; tables: {tables}) "
            f"Expected: numerator {ex.numerator:g}, denominator {ex.denominator:g}.")


def indicator_markdown(ind: Indicator) -> str:
    """One indicator's entry: definition, source, thresholds, settings and worked examples."""
    direction = "higher is better" if ind.higher_is_better else "lower is better"
    rows = [
        ("Code", f"`{ind.code}`"),
        ("Unit", f"{UNITS[ind.unit]} ({direction})"),
        ("Kind", "as at a date" if ind.kind == "as_at" else "events in a period"),
        ("Population", ind.population),
        ("Numerator", ind.numerator),
        ("Denominator", ind.denominator),
        ("Source", ind.source),
        ("Target and RAG", _threshold(ind)),
        ("Needs", ", ".join(ind.requires)),
    ]
    if ind.schedule:
        rows.append(("Due-date rule", f"schedule `{ind.schedule}`: {RULES[ind.schedule]}"))
    if ind.settings_used:
        rows.append(("Settings", ", ".join(f"`{s}`" for s in ind.settings_used)))
    if ind.notes:
        rows.append(("Notes", ind.notes))
    table = "\n".join(f"| {k} | {v.replace('|', '/')} |" for k, v in rows)
    examples = "\n".join(_example(i, ex) for i, ex in enumerate(ind.examples, 1))
    return f"### {ind.title}\n\n| | |\n|---|---|\n{table}\n\nWorked examples:\n\n{examples}\n"


def _settings_markdown() -> str:
    rows = "\n".join(f"| `{name}` | {'see caseboard.calendar' if name == 'calendar' else f'`{default!r}`'} | {doc} |"
                     for name, default, doc in Settings.described())
    return f"## Settings\n\n| Setting | Default | Meaning |\n|---|---|---|\n{rows}\n"


def render() -> str:
    """The whole catalogue."""
    parts = [INTRO]
    family = None
    for ind in registry():
        if ind.family != family:
            family = ind.family
            parts.append(f"## {family}\n")
        parts.append(indicator_markdown(ind))
    parts.append(_settings_markdown())
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    out = Path((argv or sys.argv[1:] or [str(DOC_PATH)])[0])
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render(), encoding="utf-8")
    print(f"wrote {out} ({len(registry())} indicators)")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
