"""From published yearly counts to the per-referral probabilities and durations the simulation draws from.

The simulation is stationary: children arrive at a steady rate, each referral takes a pathway with fixed
probabilities, each plan and period of care lasts a drawn time. Counts at 31 March are then starts x mean
duration (Little's law), so each published stock fixes a mean duration:

* CP plans: ``CPP_At31 / CPP_start`` years on average (d5, d3), less the shorter plans that end in care.
* Care: the stock at the *start* of the latest year (``at31 + ceased - starts``) over starts; the published
  year's extra exits (ceased above starts: Norfolk's stock fell from 1,152 to 1,069) are then drawn as early
  endings in that year, so both the 31 March count and the year's flows match.
* CIN: the b1 ``At31_episodes`` less the children in care, on plans and in assessment is what CIN plans hold.

Everything here is deterministic (no random draws from the county's generator), so it can be tested alone.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from caseboard.synth.config import Assumptions, Calibration

BANDS = np.array([1.0, 5.0, 10.0, 16.0])  # age band edges: <1, 1-4, 5-9, 10-15, 16-17
PATHS = ("nfa", "not_in_need", "cin", "cp", "care")
ROUTES = ("home", "adoption", "sgo", "other", "until_18", "leaves_at_16")
#: Mean working days an assessment takes (about 22 working days = 31 calendar days).
ASSESSMENT_DAYS = 31.0
#: CP plans that end when the child comes into care last 1 to 10 months (mean 5.5 months).
CP_BEFORE_CARE_YEARS = 5.5 / 12
#: Share of CIN-pathway episodes with a CIN plan (the rest close after assessment with services ended).
CIN_PLAN_SHARE = 0.85
#: Children come into care weeks or months after the referral, so some cross into the next age band on the
#: way; these factors (measured on the simulation) make the ages at entry, not at referral, follow the mix.
ENTRY_SHIFT = np.array([1.6, 1.0, 1.0, 0.95, 0.75])
#: ``referral_age_mix`` is the age mix of first referrals; children referred again are older by then, so all
#: referrals together hold fewer babies (ratios measured on the simulation).
REFERRAL_AGING = np.array([0.77, 0.97, 1.07, 1.04, 1.0])


@dataclass(frozen=True)
class Rates:
    """What the simulation draws from (per referral, per plan, per period of care)."""

    referrals_per_year: float
    path_probs: np.ndarray  # [band, path]
    uasc_per_year: float
    via_cp: float  # share of non-UASC care starts preceded by a CP plan
    s47_extra: float  # probability of an s47 (without a plan) on a CIN or not-in-need pathway referral
    icpc_given_extra: float  # of those, the share that reach an initial conference
    cp_median_years: float
    cin_median_years: float
    cin_spread: float
    until_18_scale: float
    care_extra_exit: float  # probability that a long stay ends early in the latest year
    rereferral: float
    subsequent_plan: float


def care_duration_sample(a: Assumptions, ages: np.ndarray, scale: float, rng: np.random.Generator,
                         uasc: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Route and duration (years) of care for entrants of the given ages, with "until 18" scaled by ``scale``.

    The one place routes and durations are drawn: the simulation calls it for real entrants, and
    :func:`solve_until_18` calls it on a fixed sample to find the scale that gives the published stock.
    """
    n = ages.size
    band = np.digitize(ages, BANDS)
    base = np.array(a.cla_routes)[band]  # [n, 5]
    until = np.minimum(base[:, 4] * scale, 0.95)
    rest = base[:, :4] / np.maximum(base[:, :4].sum(axis=1, keepdims=True), 1e-9) * (1 - until)[:, None]
    probs = np.concatenate([rest, until[:, None]], axis=1)
    if uasc is not None:  # unaccompanied children: mostly until 18, some age-assessed or moved on
        probs[uasc] = np.array([0.0, 0.0, 0.0, 0.25, 0.75])
    cum = probs.cumsum(axis=1)
    route = (rng.random(n)[:, None] > cum).sum(axis=1)
    route = np.minimum(route, 4)
    route = np.where((route == 1) & (ages >= 4), 2, route)  # adoption is for young children
    # Some adolescents expected to stay until 18 leave at 16 instead (independent living, home, other).
    early = (route == 4) & (ages >= 10) & (ages < 16) & (rng.random(n) < a.leave_at_16)
    route = np.where(early, 5, route)
    z = rng.standard_normal(n)
    years = np.select(
        [route == 0, route == 1, route == 2, route == 3],
        [a.months_home / 12 * np.exp(1.0 * z), 1.6 + 0.9 * rng.random(n), a.months_sgo / 12 * np.exp(0.45 * z),
         a.months_other / 12 * np.exp(0.8 * z)],
        default=np.where(route == 5, 16.0 + rng.random(n) - ages, np.inf),
    )
    years = np.maximum(np.minimum(years, 18.0 - ages), 1 / 365)
    return route, years


