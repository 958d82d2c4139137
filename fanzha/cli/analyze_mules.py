"""``fanzha analyze mules``: score accounts and phone cards for mule behaviour (两卡), flag 帮信."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from fanzha.cli.analyze import analyze_app
from fanzha.cli.common import console, database, err


def _bar(quiet: bool) -> Progress:
    return Progress(TextColumn("{task.description:<34}"), BarColumn(), TimeElapsedColumn(), console=err,
                    disable=quiet, transient=False)


def _pct(value) -> str:
    return "—" if value is None else f"{value:.3f}"


@analyze_app.command("mules")
def mules(
    world: Annotated[Path | None, typer.Option("--world", exists=True, file_okay=False,
                                               help="a simulated city's folder: train and measure on it against its "
                                                    "truth (no database)")] = None,
    folds: Annotated[int, typer.Option(min=2, max=20, help="with --world: cross-validation folds (grouped by gang)")] = 5,
    seed: Annotated[int, typer.Option(help="with --world: seed of the folds and the model")] = 0,
    cards: Annotated[bool, typer.Option("--cards/--no-cards", help="also score phone cards (卡农)")] = True,
    behaviour_only: Annotated[bool, typer.Option("--behaviour-only/--no-behaviour-only",
                                                 help="with --world: also measure without the cases' features")] = True,
    train_world: Annotated[Path | None, typer.Option("--train-world", exists=True, file_okay=False,
                                                     help="with --world: train on this city (another seed) and "
                                                          "measure on --world, instead of cross-validating")] = None,
    save_model: Annotated[Path | None, typer.Option("--save-model", dir_okay=False,
                                                    help="with --world: fit on the whole city and save the model "
                                                         "here instead of measuring")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the result as JSON only")] = False,
) -> None:
    """Mule cards (两卡) and helpers (帮信): on the store (scores kept for the analysis desk), or
    measured on a simulated city with --world (precision and recall per typology)."""
    if world is not None:
        _on_world(world, folds, seed, cards, behaviour_only, save_model, train_world, as_json)
        return
    if save_model is not None or train_world is not None:
        raise typer.BadParameter("--save-model and --train-world need --world (the city to train on)", param_hint="--save-model")
    from fanzha.domain.actor import Actor
    from fanzha.services.analysis.mule_scoring import score_mules

    with console.status("scoring accounts, card holders and phone cards ...") if not as_json else _quiet():
        run = score_mules(database(), Actor.system("cli:analyze-mules"), cards=cards)
    if as_json:
        typer.echo(json.dumps(run.as_dict(), ensure_ascii=False))
    elif run.skipped_reason:
        err.print(f"Nothing scored: {run.skipped_reason}", style="red", markup=False)
    else:
        console.print(f"{run.accounts:,} accounts scored, {run.flagged} flagged (threshold {run.threshold:.3f}), "
                      f"{run.kept:,} kept; {run.helpers} holders of flagged cards, {run.serious} meet the 帮信 rule; "
                      f"{run.numbers:,} numbers, {run.cards_flagged} phone cards flagged"
                      f"{f' (cards skipped: {run.cards_skipped})' if run.cards_skipped else ''}; {run.seconds:.1f} s. "
                      "See /analysis/mules.")
    if run.skipped_reason:
        raise typer.Exit(1)


def _on_world(world: Path, folds: int, seed: int, cards: bool, behaviour_only: bool, save_model: Path | None,
              train_world: Path | None, as_json: bool) -> None:
    from fanzha.services.analysis.mule_world import WorldError, evaluate_world, train_on_world

    with _bar(as_json) as bar:
        task = bar.add_task("starting", total=100)

        def tick(step: str, done: float) -> None:
            bar.update(task, description=step, completed=round(done * 100))

        try:
            if save_model is not None:
                result = train_on_world(world, save_model, seed=seed, progress=tick)
            else:
                result = evaluate_world(world, folds=folds, seed=seed, behaviour_only=behaviour_only, cards=cards,
                                        train_world=train_world, progress=tick)
        except WorldError as exc:
            err.print(str(exc), style="red", markup=False)
            raise typer.Exit(2) from None
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False))
        return
    if save_model is not None:
        console.print(f"model saved to {result['saved']} (threshold {result['threshold']:.4f}; "
                      f"{result['accounts']:,} accounts, {result['mule_accounts']} mule)", markup=False)
        return
    _print_world(result)


def _print_world(result: dict) -> None:
    console.print(f"{result['accounts']:,} accounts, {result['mule_accounts']} mule cards with postings "
                  f"({result['mule_accounts_without_postings']} without), {result['gangs']} gangs, "
                  f"{result['reports']} reports; {result['method']}", markup=False)
    for name in ("all_features", "behaviour_only"):
        if name not in result:
            continue
        part = result[name]
        table = Table(title=name.replace("_", " "))
        for col in ("typology", "cards", "flagged", "guessed", "precision", "recall", "typology agreement"):
            table.add_column(col, justify="right" if col != "typology" else "left")
        for t, f in part["typologies"].items():
            table.add_row(t, str(f["mule_accounts"]), str(f["flagged"]), str(f["guessed"]), _pct(f["precision"]),
                          _pct(f["recall"]), _pct(f["typology_agreement"]))
        o = part["overall"]
        table.add_row("overall", str(o["mule_accounts"]), str(o["flagged"]), "", _pct(o["precision"]),
                      _pct(o["recall"]), _pct(o["typology_agreement"]))
        console.print(table)
    h = result["helpers"]
    console.print(f"帮信: {h['flagged']} flagged, precision {_pct(h['precision'])}, recall {_pct(h['recall'])} of "
                  f"{h['fraud_persons']} fraud persons, {_pct(h['recall_serious'])} of the "
                  f"{h['serious_per_statements']} serious per the statements", markup=False)
    c = result.get("phone_cards")
    if c and "skipped" not in c:
        console.print(f"phone cards: {c['flagged']} flagged, precision {_pct(c['precision'])}, recall "
                      f"{_pct(c['recall'])} of {c['fraud_numbers']} fraud numbers", markup=False)
    console.print(f"{result['seconds']['total']:.1f} s", markup=False)


class _quiet:
    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        return None
