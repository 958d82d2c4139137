"""``fanzha audit``: check the audit log's hash chain, and read the newest entries."""
from __future__ import annotations

import json
from typing import Annotated

import typer

from fanzha.cli.common import console, database, err
from fanzha.cli.users import print_rows
from fanzha.domain.actor import Actor
from fanzha.domain.clock import local

audit_app = typer.Typer(help="The audit log (审计日志).", no_args_is_help=True)


@audit_app.command("verify")
def verify() -> None:
    """Check every entry's hash and link. Exit 0: "chain intact, N entries"; exit 1 names the
    first broken entry and what is wrong with it."""
    from fanzha.services.audit import verify_chain

    with database().session() as session:
        report = verify_chain(session, Actor.system("cli"))
    if report.intact:
        console.print(f"[green]{report}[/]")
        return
    err.print(f"[red]{report}[/]")
    raise typer.Exit(1)


@audit_app.command("list")
def list_(
    actor: Annotated[str | None, typer.Option(help="username, token:<id> or cli:<login>")] = None,
    action: Annotated[str | None, typer.Option(help="exact, or a prefix ending in a dot (case.)")] = None,
    object_type: Annotated[str | None, typer.Option(help="case, user, token, ...")] = None,
    object_id: Annotated[str | None, typer.Option()] = None,
    denied: Annotated[bool, typer.Option("--denied", help="only refusals")] = False,
    limit: Annotated[int, typer.Option(min=1, max=200)] = 50,
) -> None:
    """The newest entries matching the filters."""
    from fanzha.services.audit import AuditQuery, search_audit

    query = AuditQuery(actor=actor, action=action, object_type=object_type, object_id=object_id,
                       outcome="denied" if denied else None, per_page=limit)
    with database().session() as session:
        rows = [(str(e.seq), local(e.at).isoformat(timespec="seconds"), e.actor, e.action,
                 f"{e.object_type or ''} {e.object_id or ''}".strip() or "-", e.outcome,
                 json.dumps(e.detail, ensure_ascii=False)[:160])
                for e in search_audit(session, Actor.system("cli"), query).rows]
    print_rows(("seq", "at", "actor", "action", "object", "outcome", "detail"), rows)
