"""The adoption scorecard: A1, A2 and A10, average days over the three years to the date (rulebook §7).

Children adopted are those whose period of care ended with REC E11 or E12 in the 36 months up to the date (at
31 March, the DfE's three-year period). Moving in with the adoptive family is the first placed-for-adoption
placement of that period (903 PLACE A3-A6); a child never placed for adoption (no A3-A6 episode) is left out.
Each adoption's days are its share of the numerator (``num_weight``); the value is the mean, in days.
Thresholds are the scorecard's from 2013-16 on: A1 and A10 426 days (14 months), A2 121 days (4 months).
"""

from __future__ import annotations

import datetime as dt

from caseboard.indicators.derived import Q, episodes, periods, placements
from caseboard.indicators.example_data import episodes as history
from caseboard.indicators.framework import Example, Indicator
from caseboard.indicators.sql import add_months, in_list

D = dt.date
AT = D(2025, 3, 31)
FAMILY = "Adoption"
SCORECARD = "DfE adoption scorecard (three-year average, children adopted in the period ending 31 March)"
ADOPTED = ("E11", "E12")
PLACED_FOR_ADOPTION = ("A3", "A4", "A5", "A6")
WITH_FOSTER_CARER = ("A3", "A5")  # placed for adoption with their current foster carer
COURT_AUTHORITY = ("E1", "D1")  # legal status: placement order, freeing order


def _adoptions(q: Q) -> str:
    """Adoptions in the 36 months to the date with the period's start and the move to the adoptive family."""
    return f"""
    WITH ad AS (
      SELECT e.child_id, e.period_no, e.care_end AS adopted_date, p.period_start
      FROM ({episodes(q)}) e JOIN ({periods(q)}) p ON p.child_id = e.child_id AND p.period_no = e.period_no
      WHERE e.care_end IS NOT NULL AND e.reason_ceased IN {in_list(ADOPTED)}
        AND e.care_end > {add_months(q.at, -36)} AND e.care_end <= {q.at}
    ), pl AS (SELECT child_id, period_no, placement_no, placement_start, placement FROM ({placements(q)}) p0),
    first_ad AS (
      SELECT child_id, period_no, MIN(placement_no) AS n FROM pl
      WHERE placement IN {in_list(PLACED_FOR_ADOPTION)} GROUP BY child_id, period_no
    )
    SELECT ad.*, m.placement_start AS moved_in, m.placement AS adoptive_placement,
           prev.placement_start AS previous_start
    FROM ad JOIN first_ad f ON f.child_id = ad.child_id AND f.period_no = ad.period_no
    JOIN pl m ON m.child_id = f.child_id AND m.period_no = f.period_no AND m.placement_no = f.n
    LEFT JOIN pl prev ON prev.child_id = f.child_id AND prev.period_no = f.period_no AND prev.placement_no = f.n - 1"""


def _a1(q: Q) -> str:
    return f"""
    SELECT child_id, TRUE AS in_numerator, moved_in - period_start AS num_weight, period_start, moved_in,
           adopted_date AS event_date
    FROM ({_adoptions(q)}) a"""


def _a10(q: Q) -> str:
    by_carer = (f"(a.adoptive_placement IN {in_list(WITH_FOSTER_CARER)} OR COALESCE(fc.by_carer, FALSE)) "
                "AND a.previous_start IS NOT NULL")
    return f"""
    SELECT child_id, TRUE AS in_numerator, moved_in - period_start AS num_weight, period_start, moved_in,
           adopted_date AS event_date
    FROM (
      SELECT a.child_id, a.period_start, a.adopted_date,
             CASE WHEN {by_carer} THEN a.previous_start ELSE a.moved_in END AS moved_in
      FROM ({_adoptions(q)}) a LEFT JOIN (
        SELECT child_id, BOOL_OR(foster_carer_adoption) AS by_carer FROM adoptions GROUP BY child_id
      ) fc ON fc.child_id = a.child_id
    ) x"""


