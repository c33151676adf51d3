"""Looked after: children seen alone, long-term placement stability, missing children and return interviews
(rulebook §5.1.3, §5.3).

Short breaks (V3/V4) are left out (rulebook §0). Targets and RAG thresholds are local defaults.
"""

from __future__ import annotations

import datetime as dt

from caseboard.indicators.cp_activity import seen_alone, seen_alone_examples
from caseboard.indicators.derived import Q, periods, placements
from caseboard.indicators.example_data import episodes, in_care
from caseboard.indicators.framework import Example, Indicator
from caseboard.indicators.sql import add_months, in_list

D = dt.date
YEAR_2025 = (D(2024, 4, 1), D(2025, 3, 31))
FAMILY = "Looked after"
CLA_STATS = "DfE Children looked after in England, methodology (SSDA903)"
MISSING_GUIDANCE = "DfE statutory guidance on children who run away or go missing from home or care (2014)"
#: Placed for adoption (903 PLACE A3-A6): the adoptive placement and the one before it count together.
ADOPTION_PLACEMENTS = ("A3", "A4", "A5", "A6")


LAC_SEEN_ALONE = Indicator(
    code="lac_seen_alone", title="Looked-after children's visits with the child seen alone", family=FAMILY,
    unit="%", higher_is_better=True, kind="period",
    population="Statutory visits to looked-after children in the period where the child was seen, for children "
               "aged 4 or over at the visit (setting seen_alone_min_age).",
    numerator="Visits where the child was seen alone.",
    denominator="Visits in the period with the child seen, by children of that age.",
    source="Care Planning, Placement and Case Review (England) Regulations 2010 (SI 2010/959) reg 29 (the child "
           "seen in private unless they refuse or it is inappropriate); rulebook 5.1.3 (K)",
    units_sql=lambda q: seen_alone(q, "lac"), requires=("visits",), attribution="event",
    settings_used=("seen_alone_min_age",), target=80, green=80, amber=65,
    examples=seen_alone_examples("lac"),
)


def _long_term(q: Q) -> str:
    two_years, settled = add_months(q.at, -24), add_months(q.at, -30)
    return f"""
    SELECT x.child_id,
           COALESCE(x.placement_start <= {two_years}
                    OR (x.placement IN {in_list(ADOPTION_PLACEMENTS)} AND x.previous_start <= {two_years}), FALSE)
             AS in_numerator, x.period_start, x.placement_start, x.placement
    FROM (
      SELECT child_id, period_start, period_end, placement, placement_start, placement_end,
             LAG(placement_start) OVER (PARTITION BY child_id, period_no ORDER BY placement_no) AS previous_start
      FROM ({placements(q)}) p WHERE NOT short_break
    ) x JOIN children c ON c.child_id = x.child_id
    WHERE x.period_end IS NULL AND x.placement_end IS NULL AND x.period_start <= {settled}
      AND c.dob IS NOT NULL AND CAST(c.dob + INTERVAL 16 YEAR AS DATE) > {q.at}"""


