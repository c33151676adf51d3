"""The Markov model by hand: rates counted from a tiny history, steady states, scenario arithmetic, costs."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from caseboard.forecast import groups as G
from caseboard.forecast.costs import UnitCosts, by_year, month_years, monthly_spend
from caseboard.forecast.history import OUT, History
from caseboard.forecast.model import N_DEST, Rates, bootstrap_weights, count, rates
from caseboard.forecast.project import project
from caseboard.forecast.scenario import from_dict

IH, IFA, KIN, RES, SEMI = (G.group_index(g) for g in (
    "in_house_fostering", "independent_fostering", "kinship", "residential", "semi_independent"))
S, S2 = G.state(3, IH), G.state(3, RES)
REUNIFY, OTHER = G.EXIT_REASONS.index("reunification"), G.EXIT_REASONS.index("other")


def tiny() -> History:
    """Four children over three month ends (two steps)."""
    state = np.array([[S, S, S], [S, OUT, OUT], [OUT, S, S], [S, S2, OUT]], dtype=np.int16)
    exit_ = np.array([[OUT, OUT], [REUNIFY, OUT], [OUT, OUT], [OUT, OTHER]], dtype=np.int8)
    return History(first=G.month_index(dt.date(2025, 1, 31)), state=state, age=np.full((4, 3), 12, dtype=np.int16),
                   exit=exit_, children=("a", "b", "c", "d"))


def test_rates_are_the_observed_shares() -> None:
    r = rates(count(tiny()))
    # From S: five steps observed - three stays, one home, one move to residential.
    assert r.P[0, S, S] == pytest.approx(3 / 5)
    assert r.P[0, S, G.N_STATES + REUNIFY] == pytest.approx(1 / 5)
    assert r.P[0, S, S2] == pytest.approx(1 / 5)
    assert r.P[0, S2, G.N_STATES + OTHER] == 1.0
    # One entry (aged 12, in-house) in two months.
    assert r.entries[0, 12, IH] == 0.5 and r.entries.sum() == 0.5
    # A state never seen stays with the pooled probability of staying (1 - 2 exits / 6 steps).
    assert r.P[0, 0, 0] == pytest.approx(4 / 6) and r.P.sum(axis=2) == pytest.approx(np.ones((1, G.N_STATES)))


def test_bootstrap_reweights_children() -> None:
    c = count(tiny())
    w = np.array([[2.0, 0.0, 1.0, 1.0]])  # child a twice, b not at all
    r = rates(c, w)
    assert r.P[0, S, S] == pytest.approx(5 / 6) and r.P[0, S, G.N_STATES + REUNIFY] == 0
    weights = bootstrap_weights(4, 1000, np.random.default_rng(1))
    assert weights.shape == (1000, 4) and (weights.sum(axis=1) == 4).all()
    assert rates(c, weights).P.shape == (1000, G.N_STATES, N_DEST)


def one_state(stay: float, entries: float, *, state: int = S, age: int = 12) -> Rates:
    P = np.zeros((1, G.N_STATES, N_DEST))
    P[0, np.arange(G.N_STATES), np.arange(G.N_STATES)] = 1.0
    P[0, state, state] = stay
    P[0, state, G.N_STATES + REUNIFY] = 1 - stay
    e = np.zeros((1, G.N_AGES, G.N_GROUPS))
    e[0, age, state % G.N_GROUPS] = entries
    return Rates(P, e)


def test_constant_entries_and_exits_approach_the_steady_state() -> None:
    # 5 entries a month, 10% leave each month: x(n) = 50 (1 - 0.9^n) from empty, 50 for ever at 50.
    r = one_state(0.9, 5.0)
    paths = project(np.zeros(G.N_STATES), r, 24)
    assert paths.stock[0, :, S].tolist() == pytest.approx([50 * (1 - 0.9 ** n) for n in range(25)])
    assert paths.exits[0, :, REUNIFY].tolist() == pytest.approx([0.1 * 50 * (1 - 0.9 ** n) for n in range(24)])
    x0 = np.zeros(G.N_STATES)
    x0[S] = 50
    assert project(x0, r, 60).stock[0, :, S] == pytest.approx(np.full(61, 50.0))


def test_noise_is_centred_and_seeded() -> None:
    r = Rates(np.repeat(one_state(0.9, 5.0).P, 400, axis=0), np.repeat(one_state(0.9, 5.0).entries, 400, axis=0))
    x0 = np.zeros(G.N_STATES)
    x0[S] = 50
    a = project(x0, r, 36, rng=np.random.default_rng(3)).stock[:, -1, S]
    b = project(x0, r, 36, rng=np.random.default_rng(3)).stock[:, -1, S]
    assert np.array_equal(a, b) and a.std() > 2 and abs(a.mean() - 50) < 1.5


def test_scenario_arithmetic() -> None:
    base = one_state(0.9, 5.0)
    base.entries[0, 14, IH] = 10.0  # a 14-year-old entry stream beside the 12-year-olds'
    sc = from_dict({"entries": [{"ages": [13, 17], "change": -0.2}],
                    "exits": [{"reasons": ["reunification"], "change": 0.5}]})
    changed = sc.apply(base)
    assert changed.entries[0, 12, IH] == 5.0 and changed.entries[0, 14, IH] == pytest.approx(8.0)
    assert changed.P[0, S, G.N_STATES + REUNIFY] == pytest.approx(0.15)
    # Staying gives up what leaving gains, split between staying in the band and moving up one.
    assert changed.P[0, S, S] + changed.P[0, S, G.state(4, IH)] == pytest.approx(0.85)
    assert base.entries[0, 14, IH] == 10.0  # the baseline is untouched


def test_shift_redirects_new_placements_and_moves_existing_once() -> None:
    P = np.zeros((1, G.N_STATES, N_DEST))
    P[0, np.arange(G.N_STATES), np.arange(G.N_STATES)] = 1.0
    kin, ifa, ih = G.state(2, KIN), G.state(2, IFA), G.state(2, IH)
    P[0, kin, kin], P[0, kin, ifa] = 0.9, 0.1
    e = np.zeros((1, G.N_AGES, G.N_GROUPS))
    e[0, 7, IFA] = 10.0
    sc = from_dict({"shifts": [{"from": ["independent_fostering"], "to": "in_house_fostering", "share": 0.1,
                                "existing": True}]})
    changed = sc.apply(Rates(P, e))
    assert changed.P[0, kin, ifa] == pytest.approx(0.09) and changed.P[0, kin, ih] == pytest.approx(0.01)
    assert changed.P[0, ifa, ifa] == 1.0  # a child already with agency carers is not a new placement
    assert changed.entries[0, 7, IFA] == pytest.approx(9.0) and changed.entries[0, 7, IH] == pytest.approx(1.0)
    x = np.zeros((1, G.N_STATES))
    x[0, ifa] = 40
    moved = sc.on_start(x)
    assert moved[0, ifa] == pytest.approx(36) and moved[0, ih] == pytest.approx(4)


def test_residential_ceiling() -> None:
    sc = from_dict({"ceilings": [{"group": "residential", "share": 0.07, "to": "independent_fostering"}]})
    x = np.zeros((1, G.N_STATES))
    x[0, G.state(3, RES)], x[0, G.state(4, RES)], x[0, G.state(3, IH)] = 15, 5, 80
    capped = sc.after_step(x)
    assert capped.sum() == 100 and capped[0, [G.state(b, RES) for b in range(G.N_BANDS)]].sum() == pytest.approx(7)
    assert capped[0, G.state(3, IFA)] == pytest.approx(15 * 13 / 20) and capped[0, G.state(4, IFA)] == pytest.approx(5 * 13 / 20)
    assert sc.after_step(capped) == pytest.approx(capped)  # already under the ceiling: nothing moves


def test_cost_per_financial_year() -> None:
    # 50 children in in-house fostering all year at 700 a week: 2025-26 has 365 days.
    costs = UnitCosts(np.array([700.0 if g == "in_house_fostering" else 0.0 for g in G.GROUPS]), annual_uplift=0.1)
    stock = np.zeros((1, 25, G.N_STATES))
    stock[:, :, S] = 50
    first = G.month_index(dt.date(2025, 3, 31))
    spend = monthly_spend(stock, first, costs)
    assert spend[0, 0] == pytest.approx(50 * 700 * 30 / 7)  # April
    years = by_year(spend, month_years(first, 24))
    assert years[2026][0] == pytest.approx(50 * 700 * 365 / 7)
    assert years[2027][0] == pytest.approx(50 * 700 * 365 / 7 * 1.1)  # one year's uplift


def test_shipped_scenarios_load_and_bad_ones_are_refused() -> None:
    from caseboard.forecast.scenario import load

    names = {"high", "medium", "low", "do_nothing", "teens_and_inhouse"}
    loaded = {n: load(n) for n in names}
    assert not loaded["do_nothing"].changes_anything and loaded["high"].ceilings[0].share == 0.07
    assert sum(loaded["high"].investment.values()) == 15_000_000 and 2027 in loaded["high"].investment
    assert loaded["teens_and_inhouse"].entries[0].ages == (13, 17)
    with pytest.raises(ValueError, match="unknown keys entry"):
        from_dict({"entry": []})
    with pytest.raises(ValueError, match="unknown exit reason 'home'"):
        from_dict({"exits": [{"reasons": ["home"], "change": 0.1}]})
    with pytest.raises(ValueError, match="no scenario file 'nonesuch'"):
        load("nonesuch")


def test_ceiling_at_a_pace() -> None:
    sc = from_dict({"ceilings": [{"group": "residential", "share": 0.1, "to": "kinship", "pace": 0.5}]})
    x = np.zeros((1, G.N_STATES))
    x[0, G.state(3, RES)], x[0, G.state(3, IH)] = 30, 70
    once = sc.after_step(x)  # excess 20: half of it moves
    assert once[0, G.state(3, RES)] == pytest.approx(20) and once[0, G.state(3, KIN)] == pytest.approx(10)
    with pytest.raises(ValueError, match="pace 2"):
        from_dict({"ceilings": [{"group": "residential", "share": 0.1, "to": "kinship", "pace": 2}]})
