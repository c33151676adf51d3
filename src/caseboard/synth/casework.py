"""The CIN census side of each episode: referrals, assessments, s47 enquiries, CP and CIN plans, and what
happens on them (CP reviews, core groups, CIN plan reviews, CP and CIN visits).

Codes come from the CIN census code lists of the year the record belongs to (``model/codelists/cin``): for
example "referred to early help" (RC9) and the early help referral source (5D) exist only from 2022-23, so
earlier records use the codes of their day. Statutory rhythms, each on time unless the imperfection setting
makes it late:

* CP review conferences: first within 3 months of the ICPC, then at most 6-monthly (Working Together 2023 ch.3;
  reference/statutory-rules-and-indicators.md 3.5). 89 and 181 days are the shortest 3 and 6 months.
* Core groups: first within 10 working days of the ICPC (14 calendar days), then at most 6-weekly (3.4, local).
* CP visits at most every 10 working days (3.6, local standard); CIN visits at most every 20 working days and
  CIN plan reviews at most 3-monthly (4.1, 4.2, local standards).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import polars as pl

from caseboard.model.codelists import codes
from caseboard.synth import dates as D
from caseboard.synth.config import SynthConfig
from caseboard.synth.frames import canonical, stack
from caseboard.synth.people import choice

NA = D.NA

REFERRAL_SOURCES = {"6": 0.29, "2A": 0.20, "3A": 0.03, "3B": 0.02, "3C": 0.01, "3D": 0.04, "3E": 0.03, "3F": 0.02,
                    "5A": 0.04, "5B": 0.04, "5C": 0.02, "1A": 0.04, "1B": 0.01, "1C": 0.01, "1D": 0.01, "7": 0.03,
                    "4": 0.01, "8": 0.03, "9": 0.01, "10": 0.02, "2B": 0.02}
NEEDS_CIN = {"N1": 0.45, "N2": 0.0, "N3": 0.05, "N4": 0.13, "N5": 0.22, "N6": 0.06, "N7": 0.01, "N8": 0.03, "N0": 0.05}
NEEDS_PROTECTION = {"N1": 0.78, "N4": 0.08, "N5": 0.10, "N3": 0.02, "N8": 0.02}
FACTORS = {"3A": 0.10, "3B": 0.14, "4B": 0.13, "2B": 0.08, "1B": 0.07, "16A": 0.09, "17A": 0.08, "4A": 0.08,
           "14A": 0.03, "15A": 0.03, "10A": 0.02, "11A": 0.02, "18A": 0.03, "19A": 0.02, "6B": 0.02, "5B": 0.02,
           "7A": 0.01, "20": 0.03, "24A": 0.02}
CATEGORIES = {"NEG": 0.50, "EMO": 0.35, "PHY": 0.07, "SAB": 0.04, "MUL": 0.04}


@lru_cache(maxsize=None)
def valid(collection: str, list_name: str, code: str, year: int) -> bool:
    """Whether a code is in the collection's list for the year (True when the list is not known)."""
    known = codes(collection, list_name, year)
    return known is None or code in known


def _year_aware(values: np.ndarray, dates: np.ndarray, collection: str, list_name: str, fallback: str) -> np.ndarray:
    """Replace codes not yet (or no longer) valid in the collection year of their date by ``fallback``."""
    frame = pl.DataFrame({"code": pl.Series(list(values), dtype=pl.Utf8), "year": D.collection_year(dates)})
    pairs = frame.unique().drop_nulls("code")
    bad = pairs.filter(pl.Series([not valid(collection, list_name, c, int(y))
                                  for c, y in pairs.iter_rows()], dtype=pl.Boolean))
    if bad.height == 0:
        return values
    hit = frame.join(bad.with_columns(bad=pl.lit(True)), on=["code", "year"], how="left",
                     maintain_order="left")["bad"].fill_null(False).to_numpy()
    out = values.copy()
    out[hit] = fallback
    return out


