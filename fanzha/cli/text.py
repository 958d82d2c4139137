"""``fanzha text``: the text classifier (文本分类): train, evaluate, predict, build the defaults.

    fanzha text train --data cases.csv [--text-col text] [--label-col label] --out my.npz
    fanzha text evaluate --model my.npz --data test.csv [--text-col text] [--label-col label] [--json]
    fanzha text predict --model sms --text "您的账户涉嫌洗钱，请立即将资金转入安全账户"
    fanzha text predict --model narrative --data reports.csv --text-col narrative [--out out.csv]
    fanzha text build-defaults [--world DIR] --out fanzha/models

Labelled texts are a CSV (UTF-8 or GB18030; an .xlsx also works) with a text column and a label
column, any labels in any language (FORMATS.md). Rows with an empty text or label are skipped
and counted. ``--model`` takes a model file, or ``sms`` / ``narrative`` for the shipped defaults.
Every problem is one line on stderr and exit code 1.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from fanzha.cli.common import console, err

text_app = typer.Typer(help="Text classifier (文本分类): flag fraud SMS, suggest a case's fraud type.",
                       no_args_is_help=True)

TextCol = Annotated[str, typer.Option("--text-col", help="the column holding the texts")]
LabelCol = Annotated[str, typer.Option("--label-col", help="the column holding the labels")]
ModelArg = Annotated[str, typer.Option("--model", help="a model file, or 'sms' / 'narrative' for the shipped defaults")]


class _Refused(Exception):
    """A problem to print on one line before exiting with code 1."""


def _fail(message: str) -> None:
    err.print(message, style="red", markup=False)
    raise typer.Exit(1)


def _read_columns(path: Path, wanted: list[str]) -> tuple[dict[str, list[str | None]], str]:
    """The ``wanted`` columns of a CSV or workbook as lists of text, and the file's encoding."""
    from fanzha.services.importing.tables import NotATable, read_table

    if not path.is_file():
        raise _Refused(f"{path}: no such file")
    data = path.read_bytes()

    def header_score(row: list[str]) -> int:
        cells = {(c or "").strip() for c in row}
        return sum(name in cells for name in wanted)

    try:
        table = read_table(data, header_score)
    except NotATable as exc:
        if "JSON" in str(exc):
            raise _Refused(f"{path}: not a table: the file is JSON; give a CSV with a header row") from None
        if "no header row" not in str(exc):
            raise _Refused(f"{path}: not a table: {exc}") from None
        try:  # name what the file has instead
            table = read_table(data, lambda row: int(any((c or "").strip() for c in row)))
        except NotATable as again:
            raise _Refused(f"{path}: not a table: {again}") from None
    headers = table.headers
    missing = [name for name in wanted if name not in headers]
    if missing:
        shown = ", ".join(repr(h) for h in headers[:20] if h) or "none"
        more = f" and {len(headers) - 20} more" if len(headers) > 20 else ""
        raise _Refused(f"{path}: no column {', '.join(repr(m) for m in missing)}; the file's columns are "
                       f"{shown}{more} (choose with --text-col / --label-col)")
    out = {}
    for name in wanted:
        column = table.column(headers.index(name))
        out[name] = table.frame[column].to_list()
    return out, table.encoding


def _load_model(model: str):
    from fanzha.engines.text_classifier import TextClassifier
    from fanzha.engines.text_defaults import DEFAULT_NAMES, default_model_path
    from fanzha.engines.text_model_file import TextModelError

    path = Path(model)
    if not path.exists() and model in DEFAULT_NAMES:
        path = default_model_path(model)
    try:
        return TextClassifier.load(path)
    except TextModelError as exc:
        raise _Refused(str(exc)) from None


