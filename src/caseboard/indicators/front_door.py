"""The front door: contacts, decisions on them, referral rates and outcomes, children seen in assessments
(rulebook §1, §2).

Targets and RAG thresholds are local defaults, not national targets: set your own.
"""

from __future__ import annotations

import datetime as dt

from caseboard.indicators.derived import Q
from caseboard.indicators.framework import Example, Indicator
from caseboard.indicators.measures import events_in_period
from caseboard.indicators.schedules import contact_decisions

D = dt.date
YEAR_2025 = (D(2024, 4, 1), D(2025, 3, 31))
FAMILY = "Front door"
WT = "Working Together to Safeguard Children 2023, ch.3"


CONTACTS = Indicator(
    code="contacts", title="Contacts", family=FAMILY, unit="count", higher_is_better=False, kind="period",
    population="Contacts received by the front door (Annex A List 1), whatever their outcome.",
    numerator="Contacts dated in the period.", denominator="Contacts dated in the period.",
    source="Ofsted ILACS Annex A List 1 (contacts: date of contact, source); rulebook 1.1, §10",
    units_sql=lambda q: events_in_period("contacts", q, "contact_date"), requires=("contacts",),
    attribution="event",
    examples=(
        Example("Contacts on 1 April 2024 and 31 March 2025 are in the year; one on 31 March 2024 is not.",
                {"contacts": [{"child_id": "A", "contact_date": "2024-03-31"},
                              {"child_id": "B", "contact_date": "2024-04-01"},
                              {"child_id": "C", "contact_date": "2025-03-31"}]},
                as_at=D(2025, 3, 31), period=YEAR_2025, numerator=2, denominator=2),
        Example("Every contact counts, the same child's second contact and one that led nowhere included.",
                {"contacts": [{"child_id": "A", "contact_date": "2024-05-01", "outcome": "nfa"},
                              {"child_id": "A", "contact_date": "2024-06-01", "outcome": "referral"}]},
                as_at=D(2025, 3, 31), period=YEAR_2025, numerator=2, denominator=2),
        Example("A year without contacts counts 0.",
                {"contacts": [{"child_id": "A", "contact_date": "2025-04-01"}]},
                as_at=D(2025, 3, 31), period=YEAR_2025, numerator=0, denominator=0),
    ),
)


def _referrals(q: Q) -> str:
    return events_in_period("referrals", q, "referral_date")


REFERRAL_RATE = Indicator(
    code="referral_rate_per_10k", title="Referrals per 10,000 children", family=FAMILY, unit="rate_per_10k",
    higher_is_better=False, kind="period",
    population="Referrals dated in the period, against the ONS mid-year estimate of children aged 0-17.",
    numerator="Referrals dated in the period (NFA referrals included).",
    denominator="Children aged 0-17 (setting population_0_17).",
    source="DfE Children in need statistics: referrals, rate per 10,000 children aged under 18 (ONS mid-year "
           "estimates); rulebook 1.2, §9",
    units_sql=_referrals, requires=("referrals",), attribution="event", settings_used=("population_0_17",),
    notes="The rate is of the period asked for (by default the reporting year to date), not annualised: compare "
          "it with the DfE's yearly rates at 31 March.",
    examples=(
        Example("Five referrals in a population of 10,000 children is 5.0 per 10,000.",
                {"referrals": [{"child_id": c, "referral_date": "2024-06-01"} for c in "ABCDE"]},
                as_at=D(2025, 3, 31), period=YEAR_2025, numerator=5, denominator=10_000,
                settings={"population_0_17": 10_000}),
        Example("Referrals are counted, not children: the same child twice is two referrals.",
                {"referrals": [{"child_id": "A", "referral_date": "2024-06-01", "nfa": "true",
                                "closure_date": "2024-06-01"},
                               {"child_id": "A", "referral_date": "2024-09-01"}]},
                as_at=D(2025, 3, 31), period=YEAR_2025, numerator=2, denominator=10_000,
                settings={"population_0_17": 10_000}),
        Example("With the default population (172,000), one referral in the year and one before it.",
                {"referrals": [{"child_id": "A", "referral_date": "2024-03-31"},
                               {"child_id": "B", "referral_date": "2024-04-01"}]},
                as_at=D(2025, 3, 31), period=YEAR_2025, numerator=1, denominator=172_000),
    ),
)


