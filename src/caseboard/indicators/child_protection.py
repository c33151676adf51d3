"""Child protection: initial conferences, plans, repeat plans, reviews and visits (rulebook §3).

Targets and RAG thresholds are local defaults near recent England averages, not national targets: set your own.
"""

from __future__ import annotations

import datetime as dt

from caseboard.indicators.derived import Q
from caseboard.indicators.framework import Example, Indicator
from caseboard.indicators.measures import children_open, done_in_period, due_in_period, not_overdue
from caseboard.indicators.schedules import cp_reviews, cp_visits, icpc

D = dt.date
YEAR_2025 = (D(2024, 4, 1), D(2025, 3, 31))
YEAR_2026 = (D(2025, 4, 1), D(2026, 3, 31))
FAMILY = "Child protection"
WT_CP = "Working Together to Safeguard Children 2023, ch.3 (child protection conferences)"


ICPC_15 = Indicator(
    code="icpc_within_15wd", title="Initial conferences within 15 working days", family=FAMILY, unit="%",
    higher_is_better=True, kind="period",
    population="Initial child protection conferences held in the period following an s47 enquiry (enquiries with "
               "the conference found unnecessary left out; a conference dated before its enquiry has no duration "
               "and is left out, as DfE table C4 does).",
    numerator="Conferences within 15 working days of the strategy discussion that started the s47 enquiry.",
    denominator="Conferences held in the period.",
    source=f"{WT_CP}: ICPC within 15 working days of the strategy discussion; DfE CIN table C4; rulebook 3.2-3.3",
    units_sql=lambda q: done_in_period(icpc(q), q, where="done_date >= record_start"),
    requires=("s47_enquiries",), attribution="event", schedule="initial_conference",
    target=80, green=80, amber=70,
    examples=(
        Example("From Maundy Thursday 17 April 2025 Good Friday, Easter Monday and 5 May are skipped, so 13 May is "
                "the 15th working day: a conference then is on time, one on 14 May is not.",
                {"s47_enquiries": [{"child_id": "A", "start_date": "2025-04-17", "icpc_date": "2025-05-13"},
                                   {"child_id": "B", "start_date": "2025-04-17", "icpc_date": "2025-05-14"}]},
                as_at=D(2026, 3, 31), period=YEAR_2026, numerator=1, denominator=2),
        Example("An enquiry whose conference was found unnecessary has none to count, and a conference dated "
                "before its enquiry (a recording error) has no duration: only A's conference is measured.",
                {"s47_enquiries": [{"child_id": "A", "start_date": "2025-05-01", "icpc_date": "2025-05-08"},
                                   {"child_id": "B", "start_date": "2025-05-01", "icpc_not_required": "true"},
                                   {"child_id": "C", "start_date": "2025-06-10", "icpc_date": "2025-06-09"}]},
                as_at=D(2026, 3, 31), period=YEAR_2026, numerator=1, denominator=1),
        Example("The conference date places it in a year: the enquiry of 20 March 2025 conferenced on 8 April "
                "(due 10 April) counts in 2025-26; a conference on 2 April 2026 belongs to the next year.",
                {"s47_enquiries": [{"child_id": "A", "start_date": "2025-03-20", "icpc_date": "2025-04-08"},
                                   {"child_id": "B", "start_date": "2026-03-25", "icpc_date": "2026-04-02"}]},
                as_at=D(2026, 3, 31), period=YEAR_2026, numerator=1, denominator=1),
    ),
)


def _open_plans(q: Q) -> str:
    return children_open("cp_plans", q, "start_date", "end_date")


_OPEN_PLAN_EXAMPLES = (
    Example("A plan ending on 31 March is not open on 31 March; one starting that day is.",
            {"cp_plans": [{"child_id": "A", "start_date": "2024-06-01", "end_date": "2025-03-31"},
                          {"child_id": "B", "start_date": "2025-03-31"}]},
            as_at=D(2025, 3, 31), numerator=1, denominator=1),
    Example("An end recorded after the date is not yet known on it; a plan starting after it is not there yet.",
            {"cp_plans": [{"child_id": "C", "start_date": "2024-10-01", "end_date": "2025-05-01"},
                          {"child_id": "D", "start_date": "2025-04-02"}]},
            as_at=D(2025, 3, 31), numerator=1, denominator=1),
    Example("Two overlapping plans (a recording error) are still one child on a plan.",
            {"cp_plans": [{"child_id": "E", "start_date": "2024-05-01"},
                          {"child_id": "E", "start_date": "2024-09-01"}]},
            as_at=D(2025, 3, 31), numerator=1, denominator=1),
)

