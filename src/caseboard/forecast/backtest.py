"""Backtest: fit on the history up to a date (as the records stood then), project, compare with what happened.

What happened is read from the records as they stand at the end of the test period (later loads may have
corrected earlier months, as they would in practice). Errors are reported for the total and for each placement
group: MAE (mean absolute error in children over the months) and MAPE (mean absolute error as a percentage of
the actual number, months with none left out), with the share of months whose actual fell in the low-high band.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import polars as pl

from caseboard.forecast import groups as G
from caseboard.forecast.history import history
from caseboard.forecast.run import Forecast, Options, anchor, fit_and_project, window_start
from caseboard.store import Store


@dataclass(frozen=True)
class Backtest:
    cutoff: dt.date
    months: pl.DataFrame  #: date, actual, central, low, high (total children per month end)
    errors: pl.DataFrame  #: group (or "total"), mae, mape, in_band


def errors(actual: np.ndarray, predicted: np.ndarray) -> tuple[float, float]:
    """(MAE, MAPE %) of ``predicted`` against ``actual``; MAPE over months with a nonzero actual."""
    mae = float(np.mean(np.abs(predicted - actual)))
    nonzero = actual != 0
    mape = float(np.mean(np.abs(predicted - actual)[nonzero] / actual[nonzero]) * 100) if nonzero.any() else np.nan
    return mae, mape


def backtest(store: Store, cutoff: dt.date, *, months: int = 12, options: Options = Options(years=1)) -> Backtest:
    """Fit on ``options.window_months`` up to ``cutoff`` (as known then), project ``months``, compare."""
    start = anchor(store, cutoff)
    fitted_on = history(store, window_start(store, start, options.window_months), start, as_at=start)
    f = fit_and_project(fitted_on, months, options)
    end = G.month_end(G.month_index(start) + months)
    happened = history(store, start, end, as_at=end)
    return compare(f, happened.stock())


def compare(f: Forecast, actual_stock: np.ndarray) -> Backtest:
    """Compare a forecast's months 1..n with actual month-end stocks ``[0..n, state]``."""
    n = actual_stock.shape[0] - 1
    tail = (1 - f.options.level) / 2
    central = f.baseline.central.stock[0, 1:n + 1]
    sims = f.baseline.sims.stock[:, 1:n + 1]
    by_group = lambda x: x.reshape(*x.shape[:-1], G.N_BANDS, G.N_GROUPS).sum(axis=-2)  # noqa: E731
    lo, hi = np.quantile(sims.sum(axis=-1), [tail, 1 - tail], axis=0)
    actual = actual_stock[1:]
    months = pl.DataFrame({"date": f.dates[1:n + 1], "actual": actual.sum(axis=1),
                           "central": central.sum(axis=1).round(1), "low": lo.round(1), "high": hi.round(1)})
    rows = []
    glo, ghi = np.quantile(by_group(sims), [tail, 1 - tail], axis=0)
    targets = [("total", actual.sum(axis=1), central.sum(axis=1), lo, hi)] + [
        (g, by_group(actual)[:, i], by_group(central)[:, i], glo[:, i], ghi[:, i]) for i, g in enumerate(G.GROUPS)]
    for name, a, c, low, high in targets:
        mae, mape = errors(a, c)
        rows.append({"group": name, "actual_mean": round(float(a.mean()), 1), "mae": round(mae, 1),
                     "mape": round(mape, 1), "in_band": round(float(np.mean((a >= low) & (a <= high))), 2)})
    return Backtest(G.month_end(f.start), months, pl.DataFrame(rows))
