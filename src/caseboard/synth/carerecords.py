"""What happens while a child is looked after: reviews, visits, health, education, missing episodes, adoption
milestones, annual outcomes. Each rhythm is the regulation's, on time unless the imperfection setting says not:

* Reviews (CPPCR 2010 reg 33): within 20 working days of coming into care (26 calendar days at most), the second
  within 3 months (89 days), then at most 6-monthly (181 days). Participation PN0 under 4, PN1-PN7 otherwise.
* Visits (reg 28): within a week of any placement, at most 6-weekly in a placement's first year, then 3-monthly
  for children staying until 18 in long-term placements (6-weekly otherwise).
* Health (reg 7): initial assessment within 20 working days; reviews 6-monthly under 5, yearly from 5; dental
  checks yearly. PEPs (Sch.1 para 2; termly in practice) each school term for children of school age (4 to 17).
* SDQs yearly for children aged 4 to 16; OC2 for children looked after continuously for 12 months at 31 March
  (903 guide; the SDQ score is the year's latest), its health fields read from the health records so that they
  agree. Missing episodes for some adolescents (903 Missing), return interviews mostly offered.
* Adoption milestones (903 AD1 and PlacedAdoption; Annex A List 10) for children whose route is adoption, and
  decisions later reversed for some young children who leave care another way.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from caseboard.calendar import DEFAULT_CALENDAR
from caseboard.synth import dates as D
from caseboard.synth.casework import visit_frame
from caseboard.synth.config import SynthConfig
from caseboard.synth.frames import canonical, stack
from caseboard.synth.people import choice

NA = D.NA
YEAR = 365.25


def _na(values: np.ndarray, today: int) -> np.ndarray:
    return np.where((values == NA) | (values > today), NA, values)


def adoption(rng: np.random.Generator, per: pl.DataFrame, today: int) -> pl.DataFrame:
    """Adoption decisions, orders, matches, placements and adoption orders (working frame with pid)."""
    age = ((per["start"] - per["dob"]) / YEAR).to_numpy()
    route = per["route"].to_numpy()
    n = per.height
    start, end = per["start"].to_numpy(), per["planned_end"].to_numpy()
    dur = np.maximum(end - start, 200)
    adopt = route == 1
    reversed_ = np.isin(route, [2, 4]) & (age < 4) & (rng.random(n) < 0.1)
    decision = np.where(adopt, start + (dur * rng.uniform(0.25, 0.38, n)).astype(np.int64),
                        start + rng.integers(150, 360, n))
    po = decision + (dur * rng.uniform(0.05, 0.12, n)).astype(np.int64)
    match = po + (dur * rng.uniform(0.12, 0.22, n)).astype(np.int64)
    placed = np.minimum(match + rng.integers(7, 42, n), end - 70)
    match = np.minimum(match, placed - 3)
    po = np.minimum(po, match - 1)
    rev = np.where(reversed_, decision + rng.integers(90, 360, n), NA)
    reversed_ &= rev < end
    keep = adopt | reversed_
    two = rng.random(n) < 0.85
    sex = np.where(two, choice(rng, {"MF": 0.8, "MM": 0.1, "FF": 0.1}, n), choice(rng, {"F1": 0.8, "M1": 0.2}, n))
    legal = np.where(~two, "L0", np.where(sex == "MF", choice(rng, {"L11": 0.7, "L3": 0.3}, n),
                                          choice(rng, {"L12": 0.5, "L2": 0.3, "L4": 0.2}, n)))
    frame = pl.DataFrame({
        "pid": per["pid"], "child_id": per["child_id"],
        "decision_date": _na(decision, today),
        "placement_order_date": _na(np.where(adopt, po, NA), today),
        "match_date": _na(np.where(adopt, match, NA), today),
        "placed_date": _na(np.where(adopt, placed, NA), today),
        "adoption_order_date": _na(np.where(adopt, per["end"].to_numpy(), NA), today),
        "decision_reversed_date": _na(rev, today),
        "foster_carer_adoption": rng.random(n) < 0.15,
        "number_of_adopters": np.where(two, 2, 1), "sex_of_adopters": sex, "adopters_legal_status": legal,
    })
    return frame.filter(pl.Series(keep) & (pl.col("decision_date") != NA))


def adoptions(frame: pl.DataFrame) -> pl.DataFrame:
    matched = pl.col("match_date") != NA
    return canonical("adoptions", frame.with_columns(
        [pl.when(matched).then(pl.col(c)).otherwise(None).alias(c)
         for c in ("number_of_adopters", "sex_of_adopters", "adopters_legal_status", "foster_carer_adoption")]))


def _in_window(frame: pl.DataFrame, col: str, window: int) -> pl.DataFrame:
    return frame.filter(pl.col(col) >= window)


def reviews(rng: np.random.Generator, cfg: SynthConfig, per: pl.DataFrame, window: int, today: int) -> pl.DataFrame:
    start, end = per["start"].to_numpy(), per["end"].to_numpy()
    rows, t = D.recurring(rng, start, np.where(end == NA, today, end - 1), (26, 89, 181),
                          cfg.late("overdue_reviews"), low=0.8)
    dob = per["dob"].to_numpy()[rows]
    n = rows.size
    code = np.where(t - dob < 4 * YEAR, "PN0", choice(rng, {"PN1": 0.45, "PN2": 0.15, "PN3": 0.1, "PN4": 0.1,
                                                            "PN5": 0.1, "PN6": 0.05, "PN7": 0.05}, n))
    frame = pl.DataFrame({"child_id": per["child_id"].gather(rows), "review_date": t, "participation": code})
    return canonical("lac_reviews", _in_window(frame, "review_date", window))


def health(rng: np.random.Generator, cfg: SynthConfig, per: pl.DataFrame, window: int, today: int) -> pl.DataFrame:
    """Initial health assessments, reviews (6-monthly under 5, yearly after) and yearly dental checks."""
    start, end, dob = per["start"].to_numpy(), per["end"].to_numpy(), per["dob"].to_numpy()
    stop = np.where(end == NA, today, end - 1)
    n = per.height
    miss = cfg.late("missing_health", 0.5)
    late = rng.random(n) < cfg.late("missing_health", 0.5)
    iha = np.where(late, start + rng.integers(30, 90, n), start + rng.integers(3, 27, n))
    has_iha = iha <= stop
    parts = [pl.DataFrame({"child_id": per["child_id"].filter(pl.Series(has_iha)), "assessment_date": iha[has_iha],
                           "kind": "initial"})]
    five = D.birthday(dob, 5)
    for lo, hi, gap in ((iha, np.minimum(stop, five - 1), 181), (np.maximum(iha, five), stop, 365)):
        ok = has_iha & (hi > lo)
        rows, t = D.recurring(rng, lo[ok], hi[ok], (gap,), miss, low=0.75)
        parts.append(pl.DataFrame({"child_id": per["child_id"].filter(pl.Series(ok)).gather(rows),
                                   "assessment_date": t, "kind": "review"}))
    first_dental = start + rng.integers(30, 120, n)
    ok = first_dental <= stop
    rows, t = D.recurring(rng, first_dental[ok], stop[ok], (365,), miss, low=0.75)
    parts.append(pl.DataFrame({"child_id": per["child_id"].filter(pl.Series(ok)).gather(rows),
                               "assessment_date": t, "kind": "dental"}))
    frame = stack(parts)
    return canonical("health_assessments", _in_window(frame, "assessment_date", window))


def _terms(window: int, today: int) -> tuple[np.ndarray, np.ndarray]:
    """School terms over the window as (start, end) day numbers: the project calendar's term pattern."""
    terms = DEFAULT_CALENDAR.terms_between(D.date_of(window), D.date_of(today))
    return np.array([D.day(t.start) for t in terms]), np.array([D.day(t.end) for t in terms])


