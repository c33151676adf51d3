"""Children's journeys through the service, one CIN episode at a time: front door -> referral -> assessment ->
(s47 -> initial conference -> CP plan) -> (care) -> closure, and back again for some.

Each child arrives with a first referral; each referral opens a CIN episode whose pathway (no further action,
not in need, child in need, child protection, care) is drawn with the probabilities from
:mod:`caseboard.synth.calibrate`; its dates follow the statutory timescales (assessment within 45 working days,
ICPC within 15 working days of the strategy discussion — Working Together 2023 ch.2-3), late by the share the
imperfection setting asks for. When an episode closes the child may be referred again: soon (within 12 months of
the referral, the DfE re-referral definition) or years later. Episodes are simulated in rounds — every child's
first episode, then every second episode — so each round is a handful of array operations.

History starts 18 years before the window shown (so that children in long-term care at the window's start came
into care at the right ages); everything is cut at ``today``: a date after today has not happened (null).
"""

from __future__ import annotations

import numpy as np
import polars as pl

from caseboard.synth import dates as D
from caseboard.synth.frames import stack
from caseboard.synth.calibrate import BANDS, CIN_PLAN_SHARE, Rates, care_duration_sample
from caseboard.synth.config import SynthConfig

NA = D.NA
YEAR = 365.25
#: Arrivals are generated this much above the target, then children are thinned to the published referrals.
OVERSHOOT = 1.35
MAX_EPISODES = 10


def _lognormal_days(rng: np.random.Generator, median_years: float, spread: float, n: int) -> np.ndarray:
    return np.maximum(median_years * YEAR * np.exp(spread * rng.standard_normal(n)), 1).astype(np.int64)


def _wd_duration(rng: np.random.Generator, n: int, lo: int, hi: int, late_p: float, late_hi: int) -> np.ndarray:
    """Working days to complete a task due within ``hi``: on time (lo..hi, skewed late) or overrunning."""
    on_time = lo + np.floor((hi - lo + 1) * rng.beta(2.0, 1.4, n)).astype(np.int64)
    late = hi + 1 + rng.integers(0, max(late_hi - hi, 1), n)
    return np.where(rng.random(n) < late_p, late, np.minimum(on_time, hi))


def decisions(rng: np.random.Generator, contact: np.ndarray, p_late: float) -> np.ndarray:
    """Front-door decisions: the working day of the contact or the next (Working Together 2023 ch.2: within one
    working day), later with probability ``p_late``. Weekend contacts count from the next working day."""
    n = contact.size
    days = np.where(rng.random(n) < p_late, rng.integers(2, 6, n), rng.integers(0, 2, n))
    return D.add_working_days(D.roll_to_working_day(contact), days)


def arrivals(cfg: SynthConfig, r: Rates, rng: np.random.Generator, start: int, end: int) -> dict[str, np.ndarray]:
    """Children arriving at their first referral, and unaccompanied asylum-seeking children arriving into care."""
    a = cfg.assumptions
    years = (end - start) / YEAR
    mean_refs = 1.0 / max(1.0 - r.rereferral - 0.2, 0.3)
    n = rng.poisson(r.referrals_per_year * OVERSHOOT / mean_refs * years)
    n_u = rng.poisson(r.uasc_per_year * OVERSHOOT * years)
    ref = rng.integers(start, end + 1, n + n_u)
    edges = np.concatenate([[0.0], BANDS, [17.6]])
    band = rng.choice(5, size=n, p=np.array(a.referral_age_mix) / sum(a.referral_age_mix))
    u = rng.random(n)
    # Babies are mostly referred around birth (pre-birth assessments), so their ages crowd towards zero.
    age = edges[band] + np.where(band == 0, u**2.5, u) * (edges[band + 1] - edges[band])
    age = np.concatenate([age, 15.0 + 2.5 * rng.random(n_u)])
    uasc = np.concatenate([np.zeros(n, bool), np.ones(n_u, bool)])
    dob = ref - np.floor(age * YEAR).astype(np.int64)
    sex = np.where(rng.random(n + n_u) < np.where(uasc, 0.92, 0.51), "M", "F").astype(object)
    return {"first_referral": ref, "dob": dob, "uasc": uasc, "sex": sex, "disabled": rng.random(n + n_u) < 0.11,
            "keep": rng.random(n + n_u)}


