"""How long reading a CIN census takes: 10,000 children with every module (target well under 5 s; aim < 2 s).

    .venv/bin/python bench/bench_cin_parse.py [--children 10000] [--repeat 3] [--year 2026]
    .venv/bin/python bench/bench_cin_parse.py --no-dfe-validator   # skip the slow DfE validator timing

The file is generated with the writer from the synthetic frames of tests/formats/test_cin_census_write.py
(the same generator the round-trip tests use), so the bench needs no data. It prints seconds per read, wall and
CPU (CPU is the steadier number on a machine shared with other work).

By default it also times the DfE-rule validator csc-validator-be-cin on the same file, through
:func:`caseboard.validation.dfe_rules.time_cin_parse`: the package pins an old pandas, so it lives in an
environment of its own under ``--home`` (default $CASEBOARD_HOME or ~/.cache/caseboard), built on first use by
dfe_rules, and is never installed into Caseboard's .venv (DESIGN.md: isolate packages with old pins).
TODO(validation/dfe_rules.py): time_cin_parse measures the package's ingress only; if the DfE-rules engine adds
a timing of the full rule run (ingress plus the year's rules), print it here too, so that the bench shows what
a load with DfE rules switched on pays beside what Caseboard's own reader pays.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def synthetic_frames(n: int, year: int):
    """The generator shared with the writer tests (loaded by path: tests/ is not a package)."""
    path = REPO / "tests" / "formats" / "test_cin_census_write.py"
    spec = importlib.util.spec_from_file_location("cin_census_write_tests", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.synthetic_frames(n, year=year)


def time_caseboard(path: Path, repeat: int) -> list[tuple[float, float]]:
    """(wall, CPU) seconds per read: CPU time is the steadier number on a machine shared with other work."""
    from caseboard.formats import cin_census
    from caseboard.formats.base import Batch

    times = []
    for _ in range(repeat):
        batch = Batch()
        wall, cpu = time.perf_counter(), time.process_time()
        cin_census.read([path], batch)
        times.append((time.perf_counter() - wall, time.process_time() - cpu))
    print("  rows:", ", ".join(f"{t} {n}" for t, n in batch.counts().items()))
    return times


def time_load(path: Path, folder: Path) -> str:
    """Seconds for the whole Caseboard load: read, stitch, check and store in a fresh embedded database."""
    from caseboard.ingest import ingest
    from caseboard.store import open_store

    store = open_store(folder / "cin.duckdb")
    start = time.perf_counter()
    report = ingest(store, [path])
    seconds = time.perf_counter() - start
    store.close()
    return f"{seconds:.2f} s ({report.status}; {sum(c.received for c in report.changes):,} records stored)"


def time_dfe_validator(path: Path, home: Path | None) -> str:
    """Seconds csc-validator-be-cin takes to ingest the same file, or why it could not be timed."""
    try:
        from caseboard.validation.dfe_rules import default_home, time_cin_parse
    except ImportError as e:  # the DfE-rules engine is not in this checkout
        return f"not timed ({e})"
    try:
        return f"{time_cin_parse(path, home or default_home()):.3f} s (its ingress only, in its own environment)"
    except Exception as e:  # noqa: BLE001 - a bench reports, it does not fail
        return f"not timed ({type(e).__name__}: {e})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--year", type=int, default=2026)
    parser.add_argument("--no-dfe-validator", dest="dfe_validator", action="store_false",
                        help="skip timing csc-validator-be-cin (isolated; several minutes at 10,000 children)")
    parser.add_argument("--home", type=Path, default=None, help="where the isolated validator environment lives")
    args = parser.parse_args()

    from caseboard.formats import cin_census

    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        frames = synthetic_frames(args.children, args.year)
        [path] = cin_census.write(frames, Path(folder) / "cin.xml", year=args.year)
        size = path.stat().st_size / 1e6
        print(f"generated {args.children} children ({size:.1f} MB, year {args.year}) "
              f"in {time.perf_counter() - start:.2f} s")
        times = time_caseboard(path, args.repeat)
        best = min(times)
        print(f"caseboard cin_census.read: {best[0]:.3f} s wall, {best[1]:.3f} s CPU (best of {len(times)}; "
              f"wall {', '.join(f'{w:.3f}' for w, _ in times)})")
        print(f"caseboard read + check + load into DuckDB: {time_load(path, Path(folder))} (target < 5 s)")
        if args.dfe_validator:
            print(f"csc-validator-be-cin: {time_dfe_validator(path, args.home)}")
        else:
            print("csc-validator-be-cin: not timed (--no-dfe-validator)")


if __name__ == "__main__":
    sys.exit(main())
