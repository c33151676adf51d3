"""Values as councils send them: every date shape we accept, and the ones we refuse."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from caseboard.formats.base import Batch, canonicalise
from caseboard.formats.values import parse_column


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("01/02/2020", dt.date(2020, 2, 1)),  # dd/mm/yyyy, day first (the DfE returns)
        ("2020-02-01", dt.date(2020, 2, 1)),  # ISO (XML, JSON)
        ("01/02/2020 00:00:00", dt.date(2020, 2, 1)),  # Excel export with a time part
        ("2023-05-23T11:14:05", dt.date(2023, 5, 23)),
        ("43862", dt.date(2020, 2, 1)),  # Excel serial number for 1 Feb 2020
        ("29/02/2024", dt.date(2024, 2, 29)),  # leap day
        (" 1/2/2020 ", dt.date(2020, 2, 1)),  # untrimmed, unpadded
    ],
)
def test_dates_in_every_shape_councils_send(raw: str, expected: dt.date) -> None:
    typed, problems = parse_column(pl.Series("d", [raw]), "date")
    assert typed.to_list() == [expected]
    assert problems is None


@pytest.mark.parametrize("raw", ["31/13/2020", "29/02/2023", "next week", "123"])
def test_impossible_dates_are_problems_not_guesses(raw: str) -> None:
    typed, problems = parse_column(pl.Series("d", [raw]), "date")
    assert typed.to_list() == [None]
    assert problems is not None and problems.to_list() == [True]


def test_canonicalise_reports_file_row_field_and_quarantines_unplaceable_records() -> None:
    batch = Batch()
    raw = pl.DataFrame(
        {
            "child_id": ["A1", None, "A3"],
            "start_date": ["01/04/2020", "02/04/2020", "not a date"],
            "legal_status": ["C2", "C2", "C2"],
            "end_date": ["", "31/04/2020", None],
        }
    )
    frame = canonicalise("lac_episodes", raw, file="episodes.csv", batch=batch)
    assert frame["child_id"].to_list() == ["A1"]
    assert frame["start_date"].to_list() == [dt.date(2020, 4, 1)]
    assert frame["source_row"].to_list() == [2]
    messages = [f.message() for f in batch.findings]
    assert "episodes.csv, row 3, field end_date: found '31/04/2020'; expected a date (dd/mm/yyyy, yyyy-mm-dd or an Excel date)" in messages
    assert any(m.startswith("episodes.csv, row 3, field child_id: found nothing") for m in messages)
    assert any(m.startswith("episodes.csv, row 4, field start_date: found 'not a date'") for m in messages)
    assert [q["row"] for q in batch.quarantine] == [3, 4]
    assert batch.quarantine[1]["raw"]["start_date"] == "not a date"
