"""Many synthetic authorities at once, each sized and calibrated on its own published figures.

``generate_england(n_authorities=150, seed=...)`` picks that many authorities from those with published
looked-after, children-in-need, child-protection and population figures (a seeded choice, in LA-code order),
calibrates each with :func:`caseboard.synth.published.calibration_for` and generates it with its own seed
(derived from ``seed`` and the LA code, so one authority's county does not depend on which others were drawn).
The result is a dict per authority (keyed by the three-digit LA code) of canonical frames. Child identifiers
start with the LA code already; worker, team and area identifiers are prefixed with it here, so the frames can
be stacked into one national table (:func:`stack_england` adds an ``la_code`` column).

Memory and time, measured on the shared 2-core development machine, all 150 authorities at full scale over ten
years (11.8 million children known to services): about nine minutes of computing, and about 10 GB of memory
held by :func:`generate_england` (polars' own count, ``estimated_size``, says 4.8 GB: it leaves out the 16 bytes
each short string takes; the process peaked at 10.3 GB). That fits in 16 GB, but not by much, so the
memory-conscious routes are: :func:`write_england`, which writes each authority's tables to Parquet as it is
generated and holds one authority at a time (peak about 2 GB, for Kent, with four times Norfolk's referrals;
:func:`scan_england` reads them back lazily); ``tables=`` to keep only what a caller needs (visits and
allocations are half of everything); or ``scale`` and ``years``, which shrink everything in proportion.
A Norfolk-sized county alone is about 100 MB in memory and peaks near 0.7 GB while it is generated.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
import polars as pl

from caseboard.synth.config import NORFOLK, Area, SynthConfig
from caseboard.synth.county import generate
from caseboard.synth.published import Authority, authorities, calibration_for

REFERENCE_DIR = Path(__file__).resolve().parents[3].parent / "shared" / "reference-data" / "dfe-statistics"
#: Columns holding worker, team and area identifiers (prefixed with the LA code to be unique nationally).
ID_COLUMNS = {"workers": ("worker_id", "team_id"), "teams": ("team_id", "area_id"), "areas": ("area_id",),
              "allocations": ("worker_id", "team_id"), "visits": ("worker_id",),
              "care_leavers": ("personal_adviser",)}
AREA_NAMES = ("North", "South", "East", "West", "Central", "Coast", "Valley", "City")
Progress = Callable[[str, float], None]


def choose(n_authorities: int, seed: int, reference_dir: Path = REFERENCE_DIR, year: int = 2025) -> list[Authority]:
    """``n_authorities`` authorities (all if more are asked for), a seeded choice returned in LA-code order."""
    every = authorities(reference_dir, year)
    if n_authorities >= len(every):
        return every
    picked = np.random.default_rng(seed).choice(len(every), size=n_authorities, replace=False)
    return [every[i] for i in sorted(picked)]


def _areas(la: Authority, population: int) -> tuple[Area, ...]:
    """Localities for an authority: one per 30,000 children (2 to 8), with invented postcode districts."""
    k = int(min(max(round(population / 30_000), 2), len(AREA_NAMES)))
    letters = "".join(c for c in la.la_name.upper() if c.isalpha())[:2].ljust(2, "X")
    return tuple(Area(f"A{i + 1}", AREA_NAMES[i], 1.0, tuple(f"{letters}{i * 4 + j + 1}" for j in range(4)))
                 for i in range(k))


def config_for(la: Authority, seed: int, reference_dir: Path = REFERENCE_DIR, year: int = 2025,
               **options: object) -> SynthConfig:
    """The config of one authority: its calibration, its areas, a workforce in proportion to its caseload."""
    cal = calibration_for(la.la_code, reference_dir, year)
    own_seed = int(np.random.SeedSequence([seed, int(la.la_code)]).generate_state(1)[0])
    workers = max(round(350 * cal.cin_at31 / NORFOLK.cin_at31), 12)
    base = SynthConfig(seed=own_seed, calibration=cal, areas=_areas(la, cal.population), workers=workers)
    return replace(base, **options)  # type: ignore[arg-type]


def prefixed(frames: dict[str, pl.DataFrame], la_code: str) -> dict[str, pl.DataFrame]:
    """Worker, team and area identifiers made unique across authorities by the LA code (children already are)."""
    out = dict(frames)
    for name, columns in ID_COLUMNS.items():
        out[name] = out[name].with_columns([(pl.lit(f"{la_code}-") + pl.col(c)).alias(c) for c in columns])
    return out


def iter_england(n_authorities: int = 150, seed: int = 2014, *, reference_dir: Path = REFERENCE_DIR,
                 year: int = 2025, tables: Sequence[str] | None = None, progress: Progress | None = None,
                 **options: object) -> Iterator[tuple[str, SynthConfig, dict[str, pl.DataFrame]]]:
    """(LA code, config, frames) for each chosen authority, one at a time, in LA-code order. ``tables`` keeps
    only those tables (all by default); ``options`` go to every config (``scale``, ``years``, ``today``,
    ``imperfection``)."""
    chosen = choose(n_authorities, seed, reference_dir, year)
    for i, la in enumerate(chosen):
        if progress:
            progress(f"{la.la_name} ({la.la_code})", i / (len(chosen) + 1))
        cfg = config_for(la, seed, reference_dir, year, **options)
        frames = prefixed(generate(cfg), la.la_code)
        yield la.la_code, cfg, frames if tables is None else {t: frames[t] for t in tables}
    if progress:
        progress("done", 1.0)


def generate_england(n_authorities: int = 150, seed: int = 2014, *, reference_dir: Path = REFERENCE_DIR,
                     year: int = 2025, tables: Sequence[str] | None = None, progress: Progress | None = None,
                     **options: object) -> dict[str, dict[str, pl.DataFrame]]:
    """Canonical frames for each of ``n_authorities`` authorities, keyed by LA code, all in memory (see the
    module docstring for memory and time; :func:`write_england` for the Parquet route)."""
    return {la: frames for la, _, frames in iter_england(n_authorities, seed, reference_dir=reference_dir, year=year,
                                                          tables=tables, progress=progress, **options)}


def write_england(out_dir: Path, n_authorities: int = 150, seed: int = 2014, *, reference_dir: Path = REFERENCE_DIR,
                  year: int = 2025, tables: Sequence[str] | None = None, progress: Progress | None = None,
                  **options: object) -> list[Path]:
    """Each authority's tables written as generated, one at a time, as Parquet partitioned by authority:
    ``<out_dir>/<table>/la_code=<code>/data.parquet``. Read them back lazily with :func:`scan_england`."""
    written = []
    for la, _, frames in iter_england(n_authorities, seed, reference_dir=reference_dir, year=year, tables=tables,
                                      progress=progress, **options):
        for name, frame in frames.items():
            path = out_dir / name / f"la_code={la}" / "data.parquet"
            path.parent.mkdir(parents=True, exist_ok=True)
            frame.write_parquet(path)
            written.append(path)
    return written


def scan_england(out_dir: Path) -> dict[str, pl.LazyFrame]:
    """The national tables written by :func:`write_england`, lazily, with the ``la_code`` column first."""
    return {d.name: pl.scan_parquet(d / "**" / "*.parquet", hive_partitioning=True,
                                    hive_schema={"la_code": pl.Utf8}).select("la_code", pl.all().exclude("la_code"))
            for d in sorted(out_dir.iterdir()) if d.is_dir()}


def stack_england(counties: dict[str, dict[str, pl.DataFrame]]) -> dict[str, pl.DataFrame]:
    """One frame per table for all authorities, with an ``la_code`` column first."""
    names = next(iter(counties.values())).keys() if counties else []
    return {name: pl.concat([f[name].select(pl.lit(la).alias("la_code"), pl.all()) for la, f in counties.items()],
                            how="vertical_relaxed") for name in names}
