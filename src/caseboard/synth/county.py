"""``generate(config)``: one synthetic county, every canonical table, from a seed.

The order is the service's: children and their CIN episodes (:mod:`journeys`), what the CIN census sees of them
(:mod:`casework`), care (:mod:`care`, :mod:`carerecords`), care leavers (:mod:`leaving`), the front door and early
help (:mod:`frontdoor`), the workforce and who held each case (:mod:`workforce`), then the deliberate
imperfections (:mod:`imperfection`). All randomness comes from one ``numpy`` Generator seeded by
``config.seed`` and every table is sorted by its key, so the same config gives identical frames.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import polars as pl

from caseboard.synth import care, carerecords, casework, frontdoor, imperfection, journeys, leaving, workforce
from caseboard.synth import dates as D
from caseboard.synth.calibrate import BANDS, rates
from caseboard.synth.config import SynthConfig
from caseboard.synth.frames import all_tables, canonical, stack
from caseboard.synth.people import children_table, postcodes

NA = D.NA
YEAR = 365.25
Progress = Callable[[str, float], None]
#: Further contacts, on average, about a child first known at the front door (who is not referred).
REPEAT_CONTACTS = 0.6


def _ids(la_code: str, index: np.ndarray) -> np.ndarray:
    return np.char.add(la_code, np.char.zfill((index + 1).astype(str), 7)).astype(object)


def _people(cfg: SynthConfig, rng: np.random.Generator, kids: dict[str, np.ndarray]) -> pl.DataFrame:
    """Every simulated child's fixed characteristics (working frame)."""
    n = kids["dob"].size
    weights = np.array([a.weight for a in cfg.areas])
    area = rng.choice(len(cfg.areas), size=n, p=weights / weights.sum())
    u = rng.random(n)
    pick = np.empty(n, dtype=object)
    for i, a in enumerate(cfg.areas):
        sel = area == i
        pick[sel] = np.array(a.outward, dtype=object)[(u[sel] * len(a.outward)).astype(np.int64)]
    return pl.DataFrame({
        "child": np.arange(n), "child_id": _ids(cfg.la_code, np.arange(n)), "dob": kids["dob"],
        "sex": kids["sex"], "disabled": kids["disabled"], "uasc": kids["uasc"],
        "area": np.array([a.area_id for a in cfg.areas], dtype=object)[area],
        "postcode": postcodes(rng, pick.astype(str)) if n else np.zeros(0, object),
    })


def _new_people(cfg: SynthConfig, rng: np.random.Generator, start: int, when: np.ndarray) -> pl.DataFrame:
    """Children known only at the front door or in early help, aged per the referral age mix at ``when``."""
    n = when.size
    edges = np.concatenate([[0.0], BANDS, [17.9]])
    band = rng.choice(5, size=n, p=np.array(cfg.assumptions.referral_age_mix) / sum(cfg.assumptions.referral_age_mix))
    age = edges[band] + rng.random(n) * (edges[band + 1] - edges[band])
    kids = {"dob": when - (age * YEAR).astype(np.int64), "sex": np.where(rng.random(n) < 0.51, "M", "F"),
            "disabled": rng.random(n) < 0.05, "uasc": np.zeros(n, bool)}
    people = _people(cfg, rng, kids)
    return people.with_columns(child=pl.col("child") + start, child_id=pl.Series(_ids(cfg.la_code, np.arange(
        start, start + n))))


