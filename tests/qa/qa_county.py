"""The tiny organisation the QA tests run on (imported by conftest and the CLI test)."""

from __future__ import annotations

import datetime as dt

AS_AT = dt.date(2025, 3, 31)

#: Area N: team T1 (6 open cases) and T2 (3); area S: team T3 (4). Workers W1-W3, managers M1, M3,
#: auditors Q1 (in T1), Q3 (in T3) and QX (in no team).
TEAMS = {"T1": ("N", 6), "T2": ("N", 3), "T3": ("S", 4)}


def county_tables() -> dict[str, list[dict[str, object]]]:
    referrals, allocations = [], []
    for team, (_, n) in TEAMS.items():
        for i in range(n):
            child = f"{team}C{i}"
            referrals.append({"child_id": child, "referral_date": "2024-06-01"})
            allocations.append({"child_id": child, "worker_id": "W" + team[1], "team_id": team,
                                "start_date": "2024-06-01"})
    return {
        "areas": [{"area_id": "N", "name": "North"}, {"area_id": "S", "name": "South"}],
        "teams": [{"team_id": t, "name": f"Team {t}", "area_id": a} for t, (a, _) in TEAMS.items()],
        "workers": [{"worker_id": "W1", "name": "Ann", "role": "social_worker", "team_id": "T1"},
                    {"worker_id": "W2", "name": "Bob", "role": "social_worker", "team_id": "T2"},
                    {"worker_id": "W3", "name": "Cat", "role": "social_worker", "team_id": "T3"},
                    {"worker_id": "M1", "name": "Dee", "role": "team_manager", "team_id": "T1"},
                    {"worker_id": "M3", "name": "Eve", "role": "team_manager", "team_id": "T3"},
                    {"worker_id": "Q1", "name": "Fay", "role": "senior_practitioner", "team_id": "T1"},
                    {"worker_id": "Q3", "name": "Gus", "role": "senior_practitioner", "team_id": "T3"}],
        "referrals": referrals,
        "allocations": allocations,
    }
