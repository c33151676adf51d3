"""What the synthetic county looks like: its size, its published rates, its areas, and how imperfect it is.

Two kinds of numbers live here, and each says which it is:

* **Published** figures (:class:`Calibration`): one local authority's numbers from the DfE statistics in
  ``shared/reference-data/dfe-statistics``, each cited by file and column. The default county is Norfolk (old LA
  code 926, E10000020), collection year 2024-25 (``time_period`` 2025) unless stated. ``published.py`` reads the
  same figures for any authority (the test suite checks that the two agree).
* **Assumptions** (module constants in ``ASSUMPTIONS``): shapes the published files do not give (ages at entry,
  routes out of care, contacts per referral, s47s per plan...). They are national patterns or practice norms
  marked K (not verified) in reference/statutory-rules-and-indicators.md terms; change them freely.

Nothing real is generated: children have no names, postcodes are postcode-shaped inventions, workers' names are
drawn from a short built-in list.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

#: Column order of the care-leaver activity shares (la_care_leavers_activity.csv ``breakdown`` values).
ACTIVITY_GROUPS: tuple[str, ...] = (
    "Education other than higher education",
    "Higher education i.e. studies beyond A level",
    "In an apprenticeship",
    "In training or employment (excl. apprenticeship)",
    "Not in education, training or employment, owing to illness or disability",
    "Not in education, training or employment, owing to other reasons",
    "Not in education, training or employment, owing to pregnancy or parenting",
    "Total information not known",
)
#: Column order of the accommodation shares (la_care_leavers_accommodation_suitability.csv ``breakdown``).
ACCOMMODATION_GROUPS: tuple[str, ...] = (
    "Accommodation considered suitable",
    "Accommodation considered unsuitable",
    "No information",
)


@dataclass(frozen=True)
class Calibration:
    """One authority's published figures for one collection year (counts are per year or at 31 March)."""

    la_code: str
    new_la_code: str
    la_name: str
    year: int
    #: ons_mid-year_population_estimates_2012_to_2024.csv ``population_estimate`` (0-17), mid-year before ``year``.
    population: int
    #: c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv ``referral_count``.
    referrals: int
    #: c1 ``rereferral_percent``: referrals within 12 months of a previous referral.
    rereferral_pct: float
    #: c1 ``no_further_action_percent``.
    nfa_pct: float
    #: c1 ``not_in_need_percent``: assessed, child not in need.
    not_in_need_pct: float
    #: b1_children_in_need_2013_to_2025.csv ``At31_episodes``.
    cin_at31: int
    #: d3_cpps_subsequent_plan_2013_to_2025.csv ``CPP_start``.
    cpp_starts: int
    #: d3 ``CPP_subsequent_percent``.
    cpp_subsequent_pct: float
    #: d5_cpps_at31march_by_duration_2013_to_2025.csv ``CPP_At31``.
    cpp_at31: int
    #: cla_number_and_rate_per_10k_children.csv ``children_count`` for "Children looked after on 31 March each year".
    cla_at31: int
    #: same file, "Children starting to be looked after each year".
    cla_starts: int
    #: same file, "Children ceasing to be looked after each year".
    cla_ceased: int
    #: la_care_leavers_activity.csv ``care_leaver_count`` by ``breakdown`` (ACTIVITY_GROUPS order), 17 to 18 years.
    activity_17_18: tuple[int, ...]
    #: the same, 19 to 21 years.
    activity_19_21: tuple[int, ...]
    #: la_care_leavers_accommodation_suitability.csv ``care_leaver_count`` (ACCOMMODATION_GROUPS order), 17 to 18.
    accommodation_17_18: tuple[int, ...]
    #: the same, 19 to 21 years.
    accommodation_19_21: tuple[int, ...]
    #: csww_indicators_2017_to_2025.csv ``agency_rate_fte`` by time_period (hiring: agency share of new starters).
    agency_rate_by_year: dict[int, float]
    #: csww ``vacancy_rate_fte`` (latest year): funded posts not filled.
    vacancy_rate: float
    #: csww ``turnover_rate_fte`` (latest year): leavers a year per post.
    turnover_rate: float
    #: csww ``caseload_fte`` (latest year): cases per case-holding social worker.
    caseload: float
    #: la_cla_placement_stability.csv, "CLA on 31 March" / "With 3 or more placements during the year" percent.
    placements_3plus_pct: float

    @property
    def total_care_leavers_17_18(self) -> int:
        return sum(self.activity_17_18)

    @property
    def total_care_leavers_19_21(self) -> int:
        return sum(self.activity_19_21)