def generate(config: SynthConfig, progress: Progress | None = None) -> dict[str, pl.DataFrame]:
    """Every canonical table of a synthetic county (see the package docstring)."""
    cfg = config
    say = progress or (lambda message, fraction: None)
    cfg.injected.clear()
    cfg.injected_rates.clear()
    cfg.injected_errors.clear()
    rng = np.random.default_rng(cfg.seed)
    today, window = D.day(cfg.today), D.day(cfg.history_start)
    r = rates(cfg.calibration, cfg.assumptions, cfg.scale)
    say("children's journeys", 0.05)
    kids, eps = journeys.simulate(cfg, r, rng)
    people = _people(cfg, rng, kids)
    eps = eps.join(people.select("child", "child_id", "dob", "sex", "disabled", "area", home_postcode="postcode"),
                   on="child", how="left", maintain_order="left")
    win = eps.filter((pl.col("closure") == NA) | (pl.col("closure") >= window))
    win = win.with_columns(step_up=pl.Series(rng.random(win.height) < frontdoor.STEP_UP_SHARE)
                           & (pl.col("referral") >= window + 300))

    say("referrals, assessments and plans", 0.2)
    f: dict[str, pl.DataFrame] = {}
    f["referrals"] = casework.referrals(win, rng)
    need = f["referrals"].select("child_id", referral=pl.col("referral_date").cast(pl.Int32).cast(pl.Int64),
                                 need="primary_need", source="source")
    win = win.join(need, on=["child_id", "referral"], how="left", maintain_order="left").with_columns(
        cin_category=pl.when(pl.col("need").is_in(["N9", "N0"])).then(pl.lit("N1")).otherwise(pl.col("need")))
    f["assessments"] = casework.assessments(win, rng)
    f["s47_enquiries"] = casework.s47_enquiries(win)
    f["cp_plans"] = casework.cp_plans(win, rng)
    f["cin_plans"] = casework.cin_plans(win)
    f["pre_proceedings"] = casework.pre_proceedings(rng, win, today)
    events = casework.plan_events(cfg, win, rng, window, today)
    for name in ("cp_reviews", "core_groups", "cin_plan_reviews"):
        f[name] = events[name]

    say("children in care", 0.35)
    per = care.periods(win).filter((pl.col("end") == NA) | (pl.col("end") >= window))
    adoption = carerecords.adoption(rng, per, today)
    ep = care.episodes(rng, cfg, per, adoption, {a.area_id: a.outward for a in cfg.areas}, today)
    f["lac_episodes"] = care.lac_episodes(ep)
    f["adoptions"] = carerecords.adoptions(adoption)
    f["lac_reviews"] = carerecords.reviews(rng, cfg, per, window, today)
    f["health_assessments"] = carerecords.health(rng, cfg, per, window, today)
    f["peps"] = carerecords.peps(rng, cfg, per, window, today)
    f["sdq_assessments"] = carerecords.sdq(rng, per, window, today)
    years = [y for y in range(int(D.collection_year(np.array([window]))[0]), cfg.today.year + 2)
             if D.year_end(y) <= today and D.year_start(y) >= window]
    f["annual_outcomes"] = carerecords.annual_outcomes(rng, per, f["health_assessments"], f["sdq_assessments"], years)
    f["missing_episodes"] = carerecords.missing(rng, cfg, per, window, today)
    f["previous_permanence"] = carerecords.previous_permanence(rng, per, cfg.la_code)
    f["deprivation_of_liberty"] = carerecords.deprivation_of_liberty(rng, ep, today)

    say("care leavers", 0.5)
    all_care = eps.filter((pl.col("care_start") != NA) & ((pl.col("care_end") == NA)
                                                          | (pl.col("care_end") >= window - int(8 * YEAR))))
    all_periods = all_care.select("child_id", "dob", "route", start="care_start", end="care_end")
    left = leaving.care_leavers(rng, cfg, all_periods, window, today)
    for name in ("care_leavers", "pathway_plans", "care_leaver_status"):
        f[name] = left[name]

    say("front door and early help", 0.6)
    new_contact, new_eh = _front_door(cfg, rng, r.referrals_per_year, win, need, f, len(kids["dob"]), window, today)

    say("children", 0.7)
    everyone = stack([people, new_contact, new_eh])
    present = stack([fr.select("child_id") for name, fr in f.items() if "child_id" in fr.columns]).unique()
    looked_after = stack([per.select("child_id"), all_periods.select("child_id")]).unique()
    who = everyone.join(present, on="child_id", how="semi").with_columns(
        looked_after=pl.col("child_id").is_in(looked_after["child_id"].implode()))
    f["children"] = children_table(rng, who, cfg.la_code, today)

    say("workforce and allocations", 0.8)
    plan = workforce.team_plan(cfg)
    segments = workforce.stage_segments(win, left["leaving_segments"], f["early_help"], who, window)
    segments = workforce.assign_teams(segments, plan)
    posts = workforce.size_teams(cfg, segments, plan, today)
    staff = workforce.workers(rng, cfg, plan, posts, window, today)
    f["areas"] = workforce.areas(cfg)
    f["teams"] = workforce.teams(plan, posts, staff, today)
    f["workers"] = canonical("workers", staff)
    alloc = workforce.allocate(rng, segments, staff, today)
    alloc = alloc.with_columns(end=pl.when(pl.col("end") == NA).then(None).otherwise(pl.col("end")))
    alloc = imperfection.unallocate(rng, cfg, alloc, today)
    f["allocations"] = canonical("allocations", alloc.rename({"start": "start_date", "end": "end_date"}).unique(
        ["child_id", "start_date", "worker_id"], keep="first", maintain_order=True))
    visits = stack([events["visits_cp_cin"], carerecords.lac_visits(rng, cfg, ep, window, today),
                    left["visits_care_leaver"]])
    f["visits"] = _with_workers(visits, f["allocations"])
    f["care_leavers"] = _with_advisers(f["care_leavers"], f["allocations"], f["teams"])

    say("imperfections", 0.95)
    for kind in ("late_visits", "overdue_reviews", "late_assessments", "late_icpcs", "late_decisions",
                 "missing_peps", "missing_health"):
        cfg.injected_rates[kind] = cfg.late(kind, 0.5 if kind == "missing_health" else 1.0)
    imperfection.data_errors(rng, cfg, f)
    say("done", 1.0)
    return all_tables(f)


