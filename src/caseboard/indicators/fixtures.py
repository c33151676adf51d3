"""Small tables into a store the way real data arrives: through ``canonicalise`` and ``commit_batch``.

Worked examples, tests and demonstrations give their tables as rows of plain values (dates as ISO text); this
puts them through the same typing, checks and recorded load as a real return, so an example cannot rely on a
shape real data never has.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl

from caseboard.formats.base import Batch, SourceFile, canonicalise
from caseboard.ingest import LoadReport, commit_batch
from caseboard.model.tables import TABLES_BY_NAME
from caseboard.store import Store

Rows = Sequence[Mapping[str, Any]]


def batch_of(tables: Mapping[str, Rows], *, year: int = 2025) -> Batch:
    """A batch of canonical frames from plain rows; children named anywhere get a ``children`` row."""
    batch = Batch()
    batch.files.append(SourceFile("example", "example", "0" * 64, 0, year, sum(len(r) for r in tables.values())))
    tables = dict(tables)
    named = sorted({str(r["child_id"]) for name, rows in tables.items()
                    if TABLES_BY_NAME[name].child_column for r in rows})
    known = {str(r["child_id"]) for r in tables.get("children", [])}
    tables["children"] = list(tables.get("children", [])) + [{"child_id": c} for c in named if c not in known]
    for name, rows in tables.items():
        if not rows:
            continue
        columns = sorted({k for r in rows for k in r})
        raw = pl.DataFrame({c: [None if r.get(c) is None else str(r.get(c)) for r in rows] for c in columns},
                           schema={c: pl.Utf8 for c in columns})
        batch.add(name, canonicalise(name, raw, file=f"example/{name}", batch=batch))
    return batch


def load_tables(store: Store, tables: Mapping[str, Rows], *, today: dt.date | None = None) -> LoadReport:
    """Load plain rows as one recorded load; refuses (raises) if the load is refused."""
    report = commit_batch(store, batch_of(tables), user="example", today=today or dt.date(2099, 12, 31))
    if not report.ok:
        raise ValueError(f"example tables refused: {report.message}")
    return report


def clear_tables(store: Store, names: Sequence[str] | None = None) -> None:
    """Empty canonical tables (between worked examples sharing one store)."""
    for name in names or list(TABLES_BY_NAME):
        store.execute(f"DELETE FROM {name}")



def batch_from_frames(frames: Mapping[str, pl.DataFrame], *, source: str = "synthetic", year: int = 2026) -> Batch:
    """A batch of already-typed canonical frames (a synthetic county): model columns only, provenance added."""
    batch = Batch()
    batch.files.append(SourceFile(source, "synthetic", "0" * 64, 0, year, 0))
    for t in TABLES_BY_NAME.values():
        frame = frames.get(t.name)
        if frame is None or frame.height == 0:
            continue
        missing = [c.name for c in t.columns if c.name not in frame.columns]
        frame = frame.with_columns([pl.lit(None).alias(c) for c in missing]).select(t.column_names)
        batch.add(t.name, frame.with_columns(pl.lit(source).alias("source_file"),
                                             pl.int_range(2, frame.height + 2).alias("source_row")))
    return batch
