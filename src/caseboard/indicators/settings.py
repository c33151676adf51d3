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


def _setting(default: Any, doc: str) -> Any:
    """A setting's default with its explanation (shown in the generated catalogue)."""
    return field(default=default, metadata={"doc": doc})


@dataclass(frozen=True)
class Settings:
    """Local choices, with the common default for each (rulebook section in brackets)."""

    population_0_17: int = _setting(
        172_000, "ONS mid-year estimate of children aged 0-17, for rates per 10,000 (rulebook §9). Norfolk-sized "
                 "default: set your authority's latest estimate and note its vintage.")
    authority_name: str = _setting("Authority", "Name of the single group at the authority level.")

    short_break_legal_statuses: tuple[str, ...] = _setting(
        ("V3", "V4"), "Legal statuses of short breaks, left out of the looked-after measures (CPPCR 2010 reg 48; "
                      "rulebook §0).")
    same_placement_rne: tuple[str, ...] = _setting(
        ("L",), "Reasons for a new episode that do not start a new placement: L, a change of legal status only "
                "(rulebook 5.3.1; whether T/U/B moves count is K).")

    cp_visit_interval_working_days: int = _setting(
        10, "Child protection visits: no statutory frequency; the common local standard is every 10 working days "
            "(rulebook 3.6, K).")
    visits_need_child_seen: bool = _setting(
        True, "A visit counts only if the child was seen (seen not recorded as false) (rulebook 3.6).")
    long_term_placement_codes: tuple[str, ...] = _setting(
        ("U1", "U4"), "Placements intended to last until 18, visited 3-monthly after their first year (CPPCR 2010 "
                      "reg 28(2)(c)(i)). The SSDA903 has no such flag: long-term fostering codes stand in (K).")

    pep_min_age: int = _setting(
        5, "Personal education plans, reviewed every school term (rulebook 5.2.4, K), for children of statutory "
           "school age, approximated by age at the term's start: at least this ...")
    pep_max_age: int = _setting(16, "... and under this.")

    pathway_plan_review_months: int = _setting(
        6, "Pathway plans reviewed at least this often, in months (Care Leavers (England) Regs 2010 reg 7; "
           "rulebook 6.2.3, K).")
    pathway_plan_categories: tuple[str, ...] = _setting(
        ("relevant", "former_relevant"), "Care leaver categories the pathway-plan and keeping-in-touch measures "
                                         "cover (CA 1989 ss23A, 23C).")
    care_leaver_max_age: int = _setting(
        21, "Care leavers are counted under this age (duties run to 21; to 25 on request).")
    care_leaver_contact_days: int = _setting(
        56, "Care leavers: local contact standard in days (8 weeks, e.g. LBHF local offer; rulebook 6.2.4, K).")

    rereferral_months: int = _setting(12, "Re-referral window in calendar months (rulebook 1.3).")
    rereferral_include_nfa: bool = _setting(
        True, "NFA referrals count on both sides of a re-referral unless the local definition differs "
              "(rulebook 1.3, K).")

    worklist_horizon_days: int = _setting(
        7, "Worklists show items falling due within this many days of the date, and everything overdue.")

    calendar: Calendar = field(default=DEFAULT_CALENDAR, compare=False, metadata={
        "doc": "Working days and school terms: bank holidays, local closure days (none by default), term dates "
               "(a default English pattern). See caseboard.calendar."})

    def with_(self, **changes: Any) -> "Settings":
        """A copy with some settings changed (unknown names are refused, not ignored)."""
        known = {f.name for f in fields(self)}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise ValueError(f"unknown settings: {', '.join(unknown)}")
        return replace(self, **changes)

    @classmethod
    def described(cls) -> list[tuple[str, Any, str]]:
        """(name, default, explanation) of every setting, for the catalogue."""
        return [(f.name, f.default, f.metadata.get("doc", "")) for f in fields(cls)]


DEFAULT_SETTINGS = Settings()
