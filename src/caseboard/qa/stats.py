"""What QA shows: grades by area, team and worker over time, themes, actions, moderation agreement, feedback,
case risk ratings, and quality beside volume.

Quality beside volume (seed 003 para 28: audits and feedback "so that volume is considered alongside
quality"): the same team's or area's timeliness indicators, from the indicator engine, next to its audit
grades and feedback, so that a green visit rate over poor casework shows.

Moderation agreement compares the second auditor's grade with the grade the first gave (as it was when
moderated): exact agreement, and agreement within one grade on the four-point scale.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Literal

import polars as pl

from caseboard.indicators.attribution import UNALLOCATED
from caseboard.qa import feedback, risk
from caseboard.qa.grades import GRADES
from caseboard.qa.schema import ensure_qa_schema, read
from caseboard.qa.templates import template
from caseboard.store import Store

Level = Literal["authority", "area", "team", "worker"]
Period = Literal["month", "quarter", "year"]
#: Timeliness indicators shown beside audit grades by default (codes from ``indicators.registry``): the
#: seed's volume measures, assessments in time and children seen. Any others can be asked for by code; each
#: adds its query's time (the visits ones cost most).
TIMELINESS = ("assessments_within_45wd", "cp_visits_on_time", "lac_visits_on_time")
_GRADE_COLUMNS = {n: label.lower().replace(" ", "_") for n, label in GRADES.items()}


def _pct(part: pl.Expr, whole: pl.Expr) -> pl.Expr:
    return pl.when(whole > 0).then((part / whole * 100).round(1)).otherwise(None)


def completed_audits(store: Store) -> pl.DataFrame:
    ensure_qa_schema(store)
    return read(store, "SELECT audit_id, programme_id, child_id, area_id, area, team_id, team, worker_id, "
                       "auditor_id, overall_grade, critical, completed_date FROM qa_audits "
                       "WHERE overall_grade IS NOT NULL")


def _group(level: Level) -> pl.Expr:
    if level == "authority":
        return pl.lit("Authority").alias("group")
    return pl.col({"area": "area", "team": "team", "worker": "worker_id"}[level]).fill_null(UNALLOCATED).alias(
        "group")


def _period(period: Period | None) -> pl.Expr:
    d = pl.col("completed_date")
    if period is None:
        return pl.lit("all").alias("period")
    if period == "month":
        return d.dt.strftime("%Y-%m").alias("period")
    if period == "quarter":
        return pl.concat_str(d.dt.year().cast(pl.Utf8), pl.lit("-Q"), d.dt.quarter().cast(pl.Utf8)).alias("period")
    return d.dt.year().cast(pl.Utf8).alias("period")


def grade_counts(frame: pl.DataFrame, keys: Sequence[str]) -> pl.DataFrame:
    """Audits per grade with the shares Ofsted-style reports quote (good or better, inadequate)."""
    n = pl.len()
    aggs = [n.alias("audits")] + [(pl.col("overall_grade") == g).sum().alias(c) for g, c in _GRADE_COLUMNS.items()]
    aggs.append(pl.col("critical").fill_null(False).sum().alias("critical"))
    out = frame.group_by(keys).agg(aggs)
    return out.with_columns(
        _pct(pl.col("outstanding") + pl.col("good"), pl.col("audits")).alias("good_or_better_pct"),
        _pct(pl.col("inadequate"), pl.col("audits")).alias("inadequate_pct"),
    ).sort(keys)


def grades_by(store: Store, level: Level = "area", period: Period | None = None) -> pl.DataFrame:
    """Completed audits by grade for each group of ``level`` and each period of completion."""
    frame = completed_audits(store).with_columns(_group(level), _period(period))
    return grade_counts(frame, ["group", "period"])


def themes(store: Store) -> pl.DataFrame:
    """Per question: how often answered, the mean grade (1 best, 4 worst), the share graded inadequate and the
    share answered 'no'; worst first, so the findings' themes lead."""
    ensure_qa_schema(store)
    frame = read(store, "SELECT a.template_id, a.template_version, x.question_id, x.grade, x.answer "
                        "FROM qa_audit_answers x JOIN qa_audits a ON a.audit_id = x.audit_id")
    texts: dict[tuple[str, str], str] = {}
    for template_id, version in frame.select("template_id", "template_version").unique().sort(
            "template_version").iter_rows():  # the latest version's wording wins
        texts.update({(template_id, q): v["text"]
                      for q, v in template(store, template_id, version).questions().items()})
    graded = pl.col("grade").is_not_null()
    yes_no = pl.col("answer").is_in(["yes", "no"])
    frame = frame.with_columns(pl.Series("question", [texts.get(k) for k in frame.select(
        "template_id", "question_id").iter_rows()], dtype=pl.Utf8))
    return (frame.group_by("template_id", "question_id", "question").agg(
        pl.len().alias("answers"),
        pl.col("grade").mean().round(2).alias("mean_grade"),
        _pct((pl.col("grade") == 4).sum(), graded.sum()).alias("inadequate_pct"),
        _pct((pl.col("answer") == "no").sum(), yes_no.sum()).alias("no_pct"),
    ).sort(["mean_grade", "no_pct"], descending=True, nulls_last=True))


