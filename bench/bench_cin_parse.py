"""How long reading a CIN census takes: 10,000 children with every module (target well under 5 s; aim < 2 s).

    .venv/bin/python bench/bench_cin_parse.py [--children 10000] [--repeat 3] [--year 2026]
    .venv/bin/python bench/bench_cin_parse.py --validator-python /path/to/isolated/venv/bin/python

The file is generated with the writer from the synthetic frames of tests/formats/test_cin_census_write.py
(the same generator the round-trip tests use), so the bench needs no data. It prints the seconds per read.

``--validator-python`` (or CASEBOARD_CIN_VALIDATOR_PYTHON) times the DfE-rule validator csc-validator-be-cin
(package ``cin_validator``) on the same file, run by an interpreter of its own: it pins an old pandas, so it
must never be installed into Caseboard's .venv (DESIGN.md: isolate packages with old pins).
TODO(validation/dfe_rules.py): when the DfE-rules engine lands, decide whether it runs cin_validator in such an
isolated environment; if so, replace VALIDATOR_SNIPPET with the call the engine makes (its ingest plus all rules
of the year's ruleset) so that this bench times exactly what a load pays.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

#: Run by the isolated interpreter: the validator's own XML ingest (cin_validator.ingress.XMLtoCSV), timed.
VALIDATOR_SNIPPET = """
import sys, time, xml.etree.ElementTree as ET
from cin_validator.ingress import XMLtoCSV
t = time.perf_counter()
XMLtoCSV(ET.parse(sys.argv[1]).getroot())
print(f"{time.perf_counter() - t:.3f}")
"""


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


def time_validator(python: str, path: Path) -> str:
    """Seconds csc-validator-be-cin takes to ingest the same file, or why it could not be timed."""
    done = subprocess.run([python, "-c", VALIDATOR_SNIPPET, str(path)], capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        return f"not timed ({done.stderr.strip().splitlines()[-1] if done.stderr.strip() else 'failed'})"
    return done.stdout.strip() + " s (ingest only)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--year", type=int, default=2026)
    parser.add_argument("--validator-python", default=os.environ.get("CASEBOARD_CIN_VALIDATOR_PYTHON"))
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
        if args.validator_python:
            print(f"csc-validator-be-cin: {time_validator(args.validator_python, path)}")
        else:
            print("csc-validator-be-cin: not timed (give --validator-python with an isolated interpreter)")


if __name__ == "__main__":
    sys.exit(main())
