"""Children in need: referrals, re-referrals, assessments, open CIN episodes (rulebook §1, §2).

Targets and RAG thresholds are local defaults near recent England averages, not national targets: set your own.
"""

from __future__ import annotations

import datetime as dt

from caseboard.indicators.derived import Q
from caseboard.indicators.framework import Example, Indicator
from caseboard.indicators.measures import children_open, done_in_period, events_in_period
from caseboard.indicators.schedules import assessments
from caseboard.indicators.sql import add_months

D = dt.date
YEAR_2025 = (D(2024, 4, 1), D(2025, 3, 31))
YEAR_2026 = (D(2025, 4, 1), D(2026, 3, 31))
FAMILY = "Children in need"


def _referrals(q: Q) -> str:
    return events_in_period("referrals", q, "referral_date")


REFERRALS = Indicator(
    code="referrals", title="Referrals", family=FAMILY, unit="count", higher_is_better=False, kind="period",
    population="Referrals to children's social care (each opens a CIN episode), NFA referrals included.",
    numerator="Referrals dated in the period.", denominator="Referrals dated in the period.",
    source="DfE Children in need statistics, methodology: definition of a referral (CIN census CINreferralDate); "
           "rulebook 1.2",
    units_sql=_referrals, requires=("referrals",), attribution="event",
    examples=(
        Example("The reporting year runs 1 April to 31 March inclusive: the referral of 31 March 2024 belongs to "
                "the year before; those of 1 April 2024 and 31 March 2025 count.",
                {"referrals": [{"child_id": "A", "referral_date": "2024-03-31"},
                               {"child_id": "B", "referral_date": "2024-04-01"},
                               {"child_id": "C", "referral_date": "2025-03-31"}]},
                as_at=D(2025, 3, 31), period=YEAR_2025, numerator=2, denominator=2),
        Example("Every referral counts: the same child's second referral and a referral ending in no further "
                "action included.",
                {"referrals": [{"child_id": "A", "referral_date": "2024-05-01", "nfa": "true",
                                "closure_date": "2024-05-01"},
                               {"child_id": "A", "referral_date": "2024-09-01"},
                               {"child_id": "B", "referral_date": "2024-10-10"}]},
                as_at=D(2025, 3, 31), period=YEAR_2025, numerator=3, denominator=3),
        Example("A period without referrals counts 0, a number rather than a blank; 1 April 2025 is in the next "
                "year.",
                {"referrals": [{"child_id": "A", "referral_date": "2025-04-01"}]},
                as_at=D(2025, 3, 31), period=YEAR_2025, numerator=0, denominator=0),
    ),
)


def _rereferrals(q: Q) -> str:
    """The referral before each one (of the same child, NFA ones included unless the setting leaves them out) is
    the latest earlier one: a re-referral when it is within the window."""
    counts = "TRUE" if q.settings.rereferral_include_nfa else "NOT COALESCE(nfa, FALSE)"
    return f"""
    SELECT child_id, COALESCE(previous >= {add_months('referral_date', -q.settings.rereferral_months)}, FALSE)
             AS in_numerator, previous AS previous_referral, referral_date AS event_date
    FROM (
      SELECT child_id, referral_date,
             LAG(referral_date) OVER (PARTITION BY child_id ORDER BY referral_date) AS previous
      FROM referrals WHERE {counts}
    ) r
    WHERE referral_date >= {q.first} AND referral_date <= {q.last}"""


