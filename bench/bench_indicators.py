"""Indicator and worklist benchmarks (issue 3): prints the numbers; asserts nothing.

On the default synthetic county (``caseboard.synth``: Norfolk-sized, ten years to 31 March 2026), loaded once
through the real load path (``commit_batch``) into an embedded database kept in bench/out/ and reused:

1. every indicator at every level (authority, area, team, worker) at one date (target: under 1 s);
2. every indicator at the authority level at 24 month-ends, as one series (``indicators.series``: on DuckDB each
   query planned once for all dates, on PostgreSQL date by date; target: under 10 s), and with ``--per-date``
   also date by date on DuckDB for comparison;
3. one new visit ingested (``commit_batch`` of one LAC visit) and then ``lac_visits_on_time`` at every level and
   the visiting worker's worklist recomputed: the visit must show in both (target: under 1 s in all);
4. the authority's worklist at the date;
5. per indicator, the seconds of its query (shared derivations in place), slowest first.

Run: .venv/bin/python bench/bench_indicators.py [--scale 1.0] [--fresh] [--per-date] [--pg postgresql://...]
(``--pg`` also loads the county into a throwaway PostgreSQL schema and runs every step there.)
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import time
import uuid
from pathlib import Path

from county import load_county, open_county  # noqa: E402  (bench/ is on the path when run)

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "bench" / "out"


def busy() -> str:
    """The machine's load beside each timing: on a shared machine, wall-clock seconds grow with other people's
    work; this process's CPU seconds (DuckDB's threads included; PostgreSQL's server not) do not."""
    return f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"


def one_visit(store: object, today: dt.date) -> None:
    """Step 3: a worker records a visit to a looked-after child whose visit is pending; the load, the indicator
    at every level and the worker's worklist, each timed; the counts before and after show the visit arrived."""
    import polars as pl

    from caseboard.indicators.engine import LEVELS, evaluate
    from caseboard.indicators.fixtures import batch_of
    from caseboard.ingest import commit_batch
    from caseboard.worklists import worklist

    pending = worklist(store, today, schedules=["lac_visit"], prepared=True)  # type: ignore[arg-type]
    pending = pending.filter(pl.col("worker") != "Unallocated").sort("due_date")
    if not pending.height:
        print("one new visit: no allocated looked-after child has a visit pending; skipped")
        return
    child, worker = pending.row(0, named=True)["child_id"], pending.row(0, named=True)["worker"]

    def measure() -> tuple[float, int, tuple[float, float]]:
        start = time.perf_counter()
        rows = evaluate(store, today, codes=["lac_visits_on_time"], levels=LEVELS, prepared=True)  # type: ignore[arg-type]
        mid = time.perf_counter()
        items = worklist(store, today, worker=worker, prepared=True)  # type: ignore[arg-type]
        end = time.perf_counter()
        numerator = next(r.result.numerator for r in rows if r.level == "authority")  # type: ignore[union-attr]
        visits_due = items.filter((pl.col("child_id") == child) & (pl.col("item") == "lac_visit")).height
        return numerator, visits_due, (mid - start, end - mid)

    before, due_before, _ = measure()
    start = time.perf_counter()
    report = commit_batch(store, batch_of({"visits": [  # type: ignore[arg-type]
        {"child_id": child, "visit_date": today.isoformat(), "kind": "lac", "seen": "true", "worker_id": worker}]}),
        user="bench", today=today)
    load = time.perf_counter() - start
    after, due_after, (indicator, items) = measure()
    print(f"one new visit ({child}, worker {worker}): load {load:.2f} s ({report.status}), lac_visits_on_time at "
          f"every level {indicator:.2f} s (authority numerator {before} -> {after}), worker's worklist "
          f"{items:.2f} s (visit items for the child {due_before} -> {due_after}); "
          f"total {load + indicator + items:.2f} s (target < 1 s)")


