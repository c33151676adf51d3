"""Audit programmes and reproducible samples: which cases are audited, by whom, by when.

Reproducible: every child's place in the draw is ``sha256(seed:child_id)``, so the same seed over the same
population picks the same children whatever order the database returns them in and whatever library version
runs the draw; the seed, selections, as-at date and quotas are recorded with the sample
(``qa_audit_samples.criteria_json``) so the draw can be repeated and checked.

Stratified: quotas go to areas (a fixed number per area, or in proportion to their open cases), then within
each area to its teams in proportion to their cases (largest remainder, a team never asked for more than it
holds), so every team is represented as far as the numbers allow (seed 004: "Sixty cases across the County
... 20 per division").

Auditors are given cases in turn, least-loaded first, never a case of their own team unless the programme
allows it (an auditor should not grade their own team's work).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl

from caseboard.indicators.attribution import UNALLOCATED
from caseboard.indicators.engine import prepare
from caseboard.qa.cohorts import SELECTORS, candidates
from caseboard.qa.schema import (
    ensure_qa_schema,
    insert,
    insert_many,
    next_id,
    now,
    read,
)
from caseboard.qa.templates import template
from caseboard.store import Store

UNPLACED = "UNPLACED"  # the stratum of cases no team holds


def create_programme(store: Store, name: str, template_id: str, *, version: int | None = None,
                     allow_own_team: bool = False, description: str = "", by: str = "system") -> int:
    """A named audit programme on one template version (the latest if not given)."""
    ensure_qa_schema(store)
    chosen = template(store, template_id, version)  # refuses an unknown template
    if store.scalar("SELECT COUNT(*) FROM qa_audit_programmes WHERE name = ?", (name,)):
        raise ValueError(f"an audit programme called {name!r} already exists")
    with store.transaction():
        pid = next_id(store, "qa_audit_programmes")
        insert(store, "qa_audit_programmes", {
            "programme_id": pid, "name": name, "template_id": template_id, "template_version": chosen.version,
            "description": description, "allow_own_team": allow_own_team, "created_at": now(), "created_by": by})
    return pid


def programme(store: Store, name_or_id: str | int) -> dict[str, Any]:
    ensure_qa_schema(store)
    frame = read(store, "SELECT * FROM qa_audit_programmes WHERE CAST(programme_id AS VARCHAR) = ? OR name = ?",
                        (str(name_or_id), str(name_or_id)))
    if frame.height == 0:
        raise KeyError(f"no audit programme {name_or_id!r}")
    return frame.row(0, named=True)


def draw_key(seed: int, child_id: str) -> str:
    return hashlib.sha256(f"{seed}:{child_id}".encode()).hexdigest()


def apportion(sizes: Mapping[str, int], total: int) -> dict[str, int]:
    """Split ``total`` across groups in proportion to ``sizes`` (largest remainder, ties by group name), never
    giving a group more than its size; what a full group cannot take goes to the others."""
    quota = {g: 0 for g in sizes}
    remaining = min(total, sum(sizes.values()))
    while remaining > 0:
        open_groups = sorted(g for g in sizes if quota[g] < sizes[g])
        weight = sum(sizes[g] - quota[g] for g in open_groups)
        shares = {g: remaining * (sizes[g] - quota[g]) / weight for g in open_groups}
        add = {g: min(int(shares[g]), sizes[g] - quota[g]) for g in open_groups}
        left = remaining - sum(add.values())
        for g in sorted(open_groups, key=lambda g: (-(shares[g] - int(shares[g])), g)):
            if left == 0:
                break
            if quota[g] + add[g] < sizes[g]:
                add[g] += 1
                left -= 1
        for g in open_groups:
            quota[g] += add[g]
        remaining = left
    return quota


def draw(frame: pl.DataFrame, *, seed: int, size: int | None = None, per_area: int | None = None,
         areas: Sequence[str] | None = None) -> pl.DataFrame:
    """Choose cases from ``frame`` (``cohorts.COLUMNS``): stratified by area then team, reproducibly.

    ``per_area``: that many from each area (``areas``, default every area with cases); ``size`` alone: that
    many in all, spread over areas in proportion; neither: every case. Cases no team holds are their own
    stratum unless areas are named or a per-area quota is given.
    """
    frame = frame.with_columns(
        pl.col("area_code").fill_null(UNPLACED).alias("stratum"),
        pl.col("team_code").fill_null(UNPLACED).alias("team_stratum"),
        pl.Series("draw_key", [draw_key(seed, c) for c in frame["child_id"]], dtype=pl.Utf8))
    if areas:
        frame = frame.filter(pl.col("stratum").is_in(list(areas)) | pl.col("area").is_in(list(areas)))
    elif per_area is not None:
        frame = frame.filter(pl.col("stratum") != UNPLACED)
    area_sizes = dict(frame.group_by("stratum").len().iter_rows())
    if per_area is not None:
        if size is not None and size != per_area * len(area_sizes):
            raise ValueError(f"--size {size} is not --per-area {per_area} times the {len(area_sizes)} area(s) "
                             f"sampled ({', '.join(sorted(area_sizes))}): name the areas, or drop one option")
        area_quota = {a: min(per_area, n) for a, n in area_sizes.items()}
    else:
        area_quota = apportion(area_sizes, frame.height if size is None else size)
    chosen = []
    for area_code in sorted(area_quota):
        in_area = frame.filter(pl.col("stratum") == area_code)
        teams = apportion(dict(in_area.group_by("team_stratum").len().iter_rows()), area_quota[area_code])
        for team_code in sorted(teams):
            if teams[team_code]:
                chosen.append(in_area.filter(pl.col("team_stratum") == team_code)
                              .sort("draw_key").head(teams[team_code]))
    if not chosen:
        return frame.clear().drop("team_stratum")
    return pl.concat(chosen).drop("team_stratum").sort("stratum", "team_code", "draw_key", nulls_last=True)


def assign(store: Store, cases: pl.DataFrame, auditors: Sequence[str], *, allow_own_team: bool) -> list[str]:
    """An auditor for each case in order: the least-loaded eligible one (ties: order given). An auditor's team
    is their ``workers`` row's team; a QA officer not in ``workers`` belongs to no team and may take any case."""
    if not auditors:
        raise ValueError("name at least one auditor")
    teams = dict(read(store, "SELECT worker_id, team_id FROM workers").iter_rows())
    load = {a: 0 for a in auditors}
    out = []
    for child, team in cases.select("child_id", "team_code").iter_rows():
        eligible = [a for a in auditors if allow_own_team or team is None or teams.get(a) != team]
        if not eligible:
            raise ValueError(f"child {child} is held by team {team}, the team of every auditor named; "
                             "name an auditor from another team or allow own-team audits")
        pick = min(eligible, key=lambda a: (load[a], auditors.index(a)))
        load[pick] += 1
        out.append(pick)
    return out


