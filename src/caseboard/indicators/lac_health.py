"""Looked-after children's health and education: initial health assessments, health reviews, PEPs (rulebook §5.2).

Short breaks are left out (rulebook §0). Targets and RAG thresholds are local defaults, not national targets.
"""

from __future__ import annotations

import datetime as dt

from caseboard.indicators.derived import Q
from caseboard.indicators.example_data import in_care
from caseboard.indicators.framework import Example, Indicator
from caseboard.indicators.measures import due_in_period, not_overdue
from caseboard.indicators.schedules import health, peps

D = dt.date
YEAR_2025 = (D(2024, 4, 1), D(2025, 3, 31))
FAMILY = "Looked after: health and education"
CPPCR = "Care Planning, Placement and Case Review (England) Regulations 2010 (SI 2010/959)"


def _iha(q: Q) -> str:
    return due_in_period(health(q, due_from=q.start), q,
                         where="seq = 1 AND (record_end IS NULL OR record_end > due_date)")


IHA = Indicator(
    code="lac_initial_health_20wd", title="Initial health assessments within 20 working days", family=FAMILY,
    unit="%", higher_is_better=True, kind="period",
    population="Periods of care whose initial health assessment fell due in the period (20 working days after the "
               "start), except those that ended by then.",
    numerator="Those with a health assessment by the 20th working day (one in the 3 months before the period "
              "began counts).",
    denominator="Initial health assessments due in the period.",
    source=f"{CPPCR} reg 7 (before the first placement or the first review); Promoting the health and wellbeing "
           "of looked-after children (2015, updated 2022); rulebook 5.2.1",
    units_sql=_iha, requires=("lac_episodes", "health_assessments"), attribution="event", schedule="health",
    target=80, green=80, amber=60,
    examples=(
        Example("From Friday 20 December 2024 the 20th working day is 22 January 2025: assessed then is on time, "
                "on 23 January late.",
                {"lac_episodes": in_care("A", "2024-12-20") + in_care("B", "2024-12-20"),
                 "health_assessments": [{"child_id": "A", "assessment_date": "2025-01-22", "kind": "initial"},
                                        {"child_id": "B", "assessment_date": "2025-01-23", "kind": "initial"}]},
                as_at=D(2025, 3, 31), period=YEAR_2025, numerator=1, denominator=2),
        Example("An assessment in the 3 months before care began counts (C, 10 April for 3 June); one 4 months "
                "before does not, and D had none after.",
                {"lac_episodes": in_care("C", "2024-06-03") + in_care("D", "2024-06-03"),
                 "health_assessments": [{"child_id": "C", "assessment_date": "2024-04-10", "kind": "review"},
                                        {"child_id": "D", "assessment_date": "2024-02-01", "kind": "review"}]},
                as_at=D(2025, 3, 31), period=YEAR_2025, numerator=1, denominator=2),
        Example("Short breaks and a period that ended within 20 working days are left out; G was assessed on "
                "2 July, a day after the 20th working day (1 July).",
                {"lac_episodes": in_care("E", "2024-06-03", ls="V3")
                 + in_care("F", "2024-06-03", ceased=("2024-06-21", "E13")) + in_care("G", "2024-06-03"),
                 "health_assessments": [{"child_id": "G", "assessment_date": "2024-07-02", "kind": "initial"}]},
                as_at=D(2025, 3, 31), period=YEAR_2025, numerator=0, denominator=1),
    ),
)