def _with_workers(visits: pl.DataFrame, alloc: pl.DataFrame) -> pl.DataFrame:
    """Each visit by the worker holding the case that day (none if only a team held it)."""
    v = visits.with_columns(d=pl.col("visit_date").cast(pl.Int64)).sort("child_id", "d")
    a = alloc.select("child_id", "worker_id", d=pl.col("start_date").cast(pl.Int32).cast(pl.Int64),
                     e=pl.col("end_date").cast(pl.Int32).cast(pl.Int64)).sort("child_id", "d")
    a = a.filter(pl.col("worker_id").is_not_null())
    joined = v.join_asof(a, on="d", by="child_id", strategy="backward", check_sortedness=False)
    joined = joined.with_columns(worker_id=pl.when(pl.col("e").is_null() | (pl.col("e") >= pl.col("d")))
                                 .then(pl.col("worker_id")).otherwise(None))
    return canonical("visits", joined.unique(["child_id", "visit_date", "kind"], keep="first", maintain_order=True))


def _with_advisers(leavers: pl.DataFrame, alloc: pl.DataFrame, teams: pl.DataFrame) -> pl.DataFrame:
    """The personal adviser: the latest worker allocated in a leaving care team."""
    lc = teams.filter(pl.col("team_type") == "leaving_care")["team_id"]
    latest = alloc.filter(pl.col("team_id").is_in(lc.implode()) & pl.col("worker_id").is_not_null()).sort(
        "child_id", "start_date").group_by("child_id", maintain_order=True).agg(pl.col("worker_id").last())
    return canonical("care_leavers", leavers.drop("personal_adviser").join(
        latest.rename({"worker_id": "personal_adviser"}), on="child_id", how="left", maintain_order="left"))


def _front_door(cfg: SynthConfig, rng: np.random.Generator, refs_per_year: float, win: pl.DataFrame,
                need: pl.DataFrame, f: dict[str, pl.DataFrame], first_id: int, window: int,
                today: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Contacts and early help (into ``f``); returns the children known only there (contacts, early help).

    Two in five contacts that do not become referrals concern children already known (picked at random among
    them, while under 18); the rest concern children new to the service, who come back now and then (a further
    contact every eight months or so, ``REPEAT_CONTACTS`` more on average). Standalone early help episodes are
    for children new to the service too.
    """
    years_shown = (today - window + 1) / YEAR
    n_contacts = rng.poisson(cfg.assumptions.contacts_per_referral * refs_per_year * years_shown)
    known = int(rng.binomial(n_contacts, 0.4))
    pool = win.select("child_id", "dob").unique("child_id", keep="first", maintain_order=True)
    pick = pool.gather(rng.integers(0, max(pool.height, 1), known)) if pool.height else pool
    known_frame = pick.with_columns(contact=pl.Series(rng.integers(window, today + 1, pick.height))).filter(
        (pl.col("contact") > pl.col("dob")) & (pl.col("contact") < pl.col("dob") + int(17.9 * YEAR)))
    first = rng.integers(window, today + 1, rng.poisson((n_contacts - known) / (1 + REPEAT_CONTACTS)))
    new_contact = _new_people(cfg, rng, first_id, first)
    rows, k = D.explode_index(1 + rng.poisson(REPEAT_CONTACTS, first.size))
    when = first[rows] + np.where(k == 0, 0, (rng.exponential(240, rows.size) * k).astype(np.int64))
    repeat = new_contact.gather(rows).with_columns(contact=pl.Series(when)).filter(
        (pl.col("contact") <= today) & (pl.col("contact") < pl.col("dob") + int(17.9 * YEAR)))
    n_eh = rng.poisson(cfg.assumptions.early_help_per_referral * 0.6 * refs_per_year * years_shown)
    eh_when = rng.integers(window - 180, today + 1, n_eh)
    new_eh = _new_people(cfg, rng, first_id + new_contact.height, eh_when)
    extra = stack([known_frame.select("child_id", "contact"), repeat.select("child_id", "contact")])
    sources = need.select("child_id", referral_day="referral", source="source")
    f["contacts"] = frontdoor.contacts(rng, cfg, win, extra, window, today, sources)
    f["early_help"] = frontdoor.early_help(rng, cfg, win, f["referrals"], new_eh.select(
        "child_id", start=pl.Series(eh_when)), window, today)
    return new_contact, new_eh