def solve_until_18(cal: Calibration, a: Assumptions) -> float:
    """The scale on the "until 18" route shares that makes mean time in care equal the published stock / starts."""
    target = (cal.cla_at31 + cal.cla_ceased - cal.cla_starts) / max(cal.cla_starts, 1)
    ages, uasc = _entry_ages(a)
    lo, hi = 0.05, 4.0
    for _ in range(40):
        mid = (lo + hi) / 2
        _, years = care_duration_sample(a, ages, mid, np.random.default_rng(7), uasc)
        if years.mean() < target:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def _entry_ages(a: Assumptions, n: int = 20_000) -> tuple[np.ndarray, np.ndarray]:
    """A fixed sample of ages at entry to care (stratified by the age mix; UASC aged 15 to 17)."""
    rng = np.random.default_rng(11)
    edges = np.concatenate([[0.0], BANDS, [17.9]])
    band = rng.choice(5, size=n, p=np.array(a.cla_age_mix) / sum(a.cla_age_mix))
    ages = edges[band] + rng.random(n) * (edges[band + 1] - edges[band])
    uasc = rng.random(n) < a.cla_uasc
    ages[uasc] = 15.0 + 2.5 * rng.random(uasc.sum())
    return ages, uasc


def rates(cal: Calibration, a: Assumptions, scale: float = 1.0) -> Rates:
    """Per-referral probabilities and durations reproducing the published figures (see module docstring)."""
    refs = cal.referrals
    ref_mix = np.array(a.referral_age_mix) * REFERRAL_AGING
    ref_mix = ref_mix / ref_mix.sum()
    care_starts = cal.cla_starts * (1 - a.cla_uasc)
    via_cp_starts = cal.cla_starts * a.cla_via_cp
    cp_only = max(cal.cpp_starts - via_cp_starts, 0.05 * cal.cpp_starts)
    p_care = care_starts / refs * np.array(a.cla_age_mix) / sum(a.cla_age_mix) / ref_mix * ENTRY_SHIFT
    p_care *= care_starts / refs / float((ref_mix * p_care).sum())
    p_cp = cp_only / refs * np.array(a.cp_age_mix) / sum(a.cp_age_mix) / ref_mix
    p_nfa = np.full(5, cal.nfa_pct / 100)
    # Referrals late in the year are still being assessed at 31 March (no outcome yet): about a tenth more
    # not-in-need outcomes in all make the published share among the year's referrals.
    p_nin = np.full(5, cal.not_in_need_pct / 100 * 1.1)
    p_cin = np.maximum(1 - p_care - p_cp - p_nfa - p_nin, 0.05)
    probs = np.stack([p_nfa, p_nin, p_cin, p_cp, p_care], axis=1)
    probs = probs / probs.sum(axis=1, keepdims=True)

    cin_nin_share = float((ref_mix * (p_cin + p_nin)).sum())
    s47_extra = min((a.s47_per_cpp - 1) * cal.cpp_starts / refs / max(cin_nin_share, 1e-9), 0.5)
    icpc_given_extra = min((a.icpc_per_cpp - 1) / max(a.s47_per_cpp - 1, 1e-9), 1.0)

    cp_years = (cal.cpp_at31 / max(cal.cpp_starts, 1) * cal.cpp_starts - via_cp_starts * CP_BEFORE_CARE_YEARS) / cp_only
    cp_median = max(cp_years, 0.2) / float(np.exp(a.cp_spread**2 / 2))

    cin_spread = 0.7
    assessing = refs * (1 - cal.nfa_pct / 100) * ASSESSMENT_DAYS / 365
    step_down = cp_only * a.cp_step_down * 5 / 12
    closing = refs * 7 / 365
    # Plans before care and after a return home hold about 5% of open episodes (measured on the simulation).
    plans_open = cal.cin_at31 * 0.95 - cal.cla_at31 - cal.cpp_at31 - assessing - step_down - closing
    cin_plans_per_year = refs * float((ref_mix * p_cin).sum()) * CIN_PLAN_SHARE
    cin_mean = max(plans_open, 0.15 * cal.cin_at31) / max(cin_plans_per_year, 1)
    cin_median = max(cin_mean, 2 / 12) / float(np.exp(cin_spread**2 / 2))

    stock_start = cal.cla_at31 + cal.cla_ceased - cal.cla_starts
    extra = max(cal.cla_ceased - cal.cla_starts, 0)
    long_stayers = max(stock_start - 0.75 * cal.cla_starts, 1)
    return Rates(
        referrals_per_year=refs * scale,
        path_probs=probs,
        uasc_per_year=cal.cla_starts * a.cla_uasc * scale,
        via_cp=a.cla_via_cp / (1 - a.cla_uasc),
        s47_extra=s47_extra,
        icpc_given_extra=icpc_given_extra,
        cp_median_years=cp_median,
        cin_median_years=cin_median,
        cin_spread=cin_spread,
        until_18_scale=solve_until_18(cal, a),
        care_extra_exit=min(extra / long_stayers, 0.5),
        rereferral=cal.rereferral_pct / 100,
        subsequent_plan=cal.cpp_subsequent_pct / 100,
    )
