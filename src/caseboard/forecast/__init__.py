"""Demand and cost forecasting (issue 7): where the looked-after population and its cost are heading.

``history`` turns the store's SSDA903 episodes into each child's month-end state (age band x placement group);
``model`` estimates a monthly Markov model (entries by age, moves, ageing, exits by reason) and its bootstrap
resamples; ``project`` runs it forward; ``costs`` prices it per financial year; ``scenario`` changes rates or mix
from a date; ``backtest`` checks the method against what happened; ``run.forecast`` does it all in one call.
"""

from caseboard.forecast.run import Forecast, Options, fit_and_project, forecast

__all__ = ["Forecast", "Options", "fit_and_project", "forecast"]
