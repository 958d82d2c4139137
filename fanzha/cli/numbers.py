"""``fanzha numbers``: fraud-number detection (涉诈号码识别): features and the model's evaluation."""
from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated

import typer

from fanzha.cli.common import console, err

numbers_app = typer.Typer(help="Fraud numbers (涉诈号码): per-number features and the model's evaluation.",
                          no_args_is_help=True)


@numbers_app.command("evaluate")
def evaluate(
    features: Annotated[Path, typer.Option("--features", exists=True, dir_okay=False,
                                           help="CSV, one row per number: an id, a 0/1 label, numeric features")],
    id_col: Annotated[str, typer.Option("--id-col", help="the column naming each number")],
    label_col: Annotated[str, typer.Option("--label-col", help="the 0/1 label column (1 = fraud)")] = "label",
    graph: Annotated[Path | None, typer.Option("--graph", exists=True, dir_okay=False,
                                               help="contact matrix (scipy save_npz) in the table's row order")] = None,
    folds: Annotated[int, typer.Option(min=2, max=100, help="stratified cross-validation folds")] = 5,
    seed: Annotated[int, typer.Option(help="seed of the fold shuffle and the model")] = 0,
    trees: Annotated[int, typer.Option(min=1, help="boosting rounds")] = 400,
    inner_folds: Annotated[int, typer.Option(min=2, max=20, help="inner folds (out-of-fold label features, threshold)")] = 5,
    jobs: Annotated[int, typer.Option(min=1, help="LightGBM threads (1 is fastest on small tables)")] = 1,
    graph_structure: Annotated[bool, typer.Option("--graph-structure/--no-graph-structure",
                                                  help="use the graph's structure (degree, PageRank...)")] = True,
    label_features: Annotated[bool, typer.Option("--label-features/--no-label-features",
                                                 help="use contacts with known fraud numbers (out of fold)")] = True,
    drop_non_numeric: Annotated[bool, typer.Option("--drop-non-numeric",
                                                   help="drop non-numeric columns (with a warning) instead of refusing")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="print the result as JSON only")] = False,
) -> None:
    """Cross-validate the fraud-number model on a labelled feature table: F1, AUC and more per fold."""
    from fanzha.domain.errors import InputRejected
    from fanzha.engines.number_evaluation import evaluate_number_model
    from fanzha.engines.number_table import read_number_table

    try:
        table = read_number_table(features, id_col=id_col, label_col=label_col, graph_path=graph,
                                  drop_non_numeric=drop_non_numeric)
    except InputRejected as exc:
        for problem in exc.problems:
            err.print(str(problem), style="red", markup=False)
        raise typer.Exit(1) from None
    for warning in table.warnings:
        err.print(f"warning: {warning}", style="yellow", markup=False)
    positives = int(table.labels.sum())
    if min(positives, len(table.labels) - positives) < folds:
        raise typer.BadParameter(f"{folds} folds need at least {folds} rows of each label; the table has "
                                 f"{positives} labelled 1 and {len(table.labels) - positives} labelled 0",
                                 param_hint="--folds")

    def progress(fold: dict) -> None:
        err.print(f"fold {fold['fold']}/{folds}: F1 {fold['f1']:.4f}  AUC {fold['auc']:.4f}  "
                  f"threshold {fold['threshold']:.3f}  ({fold['seconds']:.1f} s)", markup=False)

    try:
        params = {"n_estimators": trees, "inner_folds": inner_folds, "n_jobs": jobs,
                  "graph_structure": graph_structure, "known_labels": label_features}
        result = evaluate_number_model(table.features, table.labels, table.graph, folds=folds, seed=seed,
                                       params=params, progress=progress)
    except ValueError as exc:
        err.print(f"cannot evaluate: {exc}", style="red", markup=False)
        raise typer.Exit(1) from None
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False))
        return
    console.print(f"{result['n']:,} numbers, {result['positives']:,} fraud, {result['features']} features"
                  f"{', with contact graph' if result['graph'] else ''}; {folds}-fold CV, seed {seed}")
    console.print(f"F1 {result['f1']:.4f} (± {result['f1_std']:.4f})   AUC {result['auc']:.4f} (± {result['auc_std']:.4f})")
    console.print(f"precision {result['precision']:.4f}   recall {result['recall']:.4f}   macro F1 "
                  f"{result['f1_macro']:.4f}   F1 at 0.5 {result['f1_at_half']:.4f}   {result['seconds']:.1f} s")


