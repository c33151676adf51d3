"""Ingest benchmarks (issue 2): prints the numbers; asserts nothing.

1. The default synthetic county (ten years, every format) ingested into a fresh embedded database: seconds and
   peak memory of the ingest process (target: under 30 s and 2 GB on a 2-core machine).
   Large loads read in parallel worker processes (formats/read_all.py): their peak is printed separately.
2. SSDA903 for 26,750 children: the peer fake return (2,675 children) written ten times over with distinct
   child identifiers, then parsed, checked and loaded (target: under 5 s).

Run: .venv/bin/python bench/bench_ingest.py [--scale 1.0] [--skip-county]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PEER_903 = REPO.parent / "shared" / "reference-data" / "peer-samples" / "ssda903-validator-fake"
OUT = REPO / "bench" / "out"


def _ingest_child(source: str, db: str, queue: "mp.Queue[tuple[str, float, int, str]]") -> None:
    from caseboard.ingest import ingest
    from caseboard.store import open_store

    store = open_store(db)
    start = time.perf_counter()
    report = ingest(store, [Path(source)])
    seconds = time.perf_counter() - start
    store.close()
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    worker_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    rows = sum(c.received for c in report.changes)
    workers = f"; largest reader worker {worker_kb / 1024:.0f} MB" if worker_kb else ""
    phases = ", ".join(f"{name} {s:.1f} s" for name, s in report.phases.items())
    queue.put((report.status, seconds, peak_kb,
               f"{rows:,} records, {len(report.findings):,} findings{workers}\n    ({phases})"))


def timed_ingest(source: Path, db: Path) -> tuple[str, float, int, str]:
    """Ingest in a fresh process so that its peak memory is the ingest's alone."""
    if db.exists():
        db.unlink()
    queue: mp.Queue = mp.get_context("spawn").Queue()
    proc = mp.get_context("spawn").Process(target=_ingest_child, args=(str(source), str(db), queue))
    proc.start()
    result = queue.get()
    proc.join()
    return result


def county(scale: float) -> Path:
    from caseboard.synth import SynthConfig, synthesize

    folder = OUT / f"county-{scale}"
    if not (folder / ".complete").exists():
        shutil.rmtree(folder, ignore_errors=True)
        start = time.perf_counter()
        synthesize(folder, SynthConfig(scale=scale))
        (folder / ".complete").write_text("ok")
        print(f"synthesized the county at scale {scale} in {time.perf_counter() - start:.1f} s (not timed below)")
    return folder


def replicate_903(times: int, into: Path) -> int:
    """The peer fake 903 return written ``times`` over with child ids prefixed, so children are distinct."""
    into.mkdir(parents=True, exist_ok=True)
    children = 0
    for csv in sorted(PEER_903.glob("*.csv")):
        lines = csv.read_text(encoding="utf-8-sig").splitlines()
        header, body = lines[0], [line for line in lines[1:] if line.strip()]
        out = [header] + [f"R{i}{line}" for i in range(times) for line in body]
        (into / csv.name).write_text("\n".join(out) + "\n", encoding="utf-8")
        if csv.name == "header.csv":
            children = len(body) * times
    return children


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--skip-county", action="store_true")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "903x10"
        n = replicate_903(10, folder)
        status, seconds, peak_kb, what = timed_ingest(folder, Path(tmp) / "903.duckdb")
        print(f"SSDA903, {n:,} children: {status} in {seconds:.2f} s (target < 5 s), peak {peak_kb / 1024:.0f} MB; {what}")

    if not args.skip_county:
        source = county(args.scale)
        files = [p for p in source.rglob("*") if p.is_file() and not p.name.startswith(".")]
        size = sum(p.stat().st_size for p in files)
        status, seconds, peak_kb, what = timed_ingest(source, OUT / "county.duckdb")
        print(f"Synthetic county (scale {args.scale}, {len(files)} files, {size / 1e6:.0f} MB): {status} in "
              f"{seconds:.1f} s (target < 30 s), peak memory {peak_kb / 1024:.0f} MB (target < 2048 MB); {what}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
