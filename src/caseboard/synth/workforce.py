"""Areas, teams, workers over ten years, and who held each child's case when.

* Teams follow ``config.TEAM_PLAN`` (about 60 at full scale): per-area duty and assessment, CIN, CP, looked
  after, leaving care and early help teams, and county-wide front door and disabled children's teams.
* Each team has posts sized to its caseload (open cases over the latest two years / the published caseload per
  worker, csww ``caseload_fte``) plus a team manager. Each post is held by a sequence of workers: tenure set by
  the published turnover (csww ``turnover_rate_fte``; agency staff stay about a year), gaps between holders by
  the published vacancy rate (``vacancy_rate_fte``), agency share of hires by the year's published agency rate
  (``agency_rate_fte``). ``teams.establishment_fte`` counts every post, so vacant posts show as establishment
  above the FTE in post.
* A case moves between teams as it moves between stages (front door, assessment, CIN, CP, care, leaving care;
  disabled children's team when the need is disability); within a stage it is reallocated when the worker leaves
  (903 SW_REASON LEFTRL) or, now and then, for other reasons (management decision, change of circumstances).
  When a team has nobody in post, the case is allocated to the team only (no worker) until someone starts.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from caseboard.synth import dates as D
from caseboard.synth.config import TEAM_PLAN, SynthConfig
from caseboard.synth.frames import canonical, stack, text
from caseboard.synth.people import worker_names

NA = D.NA
YEAR = 365.25
TEAM_LABELS = {"front_door": "Front Door", "duty_assessment": "Assessment", "cin": "Child in Need",
               "cp": "Child Protection", "looked_after": "Children in Care", "leaving_care": "Leaving Care",
               "disabilities": "Disabled Children", "early_help": "Early Help"}
PRACTITIONER_ROLE = {"leaving_care": "personal_adviser", "early_help": "early_help_worker"}
OTHER_REASONS = {"MANAGE": 0.5, "CHCHAN": 0.2, "ORGRST": 0.1, "ABSENC": 0.1, "OTHERS": 0.1}


def areas(cfg: SynthConfig) -> pl.DataFrame:
    return canonical("areas", pl.DataFrame({"area_id": [a.area_id for a in cfg.areas],
                                            "name": [a.name for a in cfg.areas]}))


def team_plan(cfg: SynthConfig) -> pl.DataFrame:
    """Every team: id, name, type, its own area and the areas it serves (working frame)."""
    rows = []
    ids = [a.area_id for a in cfg.areas]
    names = {a.area_id: a.name for a in cfg.areas}
    size = min(max(cfg.workers * cfg.scale / 350, 0.5), 3.0)  # 350 workers: the plan's full size
    for team_type, (per_area, county) in TEAM_PLAN.items():
        if per_area is not None:
            k = max(1, round(per_area * size))
            for area in ids:
                for i in range(k):
                    rows.append((team_type, area, [area], f"{names[area]} {TEAM_LABELS[team_type]}"
                                 + (f" {i + 1}" if k > 1 else "")))
        else:
            k = max(1, min(round(county * size), len(ids)))
            for i in range(k):
                served = ids[i::k]
                rows.append((team_type, served[0], served, f"{TEAM_LABELS[team_type]} {i + 1}"))
    return pl.DataFrame({
        "team_id": [f"T{i + 1:03d}" for i in range(len(rows))],
        "team_type": [r[0] for r in rows], "area_id": [r[1] for r in rows], "serves": [r[2] for r in rows],
        "name": [r[3] for r in rows],
    })


def assign_teams(segments: pl.DataFrame, plan: pl.DataFrame) -> pl.DataFrame:
    """The team holding each stage: of the right type serving the child's area (the same one for one child)."""
    serving = plan.explode("serves").select("team_id", "team_type", area="serves").with_columns(
        rank=pl.col("team_id").rank("ordinal").over("team_type", "area") - 1,
        count=pl.len().over("team_type", "area"))
    seg = segments.with_columns(pick=pl.col("child_id").hash(7))
    seg = seg.join(serving, on=["team_type", "area"], how="left").filter(
        pl.col("rank") == (pl.col("pick") % pl.col("count")))
    return seg.drop("pick", "rank", "count")


