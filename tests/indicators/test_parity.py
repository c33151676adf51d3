"""One result whatever the engine: every worked example's tables at once, on DuckDB and PostgreSQL, shared
derivations on and off, every indicator at every level must agree to the last row."""

from __future__ import annotations

import datetime as dt
import zlib
from collections import defaultdict
from typing import Any

from caseboard.indicators.engine import evaluate
from caseboard.indicators.fixtures import clear_tables, load_tables
from caseboard.indicators.registry import registry
from caseboard.store import Store
from caseboard.worklists import worklist

IDS = ("child_id", "worker_id", "team_id", "area_id")


def every_example() -> dict[str, list[dict[str, Any]]]:
    """All examples' tables in one county: identifiers prefixed per example, and every child allocated to one
    of three workers in two areas (so the breakdowns have something to break down)."""
    tables: dict[str, list[dict[str, Any]]] = defaultdict(list)
    children: set[str] = set()
    for ind in registry():
        for i, ex in enumerate(ind.examples):
            for name, rows in ex.tables.items():
                for row in rows:
                    row = {k: (f"{ind.code}.{i}.{v}" if k in IDS and v is not None else v) for k, v in row.items()}
                    tables[name].append(row)
                    if "child_id" in row:
                        children.add(row["child_id"])
    tables["areas"] += [{"area_id": "N", "name": "North"}, {"area_id": "S", "name": "South"}]
    tables["teams"] += [{"team_id": "T1", "name": "One", "area_id": "N"}, {"team_id": "T2", "name": "Two", "area_id": "S"}]
    tables["workers"] += [{"worker_id": f"W{n}", "team_id": f"T{1 + n % 2}", "fte": "1"} for n in range(3)]
    tables["allocations"] += [{"child_id": c, "worker_id": f"W{zlib.crc32(c.encode()) % 3}", "start_date": "2000-01-01"}
                              for c in sorted(children) if zlib.crc32(c.encode()) % 5]
    return tables


def test_every_engine_and_both_paths_agree(engine_stores: dict[str, Store]) -> None:
    data = every_example()
    results = {}
    for engine, store in engine_stores.items():
        clear_tables(store)
        load_tables(store, data)
        for shared, day in ((True, dt.date(2025, 3, 31)), (False, dt.date(2025, 3, 31)), (True, dt.date(2025, 5, 20))):
            rows = evaluate(store, day, prepared=True, shared=shared)
            results[(engine, shared, day)] = [r.as_dict() for r in rows]
        results[(engine, "worklist")] = worklist(store, dt.date(2025, 3, 31), prepared=True).rows()
    first = results[("duckdb", True, dt.date(2025, 3, 31))]
    assert len(first) > 200 and any(r["numerator"] for r in first if r["level"] == "worker")
    for key, rows in results.items():
        base = results[("duckdb", "worklist")] if key[1] == "worklist" else results[("duckdb", True, key[2])]
        assert rows == base, key
    assert len(results[("duckdb", "worklist")]) > 20
