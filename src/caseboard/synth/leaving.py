"""Care leavers: who qualifies, their pathway plans, their status around each birthday (903 OC3), and contacts.

Eligibility follows the legal definitions in reference/statutory-rules-and-indicators.md §6.1 (CA 1989 Sch 2
para 19B; CPPCR 2010 reg 40): looked after for at least 13 weeks (91 days) since the 14th birthday, some of it
after the 16th. Such a child is *eligible* while looked after at 16-17, *relevant* once out of care before 18,
*former relevant* from 18; a child looked after after 16 for less than that is *qualifying* (s24).

* Needs assessment within 3 months of the 16th birthday or of becoming eligible later (CPPCR reg 42); the pathway
  plan authorised soon after ("by 16 years 3 months"), reviewed at most 6-monthly to 21 (Care Leavers Regs
  2010 reg 7).
* OC3 at the 17th to 21st birthdays falling in the window, not for a child still looked after on the birthday
  before 18; activity and accommodation drawn from the authority's published care-leaver shares by age group
  (la_care_leavers_activity.csv, la_care_leavers_accommodation_suitability.csv), codes of the year (training
  and employment were F3/P3 until 2020-21).
* Personal adviser contacts at most every 8 weeks (a common local standard, K).
"""

from __future__ import annotations

import numpy as np
import polars as pl

from caseboard.synth import dates as D
from caseboard.synth.casework import _year_aware, visit_frame
from caseboard.synth.config import NORFOLK, SynthConfig
from caseboard.synth.frames import canonical, stack
from caseboard.synth.people import choice

NA = D.NA
YEAR = 365.25
#: ACTIV codes per published activity group (full time / part time), ACTIVITY_GROUPS order.
ACTIVITY_CODES = (("F2", "P2"), ("F1", "P1"), ("F4", "P4"), ("F5", "P5"), ("G4", "G4"), ("G5", "G5"), ("G6", "G6"),
                  ("0", "0"))
SUITABLE = {"U": 0.30, "D": 0.20, "Z": 0.15, "B": 0.15, "E": 0.10, "C": 0.05, "K": 0.05}
UNSUITABLE = {"X": 0.20, "S": 0.20, "B": 0.20, "W": 0.10, "V": 0.10, "U": 0.20}


def eligibility(periods: pl.DataFrame, today: int) -> pl.DataFrame:
    """Per child: days looked after since 14, whether any after 16, the eligibility date and last care end."""
    p = periods.with_columns(stop=pl.when(pl.col("end") == NA).then(today).otherwise(pl.col("end")))
    b14 = D.birthday(p["dob"].to_numpy(), 14)
    b16 = D.birthday(p["dob"].to_numpy(), 16)
    p = p.with_columns(b14=pl.Series(b14), b16=pl.Series(b16))
    p = p.with_columns(since14=(pl.col("stop") - pl.max_horizontal("start", "b14")).clip(lower_bound=0),
                       after16=pl.col("stop") > pl.col("b16"))
    per_child = p.sort("start").group_by("child_id", maintain_order=True).agg(
        pl.col("dob").first(), pl.col("since14").sum(), pl.col("after16").any(),
        last_end=pl.col("end").last(), adopted=(pl.col("route") == 1).any(), b16=pl.col("b16").first(),
        first_after16=pl.max_horizontal("start", "b16").filter(pl.col("after16")).min())
    return per_child.filter(pl.col("after16") & ~pl.col("adopted")).with_columns(
        qualifies=pl.col("since14") >= 91,
        eligible_from=pl.max_horizontal("b16", "first_after16"),
    )