CP_OPEN = Indicator(
    code="cp_plans_open", title="Children on a child protection plan", family=FAMILY, unit="count",
    higher_is_better=False, kind="as_at",
    population="Children subject to a child protection plan at the date (started on or before, not ended by it).",
    numerator="Children on a plan (each once).", denominator="The same children.",
    source="DfE Characteristics of children in need, children on a CP plan at 31 March (CIN census "
           "CPPstartDate/CPPendDate); rulebook §0, 3.8, 12",
    units_sql=_open_plans, requires=("cp_plans",), examples=_OPEN_PLAN_EXAMPLES,
)

CP_RATE = Indicator(
    code="cp_rate_per_10k", title="Children on a child protection plan per 10,000 children", family=FAMILY,
    unit="rate_per_10k", higher_is_better=False, kind="as_at",
    population="Children on a plan at the date, against the ONS mid-year estimate of children aged 0-17.",
    numerator="Children on a plan at the date.", denominator="Children aged 0-17 (setting population_0_17).",
    source="DfE Characteristics of children in need: rates per 10,000 children aged under 18 from ONS mid-year "
           "estimates; rulebook §9",
    units_sql=_open_plans, requires=("cp_plans",), settings_used=("population_0_17",),
    examples=(
        Example("Three children on plans in a population of 10,000 children is a rate of 3.0 per 10,000.",
                {"cp_plans": [{"child_id": c, "start_date": "2025-01-01"} for c in ("A", "B", "C")]},
                as_at=D(2025, 3, 31), numerator=3, denominator=10_000, settings={"population_0_17": 10_000}),
        Example("With the default population (172,000) two children are 0.12 per 10,000.",
                {"cp_plans": [{"child_id": c, "start_date": "2025-01-01"} for c in ("A", "B")]},
                as_at=D(2025, 3, 31), numerator=2, denominator=172_000),
        Example("A plan that ended before the date is not counted.",
                {"cp_plans": [{"child_id": "A", "start_date": "2024-01-01", "end_date": "2025-01-01"},
                              {"child_id": "B", "start_date": "2024-01-01"}]},
                as_at=D(2025, 3, 31), numerator=1, denominator=10_000, settings={"population_0_17": 10_000}),
    ),
)


def _second(q: Q) -> str:
    return f"""
    SELECT child_id, BOOL_OR(is_repeat) AS in_numerator, MIN(start_date) AS event_date FROM (
      SELECT child_id, start_date,
             COALESCE(previous_plans, 0) > 0
             OR MIN(start_date) OVER (PARTITION BY child_id) < start_date AS is_repeat
      FROM cp_plans
    ) p WHERE start_date >= {q.first} AND start_date <= {q.last} GROUP BY child_id"""


CP_SECOND = Indicator(
    code="cp_second_or_subsequent", title="Child protection plans that are a second or subsequent plan",
    family=FAMILY, unit="%", higher_is_better=False, kind="period",
    population="Children who became subject to a plan in the period (each child once).",
    numerator="Those who had been subject to a plan before, however long ago (an earlier plan in the data, or "
              "CIN NumberOfPreviousCPP above 0).",
    denominator="Children who became subject to a plan in the period.",
    source="DfE Characteristics of children in need table D3 (former NI 65): previous plan of that council "
           "regardless of how long ago; rulebook 3.8",
    units_sql=_second, requires=("cp_plans",), attribution="event", target=20, green=20, amber=25,
    examples=(
        Example("A plan nine years earlier still makes the new plan a second plan; B's first plan is not.",
                {"cp_plans": [{"child_id": "A", "start_date": "2015-01-01", "end_date": "2015-12-01"},
                              {"child_id": "A", "start_date": "2024-06-01"},
                              {"child_id": "B", "start_date": "2024-07-01"}]},
                as_at=D(2025, 3, 31), period=YEAR_2025, numerator=1, denominator=2),
        Example("The CIN census count of previous plans is enough when the earlier plan is not in the data.",
                {"cp_plans": [{"child_id": "C", "start_date": "2024-09-01", "previous_plans": "1"}]},
                as_at=D(2025, 3, 31), period=YEAR_2025, numerator=1, denominator=1),
        Example("A child starting two plans in the year is one child, and a repeat.",
                {"cp_plans": [{"child_id": "D", "start_date": "2024-05-01", "end_date": "2024-08-01"},
                              {"child_id": "D", "start_date": "2024-10-01"}]},
                as_at=D(2025, 3, 31), period=YEAR_2025, numerator=1, denominator=1),
    ),
)


def _reviews(q: Q) -> str:
    return due_in_period(cp_reviews(q, due_from=q.start), q)


