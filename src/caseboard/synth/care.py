"""Periods of care as SSDA903 episodes: every change of legal status or placement starts a new episode.

A period (one row per care stay from :mod:`journeys`) gets a legal-status path and a sequence of placements:

* Legal status (903 LS): emergencies start under police protection (L1) or an EPO (L2) for a few days, then an
  interim care order (C1); voluntary accommodation (V2, Children Act s20) or C1 otherwise; a full care order (C2)
  some six to thirteen months after C1 (the 26-week court timescale plus delay); a placement order (E1) for
  children placed for adoption; unaccompanied children stay V2; some adolescents are on remand (J1).
* Placements (903 PLACE) by age, legal status and route; moves as a Poisson process, more often in the first year
  and for older children (calibrated loosely to the published share with three or more placements in a year);
  short-term foster placements (U3/U6) become long-term (U1/U4) after a year for children staying until 18 (a
  change of placement with the same carers: RNE T); adoption placements (A5 with the foster carer, A6 otherwise).
* RNE is derived (S, L, P, T, B, U) and REASON_PLACE_CHANGE sits on the episode that ends with a change of
  carer, as the DfE validation (rule 225) expects. REC is X1 between episodes and the route's reason at the end,
  in the codes of the year it ends (special guardianship E43/E44 until 2017-18, E45-E48 from 2018-19).
"""

from __future__ import annotations

import numpy as np
import polars as pl

from caseboard.synth import dates as D
from caseboard.synth.casework import _year_aware
from caseboard.synth.config import BORDER_OUTWARD, SynthConfig
from caseboard.synth.frames import canonical, stack, text
from caseboard.synth.people import choice, postcodes

NA = D.NA
YEAR = 365.25
FOSTER_SHORT = {"U6": 0.75, "U3": 0.25}
PLACE_BY_AGE = (
    {"U6": 0.62, "U3": 0.32, "K2": 0.02, "Z1": 0.02, "R1": 0.02},
    {"U6": 0.50, "U3": 0.15, "K2": 0.22, "S1": 0.03, "R1": 0.03, "Z1": 0.07},
    {"U6": 0.35, "U3": 0.08, "K2": 0.17, "Z1": 0.38, "S1": 0.02},
)
PLACE_UASC = {"U6": 0.45, "Z1": 0.55}
PROVIDER = {"U": {"PR1": 0.6, "PR4": 0.4}, "K": {"PR4": 0.75, "PR1": 0.25}, "S": {"PR4": 0.8, "PR5": 0.2},
            "R": {"PR3": 0.5, "PR4": 0.5}, "Z": {"PR4": 0.5, "PR5": 0.3, "PR1": 0.2}, "P": {"PR0": 1.0},
            "A": {"PR1": 0.6, "PR2": 0.1, "PR3": 0.2, "PR5": 0.1}}
MOVE_REASONS = {"CARPL": 0.30, "CREQB": 0.15, "CREQO": 0.10, "CHILD": 0.08, "ALLEG": 0.03, "STAND": 0.05,
                "LAREQ": 0.10, "PLACE": 0.05, "CLOSE": 0.03, "OTHER": 0.11}
#: Reasons a period of care ends (903 REC) by route; special guardianship codes as from 2018-19.
REC_BY_ROUTE = (
    {"E4A": 0.70, "E4B": 0.10, "E13": 0.20},
    {"E11": 0.6, "E12": 0.4},
    {"E41": 0.20, "E45": 0.28, "E46": 0.12, "E47": 0.35, "E48": 0.05},
    {"E3": 0.30, "E8": 0.40, "E16": 0.05, "E9": 0.10, "E14": 0.15},
    {"E17": 0.25, "E5": 0.35, "E6": 0.05, "E8": 0.15, "E4A": 0.15, "E7": 0.05},
    {"E5": 0.40, "E4A": 0.25, "E6": 0.10, "E8": 0.15, "E13": 0.10},
)


