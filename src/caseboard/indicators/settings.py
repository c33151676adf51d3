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

    contact_decision_working_days: int = _setting(
        1, "Front door: decision on next steps within this many working days of a contact (Working Together 2023 "
           "ch.3; a local KPI, not a DfE statistic; rulebook 1.1).")
    cin_plan_review_weeks: int = _setting(
        12, "Child in need plans: no statutory timescale; reviewed at least every 12 weeks as a common local standard "
            "(e.g. York; rulebook 4.1, K).")
    seen_alone_min_age: int = _setting(
        4, "Visits where the child was seen alone are measured for children of at least this age at the visit "
           "(age and understanding; local rule; rulebook 3.6, 5.1.3, K).")
    dental_check_months: int = _setting(
        12, "Looked-after children: dental check at least this often in months (no regulatory interval; DfE OC2 "
            "TEETH_CHECK in the year; rulebook 5.2.3, K).")
    residential_placement_codes: tuple[str, ...] = _setting(
        ("K1", "K2", "K3", "H5", "R1", "R2", "R3", "R5", "S1"),
        "SSDA903 placements counted as residential: secure units, children's homes, supported and semi-independent "
        "accommodation, other residential settings and residential schools (DfE CLA placement groups; K).")
    foster_placement_codes: tuple[str, ...] = _setting(
        ("U1", "U2", "U3", "U4", "U5", "U6"), "SSDA903 foster placements (U1-U6), for the in-house fostering share.")
    in_house_providers: tuple[str, ...] = _setting(
        ("PR1",), "SSDA903 PLACE_PROVIDER codes of the council's own provision (PR1).")
    eet_activity_codes: tuple[str, ...] = _setting(
        ("F1", "P1", "F2", "P2", "F3", "P3"), "SSDA903 OC3 ACTIV codes counted as in education, employment or "
                                              "training (the code list's F/P codes; rulebook 6.2.6, K).")
    cohort_older_age: int = _setting(
        17, "LAC reduction cohort: young people looked after aged at least this (seed 004 para 2.10.4: '17+').")
    cohort_young_age: int = _setting(
        2, "LAC reduction cohort: children under this age subject to care proceedings (seed 004: 'under 2 years').")
    cohort_teen_age: int = _setting(
        13, "LAC reduction cohort: young people of at least this age ... (seed 004 para 2.10.5: '13+') ...")
    cohort_teen_new_months: int = _setting(6, "... who entered care within this many months (seed 004: '6 months').")
    reunification_legal_statuses: tuple[str, ...] = _setting(
        ("V2",), "Possible reunification (seed 004 para 2.10.2, a cohort found by case review): the system can only "
                 "list candidates, children accommodated under section 20 (V2) ...")
    reunification_placements: tuple[str, ...] = _setting(
        ("P1",), "... or placed with their parents (P1); local choice (K).")

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