def create_sample(store: Store, programme_name_or_id: str | int, *, as_at: dt.date, auditors: Sequence[str],
                  due_date: dt.date, selections: Sequence[str] = ("open_cases",), size: int | None = None,
                  per_area: int | None = None, areas: Sequence[str] | None = None, seed: int | None = None,
                  allow_own_team: bool | None = None, by: str = "system") -> int:
    """Draw a sample for a programme, record it with its seed and criteria, and create one assigned audit per
    case; returns the sample id. ``seed`` None: a random one, recorded."""
    ensure_qa_schema(store)
    prog = programme(store, programme_name_or_id)
    own = bool(prog["allow_own_team"]) if allow_own_team is None else allow_own_team
    seed = secrets.randbelow(2**31) if seed is None else int(seed)
    prepare(store)
    pool = candidates(store, as_at, selections)
    cases = draw(pool, seed=seed, size=size, per_area=per_area, areas=areas)
    chosen_auditors = assign(store, cases, auditors, allow_own_team=own)
    methods = sorted({SELECTORS[s].method for s in selections})
    criteria = {"selections": list(selections), "size": size, "per_area": per_area,
                "areas": list(areas) if areas else None, "auditors": list(auditors), "allow_own_team": own,
                "due_date": due_date.isoformat(), "draw": "sha256(seed:child_id), stratified by area then team"}
    stamp = now()
    with store.transaction():
        sid = next_id(store, "qa_audit_samples")
        insert(store, "qa_audit_samples", {
            "sample_id": sid, "programme_id": prog["programme_id"], "method": "+".join(methods),
            "criteria_json": json.dumps(criteria, sort_keys=True), "seed": seed, "as_at": as_at,
            "population": pool.height, "size": cases.height, "created_at": stamp, "created_by": by})
        first = next_id(store, "qa_audits")
        insert_many(store, "qa_audits", [
            {"audit_id": first + i, "programme_id": prog["programme_id"], "sample_id": sid,
             "template_id": prog["template_id"], "template_version": prog["template_version"],
             "child_id": r["child_id"], "reason": r["reason"], "area_id": r["area_code"], "area": r["area"],
             "team_id": r["team_code"], "team": r["team"], "worker_id": None if r["worker"] == UNALLOCATED else r["worker"], "auditor_id": auditor,
             "due_date": due_date, "status": "assigned", "critical": False, "created_at": stamp,
             "updated_at": stamp}
            for i, (r, auditor) in enumerate(zip(cases.iter_rows(named=True), chosen_auditors, strict=True))])
    return sid


def sample_cases(store: Store, sample_id: int) -> pl.DataFrame:
    """The audits a sample created, in the order drawn."""
    return read(store, "SELECT * FROM qa_audits WHERE sample_id = ? ORDER BY audit_id", (sample_id,))
