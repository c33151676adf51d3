"""Fit, project, resample and cost in one call: ``forecast(store, ...)``, and the summary table it answers with.

The central line is the projection on the rates fitted to the whole window; low and high are quantiles
(default 5th and 95th) over the bootstrap resamples with process noise. A scenario is run on the same
resamples and the same noise, and compared with the baseline year by year: children at 31 March, spend, the
difference, the investment and the payback month.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from caseboard.calendar import add_months
from caseboard.forecast import groups as G
from caseboard.forecast.costs import UnitCosts, by_year, fy_label, load_costs, month_years, monthly_spend
from caseboard.forecast.history import History, history
from caseboard.forecast.model import Rates, bootstrap_weights, count, rates
from caseboard.forecast.project import Paths, moving_cells, project
from caseboard.forecast.scenario import Scenario
from caseboard.store import Store


@dataclass(frozen=True)
class Options:
    years: int = 3
    window_months: int = 36  #: months of history the rates are estimated on
    resamples: int = 1000
    seed: int = 2014
    level: float = 0.90  #: width of the low-high band (0.90: 5th to 95th percentile)
    noise: bool = True


@dataclass(frozen=True)
class Run:
    """One projection: central (fitted rates, no noise) and resampled paths, with monthly spend."""

    central: Paths
    sims: Paths
    spend_central: np.ndarray  #: [month]
    spend_sims: np.ndarray  #: [r, month]


@dataclass(frozen=True)
class Forecast:
    start: int  #: month index of the month end the projection starts from
    options: Options
    costs: UnitCosts
    baseline: Run
    scenario: Run | None = None
    scenario_def: Scenario | None = None
    start_step: int = 1
    notes: dict[str, int] = field(default_factory=dict)
    fitted_from: int = 0  #: month index of the estimation window's first month end

    @property
    def dates(self) -> list[dt.date]:
        return [G.month_end(self.start + k) for k in range(self.baseline.central.stock.shape[1])]

    @property
    def years(self) -> np.ndarray:
        return month_years(self.start, self.baseline.central.stock.shape[1] - 1)

    def _band(self, values: np.ndarray) -> tuple[float, float]:
        tail = (1 - self.options.level) / 2
        lo, hi = np.quantile(values, [tail, 1 - tail])
        return float(lo), float(hi)

    def _year_ends(self) -> dict[int, int]:
        """Step of the last month end of each financial year in the horizon (31 March, or the horizon's end)."""
        years = self.years
        return {int(y): int(np.flatnonzero(years == y)[-1]) + 1 for y in np.unique(years)}

    def summary(self) -> pl.DataFrame:
        """One row per series, financial year and measure with low, central and high.

        Series: ``baseline``, ``over_budget`` (baseline spend minus the budget in the unit-costs file, if any);
        with a scenario also ``scenario`` and ``difference`` (baseline minus scenario:
        children fewer, money saved) and ``investment`` / ``net_saving``. Measures: ``children`` at the year's
        last month end (31 March), ``spend`` in the year (pounds)."""
        rows: list[dict[str, object]] = []
        runs = [("baseline", self.baseline)] + ([("scenario", self.scenario)] if self.scenario else [])
        ends, years = self._year_ends(), self.years
        for name, run in runs:
            for y, step in ends.items():
                rows.append(self._row(name, y, "children", run.central.stock[0, step].sum(),
                                      run.sims.stock[:, step].sum(axis=1)))
            for y, values in by_year(run.spend_sims, years).items():
                rows.append(self._row(name, y, "spend", by_year(run.spend_central, years)[y], values))
        if self.costs.budget:
            budget = self.costs.budget
            for y, values in by_year(self.baseline.spend_sims, years).items():
                share = float((years == y).sum()) / 12  # a part year has part of the budget
                rows.append(self._row("over_budget", y, "spend",
                                      by_year(self.baseline.spend_central, years)[y] - budget * share,
                                      values - budget * share))
        if self.scenario is not None:
            b, s = self.baseline, self.scenario
            for y, step in ends.items():
                rows.append(self._row("difference", y, "children", b.central.stock[0, step].sum()
                                      - s.central.stock[0, step].sum(),
                                      b.sims.stock[:, step].sum(axis=1) - s.sims.stock[:, step].sum(axis=1)))
            saved_c, saved = by_year(b.spend_central - s.spend_central, years), by_year(b.spend_sims - s.spend_sims, years)
            invest = self.scenario_def.investment if self.scenario_def else {}
            for y in saved:
                rows.append(self._row("difference", y, "spend", saved_c[y], saved[y]))
                spent = invest.get(y, 0.0)
                rows.append(self._row("investment", y, "spend", spent, np.array([spent])))
                rows.append(self._row("net_saving", y, "spend", saved_c[y] - spent, saved[y] - spent))
        return pl.DataFrame(rows)

    def _row(self, series: str, year: int, measure: str, central: float, values: np.ndarray) -> dict[str, object]:
        lo, hi = self._band(values)
        partial = int((self.years == year).sum()) < 12
        return {"series": series, "year": fy_label(year) + (" (part)" if partial else ""), "measure": measure,
                "low": round(lo, 1), "central": round(float(central), 1), "high": round(hi, 1)}

    def by_group(self) -> pl.DataFrame:
        """Central children by placement group and age band at each 31 March in the horizon."""
        rows = []
        for name, run in [("baseline", self.baseline)] + ([("scenario", self.scenario)] if self.scenario else []):
            for y, step in self._year_ends().items():
                x = run.central.stock[0, step].reshape(G.N_BANDS, G.N_GROUPS)
                for gi, g in enumerate(G.GROUPS):
                    rows.append({"series": name, "year": fy_label(y), "group": g,
                                 **{f"age {b[0]}": round(float(x[bi, gi]), 1) for bi, b in enumerate(G.AGE_BANDS)},
                                 "total": round(float(x[:, gi].sum()), 1)})
        return pl.DataFrame(rows)

    def payback(self) -> dt.date | None:
        """The first month end when the scenario's cumulative savings (central) reach its total investment."""
        if self.scenario is None or not self.scenario_def or not self.scenario_def.investment:
            return None
        saved = np.cumsum(self.baseline.spend_central - self.scenario.spend_central)
        total = sum(self.scenario_def.investment.values())
        reached = np.flatnonzero(saved >= total)
        return G.month_end(self.start + int(reached[0]) + 1) if reached.size else None


def _as_date(value: object) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def anchor(store: Store, from_date: dt.date | None) -> dt.date:
    """The month end the forecast starts from: the last one on or before ``from_date``.

    By default, the month of the latest date in the episodes, when the loaded returns cover all of it (their
    latest collection year ends on or after its last day: a return to 31 March whose last recorded event was on
    the 29th still covers March); otherwise the month end before that date."""
    if from_date is None:
        latest = store.scalar("SELECT MAX(CASE WHEN end_date > start_date THEN end_date ELSE start_date END) "
                              "FROM lac_episodes")
        if latest is None:
            raise ValueError("no looked-after episodes in the database: nothing to forecast from")
        from_date = _as_date(latest)
        covered = store.scalar("SELECT MAX(collection_year) FROM load_files")
        month_end = G.month_end(G.month_index(from_date))
        if covered is not None and month_end <= dt.date(int(covered), 3, 31):
            return month_end
    k = G.month_index(from_date)
    return G.month_end(k if from_date == G.month_end(k) else k - 1)


def window_start(store: Store, end: dt.date, months: int) -> dt.date:
    """Where the estimation window starts: ``months`` before ``end``, but not before the records are complete.

    Returns give every episode open during their year, however long ago it started, so the earliest start date
    says nothing about coverage; the earliest end date does (an episode ending then was returned). Before it,
    children already in care would look like a flood of entries."""
    wanted = add_months(end, -months)
    earliest = store.scalar("SELECT MIN(end_date) FROM lac_episodes")
    if earliest is None:
        return wanted
    return max(wanted, G.month_end(G.month_index(_as_date(earliest))))


def scenario_start_step(start: int, scenario: Scenario | None) -> int:
    """The first projected month the scenario applies to: the month whose end is on or after its start date
    (default: the first 1 April after the forecast starts)."""
    if scenario is None:
        return 1
    first = G.month_end(start)
    when = scenario.start or dt.date(first.year + (first.month >= 4), 4, 1)
    return max(1, G.month_index(when) - start)


def fit_and_project(h: History, months: int, options: Options, *, costs: UnitCosts | None = None,
                    scenario: Scenario | None = None) -> Forecast:
    """Fit on the whole history, project ``months`` from its last month end, with resamples and a scenario."""
    costs = costs or load_costs()
    counts = count(h)
    fitted = rates(counts)
    rng = np.random.default_rng(options.seed)
    resampled = rates(counts, bootstrap_weights(counts.n_children, options.resamples, rng))
    x0 = h.stock()[-1]
    start = h.first + h.state.shape[1] - 1
    step = scenario_start_step(start, scenario)
    changed = (scenario.apply(fitted), scenario.apply(resampled)) if scenario is not None else (None, None)
    cells = moving_cells(fitted, resampled, *[c for c in changed if c is not None])

    def one(sc: Scenario | None) -> Run:
        central = project(x0, fitted, months, scenario=sc, start_step=step, changed=changed[0], cells=cells)
        noise = np.random.default_rng(options.seed + 1) if options.noise else None
        sims = project(x0, resampled, months, scenario=sc, start_step=step, changed=changed[1], cells=cells,
                       rng=noise)
        return Run(central, sims, monthly_spend(central.stock, start, costs)[0], monthly_spend(sims.stock, start, costs))

    return Forecast(start, options, costs, one(None), one(scenario) if scenario is not None else None,
                    scenario, step, dict(h.notes), h.first)


def describe(f: Forecast) -> str:
    """One sentence on what the forecast rests on, and the data it had to make assumptions about."""
    start = f.baseline.central.stock[0, 0].sum()
    text = (f"{start:,.0f} children looked after at {G.month_end(f.start)}; rates from the "
            f"{f.start - f.fitted_from} months since {G.month_end(f.fitted_from)}; {f.options.resamples:,} resamples.")
    caveats = {k.replace("_", " "): v for k, v in f.notes.items() if v and k != "short_break_episodes"}
    return text + (" Assumed: " + ", ".join(f"{k} {v:,}" for k, v in caveats.items()) if caveats else "")


def forecast(store: Store, from_date: dt.date | None = None, *, options: Options = Options(),
             costs: UnitCosts | None = None, scenario: Scenario | None = None) -> Forecast:
    """The looked-after population and its cost, ``options.years`` ahead of ``from_date``, from the store."""
    end = anchor(store, from_date)
    h = history(store, window_start(store, end, options.window_months), end)
    return fit_and_project(h, 12 * options.years, options, costs=costs, scenario=scenario)


__all__ = ["Forecast", "Options", "Rates", "Run", "anchor", "describe", "fit_and_project", "forecast",
           "window_start"]
