"""The ``caseboard`` command.

Every command takes ``--db``: a file path for the embedded database (default ``data/caseboard.duckdb``) or a
``postgresql://`` URL for a server. Exit codes: 0 done, 1 a load or check refused (the message says why),
2 wrong usage.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table as RichTable

from caseboard.cli_common import DbOption, console, open_db, parse_date
from caseboard.store import DEFAULT_DB, Store

app = typer.Typer(
    help="Caseboard: one true, real-time picture of a council's children's services.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@contextmanager
def progress_bar() -> Iterator[object]:
    """A progress bar fed by the (message, fraction) callbacks the long-running steps give."""
    with Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), console=console,
                  transient=True) as bar:
        task = bar.add_task("starting", total=1.0)

        def update(message: str, fraction: float) -> None:
            bar.update(task, description=message, completed=fraction)

        yield update


def _store(db: str | None) -> Store:
    return open_db(db)


def _date(value: str | None) -> dt.date | None:
    return parse_date(value, "the date")


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders: SSDA903 CSV/XML, CIN census XML, Annex A "
                                                     "XLSX, DfE API JSON, council extracts with a mapping file.")],
    db: DbOption = None,
    strict: Annotated[bool, typer.Option(help="Refuse the whole load if any record has an error.")] = False,
    findings: Annotated[Optional[Path], typer.Option(help="Write every finding to this CSV or XLSX file.")] = None,
    today: Annotated[Optional[str], typer.Option(help="Treat this date (yyyy-mm-dd) as today for date checks.")] = None,
    dfe_rules: Annotated[bool, typer.Option("--dfe-rules", help="Also run the DfE rule packs (isolated) and store "
                                                                 "their findings with Caseboard's.")] = False,
    la: Annotated[Optional[str], typer.Option(help="The council's ONS code, for the DfE 903 rules.")] = None,
) -> None:
    """Load files into the database as one atomic, recorded load."""
    _load(paths, db, strict=strict, findings=findings, today=_date(today), check_only=False, dfe_rules=dfe_rules,
          la=la)


@app.command()
def validate(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to check.")],
    db: DbOption = None,
    findings: Annotated[Optional[Path], typer.Option(help="Write every finding to this CSV or XLSX file.")] = None,
    today: Annotated[Optional[str], typer.Option(help="Treat this date (yyyy-mm-dd) as today.")] = None,
) -> None:
    """Check files without storing anything (references are checked against the database)."""
    _load(paths, db, strict=False, findings=findings, today=_date(today), check_only=True)


def _load(paths: list[Path], db: str | None, *, strict: bool, findings: Path | None, today: dt.date | None,
          check_only: bool, dfe_rules: bool = False, la: str | None = None) -> None:
    from caseboard.ingest import ingest as run_ingest
    from caseboard.reports.load_report import print_load_report, write_findings

    store = _store(db)
    try:
        with progress_bar() as update:
            report = run_ingest(store, paths, strict=strict, check_only=check_only, today=today,
                                progress=update, command="validate" if check_only else "ingest",  # type: ignore[arg-type]
                                dfe_rules=dfe_rules, local_authority=la)
    finally:
        store.close()
    if findings:
        write_findings(report, findings)
    print_load_report(report, console, findings_file=findings)
    if not report.ok:
        raise typer.Exit(1)


@app.command()
def loads(db: DbOption = None) -> None:
    """The history of loads: when, by whom, what they did, and their findings."""
    store = _store(db)
    try:
        history = store.loads()
        files = store.query("SELECT load_id, COUNT(*) AS files FROM load_files GROUP BY load_id")
    finally:
        store.close()
    n_files = dict(zip(files["load_id"].to_list(), files["files"].to_list())) if files.height else {}
    table = RichTable(title=f"Loads in {db or DEFAULT_DB}")
    for name in ("load", "finished", "status", "by", "files", "errors", "warnings", "quarantined", "message"):
        table.add_column(name, overflow="fold", min_width=9 if name == "status" else None)
    for r in history.iter_rows(named=True):
        table.add_row(str(r["load_id"]), str(r["finished_at"])[:19], r["status"], r["user_name"],
                      str(n_files.get(r["load_id"], 0)), f"{r['findings_errors']:,}", f"{r['findings_warnings']:,}",
                      f"{r['quarantined']:,}", r["message"])
    console.print(table if history.height else "No loads yet: run `caseboard ingest PATH` or `caseboard demo`.")


@app.command("findings")
def findings_cmd(
    load: Annotated[int, typer.Option("--load", help="The load whose findings to write.")],
    out: Annotated[Path, typer.Option("--out", help="CSV or XLSX file to write.")],
    db: DbOption = None,
) -> None:
    """Write a load's findings to a file to pass to whoever fixes them at source."""
    from caseboard.reports.load_report import write_frame

    store = _store(db)
    try:
        frame = store.findings(load)
    finally:
        store.close()
    write_frame(frame, out)
    console.print(f"{frame.height:,} findings of load {load} written to {out}")


