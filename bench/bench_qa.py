"""QA benchmark (issue 5): prints the numbers; asserts nothing.

On the default synthetic county (``caseboard.synth``, loaded once through the real load path into
bench/out/qa-county-<scale>.duckdb and reused):

1. draw a 60-case sample stratified across every area and team, record it and assign four auditors
   (target: under 1 s), and the seed's November audit: three areas, twenty each;
2. grade, moderate and feed back the sample (not timed: that is people's work), then build the QA summary
   (grades by area and month, themes, actions, moderation, feedback, risk ratings, and quality beside volume:
   the areas' timeliness indicators beside their grades) (target: under 1 s). "cold" computes the indicators;
   "warm" reuses their values (they change only when a load commits) while the QA figures are read afresh.

Run: .venv/bin/python bench/bench_qa.py [--scale 1.0] [--fresh] [--pg postgresql://...]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "bench" / "out"
sys.path.insert(0, str(REPO / "bench"))

from county import load_county, open_county


def reset_qa(store: object) -> None:
    from caseboard.qa.schema import QA_TABLES, ensure_qa_schema
    from caseboard.qa.templates import install_shipped

    ensure_qa_schema(store)  # type: ignore[arg-type]
    for name in QA_TABLES:
        store.execute(f"DELETE FROM {name}")  # type: ignore[attr-defined]
    install_shipped(store)  # type: ignore[arg-type]


def work_the_sample(store: object, sample_id: int, today: dt.date) -> None:
    """What the QA officers would record: grades in the seed's proportions (10% good, 52% RI, 38% inadequate),
    moderation of three audits per auditor, an action per inadequate case, some feedback and risk ratings."""
    from caseboard.qa import audits, feedback, risk, sampling

    rng = random.Random(2013)
    cases = sampling.sample_cases(store, sample_id)  # type: ignore[arg-type]
    for n, (audit_id, child, team) in enumerate(cases.select("audit_id", "child_id", "team_id").iter_rows()):
        grade = rng.choices([2, 3, 4], weights=[10, 52, 38])[0]
        audits.record_answers(store, audit_id, {"voice": grade, "plan_smart": rng.choice([2, 3, 4]),  # type: ignore[arg-type]
                                                "drift": rng.choice(["yes", "no"])})
        audits.complete(store, audit_id, grade, on=today)  # type: ignore[arg-type]
        audits.record_feedback(store, audit_id, "Discussed with worker and manager", on=today,  # type: ignore[arg-type]
                               coaching="Impact statement")
        if grade == 4:
            audits.add_action(store, audit_id, "Revise the plan", owner="TM", due=today + dt.timedelta(days=14))  # type: ignore[arg-type]
        risk.rate(store, child, rng.choice("RAG"), rater="TM", on=today, team_id=team)  # type: ignore[arg-type]
        if n % 3 == 0:
            feedback.respond(store, "feedback-pathway-plan", {"has_copy": rng.choice(["yes", "no"])},  # type: ignore[arg-type]
                             received_on=today, child_id=child, team_id=team)
    programme = int(cases["programme_id"][0])
    for audit_id in audits.choose_for_moderation(store, programme, per_auditor=3, seed=2013):  # type: ignore[arg-type]
        first = audits.audit(store, audit_id)["overall_grade"]  # type: ignore[arg-type]
        audits.moderate(store, audit_id, moderator="MOD", overall=min(4, first + rng.choice([0, 0, 1])),  # type: ignore[arg-type]
                        on=today)


def run(store: object, today: dt.date, label: str) -> None:
    from caseboard.indicators.engine import prepare
    from caseboard.qa import sampling, stats

    prepare(store)  # type: ignore[arg-type]
    reset_qa(store)
    auditors = store.query("SELECT worker_id FROM workers WHERE role = 'senior_practitioner' "  # type: ignore[attr-defined]
                           "ORDER BY worker_id LIMIT 4")["worker_id"].to_list()
    areas = store.query("SELECT area_id FROM areas ORDER BY area_id")["area_id"].to_list()  # type: ignore[attr-defined]
    pid = sampling.create_programme(store, "November audit", "full-case-file-audit")  # type: ignore[arg-type]
    print(f"\n== {label}: as at {today}, {len(areas)} areas, auditors {', '.join(auditors)}")
    for attempt in ("cold", "warm"):
        start = time.perf_counter()
        sid = sampling.create_sample(store, pid, as_at=today, auditors=auditors,  # type: ignore[arg-type]
                                     due_date=today + dt.timedelta(days=28), size=60, seed=21)
        cases = sampling.sample_cases(store, sid)  # type: ignore[arg-type]
        print(f"sample 60 stratified by area and team ({attempt}): {time.perf_counter() - start:.2f} s "
              f"({cases.height} cases, {cases['area_id'].drop_nulls().n_unique()} areas, "
              f"{cases['team_id'].drop_nulls().n_unique()} teams, {cases['team_id'].null_count()} held by no team; "
              "target < 1 s)")
    start = time.perf_counter()
    sid = sampling.create_sample(store, pid, as_at=today, auditors=auditors,  # type: ignore[arg-type]
                                 due_date=today + dt.timedelta(days=28), per_area=20, size=60, areas=areas[:3],
                                 seed=2013)
    print(f"the seed's November audit, 20 per area in {', '.join(areas[:3])}: {time.perf_counter() - start:.2f} s")
    start = time.perf_counter()
    work_the_sample(store, sid, today)
    print(f"graded, moderated, fed back (recording, not a target): {time.perf_counter() - start:.2f} s")
    for attempt in ("cold", "warm"):
        start = time.perf_counter()
        parts = stats.summary(store, today, "area")  # type: ignore[arg-type]
        print(f"QA summary ({attempt}): {time.perf_counter() - start:.2f} s (target < 1 s)")
    with_grades = parts["quality_beside_volume"].drop_nulls("audits")
    print("quality beside volume (areas audited):")
    for row in with_grades.iter_rows(named=True):
        print(f"  {row['group']:<28} audits {row['audits']:>3}  good+ {row['good_or_better_pct']!s:>5}%  "
              f"inadequate {row['inadequate_pct']!s:>5}%  CP visits {row.get('cp_visits_on_time')}  "
              f"assessments in 45wd {row.get('assessments_within_45wd')}")
    print("moderation agreement:", parts["moderation"].filter(parts["moderation"]["auditor_id"] == "All").rows())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--fresh", action="store_true", help="rebuild the county database")
    parser.add_argument("--pg", help="also time on this PostgreSQL server (a throwaway schema)")
    args = parser.parse_args()

    from caseboard.store import open_store

    store, today = open_county("qa", args.scale, fresh=args.fresh)
    try:
        run(store, today, "DuckDB")
    finally:
        store.close()
    if args.pg:
        pg = open_store(f"{args.pg}#schema=bench_{uuid.uuid4().hex[:8]}")
        try:
            _, summary = load_county(pg, args.scale)
            print(f"\nPostgreSQL: {summary}")
            run(pg, today, "PostgreSQL")
        finally:
            pg.drop_schema()  # type: ignore[attr-defined]
            pg.close()


if __name__ == "__main__":
    main()
