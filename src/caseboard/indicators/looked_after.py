"""Children looked after: numbers, starts and ceasings, reviews, visits, placement stability (rulebook §5).

Periods of care and placements come from SSDA903 episodes (``indicators.derived``); children looked after only
under a series of short breaks (legal status V3/V4, CPPCR 2010 reg 48) are left out of every measure here, as
the DfE's are (rulebook §0). Targets and RAG thresholds are local defaults, not national targets.
"""

from __future__ import annotations

import datetime as dt

from caseboard.indicators.derived import Q, looked_after, periods, placements
from caseboard.indicators.example_data import episodes, in_care
from caseboard.indicators.framework import Example, Indicator
from caseboard.indicators.measures import due_in_period, not_overdue
from caseboard.indicators.schedules import lac_reviews, lac_visits
from caseboard.indicators.sql import add_days, add_months

D = dt.date
YEAR_2025 = (D(2024, 4, 1), D(2025, 3, 31))
FAMILY = "Looked after"
CLA_STATS = "DfE Children looked after in England, methodology (SSDA903; short breaks excluded)"


def _looked_after(q: Q) -> str:
    return f"SELECT child_id, TRUE AS in_numerator, period_start AS start_date FROM ({looked_after(q)}) la"


LAC_OPEN = Indicator(
    code="lac_open", title="Children looked after", family=FAMILY, unit="count", higher_is_better=False,
    kind="as_at",
    population="Children in a period of care at the date (not only on short breaks).",
    numerator="Children looked after.", denominator="The same children.",
    source=f"{CLA_STATS}: children looked after at 31 March; Children Act 1989 s22; rulebook §0, §5",
    units_sql=_looked_after, requires=("lac_episodes",), settings_used=("short_break_legal_statuses",),
    examples=(
        Example("Care that ends on 31 March (REC E13) is not care on 31 March; an episode ending X1 with a new "
                "legal status the same day is the same, continuing period of care.",
                {"lac_episodes": in_care("A", "2024-05-01", ceased=("2025-03-31", "E13"))
                 + episodes("B", [("2024-05-01", "S", "C1", "U6"), ("2025-03-31", "L", "C2", "U6")])},
                as_at=D(2025, 3, 31), numerator=1, denominator=1),
        Example("A child accommodated only under short breaks (V3) is left out; one accommodated under section 20 "
                "(V2) is looked after.",
                {"lac_episodes": in_care("C", "2025-01-01", ls="V3") + in_care("D", "2025-01-01", ls="V2")},
                as_at=D(2025, 3, 31), numerator=1, denominator=1),
        Example("An end recorded after the date is not yet known on it; care starting after it is not there yet.",
                {"lac_episodes": in_care("E", "2024-10-01", ceased=("2025-04-15", "E11"))
                 + in_care("F", "2025-04-01")},
                as_at=D(2025, 3, 31), numerator=1, denominator=1),
    ),
)

LAC_RATE = Indicator(
    code="lac_rate_per_10k", title="Children looked after per 10,000 children", family=FAMILY,
    unit="rate_per_10k", higher_is_better=False, kind="as_at",
    population="Children looked after at the date, against the ONS mid-year estimate of children aged 0-17.",
    numerator="Children looked after at the date.", denominator="Children aged 0-17 (setting population_0_17).",
    source=f"{CLA_STATS}: rates per 10,000 children aged under 18 from ONS mid-year estimates; rulebook §9",
    units_sql=_looked_after, requires=("lac_episodes",), settings_used=("population_0_17",),
    examples=(
        Example("Two children looked after in a population of 10,000 children is 2.0 per 10,000.",
                {"lac_episodes": in_care("A", "2024-05-01") + in_care("B", "2024-06-01")},
                as_at=D(2025, 3, 31), numerator=2, denominator=10_000, settings={"population_0_17": 10_000}),
        Example("With the default population (172,000) one child is 0.06 per 10,000.",
                {"lac_episodes": in_care("A", "2024-05-01")},
                as_at=D(2025, 3, 31), numerator=1, denominator=172_000),
        Example("Short breaks are not counted in the rate either.",
                {"lac_episodes": in_care("A", "2024-05-01") + in_care("B", "2024-05-01", ls="V4")},
                as_at=D(2025, 3, 31), numerator=1, denominator=10_000, settings={"population_0_17": 10_000}),
    ),
)