def size_teams(cfg: SynthConfig, segments: pl.DataFrame, plan: pl.DataFrame, today: int) -> np.ndarray:
    """Practitioner posts per team: in proportion to open cases over the latest two years, at least two."""
    samples = today - np.arange(0, 730, 61)
    load = np.zeros(plan.height)
    index = {t: i for i, t in enumerate(plan["team_id"])}
    s, e = segments["start"].to_numpy(), segments["end"].to_numpy()
    e = np.where(e == NA, today + 1, e)
    team = np.array([index[t] for t in segments["team_id"]], dtype=np.int64)
    for d in samples:
        open_ = (s <= d) & (e > d)
        load += np.bincount(team[open_], minlength=plan.height)
    load /= samples.size
    practitioners = max(round(cfg.workers * cfg.scale) - plan.height, 2 * plan.height)
    posts = np.maximum(np.round(load / max(load.sum(), 1) * practitioners), 2).astype(np.int64)
    return posts


def workers(rng: np.random.Generator, cfg: SynthConfig, plan: pl.DataFrame, posts: np.ndarray, window: int,
            today: int) -> pl.DataFrame:
    """Everyone who held a post at any time in the window (working frame with day numbers)."""
    cal = cfg.calibration
    team_of_post = np.repeat(np.arange(plan.height), posts + 1)
    first_in_team = np.concatenate([[0], np.cumsum(posts + 1)[:-1]])
    rank = np.arange(team_of_post.size) - first_in_team[team_of_post]
    n_posts = team_of_post.size
    tenure_mean = YEAR / max(cal.turnover_rate / 100, 0.02)
    vacancy = min(max(cal.vacancy_rate / 100, 0.0), 0.5)
    gap_mean = vacancy / (1 - vacancy) * tenure_mean
    holders = []
    t = window - (rng.random(n_posts) * 8 * YEAR).astype(np.int64)
    alive = np.arange(n_posts)
    for _ in range(60):
        if alive.size == 0:
            break
        year = D.collection_year(t)
        # The published rate is agency staff's share of those in post; agency staff stay about a year, others
        # ``tenure_mean``, so the share of *hires* that are agency is higher: h = r s / (1 - s + r s).
        share = np.array([_nearest(cal.agency_rate_by_year, int(y)) / 100 for y in year])
        ratio = tenure_mean / YEAR
        agency_p = ratio * share / (1 - share + ratio * share)
        agency = rng.random(alive.size) < agency_p
        tenure = rng.exponential(np.where(agency, YEAR, tenure_mean)).astype(np.int64) + 30
        end = t + tenure
        holders.append((alive, t, end, agency))
        t = end + 1 + rng.exponential(max(gap_mean, 0.1), alive.size).astype(np.int64)
        keep = t <= today
        alive, t = alive[keep], t[keep]
    post = np.concatenate([h[0] for h in holders])
    start = np.concatenate([h[1] for h in holders])
    end = np.concatenate([h[2] for h in holders])
    agency = np.concatenate([h[3] for h in holders])
    order = np.lexsort((start, post))
    post, start, end, agency = post[order], start[order], end[order], agency[order]
    keep = end >= window
    post, start, end, agency = post[keep], start[keep], end[keep], agency[keep]
    n = post.size
    team_type = plan["team_type"].to_numpy()[team_of_post[post]]
    manager = rank[post] == 0
    senior = rank[post] == 1
    role = np.where(manager, "team_manager", np.where(senior & ~np.isin(team_type, list(PRACTITIONER_ROLE)),
                    "senior_practitioner", np.array([PRACTITIONER_ROLE.get(x, "social_worker") for x in team_type],
                                                    dtype=object)))
    fte = np.where(rng.random(n) < 0.8, 1.0, rng.choice([0.5, 0.6, 0.8, 0.9], n))
    return pl.DataFrame({
        "worker_id": [f"W{i + 1:05d}" for i in range(n)], "name": worker_names(rng, n), "role": role,
        "qualified": ~np.isin(role, ["personal_adviser", "early_help_worker"]), "fte": fte, "agency": agency,
        "team_id": plan["team_id"].to_numpy()[team_of_post[post]], "post": post,
        "start_date": start, "end_date": np.where(end > today, NA, end), "w_end": end,
    })