REREFERRALS = Indicator(
    code="rereferrals_within_12m", title="Re-referrals within 12 months", family=FAMILY, unit="%",
    higher_is_better=False, kind="period",
    population="Referrals in the period (NFA referrals on both sides unless the setting leaves them out).",
    numerator="Referrals of a child with an earlier referral in the 12 months before (on or after the same "
              "date twelve calendar months earlier).",
    denominator="Referrals in the period.",
    source="DfE Children in need statistics: 'a re-referral occurs when a child is referred within 12 months of "
           "a previous referral'; rulebook 1.3",
    units_sql=_rereferrals, requires=("referrals",), attribution="event", target=20, green=20, amber=25,
    settings_used=("rereferral_months", "rereferral_include_nfa"),
    examples=(
        Example("'Within 12 months' includes the date twelve calendar months before: 15 June 2023 then 15 June "
                "2024 is a re-referral; 14 June 2023 then 15 June 2024 is not.",
                {"referrals": [{"child_id": "A", "referral_date": "2023-06-15"},
                               {"child_id": "A", "referral_date": "2024-06-15"},
                               {"child_id": "B", "referral_date": "2023-06-14"},
                               {"child_id": "B", "referral_date": "2024-06-15"}]},
                as_at=D(2025, 3, 31), period=YEAR_2025, numerator=1, denominator=2),
        Example("The earlier referral may be in the previous year and may have ended in no further action.",
                {"referrals": [{"child_id": "C", "referral_date": "2024-02-01", "nfa": "true",
                                "closure_date": "2024-02-01"},
                               {"child_id": "C", "referral_date": "2024-05-01"},
                               {"child_id": "D", "referral_date": "2024-07-01"}]},
                as_at=D(2025, 3, 31), period=YEAR_2025, numerator=1, denominator=2),
        Example("With NFA referrals left out (setting), C's earlier NFA referral makes no re-referral; E's "
                "referral of 29 February 2024 is within 12 months of 28 February 2025.",
                {"referrals": [{"child_id": "C", "referral_date": "2024-02-29", "nfa": "true",
                                "closure_date": "2024-02-29"},
                               {"child_id": "C", "referral_date": "2025-02-28"},
                               {"child_id": "E", "referral_date": "2024-02-29"},
                               {"child_id": "E", "referral_date": "2025-02-28"}]},
                as_at=D(2025, 3, 31), period=YEAR_2025, numerator=1, denominator=2,
                settings={"rereferral_include_nfa": False}),
    ),
)


ASSESSMENTS_45 = Indicator(
    code="assessments_within_45wd", title="Assessments completed within 45 working days", family=FAMILY, unit="%",
    higher_is_better=True, kind="period",
    population="Child and family assessments authorised in the period.",
    numerator="Those authorised within 45 working days of their start (working days after the start day, up to "
              "and including the authorisation day).",
    denominator="Assessments authorised in the period.",
    source="Working Together to Safeguard Children 2023, ch.3: assessment to conclude within 45 working days; "
           "measured start to authorisation as DfE CIN table C2; rulebook 2.1",
    units_sql=lambda q: done_in_period(assessments(q), q), requires=("assessments",), attribution="event",
    schedule="assessment",
    target=85, green=85, amber=75,
    examples=(
        Example("From Friday 20 December 2024 the 45th working day is 26 February 2025 (Christmas Day, Boxing Day "
                "and New Year's Day are not working days): authorised that day is on time, a day later is not.",
                {"assessments": [{"child_id": "A", "start_date": "2024-12-20", "authorised_date": "2025-02-26"},
                                 {"child_id": "B", "start_date": "2024-12-20", "authorised_date": "2025-02-27"}]},
                as_at=D(2025, 3, 31), period=YEAR_2025, numerator=1, denominator=2),
        Example("A Saturday start counts from Monday, and Good Friday, Easter Monday and 5 May are skipped, so "
                "7 May 2025 is within 45 working days of 1 March; authorised the day it started is 0 days.",
                {"assessments": [{"child_id": "A", "start_date": "2025-03-01", "authorised_date": "2025-05-07"},
                                 {"child_id": "B", "start_date": "2025-05-06", "authorised_date": "2025-05-06"}]},
                as_at=D(2026, 3, 31), period=YEAR_2026, numerator=2, denominator=2),
        Example("Only assessments authorised in the period count: one authorised in April and one still open are "
                "left out; the one that took from 1 April to 1 July 2024 was late.",
                {"assessments": [{"child_id": "A", "start_date": "2024-04-01", "authorised_date": "2024-07-01"},
                                 {"child_id": "B", "start_date": "2025-03-01", "authorised_date": "2025-04-02"},
                                 {"child_id": "C", "start_date": "2025-01-06"}]},
                as_at=D(2025, 3, 31), period=YEAR_2025, numerator=0, denominator=1),
    ),
)