def _decisions(q: Q) -> str:
    return f"""
    SELECT child_id, done_date <= on_time_until AS in_numerator, record_start AS contact_date, due_date, done_date,
           record_start AS event_date
    FROM ({contact_decisions(q)}) s
    WHERE record_start >= {q.first} AND record_start <= {q.last} AND done_date IS NOT NULL"""


DECISION_1WD = Indicator(
    code="referral_decision_within_1wd", title="Contacts decided within one working day", family=FAMILY, unit="%",
    higher_is_better=True, kind="period",
    population="Contacts received in the period with a decision on next steps recorded by the end of it.",
    numerator="Those decided within one working day (the working day after the contact; a contact at the "
              "weekend counts from the next working day).",
    denominator="Contacts received in the period with a decision recorded (undecided ones are on the worklist).",
    source=f"{WT}: decision about next steps within one working day of a referral being received; a local KPI, "
           "not a DfE statistic; rulebook 1.1",
    units_sql=_decisions, requires=("contacts",), attribution="event", schedule="contact_decision",
    settings_used=("contact_decision_working_days",), target=95, green=95, amber=85,
    examples=(
        Example("A contact on Friday 28 March 2025 decided on Monday 31 March is within one working day; one "
                "on Thursday 27 March decided on the Monday is not.",
                {"contacts": [{"child_id": "A", "contact_date": "2025-03-28", "decision_date": "2025-03-31"},
                              {"child_id": "B", "contact_date": "2025-03-27", "decision_date": "2025-03-31"}]},
                as_at=D(2025, 3, 31), period=YEAR_2025, numerator=1, denominator=2),
        Example("Saturday 1 June 2024's contacts: decided Monday is the first working day, on time; decided Tuesday "
                "is late. Good Friday and Easter Monday are no working days, so a contact on Thursday 17 April 2025 "
                "decided on Tuesday 22 April is on time.",
                {"contacts": [{"child_id": "A", "contact_date": "2024-06-01", "decision_date": "2024-06-03"},
                              {"child_id": "C", "contact_date": "2024-06-01", "decision_date": "2024-06-04"},
                              {"child_id": "B", "contact_date": "2025-04-17", "decision_date": "2025-04-22"}]},
                as_at=D(2026, 3, 31), period=(D(2024, 4, 1), D(2026, 3, 31)), numerator=2, denominator=3),
        Example("An undecided contact, a decision recorded after the date and an outcome with no decision date are "
                "not timed; only D's same-day decision is.",
                {"contacts": [{"child_id": "A", "contact_date": "2025-03-20"},
                              {"child_id": "B", "contact_date": "2025-03-28", "decision_date": "2025-04-01"},
                              {"child_id": "C", "contact_date": "2025-03-10", "outcome": "advice"},
                              {"child_id": "D", "contact_date": "2025-03-10", "decision_date": "2025-03-10"}]},
                as_at=D(2025, 3, 31), period=YEAR_2025, numerator=1, denominator=1),
    ),
)


def _nfa(q: Q) -> str:
    return f"""
    SELECT child_id, COALESCE(nfa, FALSE) AS in_numerator, referral_date AS event_date FROM referrals
    WHERE referral_date >= {q.first} AND referral_date <= {q.last}"""