@app.command()
def synth(
    out: Annotated[Path, typer.Option(help="Folder for the synthetic county's files.")] = Path("data/synthetic"),
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same county.")] = 2014,
    scale: Annotated[float, typer.Option(help="Size relative to the default Norfolk-sized county.")] = 1.0,
    years: Annotated[int, typer.Option(help="Years of history.")] = 10,
    imperfection: Annotated[float, typer.Option(help="Share of late, missing and mis-keyed records (0 to 1).")] = 0.1,
    today: Annotated[Optional[str], typer.Option(help="The county's 'today' (yyyy-mm-dd).")] = None,
    authorities: Annotated[Optional[int], typer.Option(
        help="Instead of one county, this many English authorities (150 = England), sized and calibrated on each "
             "one's published figures, written as Parquet tables partitioned by authority (for national "
             "benchmarks).")] = None,
) -> None:
    """Write a synthetic county in the real formats (903 CSV, CIN XML, Annex A, DfE API JSON, extracts)."""
    if authorities:
        from caseboard.synth.england import write_england

        options: dict[str, object] = {"scale": scale, "years": years, "imperfection": imperfection}
        if today:
            options["today"] = _date(today)
        with progress_bar() as update:
            paths = write_england(out, authorities, seed, progress=update, **options)  # type: ignore[arg-type]
        console.print(f"{authorities} authorities, {len(paths)} Parquet files written to {out}")
        return
    paths = _synthesize(out, seed=seed, scale=scale, years=years, imperfection=imperfection, today=_date(today))
    console.print(f"{len(paths)} files written to {out}")


def _synthesize(out: Path, *, seed: int, scale: float, years: int, imperfection: float,
                today: dt.date | None) -> list[Path]:
    from caseboard.synth import SynthConfig, synthesize

    options: dict[str, object] = {"seed": seed, "scale": scale, "years": years, "imperfection": imperfection}
    if today is not None:
        options["today"] = today
    config = SynthConfig(**options)  # type: ignore[arg-type]
    with progress_bar() as update:
        return synthesize(out, config, update)  # type: ignore[arg-type]