def _assessments_overdue(q: Q) -> str:
    return f"""
    SELECT child_id, on_time_until < {q.at} AS in_numerator, record_start AS start_date, due_date
    FROM ({assessments(q)}) a WHERE record_end IS NULL"""


ASSESSMENTS_OVERDUE = Indicator(
    code="assessments_overdue", title="Open assessments past 45 working days", family=FAMILY, unit="count",
    higher_is_better=False, kind="as_at",
    population="Assessments open at the date (not authorised, CIN episode not closed).",
    numerator="Open assessments whose 45th working day has passed (a working day has passed since the deadline).",
    denominator="Assessments open at the date.",
    source="Working Together to Safeguard Children 2023, ch.3 (45 working days); DfE CIN census query 8670Q; "
           "rulebook 2.1",
    units_sql=_assessments_overdue, requires=("assessments",), schedule="assessment",
    examples=(
        Example("An open assessment is overdue once its 45th working day has passed: on 26 February 2025 the one "
                "started 19 December 2024 (due 25 February) is, the one started 20 December (due that day) not.",
                {"assessments": [{"child_id": "A", "start_date": "2024-12-20"},
                                 {"child_id": "B", "start_date": "2024-12-19"}]},
                as_at=D(2025, 2, 26), numerator=1, denominator=2),
        Example("Due on Friday 14 March 2025 (45 working days from Friday 10 January): on Sunday 16 March no working "
                "day has passed since the deadline, so it is not yet overdue; the one due Thursday 13 March is.",
                {"assessments": [{"child_id": "A", "start_date": "2025-01-10"},
                                 {"child_id": "C", "start_date": "2025-01-09"}]},
                as_at=D(2025, 3, 16), numerator=1, denominator=2),
        Example("As at 31 March an authorisation dated 10 April is not yet known, so A is open and overdue; B's CIN "
                "episode closed without an authorisation, so nothing is due on it.",
                {"assessments": [{"child_id": "A", "start_date": "2024-12-20", "authorised_date": "2025-04-10"},
                                 {"child_id": "B", "start_date": "2024-12-20", "referral_date": "2024-12-20"}],
                 "referrals": [{"child_id": "B", "referral_date": "2024-12-20", "closure_date": "2025-03-01"}]},
                as_at=D(2025, 3, 31), numerator=1, denominator=1),
    ),
)


def _cin_open(q: Q) -> str:
    return children_open("referrals", q, "referral_date", "closure_date", where="NOT COALESCE(nfa, FALSE)")


CIN_OPEN = Indicator(
    code="cin_open", title="Children in need (open CIN episodes)", family=FAMILY, unit="count",
    higher_is_better=False, kind="as_at",
    population="Children with a CIN episode open at the date (referred on or before it, not closed by it; "
               "referrals ending in no further action left out).",
    numerator="Children with an open CIN episode (each child once).", denominator="The same children.",
    source="Children Act 1989 s17; DfE CIN census: children in need at the date (open CIN episode); rulebook 1.2, 12",
    units_sql=_cin_open, requires=("referrals",),
    examples=(
        Example("Open means referred on or before the date and not closed by it: a case closed on 31 March is not "
                "open on 31 March; one referred that day is.",
                {"referrals": [{"child_id": "A", "referral_date": "2024-06-01", "closure_date": "2025-03-31"},
                               {"child_id": "B", "referral_date": "2025-03-31"}]},
                as_at=D(2025, 3, 31), numerator=1, denominator=1),
        Example("A referral ending in no further action is not an open case; a closure recorded after the date "
                "is not yet known on it.",
                {"referrals": [{"child_id": "C", "referral_date": "2025-01-10", "nfa": "true"},
                               {"child_id": "D", "referral_date": "2024-11-01", "closure_date": "2025-04-15"}]},
                as_at=D(2025, 3, 31), numerator=1, denominator=1),
        Example("A child with two open CIN episodes is one child in need.",
                {"referrals": [{"child_id": "E", "referral_date": "2024-05-01"},
                               {"child_id": "E", "referral_date": "2024-09-01"}]},
                as_at=D(2025, 3, 31), numerator=1, denominator=1),
    ),
)

INDICATORS = (REFERRALS, REREFERRALS, ASSESSMENTS_45, ASSESSMENTS_OVERDUE, CIN_OPEN)
