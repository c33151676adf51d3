"""Looked after: where children live: residential care, in-house fostering, distance from home (rulebook §5.3).

The current placement is the SSDA903 episode open at the date (started on or before it, not ended by it) of a
child looked after then; short breaks are left out (rulebook §0). Targets are local defaults.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from caseboard.indicators.derived import Q, looked_after
from caseboard.indicators.example_data import episodes, in_care
from caseboard.indicators.framework import Example, Indicator
from caseboard.indicators.sql import in_list

D = dt.date
AT = D(2025, 3, 31)
FAMILY = "Looked after: placements"
CLA_STATS = "DfE Children looked after in England, methodology (SSDA903 PLACE, PLACE_PROVIDER)"


def current_episodes(q: Q) -> str:
    """Each looked-after child's episode open at the as-at date (the latest started, should records overlap)."""
    return f"""
    SELECT child_id, legal_status, placement, provider, home_postcode, placement_postcode FROM (
      SELECT e.*, ROW_NUMBER() OVER (PARTITION BY e.child_id ORDER BY e.start_date DESC) AS rn
      FROM lac_episodes e JOIN ({looked_after(q)}) la ON la.child_id = e.child_id
      WHERE e.start_date <= {q.at} AND (e.end_date IS NULL OR e.end_date > {q.at})
    ) x WHERE rn = 1"""


def _share(condition: Callable[[Q], str], among: Callable[[Q], str] = lambda q: "TRUE") -> Callable[[Q], str]:
    """Units SQL: looked-after children (those whose current episode meets ``among``), in the numerator when it
    meets ``condition``."""
    return lambda q: f"""
    SELECT child_id, COALESCE({condition(q)}, FALSE) AS in_numerator, placement, provider
    FROM ({current_episodes(q)}) ce WHERE {among(q)}"""


RESIDENTIAL = Indicator(
    code="lac_residential_share", title="Looked-after children in residential placements", family=FAMILY, unit="%",
    higher_is_better=False, kind="as_at",
    population="Children looked after at the date.",
    numerator="Those whose current placement is residential (setting residential_placement_codes: secure units, "
              "children's homes, supported and semi-independent accommodation, other residential settings, "
              "residential schools).",
    denominator="Children looked after at the date.",
    source=f"{CLA_STATS}: children looked after at 31 March by placement type; rulebook 5.3 (grouping K)",
    units_sql=_share(lambda q: f"placement IN {in_list(q.settings.residential_placement_codes)}"),
    requires=("lac_episodes",), settings_used=("residential_placement_codes",), target=12, green=12, amber=15,
    examples=(
        Example("A lives in a children's home (K2), B with foster carers (U6).",
                {"lac_episodes": in_care("A", "2024-05-01", place="K2") + in_care("B", "2024-05-01", place="U6")},
                as_at=AT, numerator=1, denominator=2),
        Example("The placement on the date counts: C moved from a children's home to fostering in March, D the "
                "other way after the date.",
                {"lac_episodes": episodes("C", [("2024-05-01", "S", "C2", "K2"), ("2025-03-01", "P", "C2", "U4")])
                 + episodes("D", [("2024-05-01", "S", "C2", "U4"), ("2025-04-10", "P", "C2", "K2")])},
                as_at=AT, numerator=0, denominator=2),
        Example("A residential school (S1) and a secure unit (K1) are residential; a short break in a children's "
                "home is left out.",
                {"lac_episodes": in_care("E", "2024-05-01", place="S1") + in_care("F", "2024-05-01", place="K1")
                 + in_care("G", "2024-05-01", ls="V3", place="K2")},
                as_at=AT, numerator=2, denominator=2),
    ),
)


