"""Child protection activity: enquiries, plans started, long plans ending, children seen alone (rulebook §3).

Counts are context measures (no target); targets and RAG thresholds on the percentages are local defaults.
"""

from __future__ import annotations

import datetime as dt

from caseboard.indicators.derived import Q
from caseboard.indicators.framework import Example, Indicator
from caseboard.indicators.measures import events_in_period
from caseboard.indicators.sql import add_months

D = dt.date
YEAR_2025 = (D(2024, 4, 1), D(2025, 3, 31))
FAMILY = "Child protection"
CIN_STATS = "DfE Characteristics of children in need"


S47 = Indicator(
    code="s47_enquiries", title="Section 47 enquiries started", family=FAMILY, unit="count",
    higher_is_better=False, kind="period",
    population="Section 47 enquiries, dated by the strategy discussion that started them (CIN S47ActualStartDate).",
    numerator="Enquiries started in the period.", denominator="Enquiries started in the period.",
    source=f"Children Act 1989 s47; {CIN_STATS}: section 47 enquiries started in the year; rulebook 3.2",
    units_sql=lambda q: events_in_period("s47_enquiries", q, "start_date"), requires=("s47_enquiries",),
    attribution="event",
    examples=(
        Example("Enquiries started on 1 April 2024 and 31 March 2025 are in the year; one on 31 March 2024 is not.",
                {"s47_enquiries": [{"child_id": "A", "start_date": "2024-03-31"},
                                   {"child_id": "B", "start_date": "2024-04-01"},
                                   {"child_id": "C", "start_date": "2025-03-31"}]},
                as_at=D(2025, 3, 31), period=YEAR_2025, numerator=2, denominator=2),
        Example("Enquiries are counted, not children: two for one child are two, whether or not a conference "
                "followed.",
                {"s47_enquiries": [{"child_id": "A", "start_date": "2024-05-01", "icpc_not_required": "true"},
                                   {"child_id": "A", "start_date": "2024-10-01", "icpc_date": "2024-10-20"}]},
                as_at=D(2025, 3, 31), period=YEAR_2025, numerator=2, denominator=2),
        Example("An enquiry after the period is not in it.",
                {"s47_enquiries": [{"child_id": "A", "start_date": "2025-04-01"}]},
                as_at=D(2025, 3, 31), period=YEAR_2025, numerator=0, denominator=0),
    ),
)


PLANS_STARTED = Indicator(
    code="cp_plans_started", title="Child protection plans started", family=FAMILY, unit="count",
    higher_is_better=False, kind="period",
    population="Child protection plans (CIN CPPstartDate).",
    numerator="Plans starting in the period (a child starting two plans counts twice).",
    denominator="Plans starting in the period.",
    source=f"{CIN_STATS}: child protection plans starting during the year (CIN census CPPstartDate); rulebook 3.8",
    units_sql=lambda q: events_in_period("cp_plans", q, "start_date"), requires=("cp_plans",),
    attribution="event",
    examples=(
        Example("Plans started on 1 April 2024 and 31 March 2025 are in the year; one started the day before is "
                "not, though still open.",
                {"cp_plans": [{"child_id": "A", "start_date": "2024-03-31"},
                              {"child_id": "B", "start_date": "2024-04-01"},
                              {"child_id": "C", "start_date": "2025-03-31"}]},
                as_at=D(2025, 3, 31), period=YEAR_2025, numerator=2, denominator=2),
        Example("A child who starts two plans in the year is two plans started.",
                {"cp_plans": [{"child_id": "A", "start_date": "2024-05-01", "end_date": "2024-08-01"},
                              {"child_id": "A", "start_date": "2024-12-01"}]},
                as_at=D(2025, 3, 31), period=YEAR_2025, numerator=2, denominator=2),
        Example("A plan started after the date is not yet known on it.",
                {"cp_plans": [{"child_id": "A", "start_date": "2025-04-02"}]},
                as_at=D(2025, 3, 31), period=YEAR_2025, numerator=0, denominator=0),
    ),
)


def _ended_2_years(q: Q) -> str:
    return f"""
    SELECT child_id, end_date >= {add_months('start_date', 24)} AS in_numerator, start_date, end_date,
           end_date AS event_date
    FROM cp_plans WHERE end_date >= {q.first} AND end_date <= {q.last}"""


