"""The model's documentation is generated, and must match the declarations."""

from __future__ import annotations

from pathlib import Path

from caseboard.model.docs import render
from caseboard.model.tables import TABLES_BY_NAME, table

REPO = Path(__file__).resolve().parents[2]


def test_docs_model_md_is_current() -> None:
    assert (REPO / "docs" / "model.md").read_text() == render(), "run: python -m caseboard.model.docs > docs/model.md"


def test_every_table_with_children_keys_on_child_and_declares_its_sources() -> None:
    for t in TABLES_BY_NAME.values():
        assert t.doc and all(c.doc for c in t.columns), t.name
        if t.child_column:
            assert t.key[0] == "child_id", t.name


def test_unknown_table_names_say_what_is_known() -> None:
    try:
        table("episodes")
    except KeyError as exc:
        assert "lac_episodes" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("expected KeyError")