IN_HOUSE = Indicator(
    code="lac_fostering_in_house_share", title="Fostered children placed with the council's own foster carers",
    family=FAMILY, unit="%", higher_is_better=True, kind="as_at",
    population="Children looked after at the date in foster placements (setting foster_placement_codes, U1-U6).",
    numerator="Those placed with the council's own provision (setting in_house_providers, PR1).",
    denominator="Children looked after in foster placements at the date.",
    source=f"{CLA_STATS}: foster placements by provider (own provision, private, voluntary); rulebook 5.3 (K)",
    units_sql=_share(lambda q: f"provider IN {in_list(q.settings.in_house_providers)}",
                     lambda q: f"placement IN {in_list(q.settings.foster_placement_codes)}"),
    requires=("lac_episodes",), settings_used=("foster_placement_codes", "in_house_providers"),
    target=60, green=60, amber=50,
    examples=(
        Example("Two fostered children: A with the council's carers (PR1), B with an agency's (PR4).",
                {"lac_episodes": [{**e, "provider": p} for e, p in ((in_care("A", "2024-05-01")[0], "PR1"),
                                                                     (in_care("B", "2024-05-01")[0], "PR4"))]},
                as_at=AT, numerator=1, denominator=2),
        Example("A child in a children's home (K2) is not fostered, however provided; no provider recorded is not "
                "in-house.",
                {"lac_episodes": [{**in_care("C", "2024-05-01", place="K2")[0], "provider": "PR1"},
                                  in_care("D", "2024-05-01", place="U4")[0]]},
                as_at=AT, numerator=0, denominator=1),
        Example("Kinship foster care with the council's approval (U2, PR1) is in-house fostering; care that ended is "
                "not counted.",
                {"lac_episodes": [{**in_care("E", "2024-05-01", place="U2")[0], "provider": "PR1"},
                                  {**in_care("F", "2024-05-01", ceased=("2025-01-01", "E13"))[0],
                                   "provider": "PR1"}]},
                as_at=AT, numerator=1, denominator=1),
    ),
)


def _distance(q: Q) -> str:
    """No postcode geography (postcode to grid reference) is held, so no distance is measured: every child with
    both postcodes is listed with a zero weight, and the result is "not applicable" with the reason."""
    return f"""
    SELECT child_id, FALSE AS in_numerator, 0.0 AS den_weight, home_postcode, placement_postcode
    FROM ({current_episodes(q)}) ce WHERE home_postcode IS NOT NULL AND placement_postcode IS NOT NULL"""


OVER_20_MILES = Indicator(
    code="lac_placed_over_20_miles", title="Looked-after children placed more than 20 miles from home",
    family=FAMILY, unit="%", higher_is_better=False, kind="as_at",
    population="Children looked after at the date with home and placement postcodes (903 HOME_POST, PL_POST).",
    numerator="Those placed more than 20 miles (straight line) from home.",
    denominator="Looked-after children whose home-to-placement distance can be measured (none until a postcode "
                "geography is loaded: Caseboard does not invent distances)",
    source="SSDA903 HOME_POST and PL_POST (distance; 903 validation rule 454); DfE and Ofsted report placements "
           "more than 20 miles from home; rulebook 5.3.5 (K)",
    units_sql=_distance, requires=("lac_episodes",),
    notes="Not applicable in this release: measuring it needs a postcode geography (e.g. the ONS Postcode "
          "Directory's grid references) loaded as reference data.",
    examples=(
        Example("Both postcodes recorded, but without a postcode geography no distance is measured: not "
                "applicable.",
                {"lac_episodes": [{**in_care("A", "2024-05-01")[0], "home_postcode": "NR1 1AA",
                                   "placement_postcode": "CB1 1AA"}]},
                as_at=AT, numerator=0, denominator=0),
        Example("The same placement postcode as home is still not measured: no distance is assumed.",
                {"lac_episodes": [{**in_care("B", "2024-05-01")[0], "home_postcode": "NR1 1AA",
                                   "placement_postcode": "NR1 1AA"}]},
                as_at=AT, numerator=0, denominator=0),
        Example("Without postcodes there is nothing to measure either.",
                {"lac_episodes": in_care("C", "2024-05-01")},
                as_at=AT, numerator=0, denominator=0),
    ),
)

INDICATORS = (RESIDENTIAL, IN_HOUSE, OVER_20_MILES)
