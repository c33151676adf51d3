"""The ``qa`` commands (issue 5), registered on the main CLI by :func:`register`.

``caseboard qa templates`` saves the shipped audit templates and feedback forms (new versions only where they
changed); ``caseboard qa sample --programme "November audit" --size 60 --per-area 20 --seed 7 --auditor W1
--auditor W2`` draws and records a reproducible sample and assigns auditors; ``caseboard qa summary`` shows
grades, themes, actions, moderation, feedback, risk ratings and quality beside volume.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated

import typer

from caseboard.cli_indicators import DbOption, Format, _date, _emit, _open, console

qa_app = typer.Typer(help="Quality assurance: case file audits, moderation, case risk ratings, feedback.",
                     no_args_is_help=True)


@qa_app.command("templates")
def templates_cmd(db: DbOption = None) -> None:
    """Save the shipped audit templates and feedback forms and list the versions now current."""
    from caseboard.qa.templates import install_shipped

    store = _open(db)
    try:
        for t in install_shipped(store, by="cli"):
            console.print(f"{t.template_id} v{t.version}: {t.title}")
    finally:
        store.close()


@qa_app.command("sample")
def sample_cmd(
    programme: Annotated[str, typer.Option("--programme", help="Programme name (created if new) or id.")],
    auditor: Annotated[list[str], typer.Option("--auditor", help="An auditor's worker id (repeatable).")],
    size: Annotated[int | None, typer.Option("--size", help="Cases in all.")] = None,
    per_area: Annotated[int | None, typer.Option("--per-area", help="Cases from each area.")] = None,
    area: Annotated[list[str] | None, typer.Option("--area", help="Only these areas (code or name).")] = None,
    select: Annotated[list[str] | None, typer.Option(
        "--select", help="open_cases (default), overdue_visits, worklist_overdue, assessments_overdue, plans_over_18_months, "
                         "repeat_plans, care_leavers_16_17, cin_over_9_months (repeatable).")] = None,
    seed: Annotated[int | None, typer.Option("--seed", help="Seed (recorded; random if not given).")] = None,
    template: Annotated[str, typer.Option("--template", help="Template of a new programme.")] = "full-case-file-audit",
    due: Annotated[str | None, typer.Option("--due", help="Due date (default: 28 days on).")] = None,
    as_at: Annotated[str | None, typer.Option("--as-at", help="Open cases as at (default today).")] = None,
    allow_own_team: Annotated[bool, typer.Option("--allow-own-team", help="Let auditors take their own team's "
                                                                          "cases.")] = False,
    db: DbOption = None,
) -> None:
    """Draw a reproducible, stratified sample for an audit programme and assign auditors with a due date."""
    from caseboard.qa import sampling
    from caseboard.qa.templates import install_shipped

    at = _date(as_at, "--as-at") or dt.date.today()
    due_date = _date(due, "--due") or at + dt.timedelta(days=28)
    store = _open(db)
    try:
        install_shipped(store, by="cli")
        try:
            sampling.programme(store, programme)
        except KeyError:
            sampling.create_programme(store, programme, template, allow_own_team=allow_own_team, by="cli")
        try:
            sid = sampling.create_sample(store, programme, as_at=at, auditors=auditor, due_date=due_date,
                                         selections=select or ["open_cases"], size=size, per_area=per_area,
                                         areas=area, seed=seed, allow_own_team=allow_own_team or None, by="cli")
        except (ValueError, KeyError) as exc:
            console.print(f"[red]{exc}[/red]")
            raise typer.Exit(2) from None
        cases = sampling.sample_cases(store, sid)
        recorded = store.query("SELECT seed, population FROM qa_audit_samples WHERE sample_id = ?", (sid,)).row(0)
        console.print(f"Sample {sid}: {cases.height} cases from {recorded[1]} (seed {recorded[0]})")
        _emit(cases.select("audit_id", "child_id", "area", "team", "reason", "auditor_id", "due_date"),
              Format.table, f"Sample {sid}")
    finally:
        store.close()


@qa_app.command("summary")
def summary_cmd(
    as_at: Annotated[str | None, typer.Option("--as-at", help="Indicators and actions as at (default today).")]
    = None,
    by: Annotated[str, typer.Option("--by", help="area or team.")] = "area",
    code: Annotated[list[str] | None, typer.Option(
        "--code", help="Timeliness indicators beside the grades (repeatable; default: assessments in 45 working "
                       "days, CP and looked-after visits on time).")] = None,
    fmt: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.table,
    db: DbOption = None,
) -> None:
    """Grades, themes, actions, moderation agreement, feedback, risk ratings and quality beside volume."""
    from caseboard.qa.stats import TIMELINESS, summary

    if by not in ("area", "team"):
        console.print("[red]--by must be area or team[/red]")
        raise typer.Exit(2)
    from caseboard.indicators.registry import registry

    known = {ind.code for ind in registry()}
    unknown = [c for c in code or () if c not in known]
    if unknown:
        console.print(f"[red]unknown indicator {', '.join(unknown)}: see `caseboard indicators`[/red]")
        raise typer.Exit(2)
    at = _date(as_at, "--as-at") or dt.date.today()
    store = _open(db)
    try:
        parts = summary(store, at, by, code or TIMELINESS)  # type: ignore[arg-type]
    finally:
        store.close()
    if fmt is Format.json:
        typer.echo(json.dumps({k: v.to_dicts() for k, v in parts.items()}, default=str, indent=2))
        return
    for name, frame in parts.items():
        _emit(frame, fmt, name.replace("_", " ").capitalize())


def register(app: typer.Typer) -> None:
    app.add_typer(qa_app, name="qa")