def audit_progress(store: Store, as_at: dt.date) -> pl.DataFrame:
    """Per auditor: audits assigned, completed (graded), fed back, and not graded by their due date."""
    ensure_qa_schema(store)
    frame = read(store, "SELECT auditor_id, status, due_date, completed_date FROM qa_audits")
    graded = pl.col("completed_date").is_not_null() & (pl.col("completed_date") <= as_at)
    return frame.group_by("auditor_id").agg(
        pl.len().alias("assigned"), graded.sum().alias("completed"),
        (pl.col("status") == "fed_back").sum().alias("fed_back"),
        (~graded & (pl.col("due_date") < as_at)).sum().alias("overdue"),
    ).sort("auditor_id")


def action_completion(store: Store, as_at: dt.date, level: Level = "team") -> pl.DataFrame:
    """Actions raised, done, done by their due date, and open past due, per group of the audit's case."""
    ensure_qa_schema(store)
    frame = read(store, "SELECT x.action_id, x.due_date, x.done_date, a.area, a.team, a.worker_id "
                        "FROM qa_audit_actions x JOIN qa_audits a ON a.audit_id = x.audit_id")
    done = pl.col("done_date").is_not_null() & (pl.col("done_date") <= as_at)
    return (frame.with_columns(_group(level)).group_by("group").agg(
        pl.len().alias("actions"), done.sum().alias("done"),
        (done & (pl.col("done_date") <= pl.col("due_date"))).sum().alias("done_on_time"),
        (~done & (pl.col("due_date") < as_at)).sum().alias("open_overdue"),
    ).with_columns(_pct(pl.col("done"), pl.col("actions")).alias("completion_pct")).sort("group"))


def moderation_agreement(store: Store) -> pl.DataFrame:
    """Per auditor (and for all): audits moderated, exact agreement and agreement within one grade."""
    ensure_qa_schema(store)
    frame = read(store, "SELECT auditor_id, original_grade, grade FROM qa_moderations")
    diff = (pl.col("original_grade") - pl.col("grade")).abs()
    aggs = [pl.len().alias("moderated"), (diff == 0).sum().alias("exact"), (diff <= 1).sum().alias("within_one")]
    per = frame.group_by("auditor_id").agg(aggs).sort("auditor_id")
    every = frame.select(aggs).with_columns(pl.lit("All").alias("auditor_id")).select(per.columns)
    out = pl.concat([per, every.cast(per.schema)]) if frame.height else per
    return out.with_columns(_pct(pl.col("exact"), pl.col("moderated")).alias("exact_pct"),
                            _pct(pl.col("within_one"), pl.col("moderated")).alias("within_one_pct"))


def feedback_results(store: Store) -> pl.DataFrame:
    """Per form and question: answers, % yes (yes/no questions), mean (1-5 scales), % happy (faces)."""
    frame = feedback.answers_long(store)
    a = pl.col("answer")
    number = a.cast(pl.Float64, strict=False)
    return (frame.group_by("form_id", "question_id").agg(
        pl.len().alias("answers"),
        _pct((a == "yes").sum(), a.is_in(["yes", "no"]).sum()).alias("yes_pct"),
        number.mean().round(2).alias("mean_score"),
        _pct((a == "happy").sum(), a.is_in(["happy", "okay", "sad"]).sum()).alias("happy_pct"),
    ).sort("form_id", "question_id"))