LAC_LONG_TERM = Indicator(
    code="lac_long_term_stability", title="Long-term placement stability", family=FAMILY, unit="%",
    higher_is_better=True, kind="as_at",
    population="Children looked after at the date, aged under 16, looked after continuously for at least 2.5 "
               "years (30 months).",
    numerator="Those in the same placement for at least 2 years, or placed for adoption (A3-A6) where the "
              "adoptive placement and the one before it together last 2 years.",
    denominator="Children under 16 looked after continuously for at least 2.5 years.",
    source=f"{CLA_STATS}: placement stability, long-term (former NI 63); rulebook 5.3.2",
    units_sql=_long_term, requires=("lac_episodes",), target=70, green=70, amber=65,
    examples=(
        Example("Both in care since 2022; A has been in the same placement since 31 March 2023 (2 years), B moved "
                "on 1 April 2023.",
                {"children": [{"child_id": c, "dob": "2015-01-01"} for c in "AB"],
                 "lac_episodes": episodes("A", [("2022-06-01", "S", "C2", "U6"), ("2023-03-31", "P", "C2", "U4")])
                 + episodes("B", [("2022-06-01", "S", "C2", "U6"), ("2023-04-01", "P", "C2", "U4")])},
                as_at=D(2025, 3, 31), numerator=1, denominator=2),
        Example("Placed for adoption (A5) in 2024 after foster care from 2022: together over 2 years, so stable; "
                "C, in care since 1 October 2022, is under 2.5 years; D is 16.",
                {"children": [{"child_id": "A", "dob": "2019-01-01"}, {"child_id": "C", "dob": "2015-01-01"},
                              {"child_id": "D", "dob": "2009-03-31"}],
                 "lac_episodes": episodes("A", [("2022-06-01", "S", "C2", "U6"), ("2024-06-01", "B", "E1", "A5")])
                 + in_care("C", "2022-10-01") + in_care("D", "2020-01-01")},
                as_at=D(2025, 3, 31), numerator=1, denominator=1),
        Example("A change of legal status only (RNE L) is not a move; short breaks and children without a date of "
                "birth are left out.",
                {"children": [{"child_id": "A", "dob": "2015-01-01"}, {"child_id": "B", "dob": "2015-01-01"},
                              {"child_id": "C"}],
                 "lac_episodes": episodes("A", [("2021-06-01", "S", "V2", "U6"), ("2024-06-01", "L", "C2", "U6")])
                 + in_care("B", "2021-06-01", ls="V3") + in_care("C", "2021-06-01")},
                as_at=D(2025, 3, 31), numerator=1, denominator=1),
    ),
)


def _missing(q: Q) -> str:
    return f"""
    SELECT p.child_id, COUNT(m.start_date) > 0 AS in_numerator, COUNT(m.start_date) AS missing_episodes,
           MAX(p.event_date) AS event_date
    FROM (SELECT child_id, MAX(LEAST(COALESCE(period_end, {q.last}), {q.last})) AS event_date FROM ({periods(q)}) lp
          WHERE NOT short_break AND period_start <= {q.last} AND (period_end IS NULL OR period_end >= {q.first})
          GROUP BY child_id) p
    LEFT JOIN missing_episodes m ON m.child_id = p.child_id AND m.kind = 'M'
     AND m.start_date >= {q.first} AND m.start_date <= {q.last}
    GROUP BY p.child_id"""


LAC_MISSING = Indicator(
    code="lac_missing_children", title="Looked-after children who went missing", family=FAMILY, unit="%",
    higher_is_better=False, kind="period",
    population="Children looked after at any time in the period (short breaks left out).",
    numerator="Those with at least one missing episode (903 MISSING = M, whereabouts unknown) starting in the "
              "period; episodes 'away from placement without authorisation' (A) are not missing.",
    denominator="Children looked after at any time in the period.",
    source=f"{CLA_STATS}: children who went missing during the year (903 Missing table); {MISSING_GUIDANCE}; "
           "rulebook 5.3.3",
    units_sql=_missing, requires=("lac_episodes",), attribution="event", target=10, green=10, amber=12,
    notes="A child is placed in the team that held the case on the last day they were looked after in the period.",
    examples=(
        Example("Of two children looked after in the year, A went missing once.",
                {"lac_episodes": in_care("A", "2024-01-01") + in_care("B", "2024-01-01"),
                 "missing_episodes": [{"child_id": "A", "start_date": "2024-06-01", "kind": "M",
                                       "end_date": "2024-06-02"}]},
                as_at=D(2025, 3, 31), period=YEAR_2025, numerator=1, denominator=2),
        Example("Away from placement (A) is not missing; a child who left care on 1 April 2024 was looked after in "
                "the year and counts in the denominator.",
                {"lac_episodes": in_care("A", "2024-01-01") + in_care("B", "2023-01-01",
                                                                      ceased=("2024-04-01", "E13")),
                 "missing_episodes": [{"child_id": "A", "start_date": "2024-06-01", "kind": "A"}]},
                as_at=D(2025, 3, 31), period=YEAR_2025, numerator=0, denominator=2),
        Example("A missing episode before the year does not count; a child who left care before it is not in the "
                "year; two episodes are one child.",
                {"lac_episodes": in_care("A", "2023-01-01") + in_care("B", "2023-01-01",
                                                                      ceased=("2024-03-31", "E13")),
                 "missing_episodes": [{"child_id": "A", "start_date": "2024-03-20", "kind": "M"},
                                      {"child_id": "A", "start_date": "2024-07-01", "kind": "M"},
                                      {"child_id": "A", "start_date": "2024-09-01", "kind": "M"},
                                      {"child_id": "B", "start_date": "2024-02-01", "kind": "M"}]},
                as_at=D(2025, 3, 31), period=YEAR_2025, numerator=1, denominator=1),
    ),
)