def _periods_in_period(q: Q, column: str) -> str:
    """Children with a period of care starting (or ending) in the period: each child once."""
    return f"""
    SELECT child_id, TRUE AS in_numerator, MIN({column}) AS event_date FROM ({periods(q)}) p
    WHERE NOT short_break AND {column} >= {q.first} AND {column} <= {q.last} GROUP BY child_id"""


LAC_STARTS = Indicator(
    code="lac_starts", title="Children who started to be looked after", family=FAMILY, unit="count",
    higher_is_better=False, kind="period",
    population="Children with a period of care (RNE S) starting in the period, short breaks left out.",
    numerator="Children starting a period of care (each child once in the period).", denominator="The same.",
    source=f"{CLA_STATS}: children who started to be looked after during the year; rulebook §5, §12",
    units_sql=lambda q: _periods_in_period(q, "period_start"), requires=("lac_episodes",), attribution="event",
    examples=(
        Example("1 April is the first day of the year: a start then counts, a start on 31 March the year before.",
                {"lac_episodes": in_care("A", "2024-04-01") + in_care("B", "2024-03-31")},
                as_at=D(2025, 3, 31), period=YEAR_2025, numerator=1, denominator=1),
        Example("Short breaks are left out, and a change of legal status (RNE L) is not a new start.",
                {"lac_episodes": in_care("C", "2024-06-01", ls="V3")
                 + episodes("D", [("2024-05-01", "S", "V2", "U6"), ("2024-08-01", "L", "C2", "U6")])},
                as_at=D(2025, 3, 31), period=YEAR_2025, numerator=1, denominator=1),
        Example("A child who starts twice in the year is one child who started.",
                {"lac_episodes": in_care("E", "2024-05-01", ceased=("2024-06-01", "E13"))
                 + in_care("E", "2024-11-01")},
                as_at=D(2025, 3, 31), period=YEAR_2025, numerator=1, denominator=1),
    ),
)

LAC_CEASED = Indicator(
    code="lac_ceased", title="Children who ceased to be looked after", family=FAMILY, unit="count",
    higher_is_better=False, kind="period",
    population="Children whose period of care ended in the period (REC other than X1), short breaks left out.",
    numerator="Children ceasing care (each child once in the period).", denominator="The same.",
    source=f"{CLA_STATS}: children who ceased to be looked after during the year (903 REC); rulebook §5, §12",
    units_sql=lambda q: _periods_in_period(q, "period_end"), requires=("lac_episodes",), attribution="event",
    examples=(
        Example("REC X1 ends an episode, not care: A moved placement and is still looked after; B was adopted "
                "(E11).",
                {"lac_episodes": episodes("A", [("2024-05-01", "S", "C2", "U6"), ("2024-09-01", "P", "C2", "U4")])
                 + in_care("B", "2024-05-01", ceased=("2025-01-10", "E11"))},
                as_at=D(2025, 3, 31), period=YEAR_2025, numerator=1, denominator=1),
        Example("An ending after the year is not in it, short breaks are left out, and an ending on 1 April is.",
                {"lac_episodes": in_care("C", "2024-01-01", ceased=("2025-04-02", "E13"))
                 + in_care("D", "2024-01-01", ls="V3", ceased=("2024-06-01", "E13"))
                 + in_care("E", "2023-01-01", ceased=("2024-04-01", "E13"))},
                as_at=D(2025, 3, 31), period=YEAR_2025, numerator=1, denominator=1),
        Example("A child who ceases twice in the year is one child who ceased.",
                {"lac_episodes": in_care("F", "2024-05-01", ceased=("2024-06-01", "E13"))
                 + in_care("F", "2024-11-01", ceased=("2025-01-01", "E13"))},
                as_at=D(2025, 3, 31), period=YEAR_2025, numerator=1, denominator=1),
    ),
)

