"""Turning the generator's working frames (day numbers, integer child indexes) into canonical frames.

Every table leaves the generator through :func:`canonical`: exactly the columns of ``model/tables.py`` in their
order and with their types, day numbers turned into dates, rows sorted by the table's key so that the same seed
always gives byte-identical frames.
"""

from __future__ import annotations

import polars as pl

from caseboard.formats.values import POLARS_TYPES
from caseboard.model.tables import TABLES, table
from caseboard.synth.dates import NA


def canonical(name: str, frame: pl.DataFrame) -> pl.DataFrame:
    """The canonical frame of table ``name`` from a working frame holding (some of) its columns."""
    t = table(name)
    objects = [c.name for c in t.columns if c.name in frame.columns and frame.schema[c.name] == pl.Object]
    if objects:  # numpy object arrays (codes with None for "not recorded") become typed columns
        frame = frame.with_columns([pl.Series(c, frame[c].to_list(), dtype=POLARS_TYPES[t.column(c).type])
                                    for c in objects])
    exprs = []
    for c in t.columns:
        target = POLARS_TYPES[c.type]
        if c.name not in frame.columns:
            exprs.append(pl.lit(None, dtype=target).alias(c.name))
            continue
        col = pl.col(c.name)
        if c.type == "date" and frame.schema[c.name] in (pl.Int64, pl.Int32):
            col = pl.when(col == int(NA)).then(None).otherwise(col).cast(pl.Int32).cast(pl.Date)
        exprs.append(col.cast(target).alias(c.name))
    out = frame.select(exprs)
    return out.sort(list(t.key), nulls_last=True, maintain_order=True)


def stack(frames: list[pl.DataFrame]) -> pl.DataFrame:
    """Frames one under another; a frame built from no rows (typed Null) takes the others' types."""
    return pl.concat(frames, how="vertical_relaxed")


def text(values: object) -> pl.Series:
    """A string column from a numpy object array of codes (None = not recorded)."""
    return pl.Series(list(values), dtype=pl.Utf8)  # type: ignore[call-overload]


def empty(name: str) -> pl.DataFrame:
    t = table(name)
    return pl.DataFrame(schema={c.name: POLARS_TYPES[c.type] for c in t.columns})


def all_tables(frames: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """Every canonical table, in the model's order, empty where the generator made none."""
    return {t.name: frames.get(t.name, empty(t.name)) for t in TABLES}
