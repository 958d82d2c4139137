"""``fanzha import``: the files banks, operators and centers exchange (FORMATS.md)."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from fanzha.cli.common import console, database, err

import_app = typer.Typer(help="Import files banks, operators and centers exchange (FORMATS.md).", no_args_is_help=True)


def _import(kind: str, paths: list[Path], skip_bad: bool, run=None) -> None:
    """Import each file, print its problems and summary; exit 1 when any file is refused or missing.
    ``run(db, path, actor)`` replaces the plain import for a kind that reports more: it returns the
    result and a line to print after a successful import."""
    from fanzha.domain.actor import Actor
    from fanzha.services.importing import import_file

    db = database()
    actor = Actor.system("cli")
    failed = False
    for path in paths:
        if not path.exists():
            err.print(f"[red]{path}: no such file[/]; check the path")
            failed = True
            continue
        if run is None:
            result, note = import_file(db, kind, path, skip_bad=skip_bad, actor=actor, progress=True), None
        else:
            result, note = run(db, path, actor)
        for problem in result.problems[:200]:
            err.print(str(problem), style="yellow", markup=False)
        if len(result.problems) > 200:
            err.print(f"[yellow]... and {len(result.problems) - 200} more problems[/]")
        console.print(result.summary(), markup=False)
        if note and not result.rejected:
            console.print(note, markup=False)
        failed = failed or result.rejected
    if failed:
        raise typer.Exit(1)


SkipBad = Annotated[bool, typer.Option("--skip-bad", help="import the good rows and report the bad ones")]
Paths = Annotated[list[Path], typer.Argument(help="CSV, .xlsx or (reports) JSON files")]


@import_app.command("statements")
def import_statements(paths: Paths, skip_bad: SkipBad = False) -> None:
    """Bank statements (交易流水); transfers seen from both sides are counted once."""
    _import("statements", paths, skip_bad)


@import_app.command("reports")
def import_reports(paths: Paths, skip_bad: SkipBad = False) -> None:
    """Victim reports (警情), JSON or CSV; each becomes a case."""
    _import("reports", paths, skip_bad)


@import_app.command("calls")
def import_calls(paths: Paths, skip_bad: SkipBad = False) -> None:
    """Call records (话单) from an operator."""
    _import("calls", paths, skip_bad)


@import_app.command("sms")
def import_sms(paths: Paths, skip_bad: SkipBad = False) -> None:
    """SMS records (短信记录) from an operator."""
    _import("sms", paths, skip_bad)


@import_app.command("visits")
def import_visits(paths: Paths, skip_bad: SkipBad = False) -> None:
    """Site visits (上网访问记录) from an operator; visits to fraud sites named in cases become warning leads."""
    from fanzha.services.importing.visits import import_visit_file

    def run(db, path: Path, actor):
        outcome = import_visit_file(db, path, skip_bad=skip_bad, actor=actor, progress=True)
        return outcome.result, (f"{len(outcome.leads)} visits to fraud sites became warning signals "
                                f"(涉诈网址/APP访问预警) on {len(set(outcome.leads))} leads")

    _import("visits", paths, skip_bad, run)


@import_app.command("leads")
def import_leads(paths: Paths, skip_bad: SkipBad = False) -> None:
    """Warning leads pushed down from a higher level (上级下发预警线索): CSV or Excel, one lead per row."""
    _import("leads", paths, skip_bad)