ENDED_2_YEARS = Indicator(
    code="cp_ended_2yrs_plus", title="Child protection plans ending that lasted 2 years or more", family=FAMILY,
    unit="%", higher_is_better=False, kind="period",
    population="Child protection plans that ended in the period.",
    numerator="Those that had lasted two years or more (end on or after the start plus 24 calendar months).",
    denominator="Plans that ended in the period.",
    source=f"{CIN_STATS} table D7 (former NI 64): plans ending during the year by duration, '2 years or more'; "
           "rulebook 3.7",
    units_sql=_ended_2_years, requires=("cp_plans",), attribution="event", target=4, green=4, amber=6,
    examples=(
        Example("A plan from 1 June 2022 ending 1 June 2024 lasted two years; one ending 31 May 2024 did not.",
                {"cp_plans": [{"child_id": "A", "start_date": "2022-06-01", "end_date": "2024-06-01"},
                              {"child_id": "B", "start_date": "2022-06-01", "end_date": "2024-05-31"}]},
                as_at=D(2025, 3, 31), period=YEAR_2025, numerator=1, denominator=2),
        Example("Open plans are not counted, however long, nor plans that ended before the period.",
                {"cp_plans": [{"child_id": "A", "start_date": "2020-01-01"},
                              {"child_id": "B", "start_date": "2020-01-01", "end_date": "2024-03-31"},
                              {"child_id": "C", "start_date": "2024-05-01", "end_date": "2024-11-01"}]},
                as_at=D(2025, 3, 31), period=YEAR_2025, numerator=0, denominator=1),
        Example("A plan started on 29 February 2020 has lasted two years on 28 February 2022; an end recorded "
                "after the date is not yet known.",
                {"cp_plans": [{"child_id": "A", "start_date": "2020-02-29", "end_date": "2022-02-28"},
                              {"child_id": "B", "start_date": "2021-01-01", "end_date": "2022-04-02"}]},
                as_at=D(2022, 3, 31), period=(D(2021, 4, 1), D(2022, 3, 31)), numerator=1, denominator=1),
    ),
)


def seen_alone(q: Q, kind: str) -> str:
    """Visits of ``kind`` in the period with the child seen, by children old enough (``Settings.
    seen_alone_min_age`` at the visit); in the numerator when the child was seen alone. Shared by the CP and
    looked-after measures so the two cannot drift apart."""
    return f"""
    SELECT v.child_id, COALESCE(v.seen_alone, FALSE) AS in_numerator, v.visit_date AS event_date
    FROM visits v JOIN children c ON c.child_id = v.child_id
    WHERE v.kind = '{kind}' AND v.seen IS DISTINCT FROM FALSE AND v.visit_date >= {q.first}
      AND v.visit_date <= {q.last} AND c.dob IS NOT NULL
      AND v.visit_date >= CAST(c.dob + INTERVAL {q.settings.seen_alone_min_age} YEAR AS DATE)"""


def seen_alone_examples(kind: str) -> tuple[Example, ...]:
    """The worked examples of a seen-alone measure for visits of ``kind`` (the visit's kind places it; the plan
    or care it belongs to is not needed)."""
    def visit(child: str, date: str, **more: str) -> dict[str, str]:
        return {"child_id": child, "visit_date": date, "kind": kind, **more}

    kids = [{"child_id": c, "dob": "2015-01-01"} for c in "ABC"]
    return (
        Example("Of three visits with the child seen, two were alone; a visit where the child was not seen is not "
                "counted.",
                {"children": kids,
                 "visits": [visit("A", "2024-06-03", seen="true", seen_alone="true"),
                            visit("B", "2024-06-03", seen="true", seen_alone="true"),
                            visit("C", "2024-06-03", seen="true", seen_alone="false"),
                            visit("C", "2024-07-03", seen="false")]},
                as_at=D(2025, 3, 31), period=YEAR_2025, numerator=2, denominator=3),
        Example("Children under 4 at the visit (setting) are left out: D turned 4 on 10 June 2024, so only the visit "
                "of that day counts; no date of birth, no age.",
                {"children": [{"child_id": "D", "dob": "2020-06-10"}, {"child_id": "E"}],
                 "visits": [visit("D", "2024-06-09", seen="true", seen_alone="true"),
                            visit("D", "2024-06-10", seen="true", seen_alone="true"),
                            visit("E", "2024-06-10", seen="true", seen_alone="true")]},
                as_at=D(2025, 3, 31), period=YEAR_2025, numerator=1, denominator=1),
        Example("Seen alone not recorded is not seen alone; visits outside the period are not counted.",
                {"children": kids,
                 "visits": [visit("A", "2024-06-03", seen="true"),
                            visit("B", "2024-03-31", seen="true", seen_alone="true"),
                            visit("C", "2025-04-01", seen="true", seen_alone="true")]},
                as_at=D(2025, 3, 31), period=YEAR_2025, numerator=0, denominator=1),
    )


CP_SEEN_ALONE = Indicator(
    code="cp_seen_alone", title="Child protection visits with the child seen alone", family=FAMILY, unit="%",
    higher_is_better=True, kind="period",
    population="Child protection visits in the period where the child was seen, for children aged 4 or over at "
               "the visit (setting seen_alone_min_age).",
    numerator="Visits where the child was seen alone.",
    denominator="Visits in the period with the child seen, by children of that age.",
    source="Working Together to Safeguard Children 2023, ch.3 (children seen alone on visits); Ofsted ILACS Annex "
           "A List 7 'Was the child seen alone?'; local age rule; rulebook 3.6 (K)",
    units_sql=lambda q: seen_alone(q, "cp"), requires=("visits",), attribution="event",
    settings_used=("seen_alone_min_age",), target=80, green=80, amber=65,
    examples=seen_alone_examples("cp"),
)

INDICATORS = (S47, PLANS_STARTED, ENDED_2_YEARS, CP_SEEN_ALONE)
