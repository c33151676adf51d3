"""Early help: assessments completed, and how episodes end (Ofsted ILACS Annex A List 2; local measures).

There is no national early help statistic: these follow Annex A's list (assessment start and completion) and the
outcomes the model records (``early_help.outcome``). Targets are local defaults.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from caseboard.indicators.derived import Q
from caseboard.indicators.framework import Example, Indicator
from caseboard.indicators.measures import events_in_period

D = dt.date
YEAR_2025 = (D(2024, 4, 1), D(2025, 3, 31))
FAMILY = "Early help"
ANNEX_A = "Ofsted ILACS Annex A List 2 (early help assessments: start and completion dates); rulebook §10"


def _eh(child: str, start: str, **more: str) -> dict[str, str]:
    return {"child_id": child, "start_date": start, **more}


ASSESSMENTS = Indicator(
    code="early_help_assessments", title="Early help assessments completed", family=FAMILY, unit="count",
    higher_is_better=True, kind="period",
    population="Early help assessments (Annex A List 2).",
    numerator="Assessments completed in the period.", denominator="Assessments completed in the period.",
    source=f"{ANNEX_A}; Working Together to Safeguard Children 2023, ch.1 (early help assessment)",
    units_sql=lambda q: events_in_period("early_help", q, "assessment_completed_date"), requires=("early_help",),
    attribution="event",
    examples=(
        Example("Completed on 1 April 2024 and 31 March 2025: two in the year; one completed on 31 March 2024 is "
                "not.",
                {"early_help": [_eh("A", "2024-03-01", assessment_completed_date="2024-03-31"),
                                _eh("B", "2024-03-15", assessment_completed_date="2024-04-01"),
                                _eh("C", "2025-03-01", assessment_completed_date="2025-03-31")]},
                as_at=D(2025, 3, 31), period=YEAR_2025, numerator=2, denominator=2),
        Example("An assessment started but not completed is not counted.",
                {"early_help": [_eh("A", "2024-06-01"),
                                _eh("B", "2024-06-01", assessment_completed_date="2024-07-01")]},
                as_at=D(2025, 3, 31), period=YEAR_2025, numerator=1, denominator=1),
        Example("Each completed assessment counts, two for the same child.",
                {"early_help": [_eh("A", "2024-05-01", assessment_completed_date="2024-05-20"),
                                _eh("A", "2024-11-01", assessment_completed_date="2024-11-20")]},
                as_at=D(2025, 3, 31), period=YEAR_2025, numerator=2, denominator=2),
    ),
)


def _ended(outcome: str) -> Callable[[Q], str]:
    """Early help episodes ended in the period; in the numerator when they ended with ``outcome``."""
    return lambda q: f"""
    SELECT child_id, COALESCE(outcome = '{outcome}', FALSE) AS in_numerator, outcome, end_date AS event_date
    FROM early_help WHERE end_date >= {q.first} AND end_date <= {q.last}"""


def _ending_examples(outcome: str) -> tuple[Example, ...]:
    other = "needs_met" if outcome != "needs_met" else "disengaged"
    return (
        Example(f"Of three episodes ended in the year one ended '{outcome}'.",
                {"early_help": [_eh("A", "2024-05-01", end_date="2024-09-01", outcome=outcome),
                                _eh("B", "2024-05-01", end_date="2024-09-01", outcome=other),
                                _eh("C", "2024-05-01", end_date="2024-09-01", outcome="moved")]},
                as_at=D(2025, 3, 31), period=YEAR_2025, numerator=1, denominator=3),
        Example("Open episodes, and episodes that ended before the year, are not counted; no outcome recorded is "
                f"not '{outcome}'.",
                {"early_help": [_eh("A", "2024-05-01"),
                                _eh("B", "2023-05-01", end_date="2024-03-31", outcome=outcome),
                                _eh("C", "2024-05-01", end_date="2024-10-01")]},
                as_at=D(2025, 3, 31), period=YEAR_2025, numerator=0, denominator=1),
        Example("An ending recorded after the date is not yet known.",
                {"early_help": [_eh("A", "2024-05-01", end_date="2025-04-02", outcome=outcome),
                                _eh("B", "2024-05-01", end_date="2025-03-31", outcome=outcome)]},
                as_at=D(2025, 3, 31), period=YEAR_2025, numerator=1, denominator=1),
    )


STEP_UP = Indicator(
    code="early_help_step_up_rate", title="Early help episodes stepped up to children's social care",
    family=FAMILY, unit="%", higher_is_better=False, kind="period",
    population="Early help episodes that ended in the period.",
    numerator="Those that ended by stepping up to children's social care (outcome step_up).",
    denominator="Early help episodes that ended in the period.",
    source=f"{ANNEX_A}; Working Together 2023 ch.1 (step up when needs escalate); local measure (K)",
    units_sql=_ended("step_up"), requires=("early_help",), attribution="event",
    examples=_ending_examples("step_up"),
)

NEEDS_MET = Indicator(
    code="early_help_closed_needs_met", title="Early help episodes closed with needs met", family=FAMILY,
    unit="%", higher_is_better=True, kind="period",
    population="Early help episodes that ended in the period.",
    numerator="Those closed because the family's needs were met (outcome needs_met).",
    denominator="Early help episodes that ended in the period.",
    source=f"{ANNEX_A}; Supporting Families programme outcome framework (needs met); local measure (K)",
    units_sql=_ended("needs_met"), requires=("early_help",), attribution="event", target=70, green=70, amber=60,
    examples=_ending_examples("needs_met"),
)

INDICATORS = (ASSESSMENTS, STEP_UP, NEEDS_MET)