@numbers_app.command("features")
def features(
    out: Annotated[Path, typer.Option("--out", dir_okay=False, help="CSV to write: msisdn, features (, label)")],
    world: Annotated[Path | None, typer.Option("--world", exists=True, file_okay=False,
                                               help="a simulated city (fanzha simulate): its operators' records, "
                                                    "labels from truth/fraud_numbers.csv")] = None,
    calls: Annotated[list[Path] | None, typer.Option("--calls", exists=True, dir_okay=False,
                                                     help="call records CSV/Parquet (repeatable)")] = None,
    sms: Annotated[list[Path] | None, typer.Option("--sms", exists=True, dir_okay=False,
                                                   help="SMS records CSV/Parquet (repeatable)")] = None,
    graph_out: Annotated[Path | None, typer.Option("--graph-out", dir_okay=False,
                                                   help="write the contact graph here (scipy save_npz)")] = None,
    start: Annotated[str | None, typer.Option(help="window start, local time (2024-05-01 or 2024-05-01 08:00)")] = None,
    end: Annotated[str | None, typer.Option(help="window end (exclusive), local time")] = None,
    known_fraud: Annotated[Path | None, typer.Option("--known-fraud", exists=True, dir_okay=False,
                                                     help="known fraud numbers, one per line")] = None,
    known_victims: Annotated[Path | None, typer.Option("--known-victims", exists=True, dir_okay=False,
                                                       help="known victims' numbers, one per line")] = None,
) -> None:
    """Per-number features over a time window from call and SMS records (DuckDB), and the contact graph.

    With --world, the known victims and known fraud numbers are those in the city's victim reports
    (victims' phones and the phone numbers they reported), as a center would know them; the label
    column is 1 for the numbers in truth/fraud_numbers.csv.
    """
    from fanzha.engines.number_features import number_features

    if (world is None) == (not calls and not sms):
        raise typer.BadParameter("give either --world or --calls/--sms", param_hint="--world")
    window = [_parse_time(v, name) for v, name in ((start, "--start"), (end, "--end"))]
    fraud_list = _read_list(known_fraud) if known_fraud else []
    victim_list = _read_list(known_victims) if known_victims else []
    truth = None
    if world is not None:
        calls = sorted((world / "operators").glob("*/calls.csv"))
        sms = sorted((world / "operators").glob("*/sms.csv"))
        if not calls and not sms:
            err.print(f"{world}: no operators/*/calls.csv or sms.csv; is it a simulated world?", style="red", markup=False)
            raise typer.Exit(1)
        truth_file = world / "truth" / "fraud_numbers.csv"
        if not truth_file.exists():
            err.print(f"{truth_file}: no such file; the world has no ground truth", style="red", markup=False)
            raise typer.Exit(1)
        truth = set(_read_list(truth_file, column="number"))
        reported_victims, reported_numbers = _reported(world / "reports" / "reports.json")
        victim_list += reported_victims
        fraud_list += reported_numbers
    began = time.perf_counter()
    try:
        result = number_features(calls or None, sms or None, start=window[0], end=window[1],
                                 known_fraud=fraud_list, known_victims=victim_list)
    except ValueError as exc:
        err.print(str(exc), style="red", markup=False)
        raise typer.Exit(1) from None
    table = result.table
    if truth is not None:
        import polars as pl

        table = table.with_columns(label=pl.col("msisdn").is_in(sorted(truth)).cast(pl.Int8))
    out.parent.mkdir(parents=True, exist_ok=True)
    table.write_csv(out)
    if graph_out is not None:
        import scipy.sparse as sp

        graph_out.parent.mkdir(parents=True, exist_ok=True)
        sp.save_npz(graph_out, result.graph)
    for reason, count in result.skipped.items():
        if count:
            err.print(f"warning: {count:,} record(s) left out: {reason.replace('_', ' ')}", style="yellow", markup=False)
    labelled = f", {int(table['label'].sum()):,} labelled fraud" if truth is not None else ""
    console.print(f"{table.height:,} numbers{labelled}, {result.graph.nnz // 2:,} contacts between them, "
                  f"{result.window_days:.1f} days, {time.perf_counter() - began:.1f} s")
    console.print(f"features written to {out}" + (f", graph to {graph_out}" if graph_out else ""), markup=False)


def _parse_time(text: str | None, option: str):
    from datetime import datetime

    if text is None:
        return None
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not a time like 2024-05-01 or 2024-05-01 08:00",
                                 param_hint=option) from None


def _read_list(path: Path, column: str | None = None) -> list[str]:
    """Numbers from a file: one per line, or the named column of a CSV."""
    lines = [line.strip() for line in path.read_text(encoding="utf-8-sig").splitlines() if line.strip()]
    if column is not None and lines:
        header = [h.strip() for h in lines[0].split(",")]
        at = header.index(column) if column in header else 0
        return [line.split(",")[at].strip() for line in lines[1:]]
    return [line.split(",")[0].strip() for line in lines]


