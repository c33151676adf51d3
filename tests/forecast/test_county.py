"""A small synthetic county (scale 0.05) through the real load path: the forecast starts from the number the
indicators count, bands hold the central line, a scenario saves, the seed fixes the bands, the CLI answers."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

import pytest
import typer
from typer.testing import CliRunner

from caseboard.cli_forecast import register
from caseboard.forecast import Options, forecast
from caseboard.forecast.backtest import backtest
from caseboard.forecast.scenario import from_dict, load
from caseboard.indicators.derived import Q, looked_after
from caseboard.indicators.fixtures import batch_from_frames
from caseboard.indicators.sql import run
from caseboard.ingest import commit_batch
from caseboard.store import Store, open_store
from caseboard.synth import SynthConfig, generate

FAST = Options(years=3, resamples=200, seed=7)


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, str]]:
    config = SynthConfig(scale=0.05, seed=11)
    frames = generate(config)
    path = str(tmp_path_factory.mktemp("forecast") / "county.duckdb")
    store = open_store(path)
    batch = batch_from_frames({k: frames[k] for k in ("children", "lac_episodes")}, year=config.today.year)
    assert commit_batch(store, batch, user="test", today=config.today).ok
    yield store, path
    store.close()


def test_starts_from_the_indicators_count_and_bands_hold_the_centre(county: tuple[Store, str]) -> None:
    store, _ = county
    f = forecast(store, dt.date(2026, 3, 31), options=FAST)
    start = f.baseline.central.stock[0, 0].sum()
    counted = run(store, f"SELECT COUNT(*) AS n FROM ({looked_after(Q(as_at=dt.date(2026, 3, 31)))}) la")["n"][0]
    assert start == counted and start > 20
    s = f.summary()
    assert s["year"].to_list()[:3] == ["2026-27", "2027-28", "2028-29"]
    for row in s.iter_rows(named=True):
        assert row["low"] <= row["central"] <= row["high"], row
    assert set(s["series"]) == {"baseline", "over_budget"}  # the shipped unit costs carry a budget
    spend = s.filter(s["series"] == "baseline").filter(s.filter(s["series"] == "baseline")["measure"] == "spend")
    over = s.filter(s["series"] == "over_budget")
    assert over["central"].to_list() == pytest.approx([c - 71_000_000 for c in spend["central"]], abs=0.2)


def test_scenario_saves_money_and_the_seed_fixes_the_bands(county: tuple[Store, str]) -> None:
    store, _ = county
    sc = from_dict({"entries": [{"ages": [0, 17], "change": -0.5}], "investment": {"2026-27": 10_000}})
    a = forecast(store, dt.date(2026, 3, 31), options=FAST, scenario=sc)
    b = forecast(store, dt.date(2026, 3, 31), options=FAST, scenario=sc)
    assert a.summary().equals(b.summary())
    diff = a.summary().filter((a.summary()["series"] == "difference"))
    assert (diff["central"] > 0).all()
    assert a.payback() is not None and a.payback() <= dt.date(2027, 3, 31)
    other = forecast(store, dt.date(2026, 3, 31), options=Options(years=3, resamples=200, seed=8), scenario=sc)
    assert not other.summary()["low"].equals(a.summary()["low"])
    assert other.summary()["central"].equals(a.summary()["central"])  # the central line has no randomness
    nothing = forecast(store, dt.date(2026, 3, 31), options=FAST, scenario=load("do_nothing"))
    assert (nothing.summary().filter(nothing.summary()["series"] == "difference")["central"] == 0).all()


def test_backtest_reports_errors(county: tuple[Store, str]) -> None:
    store, _ = county
    bt = backtest(store, dt.date(2025, 3, 31), options=Options(years=1, resamples=100))
    assert bt.months.height == 12 and bt.months["date"][0] == dt.date(2025, 4, 30)
    total = bt.errors.row(0, named=True)
    assert total["group"] == "total" and 0 <= total["mape"] < 30


def test_cli_answers_in_json(county: tuple[Store, str]) -> None:
    _, path = county
    app = typer.Typer()
    app.command("noop")(lambda: None)
    register(app)
    result = CliRunner().invoke(app, ["forecast", "--db", path, "--from-date", "2026-03-31", "--resamples", "100",
                                      "--scenario", "teens_and_inhouse", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert {r["series"] for r in rows} == {"baseline", "over_budget", "scenario", "difference", "investment",
                                           "net_saving"}
    assert {r["year"] for r in rows} == {"2026-27", "2027-28", "2028-29"}
    table = CliRunner().invoke(app, ["forecast", "--db", path, "--resamples", "50", "--years", "1"],
                               env={"COLUMNS": "200"})
    assert table.exit_code == 0 and "Children at 31 March" in table.output
    assert "from 2026-03-31" in table.output  # the returns run to 31 March 2026: March is complete
    past = CliRunner().invoke(app, ["forecast", "--db", path, "--history", "--window-months", "2", "--format", "csv"])
    assert past.exit_code == 0 and past.output.splitlines()[0] == "date,group,age 0,age 1-4,age 5-9,age 10-15,age 16-17,total"
    assert len(past.output.splitlines()) == 1 + 3 * 9  # three month ends x nine groups
    bad = CliRunner().invoke(app, ["forecast", "--db", path, "--scenario", "nonesuch"])
    assert bad.exit_code == 2 and "no scenario file" in bad.output
