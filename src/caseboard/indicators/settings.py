"""Settings: every threshold the rulebook marks K (not verified verbatim) or leaves to local policy.

Each field carries the common default and says where it comes from, so a council changes a number here, once,
and the schedules, the indicators, the worklists and the generated catalogue all follow. Statutory timescales
that the rulebook verified (V) are not settings: they live as constants beside their citation in
``indicators/schedules``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Any

from caseboard.calendar import DEFAULT_CALENDAR, Calendar


@dataclass(frozen=True)
class Settings:
    """Local choices, with the common default for each (rulebook section in brackets)."""

    #: ONS mid-year estimate of children aged 0-17 for rates per 10,000 (rulebook §9). Norfolk-sized default;
    #: set the latest published estimate for your authority and state its vintage.
    population_0_17: int = 172_000
    #: Name of the authority, the single group at the authority level.
    authority_name: str = "Authority"

    #: Legal statuses of short breaks, excluded from the looked-after measures (CPPCR 2010 reg 48; §0).
    short_break_legal_statuses: tuple[str, ...] = ("V3", "V4")
    #: Reasons for a new episode that do not start a new placement: L is a change of legal status only (§5.3.1).
    same_placement_rne: tuple[str, ...] = ("L",)

    #: Child protection visits: no statutory frequency; the common local standard is every 10 working days (§3.6, K).
    cp_visit_interval_working_days: int = 10
    #: A visit counts only if the child was seen (``seen`` not recorded as false) (§3.6).
    visits_need_child_seen: bool = True

    #: CPPCR 2010 reg 28(2)(c)(i): placements intended to last until 18 are visited 3-monthly after their first
    #: year. The SSDA903 has no such flag; long-term fostering placement codes stand in for it (K).
    long_term_placement_codes: tuple[str, ...] = ("U1", "U4")

    #: Initial health assessment: leave out periods of care that ended within 20 working days (§5.2.1, K).
    iha_exclude_short_periods: bool = True

    #: Personal education plans: reviewed every school term (§5.2.4, K) for children of statutory school age,
    #: approximated by age on the as-at date: ``pep_min_age <= age < pep_max_age``.
    pep_min_age: int = 5
    pep_max_age: int = 16

    #: Pathway plans reviewed at least every 6 months (Care Leavers (England) Regs 2010 reg 7; §6.2.3, K)
    #: for these care leaver categories, up to this age (duties run to 21; to 25 on request).
    pathway_plan_review_months: int = 6
    pathway_plan_categories: tuple[str, ...] = ("relevant", "former_relevant")
    care_leaver_max_age: int = 21
    #: Care leavers: the local contact standard, in days (8 weeks, e.g. LBHF local offer; §6.2.4, K).
    care_leaver_contact_days: int = 56

    #: Re-referrals: within 12 months; NFA referrals count on both sides unless local definition differs (§1.3, K).
    rereferral_months: int = 12
    rereferral_include_nfa: bool = True

    #: Worklists: show items falling due within this many days of the as-at date (and everything overdue).
    worklist_horizon_days: int = 7

    #: Working days and school terms (bank holidays, local closure days, term dates).
    calendar: Calendar = field(default=DEFAULT_CALENDAR, compare=False)

    def with_(self, **changes: Any) -> "Settings":
        """A copy with some settings changed (unknown names are refused, not ignored)."""
        known = {f.name for f in fields(self)}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise ValueError(f"unknown settings: {', '.join(unknown)}")
        return replace(self, **changes)


DEFAULT_SETTINGS = Settings()
