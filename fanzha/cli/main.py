"""The ``fanzha`` command's root: simulate, serve, demo, db; command groups live beside it."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from fanzha.cli.analyze import analyze_app
from fanzha.cli.audit import audit_app
from fanzha.cli.common import console, database
from fanzha.cli.drill import drill_app
from fanzha.cli.funds import funds_app
from fanzha.cli.importing import import_app
from fanzha.cli.numbers import numbers_app
from fanzha.cli.report import report
from fanzha.cli.stream import stream_app
from fanzha.cli.text import text_app
from fanzha.cli.users import users_app
from fanzha.config import data_dir

app = typer.Typer(help="Fanzha 反诈: run an anti-telecom-network-fraud center.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(import_app, name="import")
app.add_typer(numbers_app, name="numbers")
app.add_typer(users_app, name="users")
app.add_typer(audit_app, name="audit")
app.add_typer(funds_app, name="funds")
app.add_typer(text_app, name="text")
app.add_typer(stream_app, name="stream")
app.add_typer(drill_app, name="drill")
app.add_typer(analyze_app, name="analyze")
app.command("report")(report)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the schema to the newest version (also done on every start)."""
    db = database()
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

    logins = prepare_demo(database(), data_dir() / "demo-world", residents=residents, days=days, seed=seed)
    console.rule("[bold]Fanzha 反诈中心 demo")
    console.print(f"Open [bold cyan]http://{host}:{port}/[/]  (API docs: http://{host}:{port}/docs)")
    from rich.table import Table

    table = Table("username", "role", "organisation", "password", box=None, pad_edge=False,
                  title="Demo logins: one per role and kind of organisation (the demo password needs no change)",
                  title_justify="left")
    for login in logins:
        table.add_row(login["username"], f"{login['role_zh']} {login['role']}", login["organisation"], login["password"])
    console.print(table, soft_wrap=True)
    if not no_serve:
        from fanzha.sim.demo import start_demo_work

        start_demo_work(database(), seed, data_dir() / "demo-world")
        console.print("The simulated banks answer stop-payment orders within minutes and send statements back; "
                      "the city's numbers are being scored for the telecom desk.")
        serve(host=host, port=port)


if __name__ == "__main__":
    app()