def simulate(cfg: SynthConfig, r: Rates, rng: np.random.Generator) -> tuple[dict[str, np.ndarray], pl.DataFrame]:
    """All children and all their CIN episodes (one row per episode, every stage's dates as columns)."""
    today = D.day(cfg.today)
    window = D.day(cfg.history_start)
    begin = window - int(18 * YEAR) - 365
    kids = arrivals(cfg, r, rng, begin, today)
    active = np.arange(kids["dob"].size)
    ref = kids["first_referral"]
    rounds: list[dict[str, np.ndarray]] = []
    for k in range(MAX_EPISODES):
        if active.size == 0:
            break
        ep = _episode(cfg, r, rng, active, ref, kids, k, today)
        rounds.append(ep)
        nxt, go = _next_referral(rng, r, ep, kids, today)
        active, ref = active[go], nxt[go]
    eps = stack([pl.DataFrame(e) for e in rounds])
    eps, kids = _thin(cfg, r, eps, kids, window, today)
    eps = _previous_plans(eps, r, rng, today)
    return kids, eps


def _episode(cfg: SynthConfig, r: Rates, rng: np.random.Generator, child: np.ndarray, ref: np.ndarray,
             kids: dict[str, np.ndarray], k: int, today: int) -> dict[str, np.ndarray]:
    n = child.size
    a = cfg.assumptions
    dob = kids["dob"][child]
    uasc = kids["uasc"][child] & (k == 0)
    bday18 = D.birthday(dob, 18)
    rolled = D.roll_to_working_day(ref)  # most referrals are made on working days (never after today)
    ref = np.where((rng.random(n) < 0.9) & (rolled <= today), rolled, ref)
    age = (ref - dob) / YEAR
    band = np.digitize(age, BANDS)
    cum = r.path_probs[band].cumsum(axis=1)
    path = np.minimum((rng.random(n)[:, None] > cum).sum(axis=1), 4)
    path = np.where(uasc, 4, path)
    ep: dict[str, np.ndarray] = {"child": child, "k": np.full(n, k), "referral": ref, "path": path,
                                 "uasc": uasc, "band": band}

    # Front door: contact on the day or just before, decision within one working day (Working Together ch.2).
    ep["contact"] = np.maximum(ref - rng.choice([0, 1, 2, 3], size=n, p=[0.75, 0.17, 0.05, 0.03]), dob)
    ep["decision"] = decisions(rng, ep["contact"], cfg.late("late_decisions"))

    nfa = path == 0
    assessed = ~nfa
    ep["assess_start"] = np.where(assessed, np.where(rng.random(n) < 0.6, ref, D.add_working_days(
        ref, rng.integers(1, 6, n))), NA)
    dur = _wd_duration(rng, n, 3, 45, cfg.late("late_assessments"), 90)
    ep["assess_auth"] = np.where(assessed, D.add_working_days(ep["assess_start"], dur), NA)
    ep["assess_seen"] = np.where(assessed, D.add_working_days(ep["assess_start"], np.minimum(
        rng.integers(0, 11, n), dur)), NA)

    # Section 47: every CP plan has one; some CIN / not-in-need referrals have one without a plan.
    care = path == 4
    via_cp = care & ~uasc & (rng.random(n) < r.via_cp)
    plan = (path == 3) | via_cp
    extra = ((path == 1) | (path == 2)) & (rng.random(n) < r.s47_extra)
    emergency = care & ~via_cp & ~uasc & (rng.random(n) < 0.45)
    s47 = plan | extra | (emergency & (rng.random(n) < 0.5))
    ep["s47"] = s47
    ep["s47_start"] = np.where(s47, D.add_working_days(ref, np.where(rng.random(n) < 0.5, 0, rng.integers(
        1, 8, n))), NA)
    ep["s47_start"] = np.where(s47 & assessed, np.minimum(ep["s47_start"], ep["assess_auth"]), ep["s47_start"])
    ep["icpc_target"] = np.where(s47, D.add_working_days(ep["s47_start"], 15), NA)
    held = plan | (extra & (rng.random(n) < r.icpc_given_extra))
    icpc_wd = _wd_duration(rng, n, 4, 15, cfg.late("late_icpcs"), 28)
    ep["icpc"] = np.where(held, D.add_working_days(ep["s47_start"], icpc_wd), NA)
    ep["icpc_not_required"] = s47 & ~held
    ep["icpc_plan"] = plan

    # CP plan: from the initial conference; plans before care end when the child comes into care.
    cp_start = np.where(plan, ep["icpc"], NA)
    cp_len = np.where(via_cp, rng.integers(30, 300, n), _lognormal_days(rng, r.cp_median_years, a.cp_spread, n))
    cp_end = np.where(plan, np.minimum(cp_start + cp_len, bday18), NA)

    # Care: straight away (emergencies, unaccompanied children), after the CP plan, or after assessment/CIN plan.
    planned_lag = np.where(band == 0, rng.integers(14, 120, n), rng.integers(30, 300, n))
    care_start = np.select(
        [uasc, via_cp, emergency],
        [ref, cp_end, ref + rng.integers(0, 3, n)],
        default=np.maximum(ref + planned_lag, ep["assess_auth"] + 1),
    )
    care_start = np.where(care, np.minimum(care_start, bday18 - 1), NA)
    care_age = np.where(care, (care_start - dob) / YEAR, 0.0)
    route, years = care_duration_sample(a, np.clip(care_age, 0, 17.99), r.until_18_scale, rng, uasc)
    care_end = np.where(care, np.minimum(care_start + np.maximum(np.round(years * YEAR), 1).astype(np.int64),
                                         bday18), NA)
    # The published year's extra exits: long stays through the latest year end early in it (calibrate.py).
    latest = today - 364
    cut = care & (care_start < latest) & (care_end > today) & (rng.random(n) < r.care_extra_exit)
    care_end = np.where(cut, rng.integers(latest, today + 1, n), care_end)
    route = np.where(cut, rng.choice([0, 2, 3], size=n, p=[0.45, 0.35, 0.2]), route)
    route = np.where(care & (care_end >= bday18), 4, route)
    ep["care_start"], ep["care_end"], ep["route"] = care_start, care_end, np.where(care, route, -1)
    ep["care_end_planned"] = care_end  # kept uncensored: adoption milestones are placed within the whole stay
    ep["via_cp"], ep["emergency"] = via_cp, emergency

    # CIN plans: after assessment on the CIN pathway; before planned care; after a CP plan or a return home.
    cin_path = path == 2
    with_plan = cin_path & (rng.random(n) < CIN_PLAN_SHARE)
    cin_start = np.where(with_plan, D.add_working_days(ep["assess_auth"], rng.integers(0, 15, n)), NA)
    cin_start = np.where(care & ~emergency & ~uasc & ~via_cp & (care_start - ep["assess_auth"] > 20),
                         D.add_working_days(ep["assess_auth"], rng.integers(0, 10, n)), cin_start)
    cin_len = _lognormal_days(rng, r.cin_median_years, r.cin_spread, n)
    cin_end = np.where(care & (cin_start != NA), care_start, np.where(cin_start != NA, np.minimum(
        cin_start + cin_len, bday18), NA))
    step = ((path == 3) & (rng.random(n) < a.cp_step_down)) | (care & (route == 0) & (rng.random(n) < a.home_cin_plan))
    after = np.where(path == 3, cp_end, care_end)
    step &= after < bday18 - 30
    cin2_start = np.where(step, after, NA)
    cin2_end = np.where(step, np.minimum(after + _lognormal_days(rng, 4 / 12, 0.5, n), bday18), NA)
    ep["cp_start"], ep["cp_end"] = cp_start, cp_end
    ep["cin_start"], ep["cin_end"], ep["cin2_start"], ep["cin2_end"] = cin_start, cin_end, cin2_start, cin2_end

    # Closure: when the last stage ends (a few days' admin), at 18 at the latest (CIN census: CINclosureDate).
    last = np.maximum.reduce([ref, ep["assess_auth"], cp_end, care_end, cin_end, cin2_end])
    lag = np.where(nfa, 0, np.where(care & (route != 0), 0, rng.integers(0, 10, n)))
    ep["closure"] = np.minimum(last + lag, bday18)
    ep["nfa"] = nfa
    _censor(ep, today)
    return ep