def _return_interviews(q: Q) -> str:
    return f"""
    SELECT child_id, COALESCE(return_interview_offered, FALSE) AS in_numerator, start_date, end_date,
           end_date AS event_date
    FROM missing_episodes WHERE kind = 'M' AND end_date >= {q.first} AND end_date <= {q.last}"""


RETURN_INTERVIEWS = Indicator(
    code="lac_return_interviews_offered", title="Return home interviews offered after a missing episode",
    family=FAMILY, unit="%", higher_is_better=True, kind="period",
    population="Missing episodes (903 MISSING = M) that ended in the period, the child having returned or been "
               "found.",
    numerator="Those after which the child was offered a return home interview.",
    denominator="Missing episodes that ended in the period.",
    source=f"{MISSING_GUIDANCE}: every child returning offered an independent return interview (within 72 hours); "
           "Ofsted ILACS Annex A List 8; rulebook 5.3.4",
    units_sql=_return_interviews, requires=("missing_episodes",), attribution="event",
    target=95, green=95, amber=85,
    examples=(
        Example("Two episodes ended in the year, one with an interview offered.",
                {"missing_episodes": [{"child_id": "A", "start_date": "2024-06-01", "kind": "M",
                                       "end_date": "2024-06-02", "return_interview_offered": "true"},
                                      {"child_id": "B", "start_date": "2024-07-01", "kind": "M",
                                       "end_date": "2024-07-03", "return_interview_offered": "false"}]},
                as_at=D(2025, 3, 31), period=YEAR_2025, numerator=1, denominator=2),
        Example("An episode still open has not ended; an offer not recorded is not an offer.",
                {"missing_episodes": [{"child_id": "A", "start_date": "2025-03-30", "kind": "M"},
                                      {"child_id": "B", "start_date": "2024-07-01", "kind": "M",
                                       "end_date": "2024-07-03"}]},
                as_at=D(2025, 3, 31), period=YEAR_2025, numerator=0, denominator=1),
        Example("Away from placement (A) is not a missing episode; each missing episode counts, two for one child.",
                {"missing_episodes": [{"child_id": "A", "start_date": "2024-06-01", "kind": "A",
                                       "end_date": "2024-06-01"},
                                      {"child_id": "B", "start_date": "2024-07-01", "kind": "M",
                                       "end_date": "2024-07-02", "return_interview_offered": "true"},
                                      {"child_id": "B", "start_date": "2024-09-01", "kind": "M",
                                       "end_date": "2024-09-02", "return_interview_offered": "true"}]},
                as_at=D(2025, 3, 31), period=YEAR_2025, numerator=2, denominator=2),
    ),
)

INDICATORS = (LAC_SEEN_ALONE, LAC_LONG_TERM, LAC_MISSING, RETURN_INTERVIEWS)
