"""Care leavers: pathway plans and keeping in touch (rulebook §6).

The population is the relevant and former relevant care leavers (setting ``pathway_plan_categories``) under 21
(setting ``care_leaver_max_age``) and not looked after at the date (``indicators.derived.care_leavers``).
"""

from __future__ import annotations

import datetime as dt

from caseboard.indicators.derived import Q, care_leavers
from caseboard.indicators.framework import Example, Indicator
from caseboard.indicators.measures import not_overdue
from caseboard.indicators.schedules import pathway_plans
from caseboard.indicators.sql import add_days

D = dt.date
FAMILY = "Care leavers"


def _leaver(child_id: str, eligibility: str) -> dict[str, str]:
    return {"child_id": child_id, "eligibility": eligibility}


PATHWAY = Indicator(
    code="pathway_plan_authorised_6m", title="Care leavers with a pathway plan reviewed in the last 6 months",
    family=FAMILY, unit="%", higher_is_better=True, kind="as_at",
    population="Relevant and former relevant care leavers under 21 at the date.",
    numerator="Those whose pathway plan was authorised or reviewed within the last 6 months (the next review "
              "not yet overdue); with no plan at all, overdue from 16 years 3 months.",
    denominator="Relevant and former relevant care leavers under 21.",
    source="Care Leavers (England) Regulations 2010 (SI 2010/2571) reg 7 (review at least every 6 months); "
           "CPPCR 2010 regs 42-43; rulebook 6.2.2-6.2.3 (K)",
    units_sql=lambda q: not_overdue(pathway_plans(q, current=True), q), requires=("care_leavers",),
    schedule="pathway_plan",
    target=95, green=95, amber=85,
    settings_used=("pathway_plan_review_months", "pathway_plan_categories", "care_leaver_max_age"),
    examples=(
        Example("Six months after 30 September 2024 is 30 March 2025, passed on 31 March; six months after 1 "
                "October is 1 April, not yet.",
                {"children": [{"child_id": c, "dob": "2007-06-01"} for c in ("A", "B")],
                 "care_leavers": [_leaver("A", "relevant"), _leaver("B", "relevant")],
                 "pathway_plans": [{"child_id": "A", "plan_date": "2024-09-30", "kind": "review"},
                                   {"child_id": "B", "plan_date": "2024-10-01", "kind": "review"}]},
                as_at=D(2025, 3, 31), numerator=1, denominator=2),
        Example("Eligible children (still looked after) have their pathway plan reviewed with the care plan, and "
                "qualifying care leavers have no pathway-plan duty: only E is counted.",
                {"children": [{"child_id": c, "dob": "2005-05-01"} for c in ("C", "D", "E")],
                 "care_leavers": [_leaver("C", "eligible"), _leaver("D", "qualifying"),
                                  _leaver("E", "former_relevant")],
                 "pathway_plans": [{"child_id": "E", "plan_date": "2025-01-10", "kind": "authorised"}]},
                as_at=D(2025, 3, 31), numerator=1, denominator=1),
        Example("F turns 21 on the date and G has no date of birth, so neither is counted; H has never had a plan.",
                {"children": [{"child_id": "F", "dob": "2004-03-31"}, {"child_id": "G"},
                              {"child_id": "H", "dob": "2005-01-01"}],
                 "care_leavers": [_leaver(c, "former_relevant") for c in ("F", "G", "H")],
                 "pathway_plans": [{"child_id": "F", "plan_date": "2025-03-01", "kind": "review"}]},
                as_at=D(2025, 3, 31), numerator=0, denominator=1),
    ),
)


def _no_contact(q: Q) -> str:
    since = add_days(q.at, -q.settings.care_leaver_contact_days)
    return f"""
    SELECT c.child_id, COALESCE(MAX(x.contact_date) < {since}, TRUE) AS in_numerator,
           MAX(x.contact_date) AS last_contact
    FROM ({care_leavers(q)}) c
    LEFT JOIN (
      SELECT child_id, visit_date AS contact_date FROM visits WHERE kind = 'care_leaver'
      UNION ALL
      SELECT child_id, latest_contact_date FROM care_leaver_status WHERE latest_contact_date IS NOT NULL
    ) x ON x.child_id = c.child_id AND x.contact_date <= {q.at}
    GROUP BY c.child_id"""


NO_CONTACT = Indicator(
    code="dq_care_leavers_no_recent_contact", title="Care leavers with no recorded contact in 8 weeks",
    family=FAMILY, unit="%", higher_is_better=False, kind="as_at",
    population="Relevant and former relevant care leavers under 21 at the date.",
    numerator="Those with no contact recorded (care-leaver visit or latest contact on the status record) in the "
              "56 days up to the date.",
    denominator="Relevant and former relevant care leavers under 21.",
    source="Children Act 1989 s23B(1), s23C(2) (duty to keep in touch); local contact standard of 8 weeks (e.g. "
           "LBHF local offer); rulebook 6.2.4 (K)",
    units_sql=_no_contact, requires=("care_leavers",), target=5, green=5, amber=10,
    settings_used=("care_leaver_contact_days", "pathway_plan_categories", "care_leaver_max_age"),
    examples=(
        Example("A contact 56 days before 31 March (3 February) is recent; one 57 days before is not.",
                {"children": [{"child_id": c, "dob": "2007-06-01"} for c in ("A", "B")],
                 "care_leavers": [_leaver("A", "relevant"), _leaver("B", "relevant")],
                 "visits": [{"child_id": "A", "visit_date": "2025-02-03", "kind": "care_leaver"},
                            {"child_id": "B", "visit_date": "2025-02-02", "kind": "care_leaver"}]},
                as_at=D(2025, 3, 31), numerator=1, denominator=2),
        Example("The latest contact on the care leaver's status record counts as a contact.",
                {"children": [{"child_id": "C", "dob": "2005-01-01"}],
                 "care_leavers": [_leaver("C", "former_relevant")],
                 "care_leaver_status": [{"child_id": "C", "status_date": "2025-01-01", "in_touch": "YES",
                                         "latest_contact_date": "2025-03-01"}]},
                as_at=D(2025, 3, 31), numerator=0, denominator=1),
        Example("A contact after the date has not happened yet on it.",
                {"children": [{"child_id": "D", "dob": "2005-01-01"}],
                 "care_leavers": [_leaver("D", "former_relevant")],
                 "visits": [{"child_id": "D", "visit_date": "2025-04-05", "kind": "care_leaver"}]},
                as_at=D(2025, 3, 31), numerator=1, denominator=1),
    ),
)

INDICATORS = (PATHWAY, NO_CONTACT)
