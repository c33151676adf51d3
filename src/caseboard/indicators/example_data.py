"""Shorthand for the worked examples' tables, so each example shows only what it is about.

A looked-after history is a list of SSDA903 episodes in which every episode but the last ends the day the next
begins with REC ``X1`` (care continues); :func:`episodes` writes that out, as a 903 return would.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

Step = tuple[str, str, str, str]  # (start date, RNE, legal status, placement)


def episodes(child_id: str, steps: Sequence[Step], *, ceased: tuple[str, str] | None = None) -> list[dict[str, Any]]:
    """903 episode rows for one child: each step ``(start, rne, legal_status, placement)``; ``ceased`` is the
    ``(date, REC)`` on which the last episode, and care, ended."""
    rows: list[dict[str, Any]] = []
    for i, (start, rne, ls, place) in enumerate(steps):
        row: dict[str, Any] = {"child_id": child_id, "start_date": start, "rne": rne, "legal_status": ls,
                               "placement": place}
        if i + 1 < len(steps):
            row.update(end_date=steps[i + 1][0], reason_ceased="X1")
        elif ceased is not None:
            row.update(end_date=ceased[0], reason_ceased=ceased[1])
        rows.append(row)
    return rows


def in_care(child_id: str, start: str, *, ls: str = "C2", place: str = "U6",
            ceased: tuple[str, str] | None = None) -> list[dict[str, Any]]:
    """One period of care in one placement."""
    return episodes(child_id, [(start, "S", ls, place)], ceased=ceased)
