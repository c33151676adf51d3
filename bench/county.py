"""The benchmark county, built once per database file and reused: what every bench script stands on.

``open_county("reports", scale)`` opens ``bench/out/reports-county-<scale>.duckdb``, generating the synthetic
county and loading it as one recorded load the first time (or with ``fresh``); it returns the store and the
county's "today".
"""

from __future__ import annotations

import datetime as dt
import time
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
    loaded = time.perf_counter() - start
    rows = sum(c.received for c in report.changes)
    return config.today, f"generated in {generated:.1f} s, loaded {rows:,} records in {loaded:.1f} s ({report.status})"



def open_county(name: str, scale: float, *, fresh: bool = False) -> tuple[object, dt.date]:
    """The store holding the bench county for ``name`` (built if missing or ``fresh``) and its 'today'."""
    from caseboard.store import open_store

    OUT.mkdir(parents=True, exist_ok=True)
    db = OUT / f"{name}-county-{scale}.duckdb"
    stamp = db.with_suffix(".today")
    if fresh or not stamp.exists():
        db.unlink(missing_ok=True)
        store = open_store(db)
        today, summary = load_county(store, scale)
        stamp.write_text(today.isoformat())
        print(f"synthetic county (scale {scale}): {summary}")
    else:
        store = open_store(db)
        today = dt.date.fromisoformat(stamp.read_text().strip())
        print(f"reusing {db} (use --fresh to rebuild)")
    return store, today