#: Date columns of an episode, each with the column that says whether its stage happened at all.
STAGE_DATES = {
    "assess_start": ("assess_seen", "assess_auth"),
    "s47_start": ("icpc_target", "icpc"),
    "cp_start": ("cp_end",),
    "care_start": ("care_end",),
    "cin_start": ("cin_end",),
    "cin2_start": ("cin2_end",),
    "referral": ("closure", "decision"),
}


def _censor(ep: dict[str, np.ndarray], today: int) -> None:
    """Nothing after today has happened: stages starting later vanish, later ends become open (NA)."""
    for start, others in STAGE_DATES.items():
        gone = ep[start] > today
        ep[start] = np.where(gone, NA, ep[start])
        for col in others:
            ep[col] = np.where(gone | (ep[col] > today), NA, ep[col])
    ep["icpc_plan"] = ep["icpc_plan"] & (ep["cp_start"] != NA)
    ep["s47"] = ep["s47"] & (ep["s47_start"] != NA)
    ep["icpc_not_required"] = ep["icpc_not_required"] & ep["s47"]


def _next_referral(rng: np.random.Generator, r: Rates, ep: dict[str, np.ndarray], kids: dict[str, np.ndarray],
                   today: int) -> tuple[np.ndarray, np.ndarray]:
    """The child's next referral: soon (within 12 months of this one: a re-referral), later, or never."""
    n = ep["child"].size
    ref, closure = ep["referral"], ep["closure"]
    dob = kids["dob"][ep["child"]]
    ended = (closure != NA) & (closure < D.birthday(dob, 18) - 30)
    final = ep["uasc"] | np.isin(ep["route"], [1, 4])
    can = ended & ~final
    soon_ok = can & (closure < ref + 340)
    share = max(soon_ok.mean(), 1e-6)
    soon = soon_ok & (rng.random(n) < min(r.rereferral / share, 0.95))
    later = can & ~soon & (rng.random(n) < 0.2)
    window_end = ref + 364
    soon_date = closure + 1 + (rng.random(n) * np.maximum(window_end - closure - 1, 0)).astype(np.int64)
    later_date = np.maximum(closure, ref + 366) + rng.exponential(2 * YEAR, n).astype(np.int64)
    nxt = np.where(soon, soon_date, later_date)
    go = (soon | later) & (nxt <= today) & (nxt < D.birthday(dob, 18) - 120)
    return nxt, go