@text_app.command("train")
def train(
    data: Annotated[Path, typer.Option("--data", help="labelled texts: CSV (UTF-8 or GB18030) or .xlsx")],
    out: Annotated[Path, typer.Option("--out", help="model file to write (.npz)")],
    text_col: TextCol = "text",
    label_col: LabelCol = "label",
    name: Annotated[str, typer.Option(help="a name stored in the model file")] = "",
    augment: Annotated[int, typer.Option(min=0, max=5, help="disguised copies of each text to add "
                                                              "(full-width, spacing, emoji, traditional)")] = 0,
    seed: Annotated[int, typer.Option(help="seed of the disguises")] = 7,
    as_json: Annotated[bool, typer.Option("--json", help="print the summary as JSON only")] = False,
) -> None:
    """Train a classifier on any labelled CSV; rows with an empty text or label are skipped and counted."""
    import numpy as np

    from fanzha.engines.text_classifier import TextClassifier, TrainingDataError
    from fanzha.engines.text_noise import augment as add_copies

    try:
        columns, encoding = _read_columns(data, [text_col, label_col])
    except _Refused as exc:
        _fail(str(exc))
    texts, labels = columns[text_col], columns[label_col]
    if augment:
        keep = [i for i, (t, lbl) in enumerate(zip(texts, labels, strict=True)) if t and lbl]
        extra_t, extra_l = add_copies([texts[i] for i in keep], [labels[i] for i in keep],
                                      np.random.default_rng(seed), copies=augment)
        texts, labels = texts + extra_t[len(keep):], labels + extra_l[len(keep):]
    try:
        model = TextClassifier(name=name or data.stem).fit(texts, labels)
    except TrainingDataError as exc:
        _fail(f"{data}: cannot train: {exc}")
    try:
        path = model.save(out)
    except OSError as exc:
        _fail(f"{out}: cannot write the model: {exc.strerror or exc}")
    summary = {"model": str(path), "bytes": path.stat().st_size, "encoding": encoding, **model.training_}
    if as_json:
        typer.echo(json.dumps(summary, ensure_ascii=False))
        return
    t = model.training_
    typer.echo(f"trained on {t['texts']:,} texts ({encoding}) in {t['seconds']:.1f} s; "
               f"skipped {t['skipped_empty_text']} with empty text, {t['skipped_empty_label']} with empty label")
    typer.echo("labels: " + ", ".join(f"{k} ({v:,})" for k, v in t["per_label"].items()))
    typer.echo(f"model written to {path} ({summary['bytes'] / 1024:,.0f} KiB)")


@text_app.command("evaluate")
def evaluate(
    model: ModelArg,
    data: Annotated[Path, typer.Option("--data", help="labelled texts: CSV (UTF-8 or GB18030) or .xlsx")],
    text_col: TextCol = "text",
    label_col: LabelCol = "label",
    as_json: Annotated[bool, typer.Option("--json", help="print the result as JSON only")] = False,
) -> None:
    """Macro-F1, accuracy and per-label precision/recall/F1 of a model on labelled texts."""
    from fanzha.engines.text_evaluation import evaluate as run

    try:
        classifier = _load_model(model)
        columns, _ = _read_columns(data, [text_col, label_col])
        result = run(classifier, columns[text_col], columns[label_col])
    except _Refused as exc:
        _fail(str(exc))
    except ValueError as exc:
        _fail(f"{data}: {exc}")
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False))
        return
    from rich.table import Table
    from rich.text import Text

    table = Table("label", "precision", "recall", "F1", "support", title=Text(f"{model} on {data}"))
    for label, row in result["per_class"].items():
        table.add_row(Text(label), f"{row['precision']:.4f}", f"{row['recall']:.4f}", f"{row['f1']:.4f}",
                      f"{row['support']:,}")
    console.print(table)
    typer.echo(f"n {result['n']:,}   accuracy {result['accuracy']:.4f}   macro-F1 {result['macro_f1']:.4f}   "
               f"skipped {result['skipped_empty_text']} empty texts, {result['skipped_empty_label']} empty labels")
    if result["unknown_labels"]:
        err.print("labels the model does not know (counted as errors): " + ", ".join(result["unknown_labels"]),
                  style="yellow", markup=False)


