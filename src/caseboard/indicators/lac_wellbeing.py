"""Looked after: dental checks and emotional wellbeing (SDQ) (rulebook 5.2.3, 5.2.5).

Both follow the DfE's OC2 cohort, approximated as at the date: children looked after continuously for at least
12 months (their current period of care started 12 months or more before), short breaks left out.
"""

from __future__ import annotations

import datetime as dt

from caseboard.indicators.derived import Q, looked_after
from caseboard.indicators.example_data import in_care
from caseboard.indicators.framework import Example, Indicator
from caseboard.indicators.schedules import dental
from caseboard.indicators.sql import add_months

D = dt.date
AT = D(2025, 3, 31)
FAMILY = "Looked after: health and education"
#: SDQ total difficulties bands: 0-13 normal, 14-16 borderline, 17-40 cause for concern (rulebook 5.2.5, D/V).
SDQ_CONCERN = 17
SDQ_MIN_AGE, SDQ_MAX_AGE = 4, 17  # aged 4 to 16 (903 rules 180, 186)


def _dental(q: Q) -> str:
    settled = add_months(q.at, -q.settings.dental_check_months)
    return f"""
    SELECT child_id, on_time_until >= {q.at} AS in_numerator, record_start, clock_start AS last_done, due_date
    FROM ({dental(q, current=True)}) s
    WHERE done_date IS NULL AND record_end IS NULL AND record_start <= {settled}"""


def _check(child: str, date: str) -> dict[str, str]:
    return {"child_id": child, "assessment_date": date, "kind": "dental"}


DENTAL = Indicator(
    code="lac_dental_12m", title="Looked-after children with a dental check in the last 12 months", family=FAMILY,
    unit="%", higher_is_better=True, kind="as_at",
    population="Children looked after at the date who have been looked after for at least 12 months (setting "
               "dental_check_months).",
    numerator="Those whose next dental check is not overdue: a check within the last 12 months (one in the 12 "
              "months before care began counts for the first).",
    denominator="Children looked after for at least 12 months at the date.",
    source="CPPCR 2010 (SI 2010/959) Sch 1 para 1 (health plan includes dental care); DfE OC2 TEETH_CHECK (teeth "
           "checked by a dentist in the year; 903 rule 182); rulebook 5.2.3 (K: interval)",
    units_sql=_dental, requires=("lac_episodes",), schedule="dental", settings_used=("dental_check_months",),
    target=85, green=85, amber=70,
    examples=(
        Example("A check on 31 March 2024 is 12 months old on 31 March 2025 and still in time; one on 30 March 2024 "
                "is overdue.",
                {"lac_episodes": in_care("A", "2023-01-01") + in_care("B", "2023-01-01"),
                 "health_assessments": [_check("A", "2024-03-31"), _check("B", "2024-03-30")]},
                as_at=AT, numerator=1, denominator=2),
        Example("Children in care for under 12 months are not yet in the cohort; C, in care since 1 February 2024 "
                "with no check, is overdue.",
                {"lac_episodes": in_care("A", "2024-06-01") + in_care("C", "2024-02-01"),
                 "health_assessments": [_check("A", "2024-07-01")]},
                as_at=AT, numerator=0, denominator=1),
        Example("A health assessment is not a dental check: E, in care since June 2023, has only had a health "
                "review and is overdue; D's check in June 2024 is in time.",
                {"lac_episodes": in_care("D", "2023-06-01") + in_care("E", "2023-06-01"),
                 "health_assessments": [_check("D", "2024-06-01"),
                                        {"child_id": "E", "assessment_date": "2024-12-01", "kind": "review"}]},
                as_at=D(2025, 1, 15), numerator=1, denominator=2),
    ),
)


def _sdq(q: Q) -> str:
    return f"""
    SELECT la.child_id, s.score >= {SDQ_CONCERN} AS in_numerator, s.score, s.assessment_date
    FROM ({looked_after(q)}) la
    JOIN (
      SELECT child_id, score, assessment_date,
             ROW_NUMBER() OVER (PARTITION BY child_id ORDER BY assessment_date DESC) AS rn
      FROM sdq_assessments
      WHERE score IS NOT NULL AND assessment_date <= {q.at} AND assessment_date > {add_months(q.at, -12)}
    ) s ON s.child_id = la.child_id AND s.rn = 1
    WHERE la.period_start <= {add_months(q.at, -12)} AND la.dob IS NOT NULL
      AND CAST(la.dob + INTERVAL {SDQ_MIN_AGE} YEAR AS DATE) <= {q.at}
      AND CAST(la.dob + INTERVAL {SDQ_MAX_AGE} YEAR AS DATE) > {q.at}"""


def _sdq_row(child: str, date: str, score: int) -> dict[str, str]:
    return {"child_id": child, "assessment_date": date, "score": str(score)}


SDQ = Indicator(
    code="lac_sdq_concern", title="Looked-after children whose SDQ score is a cause for concern", family=FAMILY,
    unit="%", higher_is_better=False, kind="as_at",
    population="Children looked after at the date for at least 12 months, aged 4 to 16, with an SDQ total "
               "difficulties score in the 12 months to the date (the latest counts).",
    numerator="Those whose latest score is 17 or more (cause for concern).",
    denominator="Children in the cohort with a score.",
    source="DfE Children looked after in England: SDQ scores of children looked after continuously for 12 months "
           "aged 4-16 (903 OC2 SDQ_SCORE, rules 180, 186); bands 0-13 normal, 14-16 borderline, 17-40 cause for "
           "concern; rulebook 5.2.5",
    units_sql=_sdq, requires=("lac_episodes", "sdq_assessments"), target=35, green=35, amber=40,
    examples=(
        Example("Scores of 17 and 16: one cause for concern, one borderline.",
                {"children": [{"child_id": c, "dob": "2014-01-01"} for c in "AB"],
                 "lac_episodes": in_care("A", "2023-01-01") + in_care("B", "2023-01-01"),
                 "sdq_assessments": [_sdq_row("A", "2024-10-01", 17), _sdq_row("B", "2024-10-01", 16)]},
                as_at=AT, numerator=1, denominator=2),
        Example("The latest score counts (A improved to 12); a score more than 12 months old is not a score now "
                "(B); a child in care under 12 months is not in the cohort (C).",
                {"children": [{"child_id": c, "dob": "2014-01-01"} for c in "ABC"],
                 "lac_episodes": in_care("A", "2023-01-01") + in_care("B", "2023-01-01")
                 + in_care("C", "2024-06-01"),
                 "sdq_assessments": [_sdq_row("A", "2024-05-01", 25), _sdq_row("A", "2025-02-01", 12),
                                     _sdq_row("B", "2024-03-30", 30), _sdq_row("C", "2024-10-01", 30)]},
                as_at=AT, numerator=0, denominator=1),
        Example("Aged 4 to 16 only: D is 3, E turned 17 on the date, F is 16.",
                {"children": [{"child_id": "D", "dob": "2021-06-01"}, {"child_id": "E", "dob": "2008-03-31"},
                              {"child_id": "F", "dob": "2008-04-01"}],
                 "lac_episodes": in_care("D", "2023-01-01") + in_care("E", "2023-01-01")
                 + in_care("F", "2023-01-01"),
                 "sdq_assessments": [_sdq_row(c, "2024-10-01", 20) for c in "DEF"]},
                as_at=AT, numerator=1, denominator=1),
    ),
)

INDICATORS = (DENTAL, SDQ)
