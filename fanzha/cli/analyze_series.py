"""``fanzha analyze series`` and the graph build: link cases into candidate series (串并案)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from fanzha.cli.analyze import analyze_app
from fanzha.cli.common import console, database, err


def _yuan(fen: int) -> str:
    return f"{fen / 100:,.2f}"


@analyze_app.command("graph")
def graph(as_json: Annotated[bool, typer.Option("--json", help="print the result as JSON only")] = False) -> None:
    """Rebuild the entity graph (关系图谱) from the store: cases, statements, calls, SMS, registry, orders."""
    from fanzha.domain.actor import Actor
    from fanzha.services.analysis.graph_build import rebuild_graph

    db = database()
    with Progress(TextColumn("{task.description:<20}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, disable=as_json, transient=False) as bar:
        tasks: dict[str, int] = {}

        def tell(step: str, done: int, total: int) -> None:
            if step not in tasks:
                tasks[step] = bar.add_task(step, total=max(total, 1))
            bar.update(tasks[step], completed=min(done, max(total, 1)) if total else 1)

        build = rebuild_graph(db, Actor.system("cli"), progress=tell)
    if as_json:
        typer.echo(json.dumps(build.as_dict(), ensure_ascii=False))
        return
    console.print(f"graph rebuilt: {build.entities:,} entities, {build.relations:,} relations "
                  f"in {build.seconds:.1f} s")


@analyze_app.command("series")
def series(
    world: Annotated[Path | None, typer.Option("--world", exists=True, file_okay=False,
                                               help="a simulated city's folder: detect on its files (no database) "
                                                    "and measure against its truth")] = None,
    statements: Annotated[bool, typer.Option("--statements/--no-statements",
                                             help="with --world: use the statements of the cards victims paid")] = True,
    as_json: Annotated[bool, typer.Option("--json", help="print the result as JSON only")] = False,
) -> None:
    """Detect series (串并案): on the store (kept as candidates), or on a simulated city with --world."""
    if world is not None:
        from fanzha.services.analysis.series_world import evaluate_world

        if not (world / "reports" / "reports.json").exists():
            err.print(f"{world}: no reports/reports.json here; give the folder `fanzha simulate --out` wrote")
            raise typer.Exit(2)
        with console.status("detecting series on the simulated city", spinner="dots") if not as_json else _quiet():
            result = evaluate_world(world, statements=statements)
        if as_json:
            typer.echo(json.dumps(result, ensure_ascii=False))
            return
        _print_world(result)
        return
    from fanzha.domain.actor import Actor
    from fanzha.services.analysis.series_detect import detect_and_store
    from fanzha.services.analysis.series_read import list_series

    db = database()
    actor = Actor.system("cli")
    with console.status("detecting series", spinner="dots") if not as_json else _quiet():
        with db.session() as session:
            run = detect_and_store(session, actor)
        with db.session() as session:
            listing = list_series(session, actor, limit=20)
    if as_json:
        typer.echo(json.dumps({"run": run.as_dict(), "top": listing["series"]}, ensure_ascii=False))
        return
    console.print(f"{run.cases:,} cases → {run.series_found:,} series ({run.created} new, {run.updated} updated, "
                  f"{run.removed} removed, {run.kept} kept as decided) in {run.seconds:.1f} s")
    console.print(f"rule: {run.rule}")
    table = Table("series", "state", "cases", "victims", "loss (yuan)", "top entity")
    for s in listing["series"]:
        top = s["key_entities"][0] if s["key_entities"] else None
        table.add_row(s["series_no"], s["state"], str(s["cases"]), str(s["victims"]), _yuan(s["loss_fen"]),
                      f"{top['kind']} {top['label']} ({top['victims']} victims)" if top else "")
    console.print(table)


class _quiet:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def _print_world(result: dict) -> None:
    console.print(f"{result['reports']} reports of {result['gangs']} gangs → {result['series']} series "
                  f"({result['components']} linked components; {result['unlinked_cases']} cases linked to none)")
    console.print(f"purity {result['purity']:.4f}   completeness {result['completeness']:.4f}   (case-weighted)")
    table = Table("gang", "cases", "groups", "purity", "completeness")
    for gang, g in result["per_gang"].items():
        table.add_row(gang, str(g["cases"]), str(g["groups"]), f"{g['purity']:.2f}", f"{g['completeness']:.2f}")
    console.print(table)
    console.print(f"rule: {result['rule']}")