@text_app.command("predict")
def predict(
    model: ModelArg,
    text: Annotated[str | None, typer.Option("--text", help="one text to classify")] = None,
    data: Annotated[Path | None, typer.Option("--data", help="a CSV of texts to classify")] = None,
    text_col: TextCol = "text",
    out: Annotated[Path | None, typer.Option("--out", help="with --data: write a CSV here instead of stdout")] = None,
    top: Annotated[int, typer.Option(min=1, max=20, help="labels to show per text, best first")] = 3,
    explain: Annotated[bool, typer.Option("--explain", help="with --text: the features behind the label")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """The label and confidence (probability, 0-1) of one text or of every row of a CSV."""
    if (text is None) == (data is None):
        _fail("give either --text or --data")
    try:
        classifier = _load_model(model)
        if data is not None:
            columns, _ = _read_columns(data, [text_col])
    except _Refused as exc:
        _fail(str(exc))
    if text is not None:
        if not text.strip():
            _fail("the text is empty")
        s = classifier.suggest(text, top=top)
        reasons = classifier.explain(text, s.label) if explain else []
        if as_json:
            payload = {"label": s.label, "confidence": round(s.confidence, 6),
                       "alternatives": [{"label": lbl, "confidence": round(p, 6)} for lbl, p in s.alternatives]}
            if explain:
                payload["because"] = [{"feature": f, "weight": round(w, 4)} for f, w in reasons]
            typer.echo(json.dumps(payload, ensure_ascii=False))
            return
        typer.echo(f"{s.label}\t{s.confidence:.4f}")
        for label, p in s.alternatives:
            typer.echo(f"  {label}\t{p:.4f}")
        if explain:
            typer.echo("because: " + ", ".join(f"{f} (+{w:.2f})" for f, w in reasons))
        return
    _predict_table(classifier, data, columns[text_col], text_col, out, top, as_json)


def _predict_table(classifier, data: Path, texts: list[str | None], text_col: str, out: Path | None, top: int,
                   as_json: bool) -> None:
    import numpy as np
    import polars as pl

    present = [i for i, t in enumerate(texts) if t and t.strip()]
    proba = classifier.predict_proba([texts[i] for i in present]) if present else np.zeros((0, 2))
    labels = classifier.labels
    rows: list[dict] = [{text_col: t, "label": None, "confidence": None, "alternatives": None} for t in texts]
    for row_proba, i in zip(proba, present, strict=True):
        order = np.argsort(-row_proba, kind="stable")[:top]
        rows[i]["label"] = labels[order[0]]
        rows[i]["confidence"] = round(float(row_proba[order[0]]), 6)
        rows[i]["alternatives"] = "; ".join(f"{labels[j]} {row_proba[j]:.4f}" for j in order[1:])
    skipped = len(texts) - len(present)
    if skipped:
        err.print(f"{data}: {skipped} rows with an empty text were not classified", style="yellow", markup=False)
    if as_json:
        payload = json.dumps(rows, ensure_ascii=False)
        if out:
            out.write_text(payload + "\n", encoding="utf-8")
        else:
            typer.echo(payload)
        return
    frame = pl.DataFrame(rows, schema={text_col: pl.String, "label": pl.String, "confidence": pl.Float64,
                                       "alternatives": pl.String})
    if out:
        frame.write_csv(out)
        typer.echo(f"{len(present):,} texts classified; written to {out}")
    else:
        typer.echo(frame.write_csv(), nl=False)


@text_app.command("build-defaults")
def build_defaults(
    out: Annotated[Path, typer.Option("--out", help="folder for the two model files")] = Path("fanzha/models"),
    world: Annotated[Path | None, typer.Option("--world", help="a world made by `fanzha simulate`; "
                                                                "default: simulate the demo city")] = None,
    residents: Annotated[int, typer.Option(min=100, help="without --world: residents to simulate")] = 20_000,
    days: Annotated[int, typer.Option(min=1, max=366, help="without --world: days to simulate")] = 30,
    seed: Annotated[int, typer.Option(help="seed of the city, the extra stories and the disguises")] = 7,
    stories: Annotated[int, typer.Option(min=0, help="extra stories per fraud type from the simulator's "
                                                      "story generator")] = 300,
) -> None:
    """Build the default SMS and narrative models from a simulated city (see fanzha.engines.text_defaults)."""
    import tempfile

    from fanzha.engines.text_corpus import LabelledTexts, world_narratives, world_sms
    from fanzha.engines.text_defaults import train_default_models

    with tempfile.TemporaryDirectory(prefix="fanzha-text-") as tmp:
        if world is None:
            from fanzha.sim.city import simulate

            world = Path(tmp) / "world"
            typer.echo(f"simulating {residents:,} residents x {days} days (seed {seed})")
            simulate(residents=residents, days=days, seed=seed, out=world, progress=False)
        elif not (world / "world.json").exists():
            _fail(f"{world}: not a simulated world (no world.json); make one with `fanzha simulate`")
        try:
            sms = world_sms(world)
            narratives = world_narratives(world)
        except FileNotFoundError as exc:
            _fail(str(exc))
    extra = _generated_stories(world_seed=seed, per_type=stories)
    narratives = LabelledTexts(narratives.texts + extra.texts, narratives.labels + extra.labels)
    typer.echo(f"{len(sms):,} distinct SMS ({sms.labels.count('fraud'):,} fraud); {len(narratives):,} narratives "
               f"({len(extra):,} from the story generator)")
    summary = train_default_models(sms, narratives, out, seed=seed)
    for name, s in summary.items():
        typer.echo(f"{name}: {s['texts']:,} texts with disguised copies, {len(s['per_label'])} labels, "
                   f"{s['seconds']:.1f} s -> {s['path']} ({s['bytes'] / 1024:,.0f} KiB)")


def _generated_stories(world_seed: int, per_type: int):
    """``per_type`` victims' stories of every fraud type from the simulator's story generator."""
    import numpy as np

    from fanzha.domain.fraud_type import FraudType
    from fanzha.engines.text_corpus import LabelledTexts
    from fanzha.sim.gangs import APP_NAMES
    from fanzha.sim.ledger import CHANNELS
    from fanzha.sim.narratives import narrative

    rng = np.random.default_rng([world_seed, 5])
    letters = list("abcdefghjkmnpqrstuvwxyz23456789")
    texts, labels = [], []
    for fraud_type in FraudType:
        for _ in range(per_type):
            contacts = {
                "app": str(rng.choice(APP_NAMES[fraud_type])),
                "url": f"https://{rng.choice(['app', 'vip', 'h5', 'web'])}.{''.join(rng.choice(letters, 6))}.top/"
                       f"{''.join(rng.choice(letters, 4))}",
                "qq": str(int(rng.integers(100_000_000, 3_999_999_999))),
                "wechat": "wxid_" + "".join(rng.choice(letters, 10)),
            }
            contacts = {k: v for k, v in contacts.items() if rng.random() < 0.8}
            phone = f"1{int(rng.integers(30, 99))}{int(rng.integers(0, 10**8)):08d}" if rng.random() < 0.8 else ""
            texts.append(narrative(rng, fraud_type, when=f"{rng.integers(1, 13)}月{rng.integers(1, 29)}日"
                                                          f"{rng.integers(0, 24)}时许",
                                   phone=phone, contacts=contacts, payments=int(rng.integers(1, 8)),
                                   total_fen=int(rng.integers(50_000, 500_000_000)),
                                   channel=str(rng.choice(CHANNELS))))
            labels.append(fraud_type.label_zh)
    return LabelledTexts(texts, labels)
