"""Schema versions, so that a later release can migrate a council's existing data instead of reloading it.

Each migration is a function from one version to the next, applied in order inside one transaction and
recorded in ``schema_version``. Purely additive model changes (a new nullable column) need no migration of
their own: :meth:`Store.add_missing_columns` adds them on every start.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from caseboard.store.base import Store


def _v1_initial(store: "Store") -> None:
    """Every canonical table and the load records, as declared in the model."""
    store.create_model_tables()


MIGRATIONS: list[tuple[int, str, Callable[["Store"], None]]] = [
    (1, "initial canonical model and load records", _v1_initial),
]

CURRENT_VERSION = MIGRATIONS[-1][0]


def current_version(store: "Store") -> int:
    if "version" not in store.existing_columns("schema_version"):
        return 0
    return int(store.scalar("SELECT COALESCE(MAX(version), 0) FROM schema_version") or 0)


def migrate(store: "Store") -> list[int]:
    """Bring the database to :data:`CURRENT_VERSION`; returns the versions applied."""
    applied: list[int] = []
    with store.transaction():
        have = current_version(store)
        if have > CURRENT_VERSION:
            raise RuntimeError(
                f"this database is at schema version {have}, newer than this Caseboard release understands "
                f"({CURRENT_VERSION}); upgrade Caseboard"
            )
        for version, description, step in MIGRATIONS:
            if version > have:
                step(store)
                store.insert_rows("schema_version", [
                    {"version": version, "applied_at": dt.datetime.now(), "description": description}
                ])
                applied.append(version)
        store.add_missing_columns()
    return applied