def peps(rng: np.random.Generator, cfg: SynthConfig, per: pl.DataFrame, window: int, today: int) -> pl.DataFrame:
    """One PEP in each school term a child of school age (4 to 17 at the term's start) is looked after."""
    ts, te = _terms(window, today)
    p = per.select("child_id", "dob", "start", stop=pl.when(pl.col("end") == NA).then(today).otherwise(
        pl.col("end") - 1)).join(pl.DataFrame({"ts": ts, "te": te}), how="cross")
    p = p.with_columns(lo=pl.max_horizontal("start", "ts", pl.lit(window)), hi=pl.min_horizontal("stop", "te"))
    p = p.filter((pl.col("hi") - pl.col("lo") >= 20) & (pl.col("ts") - pl.col("dob") >= 4 * YEAR)
                 & (pl.col("ts") - pl.col("dob") < 18 * YEAR))
    lo, hi = p["lo"].to_numpy(), p["hi"].to_numpy()
    when = D.roll_to_working_day(lo + (rng.random(p.height) * (hi - lo)).astype(np.int64), forward=False)
    kept = rng.random(p.height) >= cfg.late("missing_peps")
    frame = pl.DataFrame({"child_id": p["child_id"], "pep_date": np.maximum(when, lo)}).filter(pl.Series(kept))
    return canonical("peps", frame)