def periods(eps: pl.DataFrame) -> pl.DataFrame:
    """One row per period of care with what the episodes depend on."""
    return eps.filter(pl.col("care_start") != D.NA).select(
        "child_id", "dob", "sex", "area", "home_postcode", "uasc", "via_cp", "emergency", "disabled", "route",
        start="care_start", end="care_end", planned_end="care_end_planned", need="cin_category",
    ).sort("child_id", "start").with_row_index("pid")


CHANGE_TYPES = {"pid": pl.UInt32, "date": pl.Int64, "ls": pl.Utf8, "place": pl.Utf8, "same_carer": pl.Boolean}


def _changes(pid: np.ndarray, dates: np.ndarray, **cols: object) -> pl.DataFrame:
    """A working frame of changes (typed even when empty: a tiny county may have none of a kind)."""
    n = len(pid)
    data = {"pid": pid, "date": dates, **{k: (v if isinstance(v, np.ndarray) else [v] * n) for k, v in cols.items()}}
    return pl.DataFrame({k: pl.Series(k, list(v), dtype=CHANGE_TYPES[k]) for k, v in data.items()})


def legal_changes(rng: np.random.Generator, per: pl.DataFrame, adoption: pl.DataFrame) -> pl.DataFrame:
    """(pid, date, ls) for the start and every change of legal status."""
    n = per.height
    pid = per["pid"].to_numpy()
    start = per["start"].to_numpy()
    route = per["route"].to_numpy()
    age = (start - per["dob"].to_numpy()) / YEAR
    uasc, emergency, via_cp = (per[c].to_numpy() for c in ("uasc", "emergency", "via_cp"))
    remand = (route == 3) & (age >= 12) & (rng.random(n) < 0.35) & ~uasc
    first = np.select(
        [uasc, remand, emergency, via_cp],
        [np.full(n, "V2"), np.full(n, "J1"), choice(rng, {"L1": 0.1, "L2": 0.15, "C1": 0.35, "V2": 0.4}, n),
         choice(rng, {"C1": 0.7, "V2": 0.3}, n)],
        default=choice(rng, {"V2": 0.45, "C1": 0.55}, n),
    ).astype(object)
    parts = [_changes(pid, start, ls=first)]
    to_c1 = np.isin(first, ["L1", "L2"])
    c1_date = np.where(to_c1, start + rng.integers(1, 9, n), np.where(first == "C1", start, NA))
    long_route = np.isin(route, [1, 2, 4])
    v2_to_c1 = (first == "V2") & ~uasc & long_route & (age < 15) & (rng.random(n) < 0.6)
    c1_date = np.where(v2_to_c1, start + rng.integers(20, 200, n), c1_date)
    parts.append(_changes(pid[c1_date != NA], c1_date[c1_date != NA], ls="C1"))
    full = (c1_date != NA) & (long_route | (rng.random(n) < 0.3))
    c2_date = np.where(full, c1_date + rng.integers(150, 400, n), NA)
    po_of = per.select("pid").join(adoption.select("pid", "placement_order_date"), on="pid", how="left",
                                   maintain_order="left")["placement_order_date"].fill_null(int(NA)).to_numpy()
    c2_date = np.where((po_of != NA) & ((c2_date == NA) | (c2_date >= po_of) | (rng.random(n) < 0.6)), NA, c2_date)
    parts.append(_changes(pid[c2_date != NA], c2_date[c2_date != NA], ls="C2"))
    parts.append(_changes(pid[po_of != NA], po_of[po_of != NA], ls="E1"))
    return stack(parts)


def _placement_codes(rng: np.random.Generator, age: np.ndarray, uasc: np.ndarray) -> np.ndarray:
    n = age.size
    band = np.digitize(age, [10.0, 16.0])
    out = np.empty(n, dtype=object)
    for b, mix in enumerate(PLACE_BY_AGE):
        sel = band == b
        out[sel] = choice(rng, mix, int(sel.sum()))
    out[uasc] = choice(rng, PLACE_UASC, int(uasc.sum()))
    return out