LAC_REVIEWS = Indicator(
    code="lac_reviews_on_time", title="Looked-after reviews on time", family=FAMILY, unit="%",
    higher_is_better=True, kind="period",
    population="Reviews that fell due in the period: the first 20 working days after the period of care began, "
               "the second 3 months after the first, later ones 6 months after the one before.",
    numerator="Reviews held on or before their due date.", denominator="Reviews due in the period (held or not).",
    source="Care Planning, Placement and Case Review (England) Regulations 2010 (SI 2010/959) reg 33(1)-(2); "
           "rulebook 5.1.2",
    units_sql=lambda q: due_in_period(lac_reviews(q, due_from=q.start), q), requires=("lac_episodes",),
    attribution="event",
    schedule="lac_review", target=95, green=95, amber=90,
    examples=(
        Example("From Friday 20 December 2024 the 20th working day is 22 January 2025 (three bank holidays "
                "skipped): a first review then is on time, on 23 January late.",
                {"lac_episodes": in_care("A", "2024-12-20") + in_care("B", "2024-12-20"),
                 "lac_reviews": [{"child_id": "A", "review_date": "2025-01-22"},
                                 {"child_id": "B", "review_date": "2025-01-23"}]},
                as_at=D(2025, 3, 31), period=YEAR_2025, numerator=1, denominator=2),
        Example("First review 25 April (due 30 April), second 3 months later on 25 July (on time), third 6 months "
                "after that was due 25 January and held on the 26th: two of three on time.",
                {"lac_episodes": in_care("A", "2024-04-02"),
                 "lac_reviews": [{"child_id": "A", "review_date": d} for d in ("2024-04-25", "2024-07-25",
                                                                              "2025-01-26")]},
                as_at=D(2025, 3, 31), period=YEAR_2025, numerator=2, denominator=3),
        Example("Short breaks follow another schedule and are left out; a period that ended before its first review "
                "fell due owed none; C's missed first review counts as late.",
                {"lac_episodes": in_care("A", "2024-06-03", ls="V3")
                 + in_care("B", "2024-06-03", ceased=("2024-06-20", "E13")) + in_care("C", "2024-06-03"),
                 "lac_reviews": [{"child_id": "A", "review_date": "2024-10-01"}]},
                as_at=D(2025, 3, 31), period=YEAR_2025, numerator=0, denominator=1),
    ),
)

LAC_VISITS = Indicator(
    code="lac_visits_on_time", title="Looked-after children visited within the statutory interval", family=FAMILY,
    unit="%", higher_is_better=True, kind="as_at",
    population="Children looked after at the date, in their current placement.",
    numerator="Those whose next visit is not overdue: within a week of the placement starting, then at most "
              "6 weeks apart in its first year, then 3-monthly in a long-term placement, 6-weekly otherwise.",
    denominator="Children looked after at the date.",
    source="Care Planning, Placement and Case Review (England) Regulations 2010 (SI 2010/959) reg 28(2); "
           "rulebook 5.1.3",
    units_sql=lambda q: not_overdue(lac_visits(q, current=True), q), requires=("lac_episodes", "visits"),
    schedule="lac_visit",
    target=95, green=95, amber=85, settings_used=("long_term_placement_codes", "visits_need_child_seen"),
    examples=(
        Example("The first visit is due within one week of the placement starting: on 28 March the placement of "
                "20 March is overdue (due 27th; a visit the day before it began does not count), the one of 21 March "
                "is due that day.",
                {"lac_episodes": in_care("A", "2025-03-20") + in_care("B", "2025-03-21"),
                 "visits": [{"child_id": "A", "visit_date": "2025-03-19", "kind": "lac"}]},
                as_at=D(2025, 3, 28), numerator=1, denominator=2),
        Example("After a placement's first year a long-term foster placement (U4) is visited 3-monthly: visited 10 "
                "January, due 10 April; any other placement (U6) 6-weekly: due 21 February, overdue.",
                {"lac_episodes": in_care("A", "2023-06-01", place="U4") + in_care("B", "2023-06-01", place="U6"),
                 "visits": [{"child_id": c, "visit_date": "2025-01-10", "kind": "lac"} for c in ("A", "B")]},
                as_at=D(2025, 3, 31), numerator=1, denominator=2),
        Example("A move (RNE P) starts a new placement and a new clock (first visit due 1 April); a change of legal "
                "status only (RNE L) does not, so B's visit of 1 January is 6 weeks past due.",
                {"lac_episodes": episodes("A", [("2024-01-01", "S", "C2", "U6"), ("2025-03-25", "P", "C2", "U6")])
                 + episodes("B", [("2024-01-01", "S", "C1", "U6"), ("2025-03-25", "L", "C2", "U6")]),
                 "visits": [{"child_id": c, "visit_date": "2025-01-01", "kind": "lac"} for c in ("A", "B")]},
                as_at=D(2025, 3, 31), numerator=1, denominator=2),
    ),
)