def _nearest(by_year: dict[int, float], year: int) -> float:
    if not by_year:
        return 0.0
    key = min(by_year, key=lambda y: (abs(y - year), -y))
    return by_year[key]


def teams(plan: pl.DataFrame, posts: np.ndarray, staff: pl.DataFrame, today: int) -> pl.DataFrame:
    """Teams with their establishment: every post's FTE (the holder's, or 1.0 when vacant today)."""
    in_post = staff.filter(pl.col("end_date") == NA)
    filled = in_post.group_by("team_id").agg(pl.col("fte").sum(), pl.len().alias("filled"))
    frame = plan.with_columns(posts=pl.Series(posts + 1)).join(filled, on="team_id", how="left").with_columns(
        establishment_fte=(pl.col("fte").fill_null(0.0) + (pl.col("posts") - pl.col("filled").fill_null(0)).clip(
            lower_bound=0).cast(pl.Float64)).round(1))
    return canonical("teams", frame)


def allocate(rng: np.random.Generator, segments: pl.DataFrame, staff: pl.DataFrame, today: int) -> pl.DataFrame:
    """Allocation history: each stage held by a worker in post, reallocated when they leave.

    Each piece of a stage goes to one of the team's practitioner posts at random, held by whoever held that post
    on the day (an as-of join: no worker if the post was vacant, the team holding the case for a fortnight until
    another pick). Managers hold no cases.
    """
    pending = segments.select("child_id", "team_id", s="start", e="end").with_row_index("sid").with_columns(
        e_eff=pl.when(pl.col("e") == NA).then(today + 1).otherwise(pl.col("e")))
    practitioners = staff.filter(pl.col("role") != "team_manager")
    posts = practitioners.select("team_id", "post").unique().sort("team_id", "post")
    team_posts = posts.group_by("team_id", maintain_order=True).agg(pl.len().alias("count")).with_columns(
        offset=pl.col("count").cum_sum() - pl.col("count"))
    post_ids = posts["post"].to_numpy()
    holders = practitioners.select("post", "worker_id", w_start="start_date", w_end="w_end").sort("w_start")
    done = []
    for _ in range(200):
        if pending.height == 0:
            break
        pending = pending.sort("sid").join(team_posts, on="team_id", how="left", maintain_order="left")
        pick = (rng.random(pending.height) * pending["count"].fill_null(0).to_numpy()).astype(np.int64)
        staffed = pending["count"].fill_null(0).to_numpy() > 0
        post = np.where(staffed, post_ids[np.where(staffed, pending["offset"].fill_null(0).to_numpy() + pick, 0)], -1)
        got = pending.with_columns(post=pl.Series(post)).sort("s").join_asof(
            holders, left_on="s", right_on="w_start", by="post", strategy="backward", check_sortedness=False
        ).sort("sid").with_columns(
            worker_id=pl.when(pl.col("w_end") > pl.col("s")).then(pl.col("worker_id")).otherwise(None))
        n = got.height
        gap = (rng.exponential(2.0 * YEAR, n)).astype(np.int64) + 30
        s, e = got["s"].to_numpy(), got["e_eff"].to_numpy()
        has = got["worker_id"].is_not_null().to_numpy()
        w_end = np.where(has, got["w_end"].fill_null(0).to_numpy(), s + 14)
        stop = np.minimum.reduce([e, np.where(has, w_end, s + 14), s + gap])
        stop = np.maximum(stop, s)
        more = stop < e
        reason = np.where(~more, None, np.where(has & (stop == w_end), "LEFTRL",
                                                 _reasons(rng, n)))
        reason = np.where(more & ~has, "OTHERS", reason)
        piece = got.with_columns(end=pl.Series(np.where(more, stop, got["e"].to_numpy())),
                                 reason=text(reason))
        done.append(piece.select("child_id", "team_id", "worker_id", start="s", end="end", reason="reason"))
        pending = got.filter(pl.Series(more)).with_columns(s=pl.Series(stop[more])).select(
            "sid", "child_id", "team_id", "s", "e", "e_eff")
    out = stack(done).sort("child_id", "start", "team_id")
    # A stage handed on to the next team the day it ends: transfer as part of the normal process (TSPROC).
    handed_on = (pl.col("reason").is_null() & (pl.col("end") != NA)
                 & (pl.col("start").shift(-1).over("child_id") == pl.col("end"))
                 & (pl.col("team_id").shift(-1).over("child_id") != pl.col("team_id")))
    return out.with_columns(reason=pl.when(handed_on).then(pl.lit("TSPROC")).otherwise(pl.col("reason")))


