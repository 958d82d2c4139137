"""``fanzha users``: accounts and API tokens, from the server's command line.

The command line acts as the system (it runs on the server, by whoever may run it there); each
change is audited under ``cli:<login>``. Initial passwords and tokens are printed once.
"""
from __future__ import annotations

import getpass
from typing import Annotated

import typer
from rich.cells import cell_len

from fanzha.cli.common import console, database, err
from fanzha.domain.actor import Actor
from fanzha.domain.errors import InputRejected
from fanzha.domain.role import Role

users_app = typer.Typer(help="Users (用户) and API tokens (接口令牌).", no_args_is_help=True)
token_app = typer.Typer(help="API tokens for machine clients (a bank's or operator's own system).",
                        no_args_is_help=True)
users_app.add_typer(token_app, name="token")

ROLES = ", ".join(r.value for r in Role)


def _actor() -> Actor:
    try:
        name = getpass.getuser()
    except (KeyError, OSError):
        name = "unknown"
    return Actor.system(f"cli:{name}")


def print_rows(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    """Columns padded to their widest cell (Chinese counts double), one record per line, never
    wrapped: easy to read, to grep and to copy from."""
    widths = [max(cell_len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def line(cells) -> str:
        return "  ".join(str(c) + " " * (w - cell_len(str(c))) for c, w in zip(cells, widths, strict=True)).rstrip()

    console.print(line(header), style="bold", soft_wrap=True, markup=False, highlight=False)
    for row in rows:
        console.print(line(row), soft_wrap=True, markup=False, highlight=False)


def _refused(exc: InputRejected) -> None:
    for problem in exc.problems:
        err.print(f"[red]{problem}[/]")
    raise typer.Exit(1)


@users_app.command("add")
def add(
    username: Annotated[str, typer.Argument(help="the login name: letters, digits, _ . -")],
    role: Annotated[str, typer.Option("--role", help=f"one of: {ROLES}")],
    org: Annotated[str, typer.Option("--org", help="organisation code (see `fanzha users orgs`)")],
    name: Annotated[str, typer.Option("--name", help="the person's name as pages show it")] = "",
    password: Annotated[str | None, typer.Option("--password", help="initial password (else generated)")] = None,
    prompt: Annotated[bool, typer.Option("--prompt", help="type the initial password instead")] = False,
) -> None:
    """Add a user; they must change the initial password at the first sign-in."""
    from fanzha.services.accounts import create_user

    if prompt:
        password = typer.prompt("initial password", hide_input=True, confirmation_prompt=True)
    db = database()
    try:
        with db.session() as session:
            created = create_user(session, _actor(), username, role, org, name, password)
            shown = created.password if created.generated else None
            where = created.user.organisation.name
    except InputRejected as exc:
        _refused(exc)
    console.print(f"[green]user {username} added[/] ({Role(role).label_zh}, {where}); "
                  "the initial password must be changed at the first sign-in")
    if shown:
        console.print(f"initial password (shown once): [bold]{shown}[/]")


@users_app.command("list")
def list_() -> None:
    """Every user with role, organisation and state."""
    from fanzha.services.accounts import list_users

    rows = []
    with database().session() as session:
        for u in list_users(session, _actor()):
            state = "disabled" if not u.is_active else "locked" if u.locked_until else "active"
            if u.must_change_password:
                state += ", must change password"
            rows.append((u.username, u.display_name, u.role, u.organisation.code, state,
                         u.last_sign_in_at.isoformat(timespec="minutes") if u.last_sign_in_at else "-"))
    print_rows(("username", "name", "role", "organisation", "state", "last sign-in"), rows)


@users_app.command("disable")
def disable(username: str) -> None:
    """Disable a user; their sessions end at once."""
    _set_active(username, False)


@users_app.command("enable")
def enable(username: str) -> None:
    """Enable a disabled user again (also lifts a lockout)."""
    _set_active(username, True)


def _set_active(username: str, active: bool) -> None:
    from fanzha.services.accounts import set_active

    try:
        with database().session() as session:
            set_active(session, _actor(), username, active)
    except InputRejected as exc:
        _refused(exc)
    console.print(f"[green]user {username} {'enabled' if active else 'disabled'}[/]")


@users_app.command("reset-password")
def reset(username: str) -> None:
    """Give a user a new initial password (printed once), to change at the next sign-in."""
    from fanzha.services.accounts import reset_password

    try:
        with database().session() as session:
            password = reset_password(session, _actor(), username)
    except InputRejected as exc:
        _refused(exc)
    console.print(f"new initial password for {username} (shown once): [bold]{password}[/]")


@users_app.command("orgs")
def orgs() -> None:
    """The organisation codes users and tokens belong to."""
    from sqlalchemy import select

    from fanzha.store.models import Organisation

    with database().session() as session:
        rows = [(o.code, o.name, o.kind, o.region or "-")
                for o in session.scalars(select(Organisation).order_by(Organisation.id))]
    print_rows(("code", "name", "kind", "county"), rows)


@token_app.command("create")
def token_create(
    org: Annotated[str, typer.Option("--org", help="organisation code, e.g. bank-ICBC")],
    role: Annotated[str, typer.Option("--role", help="the role the client acts in, e.g. bank_liaison")],
    name: Annotated[str, typer.Option("--name", help="what uses it, e.g. 工行止付接口")],
) -> None:
    """Make a token; it is printed once and only its hash is stored."""
    from fanzha.services.api_tokens import create_token

    try:
        with database().session() as session:
            created = create_token(session, _actor(), org, role, name)
            token_id, secret = created.token.id, created.secret
    except InputRejected as exc:
        _refused(exc)
    console.print(f"[green]token #{token_id} made[/] for {org} as {role}. The token (shown once):")
    console.print(secret, markup=False, highlight=False)
    console.print("clients send it as: Authorization: Bearer <token>")


@token_app.command("list")
def token_list() -> None:
    """Every token: id, name, organisation, role, last use, revoked."""
    from fanzha.services.api_tokens import list_tokens

    with database().session() as session:
        rows = [(str(t.id), t.name, t.prefix + "…", t.organisation.code, t.role,
                 t.last_used_at.isoformat(timespec="minutes") if t.last_used_at else "-",
                 t.revoked_at.isoformat(timespec="minutes") if t.revoked_at else "-")
                for t in list_tokens(session, _actor())]
    print_rows(("id", "name", "starts with", "organisation", "role", "last used", "revoked"), rows)


@token_app.command("revoke")
def token_revoke(token_id: Annotated[int, typer.Argument(help="the token's id (see `users token list`)")]) -> None:
    """Revoke a token: requests with it are refused (401) from now on."""
    from fanzha.services.api_tokens import revoke_token

    try:
        with database().session() as session:
            revoke_token(session, _actor(), token_id)
    except InputRejected as exc:
        _refused(exc)
    console.print(f"[green]token #{token_id} revoked[/]")
