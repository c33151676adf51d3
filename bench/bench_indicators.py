"""Indicator and worklist benchmarks (issue 3): prints the numbers; asserts nothing.

On the default synthetic county (``caseboard.synth``: Norfolk-sized, ten years to 31 March 2026), loaded once
through the real load path (``commit_batch``) into an embedded database kept in bench/out/ and reused:

1. every indicator at every level (authority, area, team, worker) at one date (target: under 1 s);
2. every indicator at the authority level at 24 month-ends (target: under 10 s);
3. the authority's worklist at the date;
4. per indicator, the seconds of its query (shared derivations in place), slowest first.

Run: .venv/bin/python bench/bench_indicators.py [--scale 1.0] [--fresh] [--pg postgresql://...]
(``--pg`` also loads the county into a throwaway PostgreSQL schema and times step 1 there.)
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "bench" / "out"


def load_county(store: object, scale: float) -> tuple[dt.date, str]:
    """Generate the synthetic county and load it as one recorded load; returns its 'today' and a summary."""
    from caseboard.indicators.fixtures import batch_from_frames
    from caseboard.ingest import commit_batch

    try:
        from caseboard.synth import SynthConfig, generate
    except ImportError:  # the generator is another engineer's work in progress
        raise SystemExit("caseboard.synth is not available yet: nothing to benchmark on") from None
    config = SynthConfig(scale=scale)
    start = time.perf_counter()
    frames = generate(config)
    generated = time.perf_counter() - start
    batch = batch_from_frames(frames, source="synthetic-county", year=config.today.year)
    start = time.perf_counter()
    report = commit_batch(store, batch, user="bench", today=config.today)  # type: ignore[arg-type]
    if store.dialect == "postgres":  # type: ignore[attr-defined]
        store.execute("ANALYZE")  # type: ignore[attr-defined]  # as autovacuum would soon after a load
    loaded = time.perf_counter() - start
    rows = sum(c.received for c in report.changes)
    return config.today, f"generated in {generated:.1f} s, loaded {rows:,} records in {loaded:.1f} s ({report.status})"


def month_ends(last: dt.date, n: int) -> list[dt.date]:
    from caseboard.calendar import add_months

    first_of_next = add_months(last.replace(day=1), 1)
    return [add_months(first_of_next, -k) - dt.timedelta(days=1) for k in range(n)][::-1]


def run(store: object, today: dt.date, label: str) -> None:
    from dataclasses import replace

    from caseboard.indicators.derived import Q, materialise, release
    from caseboard.indicators.engine import LEVELS, evaluate, prepare, query_for, unit_frame
    from caseboard.indicators.registry import registry
    from caseboard.worklists import worklist

    prepare(store)  # type: ignore[arg-type]
    print(f"\n== {label}: as at {today}")
    for attempt in ("cold", "warm"):
        start = time.perf_counter()
        rows = evaluate(store, today, levels=LEVELS, prepared=True)  # type: ignore[arg-type]
        print(f"every indicator x every level ({attempt}): {time.perf_counter() - start:.2f} s "
              f"({len(registry())} indicators, {len(rows):,} results; target < 1 s)")
    points = month_ends(today, 24)
    start = time.perf_counter()
    for day in points:
        evaluate(store, day, levels=["authority"], prepared=True)  # type: ignore[arg-type]
    print(f"24 month-ends {points[0]} .. {points[-1]}, every indicator, authority level: "
          f"{time.perf_counter() - start:.2f} s (target < 10 s)")
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
    parser.add_argument("--pg", help="also time on this PostgreSQL server (a throwaway schema)")
    args = parser.parse_args()

    from caseboard.store import open_store

    OUT.mkdir(parents=True, exist_ok=True)
    db = OUT / f"indicators-county-{args.scale}.duckdb"
    stamp = db.with_suffix(".today")
    if args.fresh or not stamp.exists():
        db.unlink(missing_ok=True)
        store = open_store(db)
        today, summary = load_county(store, args.scale)
        stamp.write_text(today.isoformat())
        print(f"synthetic county (scale {args.scale}): {summary}")
    else:
        store = open_store(db)
        today = dt.date.fromisoformat(stamp.read_text().strip())
        print(f"reusing {db} (use --fresh to rebuild)")
    try:
        run(store, today, "DuckDB")
    finally:
        store.close()
    if args.pg:
        pg = open_store(f"{args.pg}#schema=bench_{uuid.uuid4().hex[:8]}")
        try:
            _, summary = load_county(pg, args.scale)
            print(f"\nPostgreSQL: {summary}")
            run(pg, today, "PostgreSQL")
        finally:
            pg.drop_schema()  # type: ignore[attr-defined]
            pg.close()


if __name__ == "__main__":
    main()