def referrals(eps: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    n = eps.height
    path = eps["path"].to_numpy()
    ref = eps["referral"].to_numpy()
    source = choice(rng, REFERRAL_SOURCES, n)
    source = np.where(eps["step_up"].to_numpy(), "5D", source)
    source = _year_aware(source, ref, "cin", "referral_source", "5B")
    need = np.where(path >= 3, choice(rng, NEEDS_PROTECTION, n), choice(rng, NEEDS_CIN, n))
    need = np.where(eps["disabled"].to_numpy() & (path == 2) & (rng.random(n) < 0.6), "N2", need)
    need = np.where(eps["uasc"].to_numpy(), "N8", need)
    need = np.where(path <= 1, "N9", need)
    closure = eps["closure"].to_numpy()
    route = eps["route"].to_numpy()
    reason = np.select(
        [path == 0, (path == 1) & (rng.random(n) < 0.4), path == 1, route == 1, (route == 2) & (rng.random(n) < 0.8),
         route == 2, (route == 3) & (rng.random(n) < 0.3), (route == 4) & eps["disabled"].to_numpy()],
        ["RC8", "RC9", "RC8", "RC1", "RC4", "RC3", "RC5", "RC6"],
        default=np.where(rng.random(n) < 0.05, "RC5", "RC7"),
    ).astype(object)
    reason = _year_aware(reason, np.where(closure == NA, ref, closure), "cin", "closure_reason", "RC8")
    frame = pl.DataFrame({
        "child_id": eps["child_id"], "referral_date": ref, "source": source, "primary_need": need,
        "nfa": eps["nfa"], "closure_date": closure, "closure_reason": np.where(closure == NA, None, reason),
    })
    return canonical("referrals", frame)


def assessments(eps: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    e = eps.filter(pl.col("assess_start") != NA)
    n = e.height
    k = rng.integers(1, 4, n)
    picks = [choice(rng, FACTORS, n) for _ in range(3)]
    start = e["assess_start"].to_numpy()
    picks = [_year_aware(p, start, "cin", "assessment_factors", "20") for p in picks]
    factors = np.array([",".join(dict.fromkeys(p[i] for p in picks[: k[i]])) for i in range(n)], dtype=object)
    path = e["path"].to_numpy()
    factors = np.where((path == 1) & (rng.random(n) < 0.4), "21", factors)
    factors = np.where(e["uasc"].to_numpy(), "9A", factors)
    auth = e["assess_auth"].to_numpy()
    frame = pl.DataFrame({
        "child_id": e["child_id"], "start_date": start, "child_seen_date": e["assess_seen"],
        "child_seen": np.where(e["assess_seen"].to_numpy() == NA, None, True),
        "authorised_date": auth, "factors": np.where(auth == NA, None, factors),
        "outcome_csc_support": np.where(auth == NA, None, path != 1), "referral_date": e["referral"],
    }, strict=False)
    return canonical("assessments", frame)


def s47_enquiries(eps: pl.DataFrame) -> pl.DataFrame:
    e = eps.filter(pl.col("s47"))
    held = e["icpc"].to_numpy() != NA
    frame = pl.DataFrame({
        "child_id": e["child_id"], "start_date": e["s47_start"], "icpc_target": e["icpc_target"],
        "icpc_date": e["icpc"], "icpc_not_required": e["icpc_not_required"],
        "icpc_resulted_in_plan": np.where(held, e["icpc_plan"].to_numpy(), None), "referral_date": e["referral"],
    }, strict=False)
    return canonical("s47_enquiries", frame)


def cp_plans(eps: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    e = eps.filter(pl.col("cp_start") != NA)
    n = e.height
    initial = choice(rng, CATEGORIES, n)
    latest = np.where(rng.random(n) < 0.9, initial, choice(rng, CATEGORIES, n))
    frame = pl.DataFrame({
        "child_id": e["child_id"], "start_date": e["cp_start"], "end_date": e["cp_end"],
        "initial_category": initial, "latest_category": latest, "previous_plans": e["previous_plans"],
        "referral_date": e["referral"],
    })
    return canonical("cp_plans", frame)


def cin_plans(eps: pl.DataFrame) -> pl.DataFrame:
    parts = [eps.filter(pl.col(s) != NA).select("child_id", start_date=s, end_date=e, referral_date="referral")
             for s, e in (("cin_start", "cin_end"), ("cin2_start", "cin2_end"))]
    return canonical("cin_plans", stack(parts))


def _seg_end(end: np.ndarray, today: int) -> np.ndarray:
    """The last day a recurring event can fall on: the day before the end, or today for open segments."""
    return np.where(end == NA, today, end - 1)


def plan_events(cfg: SynthConfig, eps: pl.DataFrame, rng: np.random.Generator, window: int,
                today: int) -> dict[str, pl.DataFrame]:
    """CP reviews and core groups, CIN plan reviews, CP and CIN visits, from the window's start."""
    late_rev, late_visit = cfg.late("overdue_reviews"), cfg.late("late_visits")
    out: dict[str, pl.DataFrame] = {}
    cp = eps.filter((pl.col("cp_start") != NA) & ((pl.col("cp_end") == NA) | (pl.col("cp_end") >= window)))
    start, end = cp["cp_start"].to_numpy(), cp["cp_end"].to_numpy()
    rows, t = D.recurring(rng, start, _seg_end(end, today), (89, 181), late_rev, low=0.85)
    reviews = pl.DataFrame({"child_id": cp["child_id"].gather(rows), "plan_start_date": start[rows],
                            "review_date": t})
    last = reviews.group_by("child_id", "plan_start_date").agg(pl.col("review_date").max())
    closing = cp.filter(pl.col("cp_end") != NA).select("child_id", plan_start_date="cp_start", review_date="cp_end")
    closing = closing.join(last, on=["child_id", "plan_start_date"], how="left", suffix="_last").filter(
        pl.col("review_date") - pl.coalesce("review_date_last", "plan_start_date") <= 181).drop("review_date_last")
    closing = closing.filter(pl.Series(rng.random(closing.height) < 0.7))
    reviews = stack([reviews, closing]).unique(maintain_order=True)
    out["cp_reviews"] = canonical("cp_reviews", reviews.filter(pl.col("review_date") >= window))
    rows, t = D.recurring(rng, start, _seg_end(end, today), (14, 42), late_rev, low=0.5)
    out["core_groups"] = canonical("core_groups", pl.DataFrame({
        "child_id": cp["child_id"].gather(rows), "plan_start_date": start[rows], "meeting_date": t}).filter(
        pl.col("meeting_date") >= window))

    cin = cin_plans(eps).with_columns(
        s=pl.col("start_date").cast(pl.Int32).cast(pl.Int64), e=pl.col("end_date").cast(pl.Int32).cast(pl.Int64)
    ).filter(pl.col("e").is_null() | (pl.col("e") >= window))
    cs, ce = cin["s"].to_numpy(), cin["e"].fill_null(int(NA)).to_numpy()
    rows, t = D.recurring(rng, cs, _seg_end(ce, today), (89,), late_rev, low=0.7)
    out["cin_plan_reviews"] = canonical("cin_plan_reviews", pl.DataFrame({
        "child_id": cin["child_id"].gather(rows), "plan_start_date": cs[rows], "review_date": t}).filter(
        pl.col("review_date") >= window))

    dob = eps.select("child_id", "dob").unique("child_id", keep="first", maintain_order=True)
    visits = []
    for kind, ids, s, e, gap in (("cp", cp["child_id"], start, end, 10), ("cin", cin["child_id"], cs, ce, 20)):
        rows, t = D.recurring(rng, s, _seg_end(e, today), (gap,), late_visit, low=0.5, working_days=True)
        frame = pl.DataFrame({"child_id": ids.gather(rows), "visit_date": t}).join(
            dob, on="child_id", how="left", maintain_order="left")
        visits.append(visit_frame(rng, frame["child_id"], t, kind, frame["dob"].to_numpy()))
    out["visits_cp_cin"] = stack(visits).filter(pl.col("visit_date") >= window)
    return out


def visit_frame(rng: np.random.Generator, child_id: pl.Series, when: np.ndarray, kind: str,
                dob: np.ndarray) -> pl.DataFrame:
    """Visits with the child seen (almost always) and seen alone (more often as children grow: 4 and over)."""
    n = when.size
    seen = rng.random(n) < 0.97
    old_enough = (when - dob) >= 4 * 365
    alone = seen & old_enough & (rng.random(n) < 0.75)
    return pl.DataFrame({"child_id": child_id, "visit_date": when, "kind": kind, "seen": seen, "seen_alone": alone})


def pre_proceedings(rng: np.random.Generator, eps: pl.DataFrame, today: int) -> pl.DataFrame:
    """PLO pre-proceedings (CIN census from 2025-26) before planned care under an interim care order, and some
    that divert from court. Only the latest two years: the census collects them from 2026."""
    care = eps.filter((pl.col("care_start") != NA) & ~pl.col("emergency") & ~pl.col("uasc")
                      & (pl.col("care_start") >= today - 730))
    diverted = eps.filter((pl.col("cp_start") != NA) & (pl.col("cp_start") >= today - 730)
                          & (pl.col("care_start") == NA))
    diverted = diverted.filter(pl.Series(rng.random(diverted.height) < 0.15))
    parts = []
    for frame, to_court in ((care, True), (diverted, False)):
        n = frame.height
        anchor = (frame["care_start"] if to_court else frame["cp_start"] + 60).to_numpy()
        start = anchor - rng.integers(60, 150, n) if to_court else anchor
        letter = start + rng.integers(0, 10, n)
        meeting = letter + rng.integers(5, 20, n)
        decision = meeting + rng.integers(40, 90, n)
        offered = rng.random(n) < 0.8
        parts.append(pl.DataFrame({
            "child_id": frame["child_id"], "start_date": start, "letter_before_proceedings_date": letter,
            "fgdm_offered": offered, "fgdm_facilitated": offered & (rng.random(n) < 0.7),
            "initial_meeting_date": meeting, "review_meetings": rng.integers(0, 4, n),
            "step_decision_date": np.minimum(decision, anchor) if to_court else decision,
            "outcome": None,  # PPOutcome's code list is not in the reference data: left blank, not guessed
            "court_application_date": anchor - rng.integers(0, 10, n) if to_court else NA,
        }, strict=False))
    frame = stack(parts)
    dates = ["start_date", "letter_before_proceedings_date", "initial_meeting_date", "step_decision_date",
             "court_application_date"]
    frame = frame.with_columns([pl.when(pl.col(c) > today).then(int(NA)).otherwise(pl.col(c)).alias(c)
                                for c in dates]).filter(pl.col("start_date") != NA)
    return canonical("pre_proceedings", frame)