def sdq(rng: np.random.Generator, per: pl.DataFrame, window: int, today: int) -> pl.DataFrame:
    start, end, dob = per["start"].to_numpy(), per["end"].to_numpy(), per["dob"].to_numpy()
    rows, t = D.recurring(rng, start + 30, np.where(end == NA, today, end - 1), (365,), 0.0, low=0.8)
    age = (t - dob[rows]) / YEAR
    child_score = np.clip(np.round(rng.normal(0, 1, per.height) * 6 + 14), 0, 40)
    score = np.clip(child_score[rows] + np.round(rng.normal(0, 3, rows.size)), 0, 40).astype(np.int64)
    frame = pl.DataFrame({"child_id": per["child_id"].gather(rows), "assessment_date": t, "score": score})
    return canonical("sdq_assessments", frame.filter(pl.Series((age >= 4) & (age < 17))
                                                     & (pl.col("assessment_date") >= window)))


def annual_outcomes(rng: np.random.Generator, per: pl.DataFrame, health_frame: pl.DataFrame,
                    sdq_frame: pl.DataFrame, years: list[int]) -> pl.DataFrame:
    """903 OC2 for each year: children looked after continuously for 12 months at 31 March."""
    parts = []
    health_days = health_frame.with_columns(d=pl.col("assessment_date").cast(pl.Int32).cast(pl.Int64))
    sdq_days = sdq_frame.with_columns(d=pl.col("assessment_date").cast(pl.Int32).cast(pl.Int64))
    for year in years:
        lo, hi = D.year_start(year), D.year_end(year)
        c = per.filter((pl.col("start") <= lo) & ((pl.col("end") == NA) | (pl.col("end") > hi)))
        if c.height == 0:
            continue
        in_year = health_days.filter(pl.col("d").is_between(lo, hi))
        dental = in_year.filter(pl.col("kind") == "dental")["child_id"].unique()
        assessed = in_year.filter(pl.col("kind") != "dental")["child_id"].unique()
        latest = sdq_days.filter(pl.col("d").is_between(lo, hi)).sort("d").group_by("child_id").agg(
            pl.col("score").last())
        n = c.height
        age = ((hi - c["dob"]) / YEAR).to_numpy()
        frame = c.select("child_id").with_columns(
            year=pl.lit(year), convicted=pl.Series(np.where(age >= 10, rng.random(n) < 0.03, False)),
            health_check=pl.Series((rng.random(n) < 0.9).tolist()).scatter(np.flatnonzero(age >= 5), None),
            immunisations=pl.Series(rng.random(n) < 0.88),
            teeth_check=pl.col("child_id").is_in(dental.implode()),
            health_assessment=pl.col("child_id").is_in(assessed.implode()),
            substance_misuse=pl.Series(np.where(age >= 10, rng.random(n) < 0.04, False)),
        ).join(latest.rename({"score": "sdq_score"}), on="child_id", how="left", maintain_order="left")
        eligible = pl.Series((age >= 4) & (age < 17))
        frame = frame.with_columns(
            sdq_score=pl.when(eligible).then(pl.col("sdq_score")).otherwise(None),
            sdq_reason=pl.when(eligible & pl.col("sdq_score").is_null()).then(pl.lit("SDQ1")).otherwise(None),
            intervention_received=pl.when(pl.col("substance_misuse")).then(pl.lit(True)).otherwise(None),
            intervention_offered=pl.when(pl.col("substance_misuse")).then(pl.lit(True)).otherwise(None),
        )
        parts.append(frame)
    return canonical("annual_outcomes", stack(parts)) if parts else canonical("annual_outcomes", pl.DataFrame())


def missing(rng: np.random.Generator, cfg: SynthConfig, per: pl.DataFrame, window: int, today: int) -> pl.DataFrame:
    """Missing (M) and away (A) episodes for some children aged 11 and over, most offered a return interview."""
    start, end, dob = per["start"].to_numpy(), per["end"].to_numpy(), per["dob"].to_numpy()
    lo = np.maximum.reduce([start, D.birthday(dob, 11), np.full(per.height, window)])
    hi = np.where(end == NA, today, end - 1)
    years = np.maximum(hi - lo, 0) / YEAR
    rate = np.where(rng.random(per.height) < cfg.assumptions.missing_share * 1.3, rng.gamma(1.2, 4.0, per.height), 0.0)
    count = rng.poisson(rate * years)
    rows, _ = D.explode_index(count)
    s = lo[rows] + (rng.random(rows.size) * np.maximum(hi[rows] - lo[rows], 1)).astype(np.int64)
    kind = np.where(rng.random(rows.size) < 0.8, "M", "A")
    length = np.where(rng.random(rows.size) < 0.7, rng.integers(0, 2, rows.size), rng.integers(1, 6, rows.size))
    e = np.minimum(s + length, hi[rows])
    e = np.where(s + length > today, NA, e)
    offered = rng.random(rows.size) < 0.85
    frame = pl.DataFrame({
        "child_id": per["child_id"].gather(rows), "start_date": s, "kind": kind, "end_date": e,
        "return_interview_offered": np.where(e == NA, None, offered),
        "return_interview_accepted": np.where(e == NA, None, offered & (rng.random(rows.size) < 0.6)),
    }, strict=False).sort("child_id", "start_date")
    # Episodes of one child never overlap: drop any starting before the previous one ended.
    frame = frame.with_columns(prev_end=pl.col("end_date").shift(1).over("child_id")).filter(
        pl.col("prev_end").is_null() | (pl.col("start_date") > pl.col("prev_end"))).drop("prev_end")
    return canonical("missing_episodes", frame.unique(["child_id", "start_date"], keep="first", maintain_order=True))


