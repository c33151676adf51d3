"""docs/indicators.md is generated from the registry; this fails while it is stale."""

from __future__ import annotations

from pathlib import Path

from caseboard.indicators.docs import DOC_PATH, render

REPO = Path(__file__).resolve().parents[2]


def test_the_catalogue_is_up_to_date() -> None:
    current = (REPO / DOC_PATH).read_text(encoding="utf-8")
    assert current == render(), "docs/indicators.md is stale: run .venv/bin/python -m caseboard.indicators.docs"


def test_the_catalogue_shows_sources_settings_and_examples() -> None:
    text = render()
    assert "### Looked-after reviews on time" in text
    assert "Care Planning, Placement and Case Review (England) Regulations 2010 (SI 2010/959) reg 33(1)-(2)" in text
    assert "| `cp_visit_interval_working_days` | `10` |" in text
    assert text.count("Worked examples:") == 65
