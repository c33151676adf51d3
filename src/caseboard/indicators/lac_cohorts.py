"""The LAC reduction cohorts of seed 004 (Norfolk's plan to reduce the number of children looked after):
"children aged over 17 years in care; children aged 13+ on the verge of entering care [who have entered care
within the last 6 months]; children under 2 years who are subject to legal proceedings placing them in care", and
the children who "might be able to be successfully reunified with their families" (seed 004 paras 2.10.2-2.10.5
and the Commissioner's summary).

Each is a count of children looked after at the date (the denominator: every child looked after) so the numbers
can be tracked month by month; the ages and windows are settings. Reunification is a judgement made in case
review: the system can only list candidates (settings ``reunification_*``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from caseboard.indicators.derived import Q, looked_after
from caseboard.indicators.example_data import episodes, in_care
from caseboard.indicators.framework import Example, Indicator
from caseboard.indicators.lac_placements import current_episodes
from caseboard.indicators.sql import add_days, add_months, in_list

D = dt.date
AT = D(2025, 3, 31)
FAMILY = "Looked after: reduction cohorts"
SEED = "Norfolk County Council, Children's Services improvement: LAC reduction cohorts (seed 004 paras 2.10.2-2.10.5)"
#: Care proceedings should finish within 26 weeks (Children Act 1989 s32(1)(a), Children and Families Act 2014
#: s14): a court application in the 182 days before the date is taken as proceedings under way.
PROCEEDINGS_DAYS = 182


def _age(q: Q, years: int) -> str:
    return f"CAST(la.dob + INTERVAL {years} YEAR AS DATE)"


def _cohort(condition: Callable[[Q], str]) -> Callable[[Q], str]:
    """Children looked after at the date; in the numerator when they meet ``condition`` (columns of the period,
    ``la``, the current episode, ``ce``, and ``pp``, the latest court application)."""
    return lambda q: f"""
    SELECT la.child_id, COALESCE({condition(q)}, FALSE) AS in_numerator, la.period_start, la.dob, ce.legal_status,
           ce.placement
    FROM ({looked_after(q)}) la
    LEFT JOIN ({current_episodes(q)}) ce ON ce.child_id = la.child_id
    LEFT JOIN (SELECT child_id, MAX(court_application_date) AS applied FROM pre_proceedings
               WHERE court_application_date <= {q.at} GROUP BY child_id) pp ON pp.child_id = la.child_id"""


OLDER = Indicator(
    code="lac_cohort_17_plus", title="Looked-after young people aged 17 and over", family=FAMILY, unit="count",
    higher_is_better=False, kind="as_at",
    population="Children looked after at the date.",
    numerator="Those aged 17 or over (setting cohort_older_age): candidates for a planned step-down.",
    denominator="Children looked after at the date.",
    source=f"{SEED}, 2.10.4 'young people aged 17+'",
    units_sql=_cohort(lambda q: f"{_age(q, q.settings.cohort_older_age)} <= {q.at}"), requires=("lac_episodes",),
    settings_used=("cohort_older_age",),
    examples=(
        Example("A turned 17 on the date, B turns 17 the day after.",
                {"children": [{"child_id": "A", "dob": "2008-03-31"}, {"child_id": "B", "dob": "2008-04-01"}],
                 "lac_episodes": in_care("A", "2024-01-01") + in_care("B", "2024-01-01")},
                as_at=AT, numerator=1, denominator=2),
        Example("A 17-year-old who has left care or is on short breaks is not counted; no date of birth, no age.",
                {"children": [{"child_id": c, "dob": "2007-01-01"} for c in "CD"] + [{"child_id": "E"}],
                 "lac_episodes": in_care("C", "2024-01-01", ceased=("2025-01-01", "E13"))
                 + in_care("D", "2024-01-01", ls="V3") + in_care("E", "2024-01-01")},
                as_at=AT, numerator=0, denominator=1),
        Example("As at an earlier date the same young person was younger.",
                {"children": [{"child_id": "A", "dob": "2008-03-31"}],
                 "lac_episodes": in_care("A", "2024-01-01")},
                as_at=D(2025, 3, 30), numerator=0, denominator=1),
    ),
)


def _young(q: Q) -> str:
    recent = add_days(q.at, -PROCEEDINGS_DAYS)
    return (f"{_age(q, q.settings.cohort_young_age)} > {q.at} AND (ce.legal_status = 'C1' "
            f"OR pp.applied > {recent})")


YOUNG = Indicator(
    code="lac_cohort_under_2_proceedings", title="Looked-after children under 2 in care proceedings",
    family=FAMILY, unit="count", higher_is_better=False, kind="as_at",
    population="Children looked after at the date.",
    numerator="Those under 2 (setting cohort_young_age) in care proceedings: on an interim care order (legal "
              "status C1), or with a court application in the 26 weeks before the date.",
    denominator="Children looked after at the date.",
    source=f"{SEED}, 2.10.5 and summary 'children under 2 years who are subject to legal proceedings placing them "
           "in care'; Children Act 1989 ss31, 38 (interim care orders), s32(1)(a) (26 weeks)",
    units_sql=_cohort(_young), requires=("lac_episodes",), settings_used=("cohort_young_age",),
    examples=(
        Example("A, aged 1, is on an interim care order; B, aged 1, is accommodated under section 20 with no "
                "proceedings.",
                {"children": [{"child_id": c, "dob": "2024-01-01"} for c in "AB"],
                 "lac_episodes": in_care("A", "2024-06-01", ls="C1") + in_care("B", "2024-06-01", ls="V2")},
                as_at=AT, numerator=1, denominator=2),
        Example("A court application in the last 26 weeks counts (C); one a year ago does not (D); E turned 2 on "
                "the date.",
                {"children": [{"child_id": "C", "dob": "2024-01-01"}, {"child_id": "D", "dob": "2024-01-01"},
                              {"child_id": "E", "dob": "2023-03-31"}],
                 "lac_episodes": in_care("C", "2024-06-01", ls="V2") + in_care("D", "2024-02-01", ls="V2")
                 + in_care("E", "2024-06-01", ls="C1"),
                 "pre_proceedings": [{"child_id": "C", "start_date": "2024-08-01",
                                      "court_application_date": "2025-01-10"},
                                     {"child_id": "D", "start_date": "2024-01-01",
                                      "court_application_date": "2024-03-01"}]},
                as_at=AT, numerator=1, denominator=3),
        Example("The legal status on the date counts: F's interim order became a full care order (C2) in March.",
                {"children": [{"child_id": "F", "dob": "2024-01-01"}],
                 "lac_episodes": episodes("F", [("2024-06-01", "S", "C1", "U4"), ("2025-03-01", "L", "C2", "U4")])},
                as_at=AT, numerator=0, denominator=1),
    ),
)


def _teen_new(q: Q) -> str:
    return (f"{_age(q, q.settings.cohort_teen_age)} <= {q.at} "
            f"AND la.period_start > {add_months(q.at, -q.settings.cohort_teen_new_months)}")


TEEN_NEW = Indicator(
    code="lac_cohort_13_plus_new", title="Young people aged 13+ who came into care in the last 6 months",
    family=FAMILY, unit="count", higher_is_better=False, kind="as_at",
    population="Children looked after at the date.",
    numerator="Those aged 13 or over (setting cohort_teen_age) whose period of care began within the last 6 "
              "months (setting cohort_teen_new_months).",
    denominator="Children looked after at the date.",
    source=f"{SEED}, 2.10.5 'children and young people aged 13+ who have entered care within the last 6 months'",
    units_sql=_cohort(_teen_new), requires=("lac_episodes",),
    settings_used=("cohort_teen_age", "cohort_teen_new_months"),
    examples=(
        Example("A, 14, came into care on 1 October 2024 (within 6 months of 31 March 2025); B, 14, on 30 September "
                "2024 (6 months ago, not within).",
                {"children": [{"child_id": c, "dob": "2010-06-01"} for c in "AB"],
                 "lac_episodes": in_care("A", "2024-10-01") + in_care("B", "2024-09-30")},
                as_at=AT, numerator=1, denominator=2),
        Example("C is 12; a move of placement is not a new period of care (D).",
                {"children": [{"child_id": "C", "dob": "2012-06-01"}, {"child_id": "D", "dob": "2010-06-01"}],
                 "lac_episodes": in_care("C", "2025-01-01")
                 + episodes("D", [("2023-01-01", "S", "C2", "U6"), ("2025-01-01", "P", "C2", "K2")])},
                as_at=AT, numerator=0, denominator=2),
        Example("A young person who came back into care in February is new to care again.",
                {"children": [{"child_id": "E", "dob": "2009-06-01"}],
                 "lac_episodes": in_care("E", "2023-01-01", ceased=("2024-01-01", "E13"))
                 + in_care("E", "2025-02-01")},
                as_at=AT, numerator=1, denominator=1),
    ),
)


def _reunification(q: Q) -> str:
    s = q.settings
    return (f"ce.legal_status IN {in_list(s.reunification_legal_statuses)} "
            f"OR ce.placement IN {in_list(s.reunification_placements)}")


REUNIFICATION = Indicator(
    code="lac_cohort_possible_reunification", title="Looked-after children who might return home (candidates)",
    family=FAMILY, unit="count", higher_is_better=False, kind="as_at",
    population="Children looked after at the date.",
    numerator="Candidates for a reunification review: accommodated under section 20 (legal status V2) or placed "
              "with their parents (P1) (settings reunification_legal_statuses, reunification_placements). Whether "
              "reunification is possible is decided in case review, not by the data.",
    denominator="Children looked after at the date.",
    source=f"{SEED}, 2.10.2 'reunification possibilities'; Children Act 1989 s20 (voluntary accommodation), "
           "s22C(2) (placement with parents); candidate definition local (K)",
    units_sql=_cohort(_reunification), requires=("lac_episodes",),
    settings_used=("reunification_legal_statuses", "reunification_placements"),
    examples=(
        Example("A is accommodated under section 20, B is on a care order in foster care.",
                {"lac_episodes": in_care("A", "2024-06-01", ls="V2") + in_care("B", "2024-06-01", ls="C2")},
                as_at=AT, numerator=1, denominator=2),
        Example("A child on a care order placed with parents (P1) is a candidate.",
                {"lac_episodes": in_care("C", "2024-06-01", ls="C2", place="P1")},
                as_at=AT, numerator=1, denominator=1),
        Example("The current episode counts: D's section 20 accommodation became a care order in March.",
                {"lac_episodes": episodes("D", [("2024-06-01", "S", "V2", "U6"), ("2025-03-01", "L", "C2", "U6")])},
                as_at=AT, numerator=0, denominator=1),
    ),
)

INDICATORS = (OLDER, YOUNG, TEEN_NEW, REUNIFICATION)
