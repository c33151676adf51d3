"""Published comparators: concrete figures as the DfE and ONS files give them (package data, not the files)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from caseboard.benchmarks.published import (
    MAPPINGS, authority, child_population, comparison, figures, neighbours, settings_for,
)
from caseboard.indicators.registry import registry


def test_norfolk_looked_after_rate_2024_beside_england_region_and_neighbours() -> None:
    c = comparison("lac_rate_per_10k", "926", 2024)
    # cla_number_and_rate_per_10k_children.csv, 2024: Norfolk 68, England 69, East of England 50.
    assert (c["la_name"], c["la_published"], c["england"], c["region"], c["region_name"]) == (
        "Norfolk", 68.0, 69.0, 50.0, "East of England")
    # sn_model_2025_wide.csv: Suffolk first; the ten neighbours' published rates average 60.5.
    assert [n["code"] for n in c["neighbours"]][:3] == ["935", "908", "878"]
    assert c["neighbours"][0] == {"code": "935", "name": "Suffolk", "closeness": "Very close", "value": 61.0}
    assert len(c["neighbours"]) == 10 and c["neighbours_mean"] == 60.5


def test_authorities_by_old_code_new_code_or_name() -> None:
    assert authority("926") == authority("E10000020") == authority("norfolk") == ("926", "Norfolk", "E12000006")
    with pytest.raises(KeyError, match="no local authority"):
        authority("Atlantis")


def test_child_population_is_the_mid_year_before_the_reporting_year_ends() -> None:
    # The CLA tables' 2024 rates use 170,640 for Norfolk: the ONS mid-2023 estimate.
    assert child_population("926", 2024) == 170_640
    assert child_population("926", 2025) == 171_830
    assert child_population("926", 2030) == 171_830  # not published yet: the latest there is
    assert child_population("E92000001", 2025) == 12_183_016
    assert settings_for("Norfolk", 2024).population_0_17 == 170_640
    assert settings_for("Norfolk", 2024).authority_name == "Norfolk"


def test_published_percentages_counts_and_computed_rates() -> None:
    assert comparison("cp_second_or_subsequent", "926", 2025)["la_published"] == 18.8  # D3
    assert comparison("cp_second_or_subsequent", "926", 2025)["england"] == 24.5
    assert comparison("referrals", "926", 2025)["la_published"] == 5986  # C1
    assert comparison("agency_worker_rate", "926", 2025)["la_published"] == 1.3  # CSWW
    # Referrals per 10,000: 5,986 / 171,830 * 10,000 = 348.4 (computed, the C1 file has no rate).
    assert comparison("referral_rate_per_10k", "926", 2025)["la_published"] == 348.4
    with pytest.raises(KeyError, match="no published equivalent"):
        comparison("lac_visits_on_time", "926", 2025)


def test_neighbour_models_and_every_mapping_names_a_real_indicator_and_measure() -> None:
    assert neighbours("926", "2021")[0] == ("925", "Extremely Close")
    assert len(neighbours("926")) == 10
    measures = set(figures()["measure"].unique())
    assert all(m.measure in measures and m.caveat for m in MAPPINGS.values())
    assert set(MAPPINGS) <= set(registry().codes())


def test_compare_command_prints_published_figures() -> None:
    import typer

    from caseboard.cli_compare import register

    app = typer.Typer()
    register(app)
    app.command("noop")(lambda: None)  # a second command keeps typer's sub-command form
    result = CliRunner().invoke(app, ["compare", "--la", "Norfolk", "--year", "2024", "--code", "lac_rate_per_10k",
                                      "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1].startswith("lac_rate_per_10k,,2024,68.0,69.0,50.0,60.5,")
    bad = CliRunner().invoke(app, ["compare", "--la", "Norfolk", "--code", "lac_visits_on_time"])
    assert bad.exit_code == 2


def test_compare_command_puts_the_authoritys_own_figure_beside_the_published_ones(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    import typer

    from caseboard.cli_compare import register
    from caseboard.indicators.example_data import in_care
    from caseboard.indicators.fixtures import load_tables
    from caseboard.store import open_store

    db = tmp_path / "county.duckdb"
    store = open_store(db)
    try:
        load_tables(store, {"lac_episodes": in_care("A", "2024-06-01") + in_care("B", "2025-01-10")
                            + in_care("C", "2023-02-01", ceased=("2024-12-01", "E11"))})
    finally:
        store.close()
    app = typer.Typer()
    register(app)
    app.command("noop")(lambda: None)
    result = CliRunner().invoke(app, ["compare", "--la", "926", "--as-at", "2025-03-31", "--code", "lac_open",
                                      "--code", "lac_rate_per_10k", "--format", "json", "--db", str(db)])
    assert result.exit_code == 0, result.output
    rows = {r["code"]: r for r in json.loads(result.output)}
    assert rows["lac_open"]["caseboard"] == 2 and rows["lac_open"]["year"] == 2025
    assert rows["lac_open"]["la_published"] == 1069  # Norfolk, 31 March 2025
    # 2 children per 10,000 of Norfolk's 171,830 (mid-2024), not the default population.
    assert rows["lac_rate_per_10k"]["caseboard"] == pytest.approx(2 / 171_830 * 10_000)
