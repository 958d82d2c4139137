"""The ``fanzha`` command: simulate a city, import files, run the center (Typer + Rich)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from fanzha.config import Settings, data_dir

app = typer.Typer(help="Fanzha 反诈: run an anti-telecom-network-fraud center.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
import_app = typer.Typer(help="Import files banks, operators and centers exchange (FORMATS.md).", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(import_app, name="import")
console = Console()
err = Console(stderr=True, soft_wrap=True)  # paths and places stay on one line, copyable


def _database():
    from fanzha.store.db import Database

    return Database(Settings.from_env().database_url)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the schema to the newest version (also done on every start)."""
    db = _database()
    console.print(f"[green]schema is current[/] ({db.dialect})")


@app.command()
def simulate(
    residents: Annotated[int, typer.Option(min=100, help="number of residents")] = 20_000,
    days: Annotated[int, typer.Option(min=1, max=366, help="days to simulate")] = 30,
    seed: Annotated[int, typer.Option(help="random seed; the same seed gives the same city")] = 7,
    out: Annotated[Path, typer.Option(help="folder to write the world into")] = Path("world"),
) -> None:
    """Simulate a city: residents, calls, SMS, transfers, fraud gangs, victims and their reports."""
    from fanzha.sim.city import simulate as run

    summary = run(residents=residents, days=days, seed=seed, out=out, progress=True)
    console.print_json(json.dumps(summary.get("counts", summary), ensure_ascii=False, default=str))
    console.print(f"[green]world written to {out}[/]")


def _import(kind: str, paths: list[Path], skip_bad: bool) -> None:
    from fanzha.services.importing import import_file

    db = _database()
    failed = False
    for path in paths:
        if not path.exists():
            err.print(f"[red]{path}: no such file[/]; check the path")
            failed = True
            continue
        result = import_file(db, kind, path, skip_bad=skip_bad, actor="cli", progress=True)
        for problem in result.problems[:200]:
            err.print(f"[yellow]{problem}[/]")
        if len(result.problems) > 200:
            err.print(f"[yellow]... and {len(result.problems) - 200} more problems[/]")
        console.print(result.summary())
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


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port")] = 8000,
) -> None:
    """Start the web app and API."""
    import uvicorn

    from fanzha.web.app import create_app

    uvicorn.run(create_app(), host=host, port=port, log_level="info")


@app.command()
def demo(
    residents: Annotated[int, typer.Option(help="residents of the simulated city")] = 20_000,
    days: Annotated[int, typer.Option(help="days simulated")] = 30,
    seed: Annotated[int, typer.Option(help="random seed")] = 7,
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port")] = 8000,
    no_serve: Annotated[bool, typer.Option("--no-serve", help="prepare everything, do not start the server")] = False,
) -> None:
    """Simulate a city (once), load it, seed the demo users and start the center."""
    from fanzha.sim.demo import prepare_demo

    logins = prepare_demo(_database(), data_dir() / "demo-world", residents=residents, days=days, seed=seed)
    console.rule("[bold]Fanzha 反诈中心 demo")
    console.print(f"Open [bold cyan]http://{host}:{port}/[/]  (API docs: http://{host}:{port}/docs)")
    for login in logins:
        console.print(f"  {login['role']:<18} {login['username']:<22} password: {login['password']}")
    if not no_serve:
        serve(host=host, port=port)


if __name__ == "__main__":
    app()
