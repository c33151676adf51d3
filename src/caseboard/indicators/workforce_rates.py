"""Workforce: agency and vacancy rates, full-time equivalent (rulebook 8.1-8.3).

Social workers are the workers in post at the date (started on or before it, or no start recorded; not left by
it) not recorded as unqualified; no FTE recorded counts as 1. Each worker is placed in their own team
(``workers.team_id``: the current team, the model keeps no team history). The DfE's snapshot is 30 September.
"""

from __future__ import annotations

import datetime as dt

from caseboard.indicators.derived import Q
from caseboard.indicators.framework import Example, Indicator

D = dt.date
AT = D(2024, 9, 30)
FAMILY = "Workforce and allocation"
CSWW = "DfE Children's social work workforce (methodology; data set columns agency_rate_fte, vacancy_rate_fte)"


def _in_post(q: Q) -> str:
    return f"""
    SELECT worker_id, team_id, COALESCE(agency, FALSE) AS agency, COALESCE(fte, 1.0) AS fte FROM workers
    WHERE (start_date IS NULL OR start_date <= {q.at}) AND (end_date IS NULL OR end_date > {q.at})
      AND qualified IS DISTINCT FROM FALSE"""


def _agency(q: Q) -> str:
    return f"""
    SELECT CAST(NULL AS VARCHAR) AS child_id, worker_id, agency AS in_numerator,
           CASE WHEN agency THEN fte ELSE 0.0 END AS num_weight, fte AS den_weight
    FROM ({_in_post(q)}) w"""


def _worker(worker: str, team: str = "T1", fte: str = "1", agency: str = "false", **more: str) -> dict[str, str]:
    return {"worker_id": worker, "team_id": team, "fte": fte, "agency": agency, **more}


AGENCY = Indicator(
    code="agency_worker_rate", title="Agency social workers (FTE rate)", family=FAMILY, unit="%",
    higher_is_better=False, kind="as_at",
    population="Qualified social workers in post at the date.",
    numerator="Full-time equivalent of agency workers (not paid directly by the council).",
    denominator="Full-time equivalent of agency and council-employed social workers.",
    source=f"{CSWW}: agency FTE / (agency FTE + council social worker FTE) x 100 at 30 September; rulebook 8.1-8.2 "
           "(formula K)",
    units_sql=_agency, requires=("workers",), attribution="worker", target=10, green=10, amber=15,
    examples=(
        Example("One full-time agency worker among 3 FTE: a rate of 33.3%.",
                {"workers": [_worker("W1", agency="true"), _worker("W2"), _worker("W3")]},
                as_at=AT, numerator=1.0, denominator=3.0),
        Example("Rates are by FTE: a half-time agency worker and 1.5 FTE employed is 0.5 of 2.0.",
                {"workers": [_worker("W1", fte="0.5", agency="true"), _worker("W2", fte="1.5")]},
                as_at=AT, numerator=0.5, denominator=2.0),
        Example("Workers not yet started, already gone or unqualified are not counted.",
                {"workers": [_worker("W1", agency="true", start_date="2024-10-01"),
                             _worker("W2", agency="true", end_date="2024-09-30"),
                             _worker("W3", agency="true", qualified="false"), _worker("W4")]},
                as_at=AT, numerator=0, denominator=1.0),
    ),
)


def _vacancies(q: Q) -> str:
    """A team's vacancies are its funded posts (``teams.establishment_fte``) not filled by council-employed social
    workers (agency cover counts as vacant). They are spread over the team's employed workers in proportion to
    FTE, so the team's, area's and authority's sums are exact; a team with no employed worker has no one to
    carry them and is left out."""
    return f"""
    WITH w AS (SELECT * FROM ({_in_post(q)}) w0 WHERE NOT agency),
    t AS (
      SELECT w.team_id, GREATEST(MAX(tm.establishment_fte) - SUM(w.fte), 0.0) AS vacant, SUM(w.fte) AS filled
      FROM w JOIN teams tm ON tm.team_id = w.team_id WHERE tm.establishment_fte IS NOT NULL GROUP BY w.team_id
    )
    SELECT CAST(NULL AS VARCHAR) AS child_id, w.worker_id, t.vacant > 0 AS in_numerator,
           t.vacant * w.fte / t.filled AS num_weight, w.fte + t.vacant * w.fte / t.filled AS den_weight
    FROM w JOIN t ON t.team_id = w.team_id"""


def _team(team: str, establishment: str) -> dict[str, str]:
    return {"team_id": team, "name": f"Team {team}", "establishment_fte": establishment}


VACANCY = Indicator(
    code="vacancy_rate", title="Social worker vacancy rate (FTE)", family=FAMILY, unit="%",
    higher_is_better=False, kind="as_at",
    population="Funded social worker posts of teams with an establishment recorded.",
    numerator="Vacant FTE: posts not filled by council-employed social workers (agency cover counts as vacant).",
    denominator="Vacant FTE plus council-employed social worker FTE.",
    source=f"{CSWW}: vacancy FTE / (vacancy FTE + social worker FTE) x 100 at 30 September; rulebook 8.3 (formula K)",
    units_sql=_vacancies, requires=("workers", "teams"), attribution="worker", target=12, green=12, amber=18,
    examples=(
        Example("A team funded for 5 FTE with 4 employed: 1 vacant of 5, 20%.",
                {"teams": [_team("T1", "5")], "workers": [_worker(f"W{i}") for i in range(4)]},
                as_at=AT, numerator=1.0, denominator=5.0),
        Example("An agency worker covering a post leaves it vacant; a team over establishment has no vacancy (not a "
                "negative one): 2 vacant in T1 (3 funded), 0 in T2.",
                {"teams": [_team("T1", "3"), _team("T2", "1")],
                 "workers": [_worker("W1"), _worker("W2", agency="true"), _worker("W3", team="T2"),
                             _worker("W4", team="T2", fte="0.5")]},
                as_at=AT, numerator=2.0, denominator=4.5),
        Example("A team without an establishment recorded is not measured; part-time workers fill part of a post.",
                {"teams": [_team("T1", "2"), {"team_id": "T2", "name": "Team T2"}],
                 "workers": [_worker("W1", fte="0.5"), _worker("W2", fte="0.5"), _worker("W3", team="T2")]},
                as_at=AT, numerator=1.0, denominator=2.0),
    ),
)

INDICATORS = (AGENCY, VACANCY)