def placement_changes(rng: np.random.Generator, cfg: SynthConfig, per: pl.DataFrame, adoption: pl.DataFrame,
                      today: int) -> pl.DataFrame:
    """(pid, date, place, same_carer) for the first placement, every move, long-term and adoption placements."""
    a = cfg.assumptions
    n = per.height
    pid, start, dob = per["pid"].to_numpy(), per["start"].to_numpy(), per["dob"].to_numpy()
    end = per["end"].to_numpy()
    stop = np.where(end == NA, today, end)
    uasc = per["uasc"].to_numpy()
    age0 = (start - dob) / YEAR
    first = _placement_codes(rng, age0, uasc)
    with_parents = (rng.random(n) < 0.04) & ~uasc & (age0 < 16)
    first = np.where(with_parents, "P1", first)
    parts = [_changes(pid, start, place=first, same_carer=False)]
    older = age0 >= 10
    span1 = np.minimum(stop - start, 365)
    span2 = np.maximum(stop - start - 365, 0)
    r1 = np.where(older, a.moves_first_year[1], a.moves_first_year[0])
    r2 = np.where(older, a.moves_later[1], a.moves_later[0])
    # Children differ: a few move often, most rarely (gamma-mixed rates).
    frailty = rng.gamma(0.8, 1 / 0.8, n)
    k1 = rng.poisson(r1 * frailty * span1 / 365)
    k2 = rng.poisson(r2 * frailty * span2 / 365)
    rows, _ = D.explode_index(k1)
    d1 = start[rows] + 1 + (rng.random(rows.size) * np.maximum(span1[rows] - 1, 1)).astype(np.int64)
    rows2, _ = D.explode_index(k2)
    d2 = start[rows2] + 365 + (rng.random(rows2.size) * np.maximum(span2[rows2], 1)).astype(np.int64)
    mrows = np.concatenate([rows, rows2])
    mdates = np.concatenate([d1, d2])
    mplace = _placement_codes(rng, (mdates - dob[mrows]) / YEAR, uasc[mrows])
    parts.append(_changes(pid[mrows], mdates, place=mplace, same_carer=False))
    ad = adoption.filter(pl.col("placed_date") != NA)
    foster = ad["foster_carer_adoption"].to_numpy()
    parts.append(_changes(ad["pid"].to_numpy(), ad["placed_date"].to_numpy(),
                          place=np.where(foster, "A5", "A6"), same_carer=foster))
    moves = stack(parts).join(adoption.select("pid", "placed_date"), on="pid", how="left")
    # No ordinary moves once placed for adoption.
    moves = moves.filter(pl.col("placed_date").is_null() | (pl.col("placed_date") == NA)
                         | (pl.col("date") <= pl.col("placed_date")) | pl.col("place").str.starts_with("A")
                         ).drop("placed_date")
    return moves


def _long_term(rng: np.random.Generator, runs: pl.DataFrame) -> pl.DataFrame:
    """Short-term foster placements of children staying until 18 become long-term after a year (RNE T)."""
    cand = runs.filter(pl.col("place").is_in(["U3", "U6"]) & (pl.col("route") == 4)
                       & (pl.col("run_end") - pl.col("date") > 420))
    when = cand["date"].to_numpy() + rng.integers(365, 420, cand.height)
    return _changes(cand["pid"].to_numpy(), when, place=np.where(cand["place"].to_numpy() == "U3", "U1", "U4"),
                    same_carer=True)


