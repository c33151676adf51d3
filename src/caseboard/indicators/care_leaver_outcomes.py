"""Care leavers: who they are (eligible, relevant, former relevant), pathway plans by 16 years 3 months, and how
they are doing: in touch, suitably housed, in education, employment or training (rulebook §6).

The recorded entitlement (``care_leavers.eligibility``) says a young person had the 13 weeks of care after 14
that the Act requires; their category *at the date* follows from their age and whether they are looked after
then (CA 1989 Sch 2 para 19B, ss23A, 23C), so a past date shows the category they had then.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from caseboard.indicators.derived import Q, care_leavers, looked_after
from caseboard.indicators.example_data import in_care
from caseboard.indicators.framework import Example, Indicator
from caseboard.indicators.schedules import eligible_pathway_plans, pathway_plans
from caseboard.indicators.sql import add_months, in_list

D = dt.date
AT = D(2025, 3, 31)
FAMILY = "Care leavers"
ENTITLED = ("eligible", "relevant", "former_relevant")
OC3 = "DfE Children looked after in England: care leavers (903 OC3)"


def _age(years: int) -> str:
    return f"CAST(c.dob + INTERVAL {years} YEAR AS DATE)"


def _categories(q: Q, category: str) -> str:
    """Young people entitled to leaving-care support at the date, 16 to under ``Settings.care_leaver_max_age``,
    with their category then; in the numerator when it is ``category``."""
    return f"""
    SELECT child_id, category = '{category}' AS in_numerator, category FROM (
      SELECT l.child_id, CASE WHEN {_age(18)} > {q.at} AND la.child_id IS NOT NULL THEN 'eligible'
                              WHEN {_age(18)} > {q.at} THEN 'relevant' ELSE 'former_relevant' END AS category
      FROM care_leavers l JOIN children c ON c.child_id = l.child_id
      LEFT JOIN (SELECT DISTINCT child_id FROM ({looked_after(q)}) la0) la ON la.child_id = l.child_id
      WHERE l.eligibility IN {in_list(ENTITLED)} AND c.dob IS NOT NULL AND {_age(16)} <= {q.at}
        AND {_age(q.settings.care_leaver_max_age)} > {q.at}
        AND NOT ({_age(18)} <= {q.at} AND la.child_id IS NOT NULL)
    ) x"""


def _leaver(child: str, dob: str, eligibility: str = "eligible") -> dict[str, dict[str, str]]:
    return {"children": {"child_id": child, "dob": dob}, "care_leavers": {"child_id": child, "eligibility": eligibility}}


def _tables(*people: dict[str, dict[str, str]], **more: list[dict[str, str]]) -> dict[str, list[dict[str, str]]]:
    out: dict[str, list[dict[str, str]]] = {"children": [], "care_leavers": []}
    for p in people:
        for name, row in p.items():
            out[name].append(row)
    return {**out, **more}


#: One county for the three category counts: A 17 and looked after, B 17 and left care, C 19, D 21 on the date,
#: E qualifying only, F 15.
_COUNTY = _tables(_leaver("A", "2007-06-01"), _leaver("B", "2007-06-01", "relevant"),
                  _leaver("C", "2005-06-01", "relevant"), _leaver("D", "2004-03-31", "former_relevant"),
                  _leaver("E", "2006-06-01", "qualifying"), _leaver("F", "2009-06-01"),
                  lac_episodes=in_care("A", "2023-01-01") + in_care("B", "2023-01-01", ceased=("2024-09-01", "E13"))
                  + in_care("F", "2024-01-01"))
#: A relevant child who comes back into care is eligible again; an eligible child who left care is relevant.
_RETURNS = _tables(_leaver("G", "2008-01-01", "relevant"), _leaver("H", "2008-01-01"),
                   lac_episodes=in_care("G", "2025-02-01") + in_care("H", "2023-01-01", ceased=("2025-03-01", "E13")))
#: As at an earlier date the same young people were younger: C was 17 and relevant on 31 March 2023.
_EARLIER = _COUNTY
_EARLIER_AT = D(2023, 3, 31)


def _category_indicator(category: str, title: str, population: str, source: str,
                        counts: tuple[int, int, int]) -> Indicator:
    """One count per category: the same population, the category as the numerator."""
    return Indicator(
        code=f"care_leavers_{category}", title=title, family=FAMILY, unit="count", higher_is_better=False,
        kind="as_at", population=population,
        numerator=f"Young people who are {category.replace('_', ' ')} at the date.",
        denominator="Young people aged 16 to 20 entitled to leaving-care support (eligible, relevant, former "
                    "relevant).",
        source=source, units_sql=lambda q: _categories(q, category), requires=("care_leavers",),
        settings_used=("care_leaver_max_age",),
        examples=(
            Example("A is 17 and looked after (eligible), B 17 and out of care (relevant), C 19 (former relevant); "
                    "D turned 21 on the date, E is qualifying only and F is 15, so none of them counts.",
                    _COUNTY, as_at=AT, numerator=counts[0], denominator=3),
            Example("The category follows the date: G came back into care (eligible again), H left care in March "
                    "(relevant).",
                    _RETURNS, as_at=AT, numerator=counts[1], denominator=2),
            Example("On 31 March 2023 A and B were 15 and C was 17 and out of care (relevant); D was 19.",
                    _EARLIER, as_at=_EARLIER_AT, numerator=counts[2], denominator=2),
        ),
    )


ELIGIBLE = _category_indicator(
    "eligible", "Eligible children (looked after, 16-17)",
    "Looked-after young people aged 16 or 17 who have been looked after for 13 weeks since 14 (recorded "
    "entitlement).",
    "Children Act 1989 Sch 2 para 19B; CPPCR 2010 reg 40 (13 weeks from 14, ending after 16); rulebook 6.1",
    (1, 1, 0))
RELEVANT = _category_indicator(
    "relevant", "Relevant care leavers (16-17, left care)",
    "Young people aged 16 or 17 who were eligible children before they last left care.",
    "Children Act 1989 s23A; Care Leavers (England) Regulations 2010 reg 3; rulebook 6.1",
    (1, 1, 1))
FORMER_RELEVANT = _category_indicator(
    "former_relevant", "Former relevant care leavers (18-20)",
    "Young people aged 18 to 20 who were relevant or eligible children (to 25 on request; setting "
    "care_leaver_max_age).",
    "Children Act 1989 s23C(1); Children and Social Work Act 2017 (to 25 on request); rulebook 6.1",
    (1, 0, 1))


def _by_16y3m(q: Q) -> str:
    return f"""
    SELECT child_id, COALESCE(done_date <= on_time_until, FALSE) AS in_numerator, record_start AS sixteenth,
           due_date, done_date
    FROM (SELECT * FROM ({pathway_plans(q)}) leavers UNION ALL SELECT * FROM ({eligible_pathway_plans(q)}) eligible) s
    WHERE seq = 1 AND due_date <= {q.at}"""


PATHWAY_16Y3M = Indicator(
    code="pathway_plan_by_16y3m", title="Pathway plans in place by 16 years 3 months", family=FAMILY, unit="%",
    higher_is_better=True, kind="as_at",
    population="Young people entitled to a pathway plan at the date and at least 16 years 3 months old: eligible "
               "children (looked after at 16 or 17, recorded entitlement) and relevant and former relevant care "
               "leavers under 21 (as pathway_plan_authorised_6m).",
    numerator="Those whose first pathway plan (authorised or reviewed) is dated on or before 16 years 3 months "
              "(one made from 15 counts).",
    denominator="Eligible, relevant and former relevant young people aged at least 16 years 3 months.",
    source="CPPCR 2010 (SI 2010/959) regs 42-43: needs assessment within 3 months of 16, pathway plan as soon as "
           "possible after; rulebook 6.2.1-6.2.2 (the 16y3m KPI is a convention, K)",
    units_sql=_by_16y3m, requires=("care_leavers",), schedule="pathway_plan",
    notes="Schedules pathway_plan (care leavers) and pathway_plan_eligible (eligible children) share the rule.",
    settings_used=("pathway_plan_categories", "care_leaver_max_age"), target=90, green=90, amber=80,
    examples=(
        Example("Born 1 June 2007: 16 years 3 months is 1 September 2023; A's plan that day is in time, B's on 2 "
                "September is not.",
                {**_tables(_leaver("A", "2007-06-01", "relevant"), _leaver("B", "2007-06-01", "relevant")),
                 "pathway_plans": [{"child_id": "A", "plan_date": "2023-09-01", "kind": "authorised"},
                                   {"child_id": "B", "plan_date": "2023-09-02", "kind": "authorised"}]},
                as_at=AT, numerator=1, denominator=2),
        Example("A plan made at 15 counts; C has none at all; D is not yet 16 years 3 months (due 1 June 2025).",
                {**_tables(_leaver("A", "2006-06-01", "former_relevant"), _leaver("C", "2007-06-01", "relevant"),
                           _leaver("D", "2009-03-01", "relevant")),
                 "pathway_plans": [{"child_id": "A", "plan_date": "2022-05-01", "kind": "authorised"}]},
                as_at=AT, numerator=1, denominator=2),
        Example("Eligible children, still looked after, count too: G's plan on 15 August 2024 was before 16 years 3 "
                "months (1 September). The first plan is what counts: B's was late, and reviews since do not change "
                "it.",
                {**_tables(_leaver("B", "2007-06-01", "relevant"), _leaver("G", "2008-06-01")),
                 "lac_episodes": in_care("G", "2023-01-01"),
                 "pathway_plans": [{"child_id": "B", "plan_date": d, "kind": "review"}
                                   for d in ("2023-10-01", "2024-03-01", "2024-09-01")]
                 + [{"child_id": "G", "plan_date": "2024-08-15", "kind": "authorised"}]},
                as_at=AT, numerator=1, denominator=2),
    ),
)


def _latest_status(condition: Callable[[Q], str]) -> Callable[[Q], str]:
    """Care leavers (relevant and former relevant under 21) with their latest OC3-style status in the 12 months
    to the date; in the numerator when it meets ``condition`` (no recent status: not known, not in it)."""
    return lambda q: f"""
    SELECT c.child_id, COALESCE({condition(q)}, FALSE) AS in_numerator, s.status_date, s.in_touch, s.activity,
           s.accommodation
    FROM ({care_leavers(q)}) c LEFT JOIN (
      SELECT child_id, status_date, in_touch, activity, accommodation,
             ROW_NUMBER() OVER (PARTITION BY child_id ORDER BY status_date DESC) AS rn
      FROM care_leaver_status WHERE status_date <= {q.at} AND status_date > {add_months(q.at, -12)}
    ) s ON s.child_id = c.child_id AND s.rn = 1"""


def _status(child: str, date: str, **values: str) -> dict[str, str]:
    return {"child_id": child, "status_date": date, **values}


def _status_examples(field: str, good: str, bad: str, what: str) -> tuple[Example, ...]:
    people = _tables(*(_leaver(c, "2005-06-01", "former_relevant") for c in "ABC"))
    return (
        Example(f"A's latest status is {good} ({what}), B's {bad}; C has no status in the last 12 months and is not "
                "counted as known.",
                {**people, "care_leaver_status": [_status("A", "2024-06-01", **{field: good}),
                                                  _status("B", "2024-06-01", **{field: bad}),
                                                  _status("C", "2024-03-30", **{field: good})]},
                as_at=AT, numerator=1, denominator=3),
        Example(f"The latest status counts: A was {good} in 2024 but {bad} in 2025; B the other way round.",
                {**people, "care_leaver_status": [_status("A", "2024-06-01", **{field: good}),
                                                  _status("A", "2025-02-01", **{field: bad}),
                                                  _status("B", "2024-06-01", **{field: bad}),
                                                  _status("B", "2025-02-01", **{field: good})]},
                as_at=AT, numerator=1, denominator=3),
        Example("A status recorded after the date is not yet known; qualifying care leavers are not in the "
                "population.",
                {**_tables(_leaver("A", "2005-06-01", "former_relevant"), _leaver("D", "2005-06-01", "qualifying")),
                 "care_leaver_status": [_status("A", "2025-04-02", **{field: good}),
                                        _status("D", "2024-06-01", **{field: good})]},
                as_at=AT, numerator=0, denominator=1),
    )


_POPULATION = "Relevant and former relevant care leavers under 21 at the date."


IN_TOUCH = Indicator(
    code="care_leavers_in_touch", title="Care leavers in touch", family=FAMILY, unit="%", higher_is_better=True,
    kind="as_at", population=_POPULATION,
    numerator="Those whose latest status in the 12 months to the date says in touch (903 IN_TOUCH = YES).",
    denominator="Relevant and former relevant care leavers under 21.",
    source=f"{OC3} IN_TOUCH; Children Act 1989 s23B(1), s23C(2) (duty to keep in touch); rulebook 6.2.5",
    units_sql=_latest_status(lambda q: "s.in_touch = 'YES'"), requires=("care_leavers",),
    settings_used=("pathway_plan_categories", "care_leaver_max_age"), target=90, green=90, amber=80,
    examples=_status_examples("in_touch", "YES", "NO", "in touch"),
)

SUITABLE = Indicator(
    code="care_leavers_suitable_accommodation", title="Care leavers in suitable accommodation", family=FAMILY,
    unit="%", higher_is_better=True, kind="as_at", population=_POPULATION,
    numerator="Those whose latest accommodation in the 12 months to the date is suitable (903 ACCOM ending 1).",
    denominator="Relevant and former relevant care leavers under 21 (not known counts as not suitable, as the "
                "DfE's denominator includes them; K).",
    source=f"{OC3} ACCOM: second character 1 = suitable, 2 = not suitable (903 rules 133, 347); rulebook 6.2.7",
    units_sql=_latest_status(lambda q: "RIGHT(s.accommodation, 1) = '1'"), requires=("care_leavers",),
    settings_used=("pathway_plan_categories", "care_leaver_max_age"), target=90, green=90, amber=80,
    examples=_status_examples("accommodation", "U1", "U2", "independent living, suitable"),
)

EET = Indicator(
    code="care_leavers_eet", title="Care leavers in education, employment or training", family=FAMILY, unit="%",
    higher_is_better=True, kind="as_at", population=_POPULATION,
    numerator="Those whose latest activity in the 12 months to the date is education, employment or training "
              "(setting eet_activity_codes: 903 ACTIV F1/P1, F2/P2, F3/P3).",
    denominator="Relevant and former relevant care leavers under 21 (not known counts as not EET; K).",
    source=f"{OC3} ACTIV (903 rule 132 code list; G4-G6 are NEET); rulebook 6.2.6 (K)",
    units_sql=_latest_status(lambda q: f"s.activity IN {in_list(q.settings.eet_activity_codes)}"),
    requires=("care_leavers",), settings_used=("eet_activity_codes", "pathway_plan_categories",
                                               "care_leaver_max_age"),
    target=55, green=55, amber=45,
    examples=_status_examples("activity", "F2", "G5", "in education"),
)

INDICATORS = (ELIGIBLE, RELEVANT, FORMER_RELEVANT, PATHWAY_16Y3M, IN_TOUCH, SUITABLE, EET)
