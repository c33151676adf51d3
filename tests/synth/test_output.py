"""Per-year slicing and writing through the real formats, read back by the real readers and checks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest

from caseboard.ingest import read_files, stitch
from caseboard.synth import SynthConfig, frames_for_year, generate, synthesize, write_all
from caseboard.synth.frames import all_tables
from caseboard.synth.output import collection_years, frames_between
from caseboard.validation.checks import cross_record_checks, record_checks

Frames = dict[str, pl.DataFrame]
MakeConfig = Callable[..., SynthConfig]


def _episode(start: dt.date, end: dt.date | None, rec: str | None) -> Frames:
    lac = pl.DataFrame({"child_id": ["A"], "start_date": [start], "end_date": [end], "reason_ceased": [rec],
                        "rne": ["S"]}, schema_overrides={"end_date": pl.Date, "reason_ceased": pl.Utf8})
    frames = all_tables({})
    frames["lac_episodes"] = pl.concat([frames["lac_episodes"], lac], how="diagonal_relaxed")
    frames["children"] = pl.concat([frames["children"], pl.DataFrame({"child_id": ["A", "B"]})],
                                   how="diagonal_relaxed")
    return frames


def test_an_episode_open_across_31_march_is_in_both_years_as_known_then() -> None:
    frames = _episode(dt.date(2024, 6, 1), dt.date(2025, 5, 10), "E4A")
    earlier, later, after = (frames_for_year(frames, y) for y in (2025, 2026, 2027))
    # In the 2024-25 return the episode is still open: no end, no reason (they were not known on 31 March).
    assert earlier["lac_episodes"].select("end_date", "reason_ceased").row(0) == (None, None)
    assert later["lac_episodes"].select("end_date", "reason_ceased").row(0) == (dt.date(2025, 5, 10), "E4A")
    assert after["lac_episodes"].height == 0
    # The child follows its records; a child with none in the year is not in that year.
    assert earlier["children"]["child_id"].to_list() == ["A"] and after["children"].height == 0


def test_moments_belong_to_the_year_they_happen_in() -> None:
    frames = all_tables({})
    frames["visits"] = pl.concat([frames["visits"], pl.DataFrame({
        "child_id": ["A", "A"], "visit_date": [dt.date(2025, 3, 31), dt.date(2025, 4, 1)], "kind": ["lac", "lac"]})],
        how="diagonal_relaxed")
    assert frames_for_year(frames, 2025)["visits"]["visit_date"].to_list() == [dt.date(2025, 3, 31)]
    assert frames_between(frames, dt.date(2025, 4, 1), dt.date(2025, 4, 1))["visits"].height == 1


def test_collection_years_cover_the_history(small_config: MakeConfig) -> None:
    assert collection_years(small_config()) == [2025, 2026]
    assert collection_years(small_config(today=dt.date(2025, 9, 14), years=1)) == [2025, 2026]
    assert collection_years(SynthConfig()) == list(range(2017, 2027))


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory, imperfect: tuple[SynthConfig, Frames]) -> tuple[
        SynthConfig, Frames, list[Path]]:
    cfg, frames = imperfect
    out = tmp_path_factory.mktemp("county")
    return cfg, frames, write_all(frames, out, cfg)


def test_write_all_writes_every_format(written: tuple[SynthConfig, Frames, list[Path]]) -> None:
    cfg, _, paths = written
    names = {p.relative_to(paths[0].parents[2]).as_posix() for p in paths}
    for year in (2025, 2026):
        assert f"ssda903/{year}/episodes.csv" in names and f"cin-census/CIN_census_{year}.xml" in names
    assert f"annex-a/annex-a-{cfg.today.isoformat()}.xlsx" in names
    assert any(n.startswith("dfe-api/changes") for n in names)
    for table in ("workers", "teams", "areas", "allocations", "visits", "care_leavers", "contacts", "early_help"):
        assert f"extract/{table}.csv" in names
    manifest = next(p for p in paths if p.name == "synthetic-county.md").read_text(encoding="utf-8")
    assert "Planted data-entry errors" in manifest and "Q9" in manifest


def test_the_real_readers_load_it_and_the_checks_find_every_planted_error(
        written: tuple[SynthConfig, Frames, list[Path]]) -> None:
    cfg, frames, paths = written
    root = paths[0].parents[2]
    # The returns and the extract (the DfE API sample is a partial feed of recent changes, read on its own).
    batch = read_files([root / "ssda903", root / "cin-census", root / "annex-a", root / "extract"])
    assert batch.fatal == []
    assert read_files([root / "dfe-api"]).fatal == []
    early = record_checks(batch.frames, batch.files, today=cfg.today)  # each record as read, as a load does
    stitch(batch)
    # Every referral comes back (from the CIN censuses), and every 903 episode of the years written (episodes
    # of a long stay that ended before the history began are in the frames but in no return).
    keys = ["child_id", "referral_date"]
    assert batch.frames["referrals"].select(keys).unique().sort(keys).equals(
        frames["referrals"].select(keys).unique().sort(keys))
    ep_keys = ["child_id", "start_date"]
    loaded = batch.frames["lac_episodes"].select(ep_keys)
    shown = frames["lac_episodes"].filter(pl.col("end_date").is_null() | (pl.col("end_date") >= cfg.history_start))
    assert shown.height > 50
    assert shown.select(ep_keys).join(loaded, on=ep_keys, how="anti").height == 0
    findings = batch.findings + early + cross_record_checks(batch.frames)
    rule_of = {"invalid_codes": "code-list", "end_before_start": "dates-in-order", "duplicate_rows": "duplicate"}
    found = {(f.rule, f.child_id) for f in findings}
    missed = [e for e in cfg.injected_errors if (rule_of[str(e["kind"])], e["child_id"]) not in found]
    assert missed == []


def test_synthesize_reports_progress(tmp_path: Path, small_config: MakeConfig) -> None:
    seen: list[tuple[str, float]] = []
    paths = synthesize(tmp_path, small_config(scale=0.005, years=1), lambda m, f: seen.append((m, f)))
    assert paths and all(p.exists() for p in paths)
    fractions = [f for _, f in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0


def test_generate_then_write_is_what_synthesize_does(tmp_path: Path, small_config: MakeConfig) -> None:
    cfg = small_config(scale=0.005, years=1, seed=11)
    a = [p.relative_to(tmp_path / "a").as_posix() for p in synthesize(tmp_path / "a", cfg)]
    cfg2 = small_config(scale=0.005, years=1, seed=11)
    b = [p.relative_to(tmp_path / "b").as_posix() for p in write_all(generate(cfg2), tmp_path / "b", cfg2)]
    assert a == b
    same = (tmp_path / "a" / "ssda903" / "2026" / "episodes.csv").read_bytes()
    assert same == (tmp_path / "b" / "ssda903" / "2026" / "episodes.csv").read_bytes()