def risk_summary(store: Store, as_at: dt.date | None = None) -> pl.DataFrame:
    """Current case risk ratings per team: red, amber, green, and how many moved to a riskier rating."""
    cur = risk.current(store, as_at)
    return (cur.with_columns(pl.col("team_id").fill_null("Unknown")).group_by("team_id").agg(
        (pl.col("rating") == "R").sum().alias("red"), (pl.col("rating") == "A").sum().alias("amber"),
        (pl.col("rating") == "G").sum().alias("green"), (pl.col("movement") == "worse").sum().alias("worse"),
    ).sort("team_id"))


def quality_beside_volume(store: Store, as_at: dt.date, level: Literal["area", "team"] = "area",
                          codes: Sequence[str] = TIMELINESS) -> pl.DataFrame:
    """Each group's timeliness indicators (value per code) beside its audit grades and feedback."""
    grades = grade_counts(completed_audits(store).with_columns(_group(level)), ["group"]).select(
        "group", "audits", "good_or_better_pct", "inadequate_pct", "critical")
    values = _timeliness(store, as_at, level, tuple(codes))
    wide = values.pivot(on="code", index="group", values="value") if values.height else values.select("group")
    # Every area or team shows, audited or not; "Unallocated" only when something is in it.
    table, code = ("areas", "area_id") if level == "area" else ("teams", "team_id")
    names = read(store, f"SELECT COALESCE(name, {code}) AS name FROM {table}")["name"].to_list()
    present = set(wide["group"]) | set(grades["group"])
    groups = sorted(set(names)) + ([UNALLOCATED] if UNALLOCATED in present else [])
    base = pl.DataFrame({"group": groups}, schema={"group": pl.Utf8})
    return (base.join(wide, on="group", how="left").join(grades, on="group", how="left")
            .join(_feedback_by(store, level), on="group", how="left"))


#: Indicator values by (database, last load, date, level, codes): they change only when a load commits, so a
#: summary rebuilt while QA officers record audits need not recompute them.
_TIMELINESS_CACHE: dict[tuple[object, ...], pl.DataFrame] = {}


def _timeliness(store: Store, as_at: dt.date, level: str, codes: tuple[str, ...]) -> pl.DataFrame:
    from caseboard.indicators.engine import evaluate

    key = (store.url, store.scalar("SELECT MAX(load_id) FROM loads"), as_at, level, codes)
    if key not in _TIMELINESS_CACHE:
        rows = evaluate(store, as_at, levels=[level], codes=list(codes))  # type: ignore[list-item]
        if len(_TIMELINESS_CACHE) > 32:
            _TIMELINESS_CACHE.clear()
        _TIMELINESS_CACHE[key] = pl.DataFrame(
            [{"group": r.group, "code": r.code, "value": r.as_dict()["value"]} for r in rows],
            schema={"group": pl.Utf8, "code": pl.Utf8, "value": pl.Float64})
    return _TIMELINESS_CACHE[key]


def _feedback_by(store: Store, level: str) -> pl.DataFrame:
    """Feedback responses and the share of yes answers per group (teams by name, as the indicators show them)."""
    frame = feedback.answers_long(store)
    teams = read(store, "SELECT t.team_id, COALESCE(t.name, t.team_id) AS team, COALESCE(a.name, a.area_id) AS "
                        "area FROM teams t LEFT JOIN areas a ON a.area_id = t.area_id")
    frame = frame.join(teams, on="team_id", how="left").with_columns(pl.col(level).alias("group"))
    a = pl.col("answer")
    return frame.group_by("group").agg(pl.col("response_id").n_unique().alias("feedback_responses"),
                                       _pct((a == "yes").sum(), a.is_in(["yes", "no"]).sum()).alias("feedback_yes_pct"))


def summary(store: Store, as_at: dt.date, level: Literal["area", "team"] = "area",
            codes: Sequence[str] = TIMELINESS) -> dict[str, pl.DataFrame]:
    """Everything the QA summary shows, as named frames."""
    return {
        "grades": grades_by(store, level, "month"),
        "themes": themes(store),
        "audit_progress": audit_progress(store, as_at),
        "actions": action_completion(store, as_at, level),
        "moderation": moderation_agreement(store),
        "feedback": feedback_results(store),
        "risk": risk_summary(store, as_at),
        "quality_beside_volume": quality_beside_volume(store, as_at, level, codes),
    }