def _thin(cfg: SynthConfig, r: Rates, eps: pl.DataFrame, kids: dict[str, np.ndarray], window: int,
          today: int) -> tuple[pl.DataFrame, dict[str, np.ndarray]]:
    """Keep the share of children that brings referrals in the window to the published yearly rate."""
    refs = eps.filter((pl.col("referral") >= window) & (pl.col("referral") <= today)).height
    per_year = refs / ((today - window + 1) / YEAR)
    keep_share = min(r.referrals_per_year / max(per_year, 1e-9), 1.0)
    kept = np.flatnonzero(kids["keep"] < keep_share)
    return eps.filter(pl.col("child").is_in(kept)), kids


def _previous_plans(eps: pl.DataFrame, r: Rates, rng: np.random.Generator, today: int) -> pl.DataFrame:
    """CIN NumberOfPreviousCPP: plans earlier in the child's history, plus plans before the system's records.

    The simulated history carries some repeat plans; the rest of the published share of second or subsequent
    plans (d3), measured on the latest three years, is given to first plans as a plan from before the records
    began.
    """
    eps = eps.sort("child", "k").with_columns(
        prior=(pl.col("cp_start") != NA).cast(pl.Int64).cum_sum().over("child") - (pl.col("cp_start") != NA).cast(
            pl.Int64))
    has_plan = (eps["cp_start"] != NA).to_numpy()
    seen = (eps["prior"] > 0).to_numpy()
    recent = has_plan & (eps["cp_start"].to_numpy() >= today - 3 * 365)  # long histories, as the latest years
    share_seen = seen[recent].mean() if recent.any() else 0.0
    p_extra = max(r.subsequent_plan - share_seen, 0.0) / max(1 - share_seen, 1e-9)
    extra = (rng.random(eps.height) < p_extra).astype(np.int64)
    first_plan = has_plan & (eps["prior"] == 0).to_numpy()
    child_bonus = pl.DataFrame({"child": eps["child"], "b": np.where(first_plan, extra, 0)}).group_by(
        "child", maintain_order=True).agg(pl.col("b").max())
    eps = eps.join(child_bonus, on="child", how="left", maintain_order="left")
    return eps.with_columns(previous_plans=pl.when(pl.col("cp_start") != NA).then(pl.col("prior") + pl.col("b"))
                            .otherwise(None)).drop("prior", "b")
