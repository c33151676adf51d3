"""The ``serve`` and ``user`` commands, registered on the main CLI by :func:`register`.

``caseboard serve`` serves a database (the embedded default unless ``--db``); ``caseboard user add NAME --role
team_manager --team T011`` creates or resets a local account, asking for the password; ``caseboard user demo``
makes one account per role over the loaded county and prints them (what ``caseboard demo`` shows).
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table as RichTable

from caseboard.cli_common import DbOption, console
from caseboard.store import DEFAULT_DB, open_store

users = typer.Typer(help="Local accounts of the web application.", no_args_is_help=True)


def print_accounts(accounts: list[tuple[str, str, str, str]], out: Console = console) -> None:
    """The demo accounts as a table: user name, password, role, scope."""
    table = RichTable(title="Demo accounts (passwords are new each time)")
    for name in ("user name", "password", "role", "sees"):
        table.add_column(name)
    for row in accounts:
        table.add_row(*row)
    out.print(table)


def announce_demo(db: str, out: Console = console) -> list[tuple[str, str, str, str]]:
    """Make the demo accounts in ``db`` and print them: what ``caseboard demo`` calls before serving."""
    from caseboard.web.accounts import create_demo_accounts

    store = open_store(db)
    try:
        accounts = create_demo_accounts(store)
    finally:
        store.close()
    print_accounts(accounts, out)
    return accounts


def serve(db: DbOption = None,
          host: Annotated[str, typer.Option(help="Address to serve on.")] = "127.0.0.1",
          port: Annotated[int, typer.Option(help="Port to serve on.")] = 8000) -> None:
    """Serve the web application (sign in with an account made by `caseboard user`)."""
    from caseboard.web.app import serve as run

    run(db or str(DEFAULT_DB), host=host, port=port)


@users.command("add")
def add(username: Annotated[str, typer.Argument(help="The user name to sign in with.")],
        role: Annotated[str, typer.Option(help="social_worker, team_manager, head_of_service, performance, qa, "
                                               "director, member, inspector or admin.")],
        worker: Annotated[str | None, typer.Option(help="Worker id (a social worker's caseload).")] = None,
        team: Annotated[str | None, typer.Option(help="Team id (a team manager's team).")] = None,
        area: Annotated[str | None, typer.Option(help="Area id (a head of service's area).")] = None,
        name: Annotated[str | None, typer.Option(help="Name shown on the pages.")] = None,
        db: DbOption = None) -> None:
    """Create an account, or reset its password, role and scope."""
    from caseboard.web.accounts import ensure_tables, set_user

    password = typer.prompt("Password (12 characters or more)", hide_input=True, confirmation_prompt=True)
    store = open_store(db)
    try:
        ensure_tables(store)
        set_user(store, username, password, role, display_name=name, worker_id=worker, team_id=team, area_id=area)
    except ValueError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None
    finally:
        store.close()
    console.print(f"Account {username} ({role}) saved.")


@users.command("demo")
def demo(db: DbOption = None) -> None:
    """One account per role over the loaded county, with new random passwords, printed."""
    try:
        announce_demo(db or str(DEFAULT_DB))
    except ValueError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from None


@users.command("token")
def token(name: Annotated[str, typer.Argument(help="Whose token: the system that will push (e.g. the CMS).")],
          db: DbOption = None) -> None:
    """Make an API token for pushing the DfE API payload to POST /children_social_care_data/{la}/children."""
    from caseboard.web.push import new_token

    store = open_store(db or str(DEFAULT_DB))
    try:
        value = new_token(store, name)
    finally:
        store.close()
    console.print(f"Token for {name} (shown once; send it as 'Authorization: Bearer <token>'):")
    typer.echo(value)


def register(app: typer.Typer) -> None:
    """Add ``serve`` and ``user`` to the main CLI."""
    app.command("serve")(serve)
    app.add_typer(users, name="user")