def care_leavers(rng: np.random.Generator, cfg: SynthConfig, periods: pl.DataFrame, window: int,
                 today: int) -> dict[str, pl.DataFrame]:
    el = eligibility(periods, today)
    dob = el["dob"].to_numpy()
    b21 = D.birthday(dob, 21)
    b16 = D.birthday(dob, 16)
    in_window = b21 >= window
    el = el.filter(pl.Series(in_window))
    dob, b21, b16 = dob[in_window], b21[in_window], b16[in_window]
    n = el.height
    last_end = el["last_end"].to_numpy()
    looked_after = last_end == NA
    age_now = D.age_years(dob, np.full(n, today))
    qualifies = el["qualifies"].to_numpy()
    continuing = rng.random(n) < 0.1  # some former relevant young people keep support to 25 (CSWA 2017)
    category = np.select(
        [~qualifies, looked_after & (age_now < 18), age_now < 18],
        ["qualifying", "eligible", "relevant"], default="former_relevant").astype(object)
    eligible_from = el["eligible_from"].to_numpy()
    assess = np.where(qualifies, D.add_months(np.maximum(eligible_from, b16), 3) - rng.integers(0, 60, n), NA)
    assess = np.where(assess > today, NA, assess)
    # The table holds today's entitlement: those aged 16 to 20 today, or to 24 if they kept support (CSWA 2017).
    current = (age_now >= 16) & (age_now < np.where(continuing, 25, 21))
    leavers = canonical("care_leavers", pl.DataFrame({
        "child_id": el["child_id"], "eligibility": category, "needs_assessment_date": assess}).filter(
        pl.Series(current)))

    # Pathway plans: authorised after the needs assessment, reviewed at most 6-monthly to 21 (or 25).
    until = np.where(continuing, D.birthday(dob, 25), b21)
    ok = qualifies & (assess != NA)
    authorised = assess + rng.integers(0, 20, n)
    ok &= authorised <= today
    rows, t = D.recurring(rng, authorised[ok], np.minimum(until[ok], today), (181,), cfg.late("overdue_reviews"),
                          low=0.7)
    ids = el["child_id"].filter(pl.Series(ok))
    plans = stack([
        pl.DataFrame({"child_id": ids, "plan_date": authorised[ok], "kind": "authorised"}),
        pl.DataFrame({"child_id": ids.gather(rows), "plan_date": t, "kind": "review"}),
    ]).filter(pl.col("plan_date") >= window)

    status = _oc3(rng, cfg, el.filter(pl.Series(qualifies)), window, today)
    # Personal adviser contacts from leaving care to 21 (25 if continuing).
    left = ~looked_after & qualifies
    s = np.maximum(last_end, window)
    e = np.minimum(until, today)
    ok = left & (e > s)
    rows, t = D.recurring(rng, s[ok], e[ok], (56,), cfg.late("late_visits"), low=0.5)
    ids = el["child_id"].filter(pl.Series(ok))
    visits = visit_frame(rng, ids.gather(rows), t, "care_leaver", dob[ok][rows])
    segments = pl.DataFrame({"child_id": ids, "start": s[ok], "end": np.where(until[ok] > today, NA, until[ok])})
    return {"care_leavers": leavers, "pathway_plans": canonical("pathway_plans", plans),
            "care_leaver_status": status, "visits_care_leaver": visits, "leaving_segments": segments}


def _oc3(rng: np.random.Generator, cfg: SynthConfig, el: pl.DataFrame, window: int, today: int) -> pl.DataFrame:
    cal = cfg.calibration
    dob = el["dob"].to_numpy()
    last_end = el["last_end"].to_numpy()
    rows_list, days, ages = [], [], []
    for age in range(17, 22):
        bday = D.birthday(dob, age)
        ok = (bday >= window) & (bday <= today) & (last_end != NA)
        if age == 17:
            ok &= last_end < bday  # still looked after on the 17th birthday: no OC3
        rows_list.append(np.flatnonzero(ok))
        days.append(bday[ok])
        ages.append(np.full(ok.sum(), age))
    rows, bday, age = np.concatenate(rows_list), np.concatenate(days), np.concatenate(ages)
    n = rows.size
    older = age >= 19
    activity = np.empty(n, dtype=object)
    accommodation = np.empty(n, dtype=object)
    for is_old, shares, acc, default in ((False, cal.activity_17_18, cal.accommodation_17_18, NORFOLK.activity_17_18),
                                         (True, cal.activity_19_21, cal.accommodation_19_21, NORFOLK.activity_19_21)):
        # An authority with no published care leavers of that age (all suppressed) takes Norfolk's shape.
        shares = shares if sum(shares) else default
        acc = acc if acc[0] + acc[1] else NORFOLK.accommodation_19_21
        sel = older == is_old
        k = int(sel.sum())
        group = rng.choice(len(shares), size=k, p=np.array(shares, float) / max(sum(shares), 1))
        full = rng.random(k) < 0.8
        codes = np.array([ACTIVITY_CODES[g][0 if f else 1] for g, f in zip(group, full)], dtype=object)
        activity[sel] = codes
        suitable = rng.random(k) < acc[0] / max(acc[0] + acc[1], 1)
        letter = np.where(suitable, choice(rng, SUITABLE, k), choice(rng, UNSUITABLE, k))
        letter = np.where((letter == "Z") & (age[sel] < 18), "U", letter)  # staying put only from 18 (rule 3001)
        accommodation[sel] = letter + np.where(suitable, "1", "2")
    unknown = activity == "0"
    in_touch = np.where(unknown, choice(rng, {"NO": 0.6, "REFU": 0.4}, n), "YES")
    accommodation = np.where(unknown, "0", accommodation)
    # Training and employment before 2021-22 were F3/P3 (903 code lists).
    part_time = np.char.startswith(activity.astype(str), "P")
    activity = np.where(part_time, _year_aware(activity, bday, "ssda903", "activ", "P3"),
                        _year_aware(activity, bday, "ssda903", "activ", "F3"))
    contact = np.where(unknown, bday - rng.integers(120, 400, n), bday + rng.integers(-90, 31, n))
    contact = np.minimum(contact, today)
    frame = pl.DataFrame({"child_id": el["child_id"].gather(rows), "status_date": bday, "in_touch": in_touch,
                          "activity": activity, "accommodation": accommodation, "latest_contact_date": contact})
    return canonical("care_leaver_status", frame)
