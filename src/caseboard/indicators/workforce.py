"""Allocation and caseloads (rulebook §8).

An open case is a child with an open CIN episode, child protection plan, period of care, or a relevant or
former relevant care leaver under 21 (``indicators.derived.open_cases``). Allocated means an allocation to a
worker open at the date (start on or before, end empty or on or after); an allocation to a team only is not.
"""

from __future__ import annotations

import datetime as dt

from caseboard.indicators.derived import Q, open_cases
from caseboard.indicators.example_data import in_care
from caseboard.indicators.framework import Example, Indicator

D = dt.date
FAMILY = "Workforce and allocation"


def _allocated(q: Q) -> str:
    """Allocations to a worker open at the as-at date."""
    return (f"SELECT child_id, worker_id FROM allocations WHERE worker_id IS NOT NULL AND start_date <= {q.at} "
            f"AND (end_date IS NULL OR end_date >= {q.at})")


def _unallocated(q: Q) -> str:
    return f"""
    SELECT o.child_id, a.child_id IS NULL AS in_numerator, o.cases
    FROM ({open_cases(q)}) o LEFT JOIN (SELECT DISTINCT child_id FROM ({_allocated(q)}) a0) a ON a.child_id = o.child_id"""


def _referral(child: str, date: str = "2025-01-01", **more: str) -> dict[str, str]:
    return {"child_id": child, "referral_date": date, **more}


def _allocation(child: str, worker: str | None, team: str = "T1", start: str = "2025-01-01",
                **more: str) -> dict[str, str | None]:
    return {"child_id": child, "worker_id": worker, "team_id": team, "start_date": start, **more}


UNALLOCATED = Indicator(
    code="unallocated_children", title="Open cases without an allocated worker", family=FAMILY, unit="count",
    higher_is_better=False, kind="as_at",
    population="Children with an open case at the date (CIN episode, CP plan, period of care, care leaver).",
    numerator="Those with no allocation to a worker open at the date (allocated to a team only counts as "
              "unallocated).",
    denominator="Children with an open case.",
    source="No national definition; common practice and Ofsted scrutiny of unallocated cases: open children "
           "with no allocated social worker at the date; rulebook 8.6 (K)",
    units_sql=_unallocated, requires=("allocations",),
    examples=(
        Example("A child on a plan with an allocated worker is allocated; a child in need with no allocation is "
                "not.",
                {"cp_plans": [{"child_id": "A", "start_date": "2025-01-10"}],
                 "referrals": [_referral("B")],
                 "allocations": [_allocation("A", "W1")]},
                as_at=D(2025, 3, 31), numerator=1, denominator=2),
        Example("An allocation to a team only, or one that ended before the date, leaves the child unallocated.",
                {"referrals": [_referral("C"), _referral("D")],
                 "allocations": [_allocation("C", None), _allocation("D", "W1", end_date="2025-03-01")]},
                as_at=D(2025, 3, 31), numerator=2, denominator=2),
        Example("A closed case is not counted; a relevant care leaver without a worker is; a looked-after child "
                "allocated on the date is allocated.",
                {"children": [{"child_id": "F", "dob": "2007-06-01"}],
                 "referrals": [_referral("E", closure_date="2025-02-01")],
                 "care_leavers": [{"child_id": "F", "eligibility": "relevant"}],
                 "lac_episodes": in_care("G", "2024-01-01"),
                 "allocations": [_allocation("G", "W1", start="2025-03-31")]},
                as_at=D(2025, 3, 31), numerator=1, denominator=2),
    ),
)


def _caseload(q: Q) -> str:
    return f"""
    SELECT c.child_id, TRUE AS in_numerator, c.worker_id,
           COALESCE(w.fte, 1.0) / COUNT(*) OVER (PARTITION BY c.worker_id) AS den_weight
    FROM (
      SELECT DISTINCT a.child_id, a.worker_id FROM ({_allocated(q)}) a JOIN ({open_cases(q)}) o ON o.child_id = a.child_id
    ) c LEFT JOIN workers w ON w.worker_id = c.worker_id"""


def _worker(worker: str, fte: str, team: str = "T1") -> dict[str, str]:
    return {"worker_id": worker, "name": f"Worker {worker}", "fte": fte, "team_id": team}


CASELOAD = Indicator(
    code="caseload_per_worker_fte", title="Average caseload per case-holding worker (FTE)", family=FAMILY,
    unit="ratio", higher_is_better=False, kind="as_at",
    population="Open cases allocated to a worker at the date, and the workers holding them.",
    numerator="Cases held (a child allocated to two workers is a case for each).",
    denominator="Full-time equivalent of the workers holding at least one case (no FTE recorded counts as 1).",
    source="DfE Children's social work workforce: caseload = cases per case-holding social worker FTE at 30 "
           "September; rulebook 8.5 (K: counting rules)",
    units_sql=_caseload, requires=("allocations", "workers"), attribution="worker", target=18, green=18, amber=22,
    examples=(
        Example("Two cases for a full-time worker and one for a half-time worker are 3 cases over 1.5 FTE: a "
                "caseload of 2.",
                {"referrals": [_referral(c) for c in ("A", "B", "C")],
                 "workers": [_worker("W1", "1.0"), _worker("W2", "0.5")],
                 "allocations": [_allocation("A", "W1"), _allocation("B", "W1"), _allocation("C", "W2")]},
                as_at=D(2025, 3, 31), numerator=3, denominator=1.5),
        Example("A team-only allocation and a closed case are not caseload: one case over 0.8 FTE.",
                {"referrals": [_referral("D"), _referral("E", closure_date="2025-02-01"), _referral("F")],
                 "workers": [_worker("W1", "0.8")],
                 "allocations": [_allocation("D", None), _allocation("E", "W1"), _allocation("F", "W1")]},
                as_at=D(2025, 3, 31), numerator=1, denominator=0.8),
        Example("A child allocated to two workers is a case for each of them.",
                {"referrals": [_referral("G")],
                 "workers": [_worker("W1", "1.0"), _worker("W2", "1.0")],
                 "allocations": [_allocation("G", "W1"), _allocation("G", "W2")]},
                as_at=D(2025, 3, 31), numerator=2, denominator=2.0),
    ),
)

INDICATORS = (UNALLOCATED, CASELOAD)