def _a2(q: Q) -> str:
    order = "CASE WHEN o.placement_order_date <= a.adopted_date THEN o.placement_order_date END"
    match = "CASE WHEN o.match_date >= a.period_start AND o.match_date <= a.adopted_date THEN o.match_date END"
    return f"""
    SELECT child_id, TRUE AS in_numerator, GREATEST(matched - authority, 0) AS num_weight, authority, matched,
           adopted_date AS event_date
    FROM (
      SELECT a.child_id, a.adopted_date, LEAST(MIN(ls.authority), MIN({order})) AS authority,
             MAX({match}) AS matched
      FROM ({_adoptions(q)}) a
      LEFT JOIN (
        SELECT child_id, period_no, MIN(start_date) AS authority FROM ({episodes(q)}) e
        WHERE legal_status IN {in_list(COURT_AUTHORITY)} GROUP BY child_id, period_no
      ) ls ON ls.child_id = a.child_id AND ls.period_no = a.period_no
      LEFT JOIN adoptions o ON o.child_id = a.child_id
      GROUP BY a.child_id, a.adopted_date
    ) x WHERE authority IS NOT NULL AND matched IS NOT NULL"""


def _adoption(child: str, **dates: str) -> dict[str, str]:
    return {"child_id": child, "decision_date": dates.pop("decision_date", "2020-01-01"), **dates}


#: A: in care 1 May 2022, placed for adoption 1 May 2023 (365 days); B: 1 January to 2 March 2023 (60 days).
_TWO = (history("A", [("2022-05-01", "S", "C2", "U4"), ("2023-05-01", "B", "E1", "A6")], ceased=("2024-01-10", "E11"))
        + history("B", [("2023-01-01", "S", "C2", "U6"), ("2023-03-02", "B", "E1", "A6")], ceased=("2024-02-01", "E12")))
#: C adopted on the first day of the three years (181 days), D the day before it, E after the date; G left care
#: to live with parents.
_WINDOW = (history("C", [("2021-01-01", "S", "C2", "U6"), ("2021-07-01", "B", "E1", "A6")], ceased=("2022-04-01", "E11"))
           + history("D", [("2021-01-01", "S", "C2", "U6"), ("2021-07-01", "B", "E1", "A6")], ceased=("2022-03-31", "E11"))
           + history("E", [("2023-01-01", "S", "C2", "U6"), ("2023-07-01", "B", "E1", "A6")], ceased=("2025-04-10", "E11"))
           + history("G", [("2023-01-01", "S", "C2", "U6"), ("2023-07-01", "P", "C2", "U6")], ceased=("2024-07-01", "E13")))
#: F: in care 1 January 2022, with the foster carers from 1 June 2022 (151 days), placed for adoption with them
#: (A5) 1 June 2023 (516 days).
_FOSTER = history("F", [("2022-01-01", "S", "C2", "U6"), ("2022-06-01", "P", "C2", "U4"),
                        ("2023-06-01", "U", "E1", "A5")], ceased=("2024-01-01", "E11"))


A1 = Indicator(
    code="adoption_a1_days", title="A1: days from entering care to moving in with the adoptive family",
    family=FAMILY, unit="ratio", higher_is_better=False, kind="as_at",
    population="Children adopted (REC E11/E12) in the 36 months to the date who were placed for adoption.",
    numerator="Days from the start of the period of care to the first placed-for-adoption placement, summed.",
    denominator="Children adopted in the three years (the value is the mean in days).",
    source=f"{SCORECARD}, A1; threshold 426 days; rulebook §7 A1 (903 field mapping K)",
    units_sql=_a1, requires=("lac_episodes",), attribution="event", target=426, green=426, amber=487,
    examples=(
        Example("365 and 60 days: a mean of 212.5 days.", {"lac_episodes": _TWO},
                as_at=AT, numerator=425, denominator=2),
        Example("The three years to 31 March 2025 start on 1 April 2022: C counts, D (adopted 31 March 2022) does "
                "not, E's adoption is after the date and G was not adopted.", {"lac_episodes": _WINDOW},
                as_at=AT, numerator=181, denominator=1),
        Example("A1 ends when the child is placed for adoption, even with the foster carers who adopt: 516 days.",
                {"lac_episodes": _FOSTER}, as_at=AT, numerator=516, denominator=1),
    ),
)