#: Norfolk, collection year 2025 (1 April 2024 - 31 March 2025), from shared/reference-data/dfe-statistics.
#: Suppressed cells ("c") in the activity rows are filled from the published group total ("Total in education,
#: employment or training" 162 for 17-18): higher education 7 and apprenticeship 6 (split as evenly as possible).
NORFOLK = Calibration(
    la_code="926",
    new_la_code="E10000020",
    la_name="Norfolk",
    year=2025,
    population=171_830,  # ons_mid-year_population_estimates: time_period 2024, 0 to 17
    referrals=5_986,  # c1 2025 referral_count
    rereferral_pct=17.9,  # c1 2025 rereferral_percent
    nfa_pct=1.3,  # c1 2025 no_further_action_percent
    not_in_need_pct=15.5,  # c1 2025 not_in_need_percent
    cin_at31=4_643,  # b1 2025 At31_episodes
    cpp_starts=536,  # d3 2025 CPP_start
    cpp_subsequent_pct=18.8,  # d3 2025 CPP_subsequent_percent
    cpp_at31=454,  # d5 2025 CPP_At31
    cla_at31=1_069,  # cla_number_and_rate 2025 looked after on 31 March
    cla_starts=338,  # cla_number_and_rate 2025 starting
    cla_ceased=431,  # cla_number_and_rate 2025 ceasing
    activity_17_18=(117, 7, 6, 32, 7, 60, 6, 29),  # la_care_leavers_activity 2025, 17 to 18 (total 264)
    activity_19_21=(148, 33, 7, 114, 33, 149, 10, 39),  # la_care_leavers_activity 2025, 19 to 21 (total 533)
    accommodation_17_18=(209, 26, 29),  # la_care_leavers_accommodation_suitability 2025, 17 to 18
    accommodation_19_21=(454, 40, 39),  # la_care_leavers_accommodation_suitability 2025, 19 to 21
    agency_rate_by_year={2017: 17.6, 2018: 19.0, 2019: 27.4, 2020: 13.9, 2021: 7.3, 2022: 7.5, 2023: 7.7,
                         2024: 3.8, 2025: 1.3},  # csww agency_rate_fte, 926
    vacancy_rate=1.1,  # csww 2025 vacancy_rate_fte
    turnover_rate=11.3,  # csww 2025 turnover_rate_fte
    caseload=14.8,  # csww 2025 caseload_fte
    placements_3plus_pct=11.0,  # la_cla_placement_stability 2025: 116 of 1,069
)


@dataclass(frozen=True)
class Area:
    """A locality: its code, name, share of the county's children's social care work and postcode districts."""

    area_id: str
    name: str
    weight: float
    outward: tuple[str, ...]


def _nr(*numbers: int) -> tuple[str, ...]:
    return tuple(f"NR{n}" for n in numbers)


#: Six Norfolk-like localities (areas, not real teams). Weights are an assumption: district child populations
#: with more work in the urban, more deprived districts (Norwich, Great Yarmouth). Outward codes are real
#: postcode districts used as shapes only; inward codes are invented.
NORFOLK_AREAS: tuple[Area, ...] = (
    Area("BRK", "Breckland", 0.16, _nr(17, 19, 20) + ("IP24", "IP25", "IP26", "PE37")),
    Area("BSN", "Broadland & South Norfolk", 0.20, _nr(8, 9, 10, 12, 13, 14, 15, 16, 18) + ("IP20", "IP21", "IP22")),
    Area("GYA", "Great Yarmouth", 0.16, _nr(29, 30, 31)),
    Area("KLW", "King's Lynn & West Norfolk", 0.17, ("PE30", "PE31", "PE32", "PE33", "PE34", "PE35", "PE36", "PE38")),
    Area("NOR", "Norwich", 0.20, _nr(1, 2, 3, 4, 5, 6, 7)),
    Area("NNF", "North Norfolk", 0.11, _nr(11, 21, 22, 23, 24, 25, 26, 27, 28)),
)
#: Postcode districts just over the border, used for some out-of-area placements.
BORDER_OUTWARD: tuple[str, ...] = _nr(32, 33, 34, 35) + ("IP23",)

#: Team types (teams.team_type) and how many of each an area has at full scale; ``None`` = county-wide teams
#: (count given), placed in the areas in turn.
TEAM_PLAN: dict[str, tuple[int | None, int]] = {
    "front_door": (None, 3),
    "duty_assessment": (2, 0),
    "cin": (2, 0),
    "cp": (1, 0),
    "looked_after": (2, 0),
    "leaving_care": (1, 0),
    "disabilities": (None, 3),
    "early_help": (1, 0),
}

#: Kinds of imperfection :mod:`caseboard.synth.imperfection` can inject.
IMPERFECTION_KINDS: tuple[str, ...] = (
    "late_visits", "overdue_reviews", "late_assessments", "late_icpcs", "late_decisions", "missing_peps",
    "missing_health", "unallocated", "invalid_codes", "end_before_start", "duplicate_rows",
)


