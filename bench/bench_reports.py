"""Report benchmark (issue 6): prints the numbers; asserts nothing.

The authority scorecard (the default children's social care scorecard, its 6-month trend) of the default synthetic
county (``caseboard.synth``, Norfolk-sized, as at its 'today'), built once and written in all three formats:
HTML, PDF (WeasyPrint) and XLSX. Target: under 10 s for the whole. Then one area's surgery pack, for scale.
The county is loaded once through the real load path into bench/out/reports-county-<scale>.duckdb and reused.

Run: .venv/bin/python bench/bench_reports.py [--scale 1.0] [--fresh]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "bench" / "out"
sys.path.insert(0, str(Path(__file__).parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--fresh", action="store_true", help="rebuild the county database")
    args = parser.parse_args()

    from county import open_county  # the one way to build the bench county

    from caseboard.indicators.engine import prepare
    from caseboard.reports.pack import write_scorecard, write_surgery
    from caseboard.reports.scorecard import build_scorecard
    from caseboard.reports.surgery import build_surgery

    store, today = open_county("reports", args.scale, fresh=args.fresh)
    try:
        prepare(store)  # the calendar table: built once per database, not part of a report's time
        folder = Path(tempfile.mkdtemp(prefix="caseboard-bench-reports-"))
        start = time.perf_counter()
        report = build_scorecard(store, today)
        built = time.perf_counter() - start
        times = {}
        for fmt in ("html", "pdf", "xlsx"):
            t = time.perf_counter()
            path = write_scorecard(report, fmt, folder / f"scorecard.{fmt}")
            times[fmt] = (time.perf_counter() - t, path.stat().st_size)
        total = time.perf_counter() - start
        print(f"scorecard as at {today}: {len(report.lines)} measures, {report.scorecard.trend_months}-month trend")
        print(f"  figures from the engine: {built:.2f} s")
        for fmt, (seconds, size) in times.items():
            print(f"  {fmt:<4}: {seconds:.2f} s ({size:,} bytes)")
        print(f"authority scorecard in all three formats: {total:.2f} s (target < 10 s)")
        area = store.scalar("SELECT MIN(area_id) FROM areas")
        start = time.perf_counter()
        surgery = build_surgery(store, today, area)
        for fmt in ("html", "pdf", "xlsx"):
            write_surgery(surgery, fmt, folder / f"surgery.{fmt}")
        print(f"surgery pack for {surgery.area} ({len(surgery.teams)} teams) in all three formats: "
              f"{time.perf_counter() - start:.2f} s")
        print(f"files in {folder}")
    finally:
        store.close()


if __name__ == "__main__":
    main()
