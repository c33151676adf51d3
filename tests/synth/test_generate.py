"""Generation: the model's columns and types, determinism, internal consistency and planted imperfection."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from caseboard.formats.values import POLARS_TYPES
from caseboard.model.codelists import codes
from caseboard.model.tables import TABLES, table
from caseboard.synth import SynthConfig, generate
from caseboard.synth.config import IMPERFECTION_KINDS

Frames = dict[str, pl.DataFrame]
MakeConfig = Callable[..., SynthConfig]


def year_of(column: str) -> pl.Expr:
    """The collection year (ending 31 March) of a date column."""
    d = pl.col(column)
    return pl.when(d.dt.month() >= 4).then(d.dt.year() + 1).otherwise(d.dt.year())


def test_every_table_has_the_models_columns_and_types(perfect: tuple[SynthConfig, Frames]) -> None:
    _, f = perfect
    assert list(f) == [t.name for t in TABLES]
    for t in TABLES:
        assert f[t.name].columns == t.column_names, t.name
        assert {c: str(d) for c, d in f[t.name].schema.items()} == {c.name: str(POLARS_TYPES[c.type])
                                                                     for c in t.columns}, t.name
        for c in t.columns:
            if c.required:
                assert f[t.name][c.name].null_count() == 0, (t.name, c.name)
    # Deprivation of liberty orders are a handful a year in a whole county: none is fine in a small one.
    empty = [t.name for t in TABLES if f[t.name].height == 0 and t.name != "deprivation_of_liberty"]
    assert empty == [], f"tables left empty: {empty}"


def test_same_seed_same_county_other_seed_other_county(perfect: tuple[SynthConfig, Frames],
                                                       small_config: MakeConfig) -> None:
    _, first = perfect
    again = generate(small_config())
    for name in first:
        assert_frame_equal(first[name], again[name])
    other = generate(small_config(seed=8))
    assert not other["referrals"].equals(first["referrals"])


def test_records_are_in_order_and_keys_unique(perfect: tuple[SynthConfig, Frames]) -> None:
    _, f = perfect
    for t in TABLES:
        frame = f[t.name]
        assert frame.height == frame.unique(list(t.key)).height, t.name
        for a, b in t.date_columns_in_order:
            assert frame.filter(pl.col(b) < pl.col(a)).height == 0, (t.name, a, b)


def test_nothing_happens_before_birth_or_after_today(perfect: tuple[SynthConfig, Frames]) -> None:
    cfg, f = perfect
    dob = f["children"].select("child_id", "dob")
    for name, column in (("lac_episodes", "start_date"), ("referrals", "referral_date"), ("contacts", "contact_date"),
                         ("visits", "visit_date"), ("early_help", "start_date")):
        joined = f[name].join(dob, on="child_id", how="left")
        assert joined["dob"].null_count() == 0, f"{name}: a child not in the children table"
        assert joined.filter(pl.col(column) < pl.col("dob")).height == 0, name
    for t in TABLES:
        for c in t.columns:
            if c.type == "date" and f[t.name].height:
                assert f[t.name].filter(pl.col(c.name) > cfg.today).height == 0, (t.name, c.name)


def _outside(events: pl.DataFrame, spans: pl.DataFrame, date: str, start: str = "start_date",
             end: str = "end_date") -> int:
    e = events.with_row_index("eid")
    inside = e.join(spans.select("child_id", s=start, e=end), on="child_id").filter(
        (pl.col(date) >= pl.col("s")) & (pl.col("e").is_null() | (pl.col(date) <= pl.col("e"))))
    return e.height - inside["eid"].n_unique()


def test_events_fall_inside_what_they_belong_to(perfect: tuple[SynthConfig, Frames]) -> None:
    _, f = perfect
    v = f["visits"]
    assert _outside(v.filter(pl.col("kind") == "cp"), f["cp_plans"], "visit_date") == 0
    assert _outside(v.filter(pl.col("kind") == "cin"), f["cin_plans"], "visit_date") == 0
    assert _outside(v.filter(pl.col("kind") == "lac"), f["lac_episodes"], "visit_date") == 0
    for name, column in (("lac_reviews", "review_date"), ("health_assessments", "assessment_date"),
                         ("peps", "pep_date"), ("missing_episodes", "start_date"),
                         ("sdq_assessments", "assessment_date")):
        assert _outside(f[name], f["lac_episodes"], column) == 0, name
    assert _outside(f["cp_reviews"], f["cp_plans"], "review_date") == 0
    assert _outside(f["core_groups"], f["cp_plans"], "meeting_date") == 0
    assert _outside(f["cin_plan_reviews"], f["cin_plans"], "review_date") == 0
    for name in ("assessments", "s47_enquiries", "cp_plans", "cin_plans"):
        linked = f[name].join(f["referrals"], on=["child_id", "referral_date"], how="anti")
        assert linked.height == 0, f"{name} without its referral"


def test_episodes_follow_one_another(perfect: tuple[SynthConfig, Frames]) -> None:
    _, f = perfect
    ep = f["lac_episodes"].sort("child_id", "start_date").with_columns(
        previous_end=pl.col("end_date").shift(1).over("child_id"),
        previous_rec=pl.col("reason_ceased").shift(1).over("child_id"))
    assert ep.filter(pl.col("start_date") < pl.col("previous_end")).height == 0
    # An episode ending X1 is followed the same day by the next; a period starts with RNE S.
    after_x1 = ep.filter(pl.col("previous_rec") == "X1")
    assert (after_x1["start_date"] == after_x1["previous_end"]).all()
    assert (after_x1["rne"] != "S").all()
    assert ep.filter(pl.col("end_date").is_null()).group_by("child_id").len()["len"].max() == 1
    assert ep.filter(pl.col("end_date").is_null())["reason_ceased"].null_count() == ep.filter(
        pl.col("end_date").is_null()).height
    ref = f["referrals"].sort("child_id", "referral_date").with_columns(
        previous_closure=pl.col("closure_date").shift(1).over("child_id"),
        previous=pl.col("referral_date").shift(1).over("child_id"))
    assert ref.filter(pl.col("previous").is_not_null() & (pl.col("previous_closure").is_null()
                                                          | (pl.col("referral_date") <= pl.col("previous_closure")))
                      ).height == 0, "a CIN episode opened while another was open"


def test_workforce_references_resolve(perfect: tuple[SynthConfig, Frames]) -> None:
    _, f = perfect
    workers, teams, areas = (set(f[n][c]) for n, c in (("workers", "worker_id"), ("teams", "team_id"),
                                                        ("areas", "area_id")))
    alloc = f["allocations"]
    assert set(alloc["worker_id"].drop_nulls()) <= workers
    assert set(alloc["team_id"]) <= teams
    assert set(f["teams"]["area_id"]) <= areas
    assert set(f["workers"]["team_id"]) <= teams
    assert set(f["visits"]["worker_id"].drop_nulls()) <= workers
    assert set(f["care_leavers"]["personal_adviser"].drop_nulls()) <= workers
    assert set(f["teams"]["team_type"]) == {"front_door", "duty_assessment", "cin", "cp", "looked_after",
                                            "leaving_care", "disabilities", "early_help"}
    # A worker holds cases only while in post.
    held = alloc.filter(pl.col("worker_id").is_not_null()).join(
        f["workers"].select("worker_id", w_start="start_date", w_end="end_date"), on="worker_id")
    assert held.filter(pl.col("start_date") < pl.col("w_start")).height == 0
    assert held.filter(pl.col("w_end").is_not_null() & (pl.col("start_date") > pl.col("w_end"))).height == 0


def test_codes_are_valid_for_their_year(perfect: tuple[SynthConfig, Frames]) -> None:
    _, f = perfect
    checks = (("lac_episodes", "placement", "ssda903", "start_date"), ("lac_episodes", "legal_status", "ssda903",
              "start_date"), ("lac_episodes", "reason_ceased", "ssda903", "end_date"),
              ("lac_episodes", "reason_place_change", "ssda903", "end_date"),
              ("lac_episodes", "provider", "ssda903", "start_date"), ("lac_episodes", "rne", "ssda903", "start_date"),
              ("lac_episodes", "cin_category", "ssda903", "start_date"),
              ("referrals", "source", "cin", "referral_date"), ("referrals", "closure_reason", "cin", "closure_date"),
              ("referrals", "primary_need", "cin", "referral_date"),
              ("cp_plans", "initial_category", "cin", "start_date"),
              ("cp_plans", "latest_category", "cin", "start_date"),
              ("care_leaver_status", "activity", "ssda903", "status_date"),
              ("care_leaver_status", "accommodation", "ssda903", "status_date"),
              ("care_leaver_status", "in_touch", "ssda903", "status_date"),
              ("lac_reviews", "participation", "ssda903", "review_date"),
              ("missing_episodes", "kind", "ssda903", "start_date"), ("children", "ethnicity", "cin", "dob"))
    for name, column, collection, date in checks:
        listed = table(name).column(column).codelist
        assert listed is not None
        pairs = f[name].filter(pl.col(column).is_not_null() & pl.col(date).is_not_null()).select(
            column, y=year_of(date)).unique()
        bad = [(c, y) for c, y in pairs.iter_rows() if c not in (codes(collection, listed, y) or {c})]
        assert bad == [], (name, column, bad)


def test_imperfection_zero_plants_nothing(perfect: tuple[SynthConfig, Frames]) -> None:
    cfg, _ = perfect
    assert cfg.injected_errors == []
    assert set(cfg.injected.values()) == {0}
    assert set(cfg.injected_rates.values()) == {0.0}


def test_imperfection_plants_what_it_records(imperfect: tuple[SynthConfig, Frames]) -> None:
    cfg, f = imperfect
    assert cfg.injected["invalid_codes"] == cfg.injected["end_before_start"] == cfg.injected["duplicate_rows"] == 10
    assert set(cfg.injected) | set(cfg.injected_rates) == set(IMPERFECTION_KINDS)
    assert cfg.injected_rates["late_visits"] == pytest.approx(0.2)
    for e in cfg.injected_errors:
        frame = f[str(e["table"])].filter(pl.col("child_id") == e["child_id"])
        if e["kind"] == "invalid_codes":
            assert (frame[str(e["field"])] == e["value"]).any(), e
        elif e["kind"] == "end_before_start":
            start = {"referrals": "referral_date"}.get(str(e["table"]), "start_date")
            assert frame.filter(pl.col(str(e["field"])) < pl.col(start)).height >= 1, e
        else:
            key = list(table(str(e["table"])).key)
            assert frame.height > frame.unique(key).height, e


def test_only_the_chosen_kinds_are_planted(small_config: MakeConfig) -> None:
    cfg = small_config(imperfection=0.2, inject=frozenset({"duplicate_rows"}), scale=0.01, years=1)
    generate(cfg)
    assert {e["kind"] for e in cfg.injected_errors} == {"duplicate_rows"}
    assert cfg.injected_rates["late_visits"] == 0.0


@pytest.mark.parametrize("today", [dt.date(2026, 3, 31), dt.date(2025, 9, 13)])  # a Tuesday, a Saturday
def test_a_tiny_county_and_any_today(small_config: MakeConfig, today: dt.date) -> None:
    """A few dozen children over one year, ending on any date: every table still has the model's columns."""
    cfg = small_config(scale=0.003, years=1, today=today, imperfection=0.1)
    f = generate(cfg)
    assert cfg.history_start == today.replace(year=today.year - 1) + dt.timedelta(days=1)
    for t in TABLES:
        assert f[t.name].columns == t.column_names
    assert f["referrals"].height > 0
    assert f["referrals"]["referral_date"].max() <= today


def _without_open_allocation(f: Frames) -> set[str]:
    open_cases = set(f["referrals"].filter(pl.col("closure_date").is_null())["child_id"])
    allocated = set(f["allocations"].filter(pl.col("end_date").is_null())["child_id"])
    return open_cases - allocated


def test_unallocated_children_only_when_asked_for(perfect: tuple[SynthConfig, Frames],
                                                 imperfect: tuple[SynthConfig, Frames]) -> None:
    assert _without_open_allocation(perfect[1]) == set()
    cfg, f = imperfect
    assert 0 < len(_without_open_allocation(f)) <= cfg.injected["unallocated"]