@app.command()
def demo(
    folder: Annotated[Path, typer.Option(help="Where the demo keeps its data.")] = Path("data/demo"),
    seed: Annotated[int, typer.Option(help="Random seed for the synthetic county.")] = 2014,
    scale: Annotated[float, typer.Option(help="Size relative to the default county.")] = 1.0,
    fresh: Annotated[bool, typer.Option(help="Start again from nothing.")] = False,
    serve: Annotated[bool, typer.Option(help="Serve the web application when loaded.")] = True,
    host: Annotated[str, typer.Option(help="Address to serve on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to serve on.")] = 8000,
) -> None:
    """Synthesize a county, load it through the real ingest, show the load report (and serve it)."""
    import shutil

    from caseboard.ingest import ingest as run_ingest
    from caseboard.reports.load_report import print_load_report

    if fresh and folder.exists():
        shutil.rmtree(folder)
    source, db = folder / "source", folder / "caseboard.duckdb"
    if not (source / ".complete").exists():
        console.print(f"Synthesizing a county (seed {seed}, scale {scale}) into {source} ...")
        _synthesize(source, seed=seed, scale=scale, years=10, imperfection=0.1, today=None)
        (source / ".complete").write_text("ok")
    store = _store(str(db))
    try:
        if store.scalar("SELECT COUNT(*) FROM loads WHERE status = 'committed'"):
            console.print(f"The demo database {db} is already loaded (use --fresh to start again).")
        else:
            with progress_bar() as update:
                report = run_ingest(store, [source], progress=update, command="demo")  # type: ignore[arg-type]
            print_load_report(report, console)
            if not report.ok:
                raise typer.Exit(1)
        counts = store.counts()
    finally:
        store.close()
    console.print("In the store: " + ", ".join(f"{k} {v:,}" for k, v in counts.items() if v))
    if serve:
        _serve(str(db), host, port)


def _serve(db: str, host: str, port: int) -> None:
    """Make the demo accounts (one per role, printed) and serve the web application on the loaded county."""
    from caseboard.web.app import serve as run_server
    from caseboard.web.cli import announce_demo

    announce_demo(db)
    console.print(f"Open http://{host}:{port}/ and sign in with one of the accounts above (Ctrl+C stops).")
    run_server(db, host=host, port=port)


@app.command("dfe-rules")
def dfe_rules(
    paths: Annotated[list[Path], typer.Argument(help="An SSDA903 return (its CSV files) or a CIN census XML file.")],
    year: Annotated[int, typer.Option(help="Collection year (ending 31 March).")],
    la: Annotated[Optional[str], typer.Option(help="The council's ONS code (e.g. E10000020), for the 903 rules "
                                                   "about placements out of area.")] = None,
    findings: Annotated[Optional[Path], typer.Option(help="Write every finding to this CSV or XLSX file.")] = None,
) -> None:
    """Run the DfE's own rule packs (in an isolated environment; the first run installs them)."""
    from caseboard.formats.base import FormatError
    from caseboard.reports.load_report import write_frame
    from caseboard.validation import dfe_rules as rules

    home = rules.default_home()
    is_cin = len(paths) == 1 and paths[0].suffix.lower() == ".xml" and b"<Message" in paths[0].read_bytes()[:4000]
    try:
        with console.status("running the DfE rules (the first run installs them)"):
            result = (rules.run_cin(paths[0], year, home) if is_cin
                      else rules.run_903(paths, year, home, local_authority=la))
    except (FormatError, rules.DfeRulesError) as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from None
    for f in result.findings[:50]:
        console.print(f"{f.rule} {f.message()}", highlight=False, soft_wrap=True)
    if len(result.findings) > 50:
        console.print(f"... and {len(result.findings) - 50:,} more" + (f" in {findings}" if findings else ""))
    if findings:
        import polars as pl

        write_frame(pl.DataFrame([f.__dict__ for f in result.findings]), findings)
    console.print(f"{len(result.findings):,} findings from {result.rules_run} rules in {result.seconds:.1f} s; "
                  f"{len(result.failed_rules)} rules failed to run")
    for rule, error in result.failed_rules.items():
        console.print(f"[yellow]rule {rule} failed to run: {error}[/yellow]", highlight=False)


#: Each part of Caseboard adds its own commands (a ``register(app)`` function in its CLI module).
COMMAND_MODULES = (
    "caseboard.cli_indicators",  # indicators, worklist
    "caseboard.cli_compare",  # compare
    "caseboard.cli_forecast",  # forecast
    "caseboard.cli_reports",  # report ...
    "caseboard.cli_qa",  # qa ...
    "caseboard.web.cli",  # serve, user ...
)


def _register_commands() -> None:
    import importlib

    for name in COMMAND_MODULES:
        importlib.import_module(name).register(app)


_register_commands()


def main() -> None:  # pragma: no cover - entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