def _placements_3plus(q: Q) -> str:
    year_start = add_days(add_months(q.at, -12), 1)
    return f"""
    SELECT la.child_id, COUNT(p.placement_start) >= 3 AS in_numerator, COUNT(p.placement_start) AS placements
    FROM ({looked_after(q)}) la
    LEFT JOIN ({placements(q)}) p ON p.child_id = la.child_id AND NOT p.short_break
     AND p.placement_start <= {q.at} AND (p.placement_end IS NULL OR p.placement_end > {year_start})
    GROUP BY la.child_id"""


LAC_PLACEMENTS_3 = Indicator(
    code="lac_placements_3plus", title="Looked-after children with 3 or more placements in the year",
    family=FAMILY, unit="%", higher_is_better=False, kind="as_at",
    population="Children looked after at the date (short breaks left out).",
    numerator="Those with three or more placements in the 12 months to the date: the placement they were in "
              "when the 12 months began plus each new placement (every new episode except a change of legal "
              "status only, RNE L).",
    denominator="Children looked after at the date.",
    source=f"{CLA_STATS}: children looked after at 31 March with three or more placements during the year; "
           "rulebook 5.3.1 (counting of RNE T/U/B moves: K, setting same_placement_rne)",
    units_sql=_placements_3plus, requires=("lac_episodes",), target=10, green=10, amber=12,
    settings_used=("same_placement_rne",),
    examples=(
        Example("The placement open on 1 April 2024 and two moves make three; one move makes two.",
                {"lac_episodes": episodes("A", [("2024-01-01", "S", "C2", "U6"), ("2024-08-01", "P", "C2", "U6"),
                                                ("2025-01-01", "P", "C2", "U6")])
                 + episodes("B", [("2024-01-01", "S", "C2", "U6"), ("2024-08-01", "P", "C2", "U6")])},
                as_at=D(2025, 3, 31), numerator=1, denominator=2),
        Example("Changes of legal status only (RNE L) are not moves; a change of placement with the same carers "
                "(RNE T) is counted by default.",
                {"lac_episodes": episodes("C", [("2024-05-01", "S", "V2", "U6"), ("2024-07-01", "L", "C1", "U6"),
                                                ("2024-09-01", "L", "C2", "U6"), ("2024-12-01", "P", "C2", "U6")])
                 + episodes("D", [("2024-05-01", "S", "C2", "U6"), ("2024-07-01", "P", "C2", "U6"),
                                  ("2024-09-01", "T", "C2", "U3")])},
                as_at=D(2025, 3, 31), numerator=1, denominator=2),
        Example("A placement that ended on 31 March 2024 is not one of the year's (E has two); a child looked after "
                "only since January can still have three (F).",
                {"lac_episodes": episodes("E", [("2023-06-01", "S", "C2", "U6"), ("2024-03-31", "P", "C2", "U6"),
                                                ("2024-10-01", "P", "C2", "U6")])
                 + episodes("F", [("2025-01-01", "S", "C2", "U6"), ("2025-02-01", "P", "C2", "U6"),
                                  ("2025-03-01", "P", "C2", "U6")])},
                as_at=D(2025, 3, 31), numerator=1, denominator=2),
    ),
)

INDICATORS = (LAC_OPEN, LAC_RATE, LAC_STARTS, LAC_CEASED, LAC_REVIEWS, LAC_VISITS, LAC_PLACEMENTS_3)