def episodes(rng: np.random.Generator, cfg: SynthConfig, per: pl.DataFrame, adoption: pl.DataFrame,
             areas_outward: dict[str, tuple[str, ...]], today: int) -> pl.DataFrame:
    """The 903 episodes of every period (working frame: pid, dates as day numbers, codes)."""
    legal = legal_changes(rng, per, adoption)
    place = placement_changes(rng, cfg, per, adoption, today)
    bounds = per.select("pid", "start", "end", "route")
    valid = (pl.col("date") >= pl.col("start")) & ((pl.col("end") == NA) | (pl.col("date") < pl.col("end"))) & (
        pl.col("date") <= today)
    place = place.join(bounds, on="pid").filter(valid).sort("pid", "date").unique(["pid", "date"], keep="first",
                                                                                 maintain_order=True)
    runs = place.with_columns(run_end=pl.col("date").shift(-1).over("pid")).with_columns(
        run_end=pl.coalesce("run_end", pl.when(pl.col("end") == NA).then(today).otherwise(pl.col("end"))))
    long_term = _long_term(rng, runs).join(bounds, on="pid").filter(valid)
    place = stack([place.select("pid", "date", "place", "same_carer"), long_term.select(
        "pid", "date", "place", "same_carer")]).sort("pid", "date").unique(["pid", "date"], keep="last",
                                                                           maintain_order=True)
    legal = legal.join(bounds, on="pid").filter(valid).select("pid", "date", "ls").sort("pid", "date").unique(
        ["pid", "date"], keep="last", maintain_order=True)
    ep = place.join(legal, on=["pid", "date"], how="full", coalesce=True).sort("pid", "date")
    ep = ep.with_columns(
        placed=pl.col("place").is_not_null(),
        ls=pl.col("ls").forward_fill().over("pid"),
        place=pl.col("place").forward_fill().over("pid"),
        same_carer=pl.col("same_carer").fill_null(False),
    ).with_columns(prev_ls=pl.col("ls").shift(1).over("pid"), prev_place=pl.col("place").shift(1).over("pid"))
    legal_changed = pl.col("prev_ls").is_not_null() & (pl.col("ls") != pl.col("prev_ls"))
    place_changed = pl.col("placed") & pl.col("prev_place").is_not_null()
    same = pl.col("same_carer")
    ep = ep.with_columns(
        rne=pl.when(pl.col("prev_ls").is_null()).then(pl.lit("S"))
        .when(legal_changed & place_changed).then(pl.when(same).then(pl.lit("U")).otherwise(pl.lit("B")))
        .when(place_changed).then(pl.when(same).then(pl.lit("T")).otherwise(pl.lit("P")))
        .when(legal_changed).then(pl.lit("L")).otherwise(None)
    ).filter(pl.col("rne").is_not_null())
    return _finish_episodes(rng, cfg, ep, per, areas_outward)


def _finish_episodes(rng: np.random.Generator, cfg: SynthConfig, ep: pl.DataFrame, per: pl.DataFrame,
                     areas_outward: dict[str, tuple[str, ...]]) -> pl.DataFrame:
    """Episode ends, REC, reasons for moves, providers, postcodes and URNs."""
    ep = ep.join(per.select("pid", "child_id", "dob", "area", "home_postcode", "route", "need", "disabled",
                            "uasc", end_p="end"), on="pid").sort("pid", "date")
    ep = ep.with_columns(next_date=pl.col("date").shift(-1).over("pid"),
                         next_rne=pl.col("rne").shift(-1).over("pid"))
    n = ep.height
    last = ep["next_date"].is_null().to_numpy()
    end_p = ep["end_p"].to_numpy()
    end = np.where(last, end_p, ep["next_date"].fill_null(0).to_numpy())
    route = ep["route"].to_numpy()
    rec = np.full(n, "X1", dtype=object)
    closing = last & (end_p != NA)
    for r, mix in enumerate(REC_BY_ROUTE):
        sel = closing & (route == r)
        rec[sel] = choice(rng, mix, int(sel.sum()))
    ls = ep["ls"].to_numpy()
    rec = np.where(closing & (ls == "J1"), "E14", rec)
    rec = np.where(closing & (route == 3) & (ls != "J1") & (rec == "E14"), "E8", rec)
    rec = np.where(closing & ep["uasc"].to_numpy() & (route == 3) & (rng.random(n) < 0.4), "E15", rec)
    rec = np.where(closing & (rec == "E7") & ~ep["disabled"].to_numpy(), "E5", rec)
    # Special guardianship codes before 2018-19 (E43 relative or friend, E44 other).
    rec = _year_aware(rec, np.where(end == NA, 0, end), "ssda903", "rec", "E43")
    rec = np.where(closing, rec, np.where(last, None, "X1"))
    moved = ep["next_rne"].is_in(["P", "B", "T", "U"]).fill_null(False).to_numpy()
    place = ep["place"].to_numpy()
    temporary = np.char.startswith(place.astype(str), "T")
    reason = np.where(moved & ~temporary, choice(rng, MOVE_REASONS, n), None)
    reason = np.where(moved & ep["next_rne"].is_in(["T", "U"]).fill_null(False).to_numpy(), "CARPL", reason)
    reason = _year_aware(reason.astype(object), np.where(end == NA, 0, end), "ssda903", "reason_place_change",
                         "OTHER")
    reason = np.where(moved, reason, None)
    return _providers(rng, ep.with_columns(
        end_date=pl.Series(end), reason_ceased=text(rec),
        reason_place_change=text(reason)), areas_outward)