def _reasons(rng: np.random.Generator, n: int) -> np.ndarray:
    codes = np.array(list(OTHER_REASONS), dtype=object)
    w = np.array(list(OTHER_REASONS.values()))
    return codes[rng.choice(codes.size, size=n, p=w / w.sum())]


#: Stages of a CIN episode in the order they happen on one day, with the team type holding each.
STAGES = (("contact", "front_door"), ("referral", "duty_assessment"), ("cin_start", "cin"), ("cp_start", "cp"),
          ("care_start", "looked_after"), ("cin2_start", "cin"))


def stage_segments(eps: pl.DataFrame, leaving: pl.DataFrame, early_help: pl.DataFrame, people: pl.DataFrame,
                   window: int) -> pl.DataFrame:
    """(child_id, team_type, area, start, end) for every stage a case spends with one kind of team, from the
    window's start. Disabled children (primary need N2) are held by the disabled children's team."""
    parts = []
    ep = eps.with_row_index("eid")
    for order, (col, team_type) in enumerate(STAGES):
        part = ep.filter((pl.col(col) != NA) & ~(pl.col("nfa") & (col == "referral"))).select(
            "eid", "child_id", "closure", "need", start=col).with_columns(order=pl.lit(order),
                                                                          team_type=pl.lit(team_type))
        parts.append(part)
    st = stack(parts).sort("eid", "start", "order").with_columns(
        end=pl.col("start").shift(-1).over("eid")).with_columns(
        end=pl.coalesce("end", "closure"),
        team_type=pl.when((pl.col("need") == "N2") & pl.col("team_type").is_in(["cin", "looked_after"]))
        .then(pl.lit("disabilities")).otherwise(pl.col("team_type")))
    st = st.select("child_id", "team_type", "start", "end")
    others = [
        leaving.select("child_id", pl.lit("leaving_care").alias("team_type"), "start", "end"),
        early_help.select("child_id", pl.lit("early_help").alias("team_type"),
                          start=pl.col("start_date").cast(pl.Int32).cast(pl.Int64),
                          end=pl.col("end_date").cast(pl.Int32).cast(pl.Int64).fill_null(int(NA))),
    ]
    seg = stack([st] + others).filter((pl.col("end") == NA) | (pl.col("end") >= window))
    seg = seg.with_columns(start=pl.max_horizontal("start", pl.lit(window)))
    seg = seg.filter((pl.col("end") == NA) | (pl.col("end") >= pl.col("start")))
    return seg.join(people.select("child_id", "area"), on="child_id", how="left").sort("child_id", "start",
                                                                                         "team_type")