HEALTH_UP_TO_DATE = Indicator(
    code="lac_health_up_to_date", title="Looked-after children with health assessments up to date", family=FAMILY,
    unit="%", higher_is_better=True, kind="as_at",
    population="Children looked after at the date.",
    numerator="Those whose next health assessment is not overdue: the initial one within 20 working days, then "
              "reviews 6-monthly before the fifth birthday and yearly after.",
    denominator="Children looked after at the date.",
    source=f"{CPPCR} reg 7 (review at least once every 6 months before the fifth birthday, every 12 months "
           "after); rulebook 5.2.2",
    units_sql=lambda q: not_overdue(health(q, current=True), q), requires=("lac_episodes", "health_assessments"),
    schedule="health", target=90, green=90, amber=80,
    examples=(
        Example("A three-year-old reviewed 15 August 2024 was due again on 15 February 2025 (6 months); a "
                "ten-year-old reviewed the same day is due on 15 August 2025 (12 months).",
                {"children": [{"child_id": "A", "dob": "2022-01-15"}, {"child_id": "B", "dob": "2015-01-15"}],
                 "lac_episodes": in_care("A", "2023-01-01") + in_care("B", "2023-01-01"),
                 "health_assessments": [{"child_id": c, "assessment_date": d, "kind": k} for c in ("A", "B")
                                        for d, k in (("2023-01-20", "initial"), ("2024-08-15", "review"))]},
                as_at=D(2025, 3, 31), numerator=1, denominator=2),
        Example("Born 29 February 2020, C turns five on 28 February 2025, before six months from 1 September 2024 "
                "run out (1 March), so the yearly rule applies; D, five on 2 March, was due on 1 March.",
                {"children": [{"child_id": "C", "dob": "2020-02-29"}, {"child_id": "D", "dob": "2020-03-02"}],
                 "lac_episodes": in_care("C", "2023-01-01") + in_care("D", "2023-01-01"),
                 "health_assessments": [{"child_id": c, "assessment_date": d, "kind": k} for c in ("C", "D")
                                        for d, k in (("2023-01-20", "initial"), ("2024-09-01", "review"))]},
                as_at=D(2025, 3, 31), numerator=1, denominator=2),
        Example("A child in care since 20 March is not yet due an initial assessment; one in care since 20 January "
                "is overdue (a dental check is not a health assessment).",
                {"lac_episodes": in_care("E", "2025-03-20") + in_care("F", "2025-01-20"),
                 "health_assessments": [{"child_id": "F", "assessment_date": "2025-02-01", "kind": "dental"}]},
                as_at=D(2025, 3, 31), numerator=1, denominator=2),
    ),
)


def _pep_current(q: Q) -> str:
    return f"""
    SELECT child_id, done_date IS NOT NULL AS in_numerator, clock_start AS term_start, done_date AS pep_date
    FROM ({peps(q, current=True)}) p
    WHERE record_end IS NULL"""


PEP_CURRENT = Indicator(
    code="lac_pep_current", title="Looked-after children with a PEP this term", family=FAMILY, unit="%",
    higher_is_better=True, kind="as_at",
    population="Children looked after at the date and of school age at the start of the current term (the term "
               "containing the date, or in a holiday the term just ended).",
    numerator="Those with a personal education plan dated in the current term.",
    denominator="School-age children looked after at the date.",
    source=f"{CPPCR} reg 5(b)(ii) and Sch 1 para 2 (PEP part of the care plan); Promoting the education of "
           "looked-after and previously looked-after children (2018); termly review: rulebook 5.2.4 (K)",
    units_sql=_pep_current, requires=("lac_episodes", "peps"), schedule="pep", target=95, green=95, amber=85,
    settings_used=("pep_min_age", "pep_max_age", "calendar"),
    examples=(
        Example("On 20 May 2025 the summer term (from 15 April by default) is current: A's PEP of 1 May is in it, "
                "B's of 20 March belongs to the spring term.",
                {"children": [{"child_id": c, "dob": "2015-01-01"} for c in ("A", "B")],
                 "lac_episodes": in_care("A", "2024-01-01") + in_care("B", "2024-01-01"),
                 "peps": [{"child_id": "A", "pep_date": "2025-05-01"}, {"child_id": "B", "pep_date": "2025-03-20"}]},
                as_at=D(2025, 5, 20), numerator=1, denominator=2),
        Example("Only children of school age at the term's start count (5 to 15 by default): C (4) and D (16) are "
                "left out.",
                {"children": [{"child_id": "C", "dob": "2021-01-01"}, {"child_id": "D", "dob": "2009-01-01"},
                              {"child_id": "E", "dob": "2012-06-01"}],
                 "lac_episodes": in_care("C", "2024-01-01") + in_care("D", "2024-01-01") + in_care("E", "2024-01-01"),
                 "peps": [{"child_id": "E", "pep_date": "2025-04-20"}]},
                as_at=D(2025, 5, 20), numerator=1, denominator=1),
        Example("In the summer holiday the summer term is still the current one; G left care in June.",
                {"children": [{"child_id": "F", "dob": "2014-01-01"}, {"child_id": "G", "dob": "2014-01-01"}],
                 "lac_episodes": in_care("F", "2024-01-01") + in_care("G", "2024-01-01", ceased=("2025-06-30", "E13")),
                 "peps": [{"child_id": "F", "pep_date": "2025-07-01"}]},
                as_at=D(2025, 8, 15), numerator=1, denominator=1),
    ),
)

INDICATORS = (IHA, HEALTH_UP_TO_DATE, PEP_CURRENT)