def _providers(rng: np.random.Generator, ep: pl.DataFrame, areas_outward: dict[str, tuple[str, ...]]) -> pl.DataFrame:
    """Provider, placement postcode and URN: the same for every episode of one placement (one set of carers)."""
    new_carer = ep["rne"].is_in(["S", "P", "B"]).to_numpy()
    n = ep.height
    place = ep["place"].to_numpy().astype(str)
    kind = np.array([p[0] for p in place], dtype=object) if n else np.zeros(0, object)
    provider = np.empty(n, dtype=object)
    for k, mix in PROVIDER.items():
        sel = kind == k
        provider[sel] = choice(rng, mix, int(sel.sum()))
    provider[provider == None] = "PR4"  # noqa: E711 - temporary placements and anything unforeseen
    area = ep["area"].to_numpy()
    all_outward = np.array(sorted({o for v in areas_outward.values() for o in v}), dtype=object)
    own = np.array([areas_outward[a][rng.integers(0, len(areas_outward[a]))] for a in area], dtype=object) \
        if n else np.zeros(0, object)
    where = rng.random(n)
    outward = np.where(where < 0.6, own, np.where(where < 0.9, all_outward[rng.integers(0, all_outward.size, n)],
                                                 np.array(BORDER_OUTWARD, dtype=object)[rng.integers(
                                                     0, len(BORDER_OUTWARD), n)]))
    pl_post = postcodes(rng, outward.astype(str))
    pl_post = np.where(place == "P1", ep["home_postcode"].to_numpy(), pl_post)
    urn_pool = np.array([f"SC{n_:06d}" for n_ in rng.integers(380_000, 500_000, 60)], dtype=object)
    urn = np.where(np.isin(kind, ["U", "K", "S", "R"]), urn_pool[rng.integers(0, urn_pool.size, n)], "XXXXXXX")
    urn = np.where((kind == "U") & (provider == "PR1"), "SC056789", urn)
    # Carried over placement episodes (same carers: L, T, U changes keep the placement's details).
    first_of = np.maximum.accumulate(np.where(new_carer, np.arange(n), 0)) if n else np.zeros(0, np.int64)
    return ep.with_columns(provider=text(provider[first_of]),
                           placement_postcode=text(pl_post[first_of]),
                           urn=text(urn[first_of]))


def lac_episodes(ep: pl.DataFrame) -> pl.DataFrame:
    return canonical("lac_episodes", ep.select(
        "child_id", start_date="date", rne="rne", legal_status="ls", cin_category="need", placement="place",
        provider="provider", end_date="end_date", reason_ceased="reason_ceased",
        reason_place_change="reason_place_change", home_postcode="home_postcode",
        placement_postcode="placement_postcode", urn="urn"))