CP_REVIEWS = Indicator(
    code="cp_reviews_on_time", title="Child protection reviews on time", family=FAMILY, unit="%",
    higher_is_better=True, kind="period",
    population="Review conferences that fell due in the period: the first 3 months after the plan started (the "
               "initial conference), each later one 6 months after the review before it.",
    numerator="Reviews held on or before their due date.",
    denominator="Reviews due in the period (held or not).",
    source=f"{WT_CP}: first review within 3 months of the initial conference, then at intervals of not more than "
           "6 months; rulebook 3.5(a)",
    units_sql=_reviews, requires=("cp_plans",), attribution="event", schedule="cp_review",
    target=95, green=95, amber=90,
    examples=(
        Example("Three months from 30 November 2024 is 28 February 2025 (end of month): a review then is on time, "
                "on 1 March it is late.",
                {"cp_plans": [{"child_id": "A", "start_date": "2024-11-30"},
                              {"child_id": "B", "start_date": "2024-11-30"}],
                 "cp_reviews": [{"child_id": "A", "plan_start_date": "2024-11-30", "review_date": "2025-02-28"},
                                {"child_id": "B", "plan_start_date": "2024-11-30", "review_date": "2025-03-01"}]},
                as_at=D(2025, 3, 31), period=YEAR_2025, numerator=1, denominator=2),
        Example("Each review is due 6 months after the one actually held: the late first review (20 April, due "
                "10 April) moves the second's due date to 20 October, so the review on 18 October is on time.",
                {"cp_plans": [{"child_id": "A", "start_date": "2024-01-10"}],
                 "cp_reviews": [{"child_id": "A", "plan_start_date": "2024-01-10", "review_date": "2024-04-20"},
                                {"child_id": "A", "plan_start_date": "2024-01-10", "review_date": "2024-10-18"}]},
                as_at=D(2025, 3, 31), period=YEAR_2025, numerator=1, denominator=2),
        Example("A review never held counts as late while the plan is open; a plan that ended before its first "
                "review fell due owed none.",
                {"cp_plans": [{"child_id": "A", "start_date": "2024-06-01"},
                              {"child_id": "B", "start_date": "2024-06-01", "end_date": "2024-08-15"}]},
                as_at=D(2025, 3, 31), period=YEAR_2025, numerator=0, denominator=1),
    ),
)


def _visits(q: Q) -> str:
    return not_overdue(cp_visits(q, current=True), q)


CP_VISITS = Indicator(
    code="cp_visits_on_time", title="Children on a plan visited within the visiting standard", family=FAMILY,
    unit="%", higher_is_better=True, kind="as_at",
    population="Children on a child protection plan at the date.",
    numerator="Those whose last visit with the child seen (or the plan's start, before the first visit) was "
              "within the visiting interval (setting, default 10 working days) of the date.",
    denominator="Children on a plan at the date.",
    source="No statutory frequency (Working Together 2023: set in the plan); local standard every 10 working days "
           "(e.g. Camden, Central Bedfordshire, Liverpool); rulebook 3.6",
    units_sql=_visits, requires=("cp_plans", "visits"), schedule="cp_visit", target=95, green=95, amber=85,
    settings_used=("cp_visit_interval_working_days", "visits_need_child_seen"),
    examples=(
        Example("Ten working days from Friday 14 March 2025 end on Friday 28 March: on the 28th that child is "
                "within the standard, the child last seen on Thursday 13 March is not.",
                {"cp_plans": [{"child_id": "A", "start_date": "2025-01-06"},
                              {"child_id": "B", "start_date": "2025-01-06"}],
                 "visits": [{"child_id": "A", "visit_date": "2025-03-14", "kind": "cp", "seen": "true"},
                            {"child_id": "B", "visit_date": "2025-03-13", "kind": "cp", "seen": "true"}]},
                as_at=D(2025, 3, 28), numerator=1, denominator=2),
        Example("A visit where the child was not seen does not count: C was last seen on 10 March (due 24 March); "
                "D was seen on 20 March.",
                {"cp_plans": [{"child_id": "C", "start_date": "2025-01-06"},
                              {"child_id": "D", "start_date": "2025-01-06"}],
                 "visits": [{"child_id": "C", "visit_date": "2025-03-10", "kind": "cp", "seen": "true"},
                            {"child_id": "C", "visit_date": "2025-03-20", "kind": "cp", "seen": "false"},
                            {"child_id": "D", "visit_date": "2025-03-20", "kind": "cp", "seen": "true"}]},
                as_at=D(2025, 3, 28), numerator=1, denominator=2),
        Example("Before the first visit the clock runs from the plan's start (a visit before it does not count): "
                "E's plan began Friday 31 January, due Friday 14 February, and on Sunday 16th no working day has "
                "passed since; F's began a day earlier and is overdue; G's plan has ended.",
                {"cp_plans": [{"child_id": "E", "start_date": "2025-01-31"},
                              {"child_id": "F", "start_date": "2025-01-30"},
                              {"child_id": "G", "start_date": "2025-01-06", "end_date": "2025-02-01"}],
                 "visits": [{"child_id": "E", "visit_date": "2025-01-20", "kind": "cp", "seen": "true"}]},
                as_at=D(2025, 2, 16), numerator=1, denominator=2),
    ),
)

INDICATORS = (ICPC_15, CP_OPEN, CP_RATE, CP_SECOND, CP_REVIEWS, CP_VISITS)
