"""Children in need: the rate per 10,000 and child in need plan reviews (rulebook §4, §9).

Targets and RAG thresholds are local defaults, not national targets: set your own.
"""

from __future__ import annotations

import datetime as dt

from caseboard.indicators.cin import CIN_OPEN
from caseboard.indicators.framework import Example, Indicator
from caseboard.indicators.measures import due_in_period
from caseboard.indicators.schedules import cin_plan_reviews

D = dt.date
YEAR_2025 = (D(2024, 4, 1), D(2025, 3, 31))
FAMILY = "Children in need"


CIN_RATE = Indicator(
    code="cin_rate_per_10k", title="Children in need per 10,000 children", family=FAMILY, unit="rate_per_10k",
    higher_is_better=False, kind="as_at",
    population="Children with an open CIN episode at the date (as cin_open), against the ONS mid-year estimate "
               "of children aged 0-17.",
    numerator="Children with an open CIN episode.", denominator="Children aged 0-17 (setting population_0_17).",
    source="DfE Children in need statistics: children in need at 31 March per 10,000 children aged under 18 (ONS "
           "mid-year estimates); rulebook 1.2, §9",
    units_sql=CIN_OPEN.units_sql, requires=("referrals",), settings_used=("population_0_17",),
    examples=(
        Example("Four children in need in a population of 10,000 is 4.0 per 10,000.",
                {"referrals": [{"child_id": c, "referral_date": "2024-10-01"} for c in "ABCD"]},
                as_at=D(2025, 3, 31), numerator=4, denominator=10_000, settings={"population_0_17": 10_000}),
        Example("NFA referrals and closed episodes are not open cases; a child with two open episodes is one child.",
                {"referrals": [{"child_id": "A", "referral_date": "2024-10-01", "nfa": "true"},
                               {"child_id": "B", "referral_date": "2024-10-01", "closure_date": "2025-01-01"},
                               {"child_id": "C", "referral_date": "2024-10-01"},
                               {"child_id": "C", "referral_date": "2024-12-01"}]},
                as_at=D(2025, 3, 31), numerator=1, denominator=10_000, settings={"population_0_17": 10_000}),
        Example("With the default population (172,000) one child in need.",
                {"referrals": [{"child_id": "A", "referral_date": "2025-03-31"}]},
                as_at=D(2025, 3, 31), numerator=1, denominator=172_000),
    ),
)


CIN_PLAN_REVIEWS = Indicator(
    code="cin_plan_reviews_on_time", title="Child in need plan reviews on time", family=FAMILY, unit="%",
    higher_is_better=True, kind="period",
    population="Child in need plan reviews that fell due in the period: the first 12 weeks after the plan "
               "started, each later one 12 weeks after the review before it (setting cin_plan_review_weeks).",
    numerator="Reviews held on or before their due date.",
    denominator="Reviews due in the period (held or not).",
    source="No statutory timescale (Working Together 2023 ch.3: CIN plans reviewed regularly; the CIN census holds "
           "no review dates); local standard of 12 weeks (e.g. York); rulebook 4.1 (K)",
    units_sql=lambda q: due_in_period(cin_plan_reviews(q, due_from=q.start), q), requires=("cin_plans",),
    attribution="event", schedule="cin_plan_review", settings_used=("cin_plan_review_weeks",),
    target=90, green=90, amber=80,
    examples=(
        Example("Twelve weeks from 2 September 2024 is 25 November: a review then is on time, on 26 November late.",
                {"cin_plans": [{"child_id": c, "start_date": "2024-09-02"} for c in "AB"],
                 "cin_plan_reviews": [{"child_id": "A", "plan_start_date": "2024-09-02", "review_date": "2024-11-25"},
                                      {"child_id": "B", "plan_start_date": "2024-09-02", "review_date": "2024-11-26"}]},
                as_at=D(2024, 12, 31), period=(D(2024, 4, 1), D(2024, 12, 31)), numerator=1, denominator=2),
        Example("Each review is due 12 weeks after the one held: reviews on 25 November 2024 and 17 February 2025 "
                "are on time; the next, due 12 May, is not yet due on 31 March.",
                {"cin_plans": [{"child_id": "A", "start_date": "2024-09-02"}],
                 "cin_plan_reviews": [{"child_id": "A", "plan_start_date": "2024-09-02", "review_date": d}
                                      for d in ("2024-11-25", "2025-02-17")]},
                as_at=D(2025, 3, 31), period=YEAR_2025, numerator=2, denominator=2),
        Example("A review never held counts as late while the plan is open; a plan that ended before its first "
                "review fell due owed none.",
                {"cin_plans": [{"child_id": "A", "start_date": "2024-06-03"},
                               {"child_id": "B", "start_date": "2024-06-03", "end_date": "2024-07-01"}]},
                as_at=D(2025, 3, 31), period=YEAR_2025, numerator=0, denominator=1),
    ),
)

INDICATORS = (CIN_RATE, CIN_PLAN_REVIEWS)
