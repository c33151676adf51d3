"""The vocabulary for declaring canonical tables.

Every canonical table is declared once (``model/tables.py``) as a :class:`Table`; the store derives its DDL for
each engine from that declaration, the readers derive the column order and types of the frames they produce,
and the validators derive the "required" and "type" checks. One declaration, many readers of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ColumnType = Literal["str", "date", "int", "float", "bool", "timestamp"]

#: Columns the store adds to every canonical table: which load brought the row, and where in which file it came from.
PROVENANCE_COLUMNS: tuple[tuple[str, ColumnType], ...] = (
    ("load_id", "int"),
    ("source_file", "str"),
    ("source_row", "int"),
)


@dataclass(frozen=True)
class Column:
    """One canonical field.

    ``required`` means a record without it cannot be placed in the model at all (it goes to quarantine with a
    finding); ``codelist`` names the code list (per collection year) that the value must belong to.
    """

    name: str
    type: ColumnType
    doc: str
    required: bool = False
    codelist: str | None = None


@dataclass(frozen=True)
class Table:
    """A canonical table: its columns, its natural key and why it exists.

    ``key`` is the natural key used to merge loads: a later load carrying the same key replaces the earlier row,
    so that loading the same return twice changes nothing and a later return updates children without
    duplicating them.
    """

    name: str
    doc: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    child_column: str | None = "child_id"
    date_columns_in_order: tuple[tuple[str, str], ...] = field(default=())

    def __post_init__(self) -> None:
        names = [c.name for c in self.columns]
        if len(names) != len(set(names)):
            raise ValueError(f"table {self.name}: duplicate column names")
        for k in self.key:
            if k not in names:
                raise ValueError(f"table {self.name}: key column {k!r} is not a column")
        for a, b in self.date_columns_in_order:
            if a not in names or b not in names:
                raise ValueError(f"table {self.name}: ordered dates {a!r}, {b!r} must be columns")

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.name}.{name}")


def col(name: str, type_: ColumnType, doc: str, *, required: bool = False, codelist: str | None = None) -> Column:
    """Shorthand used by the table declarations."""
    return Column(name=name, type=type_, doc=doc, required=required, codelist=codelist)
