"""Where audit samples are drawn from: every open case, or the cases the indicators and worklists point at.

Each selector returns one row per (child, reason) with the area, team and worker holding the case at the
as-at date, placed exactly as the indicators place it (``indicators.attribution``), so a sample "per area"
and an indicator "per area" mean the same groups. Targeted selectors read the indicator engine's own units
(``indicators.engine.units``): the children behind a red figure are the ones a targeted audit should look at
(seed 003 para 28: "Targeted audits will be key in the areas identified by Ofsted as being problematic").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import polars as pl

from caseboard.calendar import add_months
from caseboard.indicators.attribution import attributed_frame
from caseboard.indicators.derived import Q, open_cases
from caseboard.indicators.engine import units
from caseboard.qa.schema import read
from caseboard.store import Store
from caseboard.worklists import worklist

#: Columns every selector returns.
COLUMNS = ("child_id", "reason", "area_code", "area", "team_code", "team", "worker")


@dataclass(frozen=True)
class Selector:
    name: str
    method: str  # random (the whole population) | targeted | cohort
    description: str
    source: str
    select: Callable[[Store, dt.date], pl.DataFrame]


def _shape(frame: pl.DataFrame, reason: pl.Expr | str) -> pl.DataFrame:
    reason_expr = pl.lit(reason) if isinstance(reason, str) else reason
    return frame.with_columns(reason_expr.alias("reason")).select(COLUMNS)


def _units(store: Store, code: str, as_at: dt.date) -> pl.DataFrame:
    return units(store, code, as_at, prepared=True)


def _sql_units(store: Store, sql: Callable[[Q], str], as_at: dt.date) -> pl.DataFrame:
    q = Q(as_at=as_at)
    return attributed_frame(store, sql(q), q, "as_at")


def open_population(store: Store, as_at: dt.date) -> pl.DataFrame:
    """Every child with an open case (CIN episode, CP plan, period of care, care leaver: rulebook 8.5)."""
    frame = _sql_units(store, lambda q: f"SELECT child_id, cases FROM ({open_cases(q)}) o", as_at)
    return _shape(frame, pl.concat_str(pl.lit("open case: "), pl.col("cases")))


def overdue_visits(store: Store, as_at: dt.date) -> pl.DataFrame:
    """Children on a CP plan or looked after not visited within the standard (the visits indicators' units
    outside the numerator: CPPCR 2010 reg 28; Working Together 2023 and local CP visiting standard)."""
    parts = [_shape(_units(store, code, as_at).filter(~pl.col("in_numerator")), reason)
             for code, reason in (("cp_visits_on_time", "CP visit overdue"),
                                  ("lac_visits_on_time", "looked-after visit overdue"))]
    return pl.concat(parts)


def worklist_overdue(store: Store, as_at: dt.date) -> pl.DataFrame:
    """Children with any statutory item overdue on the worklist (``caseboard.worklists``: visits, reviews,
    assessments, PEPs, health assessments, pathway plans), the items named in the reason."""
    items = worklist(store, as_at, horizon_days=0, prepared=True).filter(pl.col("status") == "overdue")
    per_child = items.group_by("child_id", "team", "area", "worker").agg(
        pl.col("item").unique().sort().str.join(", ").alias("items"))
    # The worklist names teams and areas; samples are stratified and auditors excluded by their codes.
    teams = read(store, "SELECT team_id AS team_code, COALESCE(name, team_id) AS team FROM teams")
    areas = read(store, "SELECT area_id AS area_code, COALESCE(name, area_id) AS area FROM areas")
    frame = (per_child.join(teams.cast(pl.Utf8), on="team", how="left")
             .join(areas.cast(pl.Utf8), on="area", how="left"))
    return _shape(frame, pl.concat_str(pl.lit("overdue: "), pl.col("items")))


def assessments_overdue(store: Store, as_at: dt.date) -> pl.DataFrame:
    """Open assessments past 45 working days (Working Together 2023 para 195)."""
    return _shape(_units(store, "assessments_overdue", as_at).filter(pl.col("in_numerator")),
                  "assessment past 45 working days")


def plans_over_18_months(store: Store, as_at: dt.date) -> pl.DataFrame:
    """CP plans open more than 18 months (a local drift threshold; the DfE publishes plans open 2 years+)."""
    cutoff = add_months(as_at, -18)
    return _shape(_units(store, "cp_plans_open", as_at).filter(pl.col("start_date") < cutoff),
                  "CP plan open over 18 months")


def repeat_plans(store: Store, as_at: dt.date) -> pl.DataFrame:
    """Plans started this reporting year that are a second or subsequent plan (CIN census CPP; DfE
    'Characteristics of children in need' repeat-plan measure)."""
    return _shape(_units(store, "cp_second_or_subsequent", as_at).filter(pl.col("in_numerator")),
                  "second or subsequent CP plan")


def care_leavers_16_17(store: Store, as_at: dt.date) -> pl.DataFrame:
    """Eligible and relevant children aged 16 or 17 (Children Act 1989 Sch 2 para 19B, s23A): those whose
    pathway plans should be in place (CPPCR 2010 reg 43)."""
    def sql(q: Q) -> str:
        return f"""
        SELECT l.child_id, l.eligibility FROM care_leavers l JOIN children c ON c.child_id = l.child_id
        WHERE l.eligibility IN ('eligible', 'relevant') AND c.dob IS NOT NULL
          AND CAST(c.dob + INTERVAL 16 YEAR AS DATE) <= {q.at} AND CAST(c.dob + INTERVAL 18 YEAR AS DATE) > {q.at}"""
    return _shape(_sql_units(store, sql, as_at), pl.concat_str(pl.lit("care leaver 16-17 ("),
                                                               pl.col("eligibility"), pl.lit(")")))


def cin_over_9_months(store: Store, as_at: dt.date) -> pl.DataFrame:
    """Open CIN episodes that began more than nine months ago (drift in child-in-need work: seed 004, audit
    conclusions on CIN teams)."""
    cutoff = add_months(as_at, -9)
    return _shape(_units(store, "cin_open", as_at).filter(pl.col("start_date") < cutoff),
                  "CIN case open over 9 months")


SELECTORS: dict[str, Selector] = {s.name: s for s in (
    Selector("open_cases", "random", "Every open case", "rulebook 8.5", open_population),
    Selector("overdue_visits", "targeted", "Children with overdue visits", "CPPCR 2010 reg 28; WT 2023",
             overdue_visits),
    Selector("worklist_overdue", "targeted", "Children with any statutory item overdue (worklist)",
             "caseboard.worklists", worklist_overdue),
    Selector("assessments_overdue", "targeted", "Assessments past 45 working days", "WT 2023 para 195",
             assessments_overdue),
    Selector("plans_over_18_months", "targeted", "CP plans open over 18 months", "local drift threshold",
             plans_over_18_months),
    Selector("repeat_plans", "targeted", "Second or subsequent CP plans", "CIN census", repeat_plans),
    Selector("care_leavers_16_17", "cohort", "Care leavers aged 16-17", "CA 1989 s23A, Sch 2 para 19B",
             care_leavers_16_17),
    Selector("cin_over_9_months", "cohort", "CIN cases open over 9 months", "seed 004", cin_over_9_months),
)}


def candidates(store: Store, as_at: dt.date, names: Sequence[str]) -> pl.DataFrame:
    """The union of the named selectors, one row per child, reasons joined (sorted) when several apply."""
    unknown = [n for n in names if n not in SELECTORS]
    if unknown:
        raise ValueError(f"unknown selection {', '.join(unknown)}: choose from {', '.join(SELECTORS)}")
    frames = [SELECTORS[n].select(store, as_at) for n in names]
    frame = pl.concat(frames) if frames else pl.DataFrame(schema={c: pl.Utf8 for c in COLUMNS})
    return (frame.sort("child_id", "reason")
            .group_by("child_id", maintain_order=True)
            .agg(pl.col("reason").unique(maintain_order=True).str.join("; "),
                 *[pl.col(c).first() for c in COLUMNS[2:]]))
