"""Data quality: children whose records carry errors, from the checks every load runs (``caseboard.validation``).

A load records its findings (``findings``, with the load, the record's child and the rule); a count of children
with errors tells each team how much of its data needs fixing before a figure built on it can be trusted.
"""

from __future__ import annotations

import datetime as dt

from caseboard.indicators.derived import Q
from caseboard.indicators.framework import Example, Indicator

D = dt.date
AT = D(2025, 3, 31)
FAMILY = "Data quality"


def _with_errors(q: Q) -> str:
    """Children named by an error finding of the latest committed load. Findings describe a load, not a date: the
    as-at date does not change them (a series shows the current state at every point)."""
    return """
    SELECT child_id, TRUE AS in_numerator, COUNT(*) AS errors, MIN(rule) AS first_rule
    FROM findings
    WHERE load_id = (SELECT MAX(load_id) FROM loads WHERE status = 'committed')
      AND severity = 'error' AND child_id IS NOT NULL
    GROUP BY child_id"""


ERRORS = Indicator(
    code="dq_records_with_errors", title="Children with data errors in the latest load", family=FAMILY,
    unit="count", higher_is_better=False, kind="as_at",
    population="Children named by at least one error finding (a value that cannot be read, a required field "
               "missing, dates out of order, a broken reference...) in the latest committed load.",
    numerator="Children with at least one error (each child once, however many errors).",
    denominator="The same children.",
    source="DfE CIN census and SSDA903 validation (errors must be fixed before submission; the checks in "
           "caseboard.validation); Ofsted ILACS inspects data quality; local measure",
    units_sql=_with_errors, requires=("children",), target=0, green=0, amber=10,
    notes="Findings belong to a load, not to a date: the value is that of the latest committed load at any as-at "
          "date.",
    examples=(
        Example("A's referral closes before it opens; B's referral date cannot be read; C's record is clean.",
                {"referrals": [{"child_id": "A", "referral_date": "2025-01-10", "closure_date": "2025-01-01"},
                               {"child_id": "B", "referral_date": "10/13/2025"},
                               {"child_id": "C", "referral_date": "2025-01-10"}]},
                as_at=AT, numerator=2, denominator=2),
        Example("Several errors for one child are one child.",
                {"referrals": [{"child_id": "A", "referral_date": "2025-01-10", "closure_date": "2025-01-01"}],
                 "cp_plans": [{"child_id": "A", "start_date": "2025-01-10", "end_date": "2024-01-01"}]},
                as_at=AT, numerator=1, denominator=1),
        Example("Errors count whatever the table: C's plan ends before it starts, D's assessment is authorised "
                "before it started.",
                {"cp_plans": [{"child_id": "C", "start_date": "2025-01-10", "end_date": "2024-01-01"}],
                 "assessments": [{"child_id": "D", "start_date": "2025-01-10", "authorised_date": "2025-01-02"},
                                 {"child_id": "E", "start_date": "2025-01-10", "authorised_date": "2025-01-12"}]},
                as_at=AT, numerator=2, denominator=2),
    ),
)

INDICATORS = (ERRORS,)