A10 = Indicator(
    code="adoption_a10_days", title="A10: days from entering care to moving in with the family who adopted them",
    family=FAMILY, unit="ratio", higher_is_better=False, kind="as_at",
    population="Children adopted (REC E11/E12) in the 36 months to the date who were placed for adoption.",
    numerator="As A1, but for a child adopted by their foster carers (placement A3/A5, or AD1 FOSTER_CARE) the "
              "end is the day they moved in with those carers (the placement before the adoptive one), summed.",
    denominator="Children adopted in the three years (the value is the mean in days).",
    source=f"{SCORECARD}, A10 (A1 adjusted for foster-carer adoptions; replaced A1 in ASGLB data from 2021-22); "
           "rulebook §7 A10 (field logic K)",
    units_sql=_a10, requires=("lac_episodes",), attribution="event", target=426, green=426, amber=487,
    examples=(
        Example("Without foster-carer adoptions A10 is A1: 212.5 days.", {"lac_episodes": _TWO},
                as_at=AT, numerator=425, denominator=2),
        Example("F was adopted by the foster carers she moved in with on 1 June 2022: 151 days, not 516.",
                {"lac_episodes": _FOSTER}, as_at=AT, numerator=151, denominator=1),
        Example("The AD1 foster-carer flag has the same effect with placement A6: G moved in with the carers who "
                "adopted him 60 days after entering care; H, adopted by others, took 365.",
                {"lac_episodes": history("G", [("2022-01-01", "S", "C2", "U6"), ("2022-03-02", "P", "C2", "U4"),
                                               ("2023-01-01", "B", "E1", "A6")], ceased=("2024-01-01", "E11"))
                 + history("H", [("2022-01-01", "S", "C2", "U6"), ("2022-03-02", "P", "C2", "U4"),
                                 ("2023-01-01", "B", "E1", "A6")], ceased=("2024-01-01", "E11")),
                 "adoptions": [_adoption("G", foster_carer_adoption="true"),
                               _adoption("H", foster_carer_adoption="false")]},
                as_at=AT, numerator=425, denominator=2),
    ),
)

A2 = Indicator(
    code="adoption_a2_days", title="A2: days from court authority to place to a match", family=FAMILY,
    unit="ratio", higher_is_better=False, kind="as_at",
    population="Children adopted in the 36 months to the date who were placed for adoption, had a placement or "
               "freeing order and a match.",
    numerator="Days from court authority (legal status E1/D1 or the placement order date, the earlier) to the "
              "match (AD1 DATE_MATCH), zero if matched before the order, summed.",
    denominator="Those children (the value is the mean in days).",
    source=f"{SCORECARD}, A2 (LG Inform metric 912): children with no order, or not placed before adoption, "
           "excluded; zero when matched before court authority; threshold 121 days; rulebook §7 A2",
    units_sql=_a2, requires=("lac_episodes", "adoptions"), attribution="event", target=121, green=121, amber=152,
    examples=(
        Example("A was matched on 20 April 2023, before the placement order (legal status E1 from 1 May): 0 days; "
                "B's order came on 1 February and the match on 1 May: 89 days.",
                {"lac_episodes": _TWO[:2] + history("B", [("2023-01-01", "S", "C2", "U6"),
                                                          ("2023-02-01", "L", "E1", "U6"),
                                                          ("2023-06-01", "B", "E1", "A6")],
                                                    ceased=("2024-02-01", "E12")),
                 "adoptions": [_adoption("A", match_date="2023-04-20"), _adoption("B", match_date="2023-05-01")]},
                as_at=AT, numerator=89, denominator=2),
        Example("The placement order date recorded on the adoption counts when the episodes do not show it (40 "
                "days); D, placed with consent and no order, is left out.",
                {"lac_episodes": history("C", [("2022-01-01", "S", "C2", "U6"), ("2022-07-01", "B", "C2", "A6")],
                                         ceased=("2023-04-01", "E11"))
                 + history("D", [("2022-01-01", "S", "V2", "U6"), ("2022-07-01", "P", "V2", "A4")],
                           ceased=("2023-04-01", "E11")),
                 "adoptions": [_adoption("C", placement_order_date="2022-05-01", match_date="2022-06-10"),
                               _adoption("D", match_date="2022-06-10")]},
                as_at=AT, numerator=40, denominator=1),
        Example("Never placed for adoption before the order (E) is left out; of F's order dates the earlier "
                "counts: 1 March to the match on 1 August 2022 is 153 days.",
                {"lac_episodes": history("E", [("2022-01-01", "S", "C2", "U4")], ceased=("2023-06-01", "E12"))
                 + history("F", [("2022-01-01", "S", "C2", "U6"), ("2022-09-01", "B", "E1", "A6")],
                           ceased=("2023-09-01", "E11")),
                 "adoptions": [_adoption("E", placement_order_date="2022-03-01", match_date="2022-08-01"),
                               _adoption("F", placement_order_date="2022-03-01", match_date="2022-08-01")]},
                as_at=AT, numerator=153, denominator=1),
    ),
)

INDICATORS = (A1, A2, A10)
