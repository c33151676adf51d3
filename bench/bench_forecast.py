"""Forecast benchmark (issue 7): prints the numbers; asserts nothing.

On the default synthetic county (loaded once through ``commit_batch`` into bench/out/, reused):

1. month-end history from the store (the derived episodes query and the grid);
2. fit + 5-year projection + 1,000 bootstrap resamples with noise (target: under 10 s), and the same with the
   issue's scenario (entries of 13-17s down 20% from April, 10% of agency fostering in-house) beside it;
3. backtest: fit on the records as at 31 March 2025, project 12 months, compare with what happened;
4. with ``--peer``: the same backtest on the multi-year SSDA903 sample the peer model (cs-demand-model) ships
   (reference-data/peer-samples/ssda903-multiyear), loaded through the real ingest. Running the peer model
   itself beside ours is not done yet (it pins old libraries and needs its own environment).

Run: .venv/bin/python bench/bench_forecast.py [--scale 1.0] [--fresh] [--peer]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "bench" / "out"
PEER = REPO.parent / "shared" / "reference-data" / "peer-samples" / "ssda903-multiyear"
sys.path.insert(0, str(Path(__file__).resolve().parent))


def county_store(scale: float, fresh: bool) -> object:
    from bench_indicators import load_county  # the indicators benchmark's loader: one way to load the county

    from caseboard.store import open_store

    OUT.mkdir(parents=True, exist_ok=True)
    db = OUT / f"forecast-county-{scale}.duckdb"
    stamp = db.with_suffix(".today")
    if fresh or not stamp.exists():
        db.unlink(missing_ok=True)
        store = open_store(db)
        today, summary = load_county(store, scale)
        stamp.write_text(today.isoformat())
        print(f"synthetic county (scale {scale}): {summary}")
        return store
    print(f"reusing {db} (use --fresh to rebuild)")
    return open_store(db)


def timed(label: str, target: str = "") -> object:
    class Timer:
        def __enter__(self) -> "Timer":
            self.start = time.perf_counter()
            return self

        def __exit__(self, *exc: object) -> None:
            print(f"{label}: {time.perf_counter() - self.start:.2f} s{f' (target {target})' if target else ''}")

    return Timer()


def print_backtest(bt: object) -> None:
    print(f"backtest as at {bt.cutoff}, 12 months:")  # type: ignore[attr-defined]
    for row in bt.errors.iter_rows(named=True):  # type: ignore[attr-defined]
        print(f"  {row['group']:<22} actual mean {row['actual_mean']:>8}  MAE {row['mae']:>6}  "
              f"MAPE {row['mape']:>6}%  months in band {row['in_band']:.0%}")


def run_county(store: object) -> None:
    from caseboard.calendar import add_months
    from caseboard.forecast.backtest import backtest
    from caseboard.forecast.history import episode_frame, history_from
    from caseboard.forecast.run import Options, anchor, fit_and_project
    from caseboard.forecast.scenario import load

    end = anchor(store, None)  # type: ignore[arg-type]
    with timed("episodes query (derived periods of care)"):
        frame = episode_frame(store, end)  # type: ignore[arg-type]
    with timed("month-end grid, 36 months"):
        h = history_from(frame, add_months(end, -36), end)
    print(f"  {len(h.children):,} children, {int(h.stock()[-1].sum()):,} looked after at {end}; notes {h.notes}")
    options = Options(years=5, resamples=1000)
    with timed("fit + 5-year projection + 1,000 resamples", "< 10 s"):
        f = fit_and_project(h, 60, options)
    with timed("the same with the issue's scenario run beside the baseline"):
        g = fit_and_project(h, 60, options, scenario=load("teens_and_inhouse"))
    for frame_ in (f.summary(), g.summary().filter(g.summary()["series"] != "baseline")):
        for r in frame_.iter_rows(named=True):
            scale = 1e6 if r["measure"] == "spend" else 1
            unit = "m" if scale > 1 else ""
            print(f"  {r['series']:<11} {r['year']:<8} {r['measure']:<9} {r['low'] / scale:>9.1f}{unit} "
                  f"{r['central'] / scale:>9.1f}{unit} {r['high'] / scale:>9.1f}{unit}")
    with timed("backtest (fit to 31 March 2025 with 1,000 resamples, 12 months)"):
        bt = backtest(store, dt.date(2025, 3, 31))  # type: ignore[arg-type]
    print_backtest(bt)


def run_peer() -> None:
    from caseboard.forecast.backtest import backtest
    from caseboard.ingest import ingest
    from caseboard.store import open_store

    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(Path(tmp) / "peer.duckdb")
        try:
            with timed("peer sample: ingest 2017-2021 SSDA903 CSVs"):
                report = ingest(store, [PEER])
            print(f"  load {report.status}")
            with timed("peer sample: backtest (fit to 31 March 2020, 12 months)"):
                bt = backtest(store, dt.date(2020, 3, 31))
            print_backtest(bt)
            print("  cs-demand-model on the same sample: not run yet (remaining work: isolated environment)")
        finally:
            store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--fresh", action="store_true", help="rebuild the county database")
    parser.add_argument("--peer", action="store_true", help="also backtest on the peer model's SSDA903 sample")
    args = parser.parse_args()
    store = county_store(args.scale, args.fresh)
    try:
        run_county(store)
    finally:
        store.close()  # type: ignore[attr-defined]
    if args.peer:
        run_peer()


if __name__ == "__main__":
    main()