@dataclass(frozen=True)
class Assumptions:
    """Shapes not in the published files (K: national patterns or practice norms; see module docstring)."""

    #: Age-band mixes (<1, 1-4, 5-9, 10-15, 16-17). Referrals and CP starts: DfE CIN statistics, national, approx.
    referral_age_mix: tuple[float, ...] = (0.10, 0.20, 0.24, 0.34, 0.12)
    cp_age_mix: tuple[float, ...] = (0.13, 0.26, 0.27, 0.29, 0.05)
    #: Children starting to be looked after by age (DfE CLA statistics, national, approx.).
    cla_age_mix: tuple[float, ...] = (0.19, 0.13, 0.14, 0.36, 0.18)
    #: Share of care starts preceded by a CP plan, and share who are unaccompanied asylum-seeking children.
    cla_via_cp: float = 0.35
    cla_uasc: float = 0.08
    #: s47 enquiries and initial conferences per CP plan started (national CIN statistics ratios, approx.).
    s47_per_cpp: float = 3.0
    icpc_per_cpp: float = 1.25
    #: Front-door contacts that did not become referrals, per referral (local practice; varies widely).
    contacts_per_referral: float = 2.5
    #: Early help episodes a year per referral (local practice).
    early_help_per_referral: float = 0.5
    #: Routes out of care by age band at entry: (home, adoption, SGO/CAO, other, until 18). The "until 18" share
    #: is scaled so that the stock looked after matches the published count (calibrate.solve_until_18).
    cla_routes: tuple[tuple[float, ...], ...] = (
        (0.20, 0.35, 0.25, 0.02, 0.18),
        (0.30, 0.20, 0.25, 0.03, 0.22),
        (0.35, 0.02, 0.20, 0.05, 0.38),
        (0.40, 0.00, 0.08, 0.12, 0.40),
        (0.25, 0.00, 0.00, 0.15, 0.60),
    )
    #: Median months: return home, SGO or child arrangements order, other endings (log-normal spreads below).
    months_home: float = 5.5
    months_sgo: float = 16.0
    months_other: float = 3.0
    #: Median months on a CP plan (log-normal, spread 0.65) is solved from CPP_At31 / CPP_start.
    cp_spread: float = 0.65
    #: Share of CP plans stepping down to a CIN plan; share of returns home followed by a CIN plan.
    cp_step_down: float = 0.55
    home_cin_plan: float = 0.6
    #: Share of children aged 11+ in care who go missing in a year (episodes per child ~ 1 + geometric).
    missing_share: float = 0.12
    #: Placement moves a year: first year in care, later years (children under 10 / 10 and over).
    moves_first_year: tuple[float, float] = (0.9, 1.8)
    moves_later: tuple[float, float] = (0.3, 0.7)
    #: Share of adolescents on the "until 18" route who leave care at 16 instead.
    leave_at_16: float = 0.5


@dataclass
class SynthConfig:
    """Everything that decides a synthetic county. The same config (and seed) gives the same county.

    ``today`` is the last day of history: by default 31 March 2026, the end of the latest complete collection
    year; any date (such as ``datetime.date.today()``) may be given. ``scale`` multiplies every volume (children,
    workers); ``imperfection`` (0 = perfect, default 0.1) is the share of late visits, overdue reviews, missing
    PEPs, unallocated children and a handful of data-entry errors, for validators and indicators to find.

    After :func:`caseboard.synth.generate` runs, ``injected_rates`` gives the probability each kind of lateness
    was drawn with, ``injected`` how many records each counted kind affected (``IMPERFECTION_KINDS``) and
    ``injected_errors`` lists each deliberate data-entry error (table, child, field, value), so a test can check
    that the validators find every one.
    """

    seed: int = 2014
    scale: float = 1.0
    years: int = 10
    imperfection: float = 0.1
    today: dt.date = dt.date(2026, 3, 31)
    calibration: Calibration = NORFOLK
    areas: tuple[Area, ...] = NORFOLK_AREAS
    workers: int = 350
    assumptions: Assumptions = field(default_factory=Assumptions)
    #: Which kinds of imperfection to inject (all by default).
    inject: frozenset[str] = frozenset(IMPERFECTION_KINDS)
    #: Filled by generate(): kind -> number of records affected (unallocated children, data-entry errors).
    injected: dict[str, int] = field(default_factory=dict, compare=False)
    #: Filled by generate(): kind -> probability that one event of that kind was made late or left out.
    injected_rates: dict[str, float] = field(default_factory=dict, compare=False)
    #: Filled by generate(): one dict per deliberate data-entry error.
    injected_errors: list[dict[str, object]] = field(default_factory=list, compare=False)

    def __post_init__(self) -> None:
        if not 0.0 <= self.imperfection <= 1.0:
            raise ValueError("imperfection is a share between 0 and 1")
        if self.scale <= 0:
            raise ValueError("scale must be positive")
        if not 1 <= self.years <= 30:
            raise ValueError("years of history must be between 1 and 30")

    @property
    def la_code(self) -> str:
        return self.calibration.la_code

    @property
    def history_start(self) -> dt.date:
        """First day of history: ``years`` years before ``today`` (the day after)."""
        try:
            start = self.today.replace(year=self.today.year - self.years)
        except ValueError:  # 29 February
            start = self.today.replace(year=self.today.year - self.years, day=28)
        return start + dt.timedelta(days=1)

    def late(self, kind: str, weight: float = 1.0) -> float:
        """Probability that one event of ``kind`` is late or missing (0 unless that kind is injected)."""
        return min(1.0, self.imperfection * weight) if kind in self.inject else 0.0