REFERRALS_NFA = Indicator(
    code="referrals_nfa", title="Referrals ending in no further action", family=FAMILY, unit="%",
    higher_is_better=False, kind="period",
    population="Referrals dated in the period.",
    numerator="Those that resulted in no further action (CIN ReferralNFA true).",
    denominator="Referrals dated in the period.",
    source="DfE Children in need statistics: referrals with no further action (CIN census ReferralNFA); "
           "rulebook 1.2",
    units_sql=_nfa, requires=("referrals",), attribution="event",
    examples=(
        Example("One of two referrals in the year was NFA.",
                {"referrals": [{"child_id": "A", "referral_date": "2024-05-01", "nfa": "true",
                                "closure_date": "2024-05-01"},
                               {"child_id": "B", "referral_date": "2024-06-01"}]},
                as_at=D(2025, 3, 31), period=YEAR_2025, numerator=1, denominator=2),
        Example("NFA not recorded is not NFA; an NFA referral before the year is not counted.",
                {"referrals": [{"child_id": "A", "referral_date": "2024-03-01", "nfa": "true",
                                "closure_date": "2024-03-01"},
                               {"child_id": "B", "referral_date": "2024-07-01", "nfa": "false"},
                               {"child_id": "C", "referral_date": "2024-08-01"}]},
                as_at=D(2025, 3, 31), period=YEAR_2025, numerator=0, denominator=2),
        Example("Each referral counts: the same child's two NFA referrals are two.",
                {"referrals": [{"child_id": "A", "referral_date": d, "nfa": "true", "closure_date": d}
                               for d in ("2024-05-01", "2024-11-01")]},
                as_at=D(2025, 3, 31), period=YEAR_2025, numerator=2, denominator=2),
    ),
)


def _child_seen(q: Q) -> str:
    return f"""
    SELECT child_id, COALESCE(child_seen, FALSE)
             OR COALESCE(child_seen_date >= start_date AND child_seen_date <= authorised_date, FALSE) AS in_numerator,
           start_date, child_seen_date, authorised_date AS event_date
    FROM assessments WHERE authorised_date >= {q.first} AND authorised_date <= {q.last}"""


CHILD_SEEN = Indicator(
    code="assessment_child_seen", title="Assessments in which the child was seen", family=FAMILY, unit="%",
    higher_is_better=True, kind="period",
    population="Child and family assessments authorised in the period.",
    numerator="Those in which the child was seen: recorded as seen, or a date seen between the assessment's "
              "start and its authorisation.",
    denominator="Assessments authorised in the period.",
    source=f"{WT} (the child seen and spoken to in every assessment); Ofsted ILACS Annex A List 4 'Child seen "
           "during continuous assessment'; rulebook 2.1, §10",
    units_sql=_child_seen, requires=("assessments",), attribution="event", target=98, green=98, amber=90,
    examples=(
        Example("A recorded as seen, B recorded as not seen: one of two.",
                {"assessments": [{"child_id": "A", "start_date": "2024-06-03", "authorised_date": "2024-07-01",
                                  "child_seen": "true"},
                                 {"child_id": "B", "start_date": "2024-06-03", "authorised_date": "2024-07-01",
                                  "child_seen": "false"}]},
                as_at=D(2025, 3, 31), period=YEAR_2025, numerator=1, denominator=2),
        Example("A date seen during the assessment counts; a date before it started does not, and nothing "
                "recorded is not seen.",
                {"assessments": [{"child_id": "A", "start_date": "2024-06-03", "authorised_date": "2024-07-01",
                                  "child_seen_date": "2024-06-10"},
                                 {"child_id": "B", "start_date": "2024-06-03", "authorised_date": "2024-07-01",
                                  "child_seen_date": "2024-05-20"},
                                 {"child_id": "C", "start_date": "2024-06-03", "authorised_date": "2024-07-01"}]},
                as_at=D(2025, 3, 31), period=YEAR_2025, numerator=1, denominator=3),
        Example("Only assessments authorised in the period count: one still open and one authorised after it are "
                "left out.",
                {"assessments": [{"child_id": "A", "start_date": "2025-03-03", "child_seen": "true"},
                                 {"child_id": "B", "start_date": "2025-03-03", "authorised_date": "2025-04-02",
                                  "child_seen": "true"},
                                 {"child_id": "C", "start_date": "2025-01-06", "authorised_date": "2025-02-06",
                                  "child_seen": "true"}]},
                as_at=D(2025, 3, 31), period=YEAR_2025, numerator=1, denominator=1),
    ),
)

INDICATORS = (CONTACTS, REFERRAL_RATE, DECISION_1WD, REFERRALS_NFA, CHILD_SEEN)