def lac_visits(rng: np.random.Generator, cfg: SynthConfig, ep: pl.DataFrame, window: int, today: int) -> pl.DataFrame:
    """Reg 28 visits per placement (a new placement starts with RNE S, P or B: new carers)."""
    seg = ep.with_columns(new=pl.col("rne").is_in(["S", "P", "B"])).with_columns(
        seg=pl.col("new").cast(pl.Int64).cum_sum()).group_by("seg", maintain_order=True).agg(
        pl.col("child_id").first(), pl.col("dob").first(), pl.col("route").first(), s=pl.col("date").first(),
        e=pl.col("end_date").last(), long=pl.col("place").is_in(["U1", "U4", "A5", "A6"]).any())
    s, e = seg["s"].to_numpy(), seg["e"].to_numpy()
    stop = np.where(e == NA, today, e - 1)
    late = cfg.late("late_visits")
    first_year_end = np.minimum(stop, s + 364)
    rows1, t1 = D.recurring(rng, s, first_year_end, (7, 42), late, low=0.6)
    later = stop > s + 364
    long = (seg["long"].to_numpy() & (seg["route"].to_numpy() == 4))[later]
    rows2, t2 = D.recurring(rng, (s + 364)[later], stop[later], (42, np.where(long, 91, 42)), late, low=0.6)
    rows2 = np.flatnonzero(later)[rows2]
    rows, t = np.concatenate([rows1, rows2]), np.concatenate([t1, t2])
    frame = visit_frame(rng, seg["child_id"].gather(rows), t, "lac", seg["dob"].to_numpy()[rows])
    return frame.filter(pl.col("visit_date") >= window)


def previous_permanence(rng: np.random.Generator, per: pl.DataFrame, la_code: str) -> pl.DataFrame:
    first = per.sort("start").unique("child_id", keep="first", maintain_order=True).sort("child_id")
    n = first.height
    code = choice(rng, {"Z1": 0.85, "P1": 0.02, "P2": 0.06, "P3": 0.04, "P4": 0.03}, n)
    when = first["start"].to_numpy() - rng.integers(200, 2500, n)
    when = np.maximum(when, first["dob"].to_numpy() + 30)
    text = np.array([D.date_of(d).strftime("%d/%m/%Y") for d in when], dtype=object) if n else np.zeros(0, object)
    other_la = np.where(rng.random(n) < 0.7, la_code, rng.integers(201, 940, n).astype(str))
    return canonical("previous_permanence", pl.DataFrame({
        "child_id": first["child_id"], "prev_perm": code,
        "la_perm": np.where(code == "Z1", None, other_la), "date_perm": np.where(code == "Z1", None, text)},
        strict=False))


def deprivation_of_liberty(rng: np.random.Generator, ep: pl.DataFrame, today: int) -> pl.DataFrame:
    """A few deprivation of liberty orders for adolescents in children's homes in the latest year (903 DoLo)."""
    cand = ep.filter(pl.col("place").is_in(["K2", "S1"]) & ((pl.col("end_date") == NA) | (pl.col(
        "end_date") > today - 300)) & (pl.col("date") < today - 30) & ((today - pl.col("dob")) > 13 * YEAR))
    cand = cand.unique("child_id", keep="first", maintain_order=True)
    pick = cand.filter(pl.Series(rng.random(cand.height) < 0.2))
    s = np.maximum(pick["date"].to_numpy(), today - 300) + rng.integers(0, 30, pick.height)
    e = s + rng.integers(60, 200, pick.height)
    return canonical("deprivation_of_liberty", pl.DataFrame({
        "child_id": pick["child_id"], "start_date": np.minimum(s, today), "end_date": np.where(e > today, NA, e)}))