def run(store: object, today: dt.date, label: str, per_date: bool = False) -> None:
    from dataclasses import replace

    from caseboard.indicators.derived import Q, materialise, release
    from caseboard.indicators.engine import LEVELS, evaluate, prepare, query_for, unit_frame
    from caseboard.indicators.registry import registry
    from caseboard.indicators.series import month_ends, series
    from caseboard.worklists import worklist

    prepare(store)  # type: ignore[arg-type]
    print(f"\n== {label}: as at {today}")
    for attempt in ("cold", "warm"):
        start, cpu = time.perf_counter(), time.process_time()
        rows = evaluate(store, today, levels=LEVELS, prepared=True)  # type: ignore[arg-type]
        print(f"every indicator x every level ({attempt}): {time.perf_counter() - start:.2f} s "
              f"(CPU {time.process_time() - cpu:.2f} s) "
              f"({len(registry())} indicators, {len(rows):,} results; target < 1 s)")
    points = month_ends(today, 24)
    start, cpu = time.perf_counter(), time.process_time()
    series(store, points, prepared=True)  # type: ignore[arg-type]
    how = "dates as a column" if store.dialect == "duckdb" else "date by date"  # type: ignore[attr-defined]
    print(f"24 month-ends {points[0]} .. {points[-1]}, every indicator, authority level, series ({how}): "
          f"{time.perf_counter() - start:.2f} s (CPU {time.process_time() - cpu:.2f} s; {busy()}; target < 10 s)")
    if per_date and store.dialect == "duckdb":  # type: ignore[attr-defined]
        start, cpu = time.perf_counter(), time.process_time()
        for day in points:
            evaluate(store, day, levels=["authority"], prepared=True)  # type: ignore[arg-type]
        print(f"  the same date by date: {time.perf_counter() - start:.2f} s (CPU {time.process_time() - cpu:.2f} s; "
              f"{busy()})")
    one_visit(store, today)
    start = time.perf_counter()
    items = worklist(store, today, prepared=True)  # type: ignore[arg-type]
    overdue = items.filter(items["status"] == "overdue").height
    print(f"worklist for the authority: {time.perf_counter() - start:.2f} s ({items.height:,} items, {overdue:,} overdue)")
    timings = []
    shared = materialise(store, Q(as_at=today))  # type: ignore[arg-type]  # as evaluate does
    for ind in registry():
        start = time.perf_counter()
        frame = unit_frame(store, ind, replace(query_for(ind, today), tables=shared.tables))  # type: ignore[arg-type]
        timings.append((time.perf_counter() - start, ind.code, frame.height))
    release(store, shared)  # type: ignore[arg-type]
    print("per indicator, shared derivations in place (seconds, units):")
    for seconds, code, n in sorted(timings, reverse=True):
        print(f"  {seconds:6.3f}  {code:<36} {n:>8,}")
    authority = [r for r in rows if r.level == "authority"]
    print("authority results:")
    for r in authority:
        d = r.as_dict()
        print(f"  {d['code']:<36} {d['numerator']!s:>10} / {d['denominator']!s:<10} value {d['value']!s:<10} {d['status']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--fresh", action="store_true", help="rebuild the county database")
    parser.add_argument("--per-date", action="store_true", help="also time the 24 month-ends date by date")
    parser.add_argument("--pg", help="also time on this PostgreSQL server (a throwaway schema)")
    args = parser.parse_args()

    from caseboard.store import open_store

    store, today = open_county("indicators", args.scale, fresh=args.fresh)
    try:
        run(store, today, "DuckDB", args.per_date)
    finally:
        store.close()
    if args.pg:
        pg = open_store(f"{args.pg}#schema=bench_{uuid.uuid4().hex[:8]}")
        try:
            _, summary = load_county(pg, args.scale)
            print(f"\nPostgreSQL: {summary}")
            run(pg, today, "PostgreSQL", args.per_date)
        finally:
            pg.drop_schema()  # type: ignore[attr-defined]
            pg.close()


if __name__ == "__main__":
    main()