def _reported(path: Path) -> tuple[list[str], list[str]]:
    """Victims' phones and the phone numbers they reported, from a reports.json."""
    if not path.exists():
        return [], []
    reports = json.loads(path.read_text(encoding="utf-8"))
    reports = reports if isinstance(reports, list) else [reports]
    victims = [str(r.get("victim", {}).get("phone") or "") for r in reports]
    numbers = [str(c.get("value")) for r in reports for c in r.get("contacts", []) if c.get("kind") == "phone"]
    return [v for v in victims if v], [n for n in numbers if n]


@numbers_app.command("score")
def score(
    days: Annotated[int, typer.Option(min=1, max=366, help="window: the last DAYS days of records in the store")] = 30,
    threshold: Annotated[float | None, typer.Option(min=0.0, max=1.0, help="flag at or above this score "
                                                    "(default: the model's own F1-best threshold)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the run as JSON")] = False,
) -> None:
    """Score every number in the store's call and SMS records; the high ones wait for an officer's
    review on the telecom desk (模型研判). Learns from the numbers victims reported (fraud) and the
    residents' registered phones (clean)."""
    from fanzha.cli.common import database
    from fanzha.domain.actor import Actor
    from fanzha.services.telecom.number_scoring import score_numbers

    with console.status("scoring numbers ..."):
        run = score_numbers(database(), Actor.system("cli:numbers-score"), days=days, threshold=threshold)
    if as_json:
        print(json.dumps(run.as_dict(), ensure_ascii=False))
    elif run.skipped_reason:
        err.print(f"Nothing scored: {run.skipped_reason}", style="red", markup=False)
    else:
        console.print(f"{run.numbers:,} numbers; learnt from {run.fraud_known} known fraud and {run.clean_known:,} "
                      f"clean; scored {run.scored:,} unknown; {run.candidates} at or above {run.threshold:.3f} "
                      f"({run.new_candidates} new) in {run.seconds:.1f} s. Review them at /telecom/candidates.")
    if run.skipped_reason:
        raise typer.Exit(1)


@numbers_app.command("rule")
def rule(
    window_hours: Annotated[float, typer.Option("--window-hours", min=1, max=24 * 31,
                                                help="the records of the last HOURS hours up to the run's time")] = 24,
    at: Annotated[str | None, typer.Option("--at", help="the run's time, like 2024-05-30 15:00 (Asia/Shanghai "
                                                        "unless given), or 'latest' for the newest record "
                                                        "on file (a replayed world); default: now")] = None,
    warn: Annotated[bool, typer.Option("--warn/--no-warn", help="send the mass warning SMS to each new "
                                                                "flag's recent contacts")] = True,
    as_json: Annotated[bool, typer.Option("--json", help="print the run as JSON")] = False,
) -> None:
    """The hourly number rule (号码速率规则): put on the block list, as suspected, the numbers that
    called 8+ residents mostly briefly or texted 10+ residents in the window, and the numbers sharing
    a handset with a flagged number. Idempotent: numbers already listed are not added again."""
    from datetime import timedelta

    from fanzha.cli.common import database
    from fanzha.domain.actor import Actor
    from fanzha.domain.clock import local, parse_time
    from fanzha.services.telecom.number_velocity import latest_record_time, run_velocity_rule

    db = database()
    when = None
    if at is not None and at.strip().lower() == "latest":
        with db.session() as session:
            when = latest_record_time(session)
        if when is None:
            err.print("no call or SMS records on file: --at latest has nothing to go by", style="red", markup=False)
            raise typer.Exit(1)
    elif at is not None:
        try:
            when = parse_time(at)
        except ValueError as exc:
            raise typer.BadParameter(str(exc), param_hint="--at") from None
    run = run_velocity_rule(db, when, timedelta(hours=window_hours), actor=Actor.system("cli:numbers-rule"),
                            warn=warn)
    if as_json:
        print(json.dumps(run.as_dict(), ensure_ascii=False))
        return
    console.print(f"Records from {local(run.window_start):%Y-%m-%d %H:%M} to {local(run.window_end):%Y-%m-%d %H:%M}: "
                  f"{len(run.flagged)} numbers flagged as suspected, {run.already_listed} already listed, "
                  f"{run.dismissed} left alone (dismissed or cleared on appeal), {run.warned} warning SMS sent "
                  f"to their contacts.", markup=False)
    for f in run.flagged:
        console.print(f"  {f.number}  entry {f.entry_id}  {f.reason}", markup=False)
