"""``fanzha funds``: the funds desk's tools on files in hand (资金穿透), without the database."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.table import Table

from fanzha.cli.common import console, err

funds_app = typer.Typer(help="Stop-payment and freeze desk (止付冻结): trace stolen money through statements.",
                        no_args_is_help=True)

WIDE = 110  # columns needed to show each account's bank, holder and first arrival too
STATEMENT_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xls", ".ods")


def statement_files(paths: list[Path]) -> tuple[list[Path], list[str]]:
    """The files named, with folders opened (every CSV/Excel file under them); and what is missing."""
    files: list[Path] = []
    problems: list[str] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in STATEMENT_SUFFIXES)
            if not found:
                problems.append(f"{path}: the folder holds no CSV or Excel files")
            files += found
        elif path.is_file():
            files.append(path)
        else:
            problems.append(f"{path}: no such file; check the path")
    return files, problems


def read_statement_files(files: list[Path]):
    """Read statements as the importer does; returns (postings, errors, row problems as warnings)."""
    import polars as pl

    from fanzha.services.importing.result import ImportResult
    from fanzha.services.importing.statements import LINE_COLUMN, read_statements

    frames, errors, skipped = [], [], []
    for path in files:
        name = str(path)
        result = ImportResult(kind="statements", file=name)
        try:
            data = path.read_bytes()
        except OSError as exc:
            errors.append(f"{name}: the file cannot be read ({exc.strerror or exc}); check the path")
            continue
        rows = read_statements(data, result)
        if rows is None:
            errors += [str(p) for p in result.problems]
            continue
        skipped += result.problems
        frames.append(rows.with_columns((pl.lit(f"{name}:line ") + pl.col(LINE_COLUMN).cast(pl.String)).alias("place")))
    postings = pl.concat(frames, how="vertical_relaxed") if frames else None
    return postings, errors, skipped


def read_report_file(path: Path):
    """Victim reports from a FORMATS.md JSON file (one object or a list); (reports, errors)."""
    from pydantic import ValidationError

    from fanzha.domain.errors import problems_from_validation
    from fanzha.domain.report import VictimReport
    from fanzha.services.importing.tables import NotATable, decode

    name = str(path)
    try:
        text, _ = decode(path.read_bytes())
        loaded = json.loads(text.lstrip("\ufeff"))
    except OSError as exc:
        return [], [f"{name}: the file cannot be read ({exc.strerror or exc}); check the path"]
    except NotATable as exc:
        return [], [f"{name}: {exc}"]
    except json.JSONDecodeError as exc:
        return [], [f"{name}:line {exc.lineno}, column {exc.colno}: this is not valid JSON ({exc.msg}); "
                    "expected a victim report object or a list of them (FORMATS.md)"]
    items = loaded if isinstance(loaded, list) else [loaded]
    reports, errors = [], []
    for number, item in enumerate(items, start=1):
        rid = item.get("report_id") if isinstance(item, dict) else None
        label = f"{name}:report {number}" + (f" ({rid})" if rid else "")
        if not isinstance(item, dict):
            errors.append(f"{label}: is {type(item).__name__}, not a report object {{...}}")
            continue
        try:
            reports.append((label, VictimReport.model_validate(item)))
        except ValidationError as exc:
            errors += [f"{label}, {p.place}: {p.reason}" for p in problems_from_validation(exc)]
    if not items:
        errors.append(f"{name}: the file holds no reports")
    ids = [r.report_id for _, r in reports]
    for rid in sorted({i for i in ids if ids.count(i) > 1}):
        errors.append(f"{name}: report id {rid} is used by {ids.count(rid)} reports; each victim needs its own")
    return reports, errors


@funds_app.command("trace")
def trace_command(
    report: Annotated[Path, typer.Option("--report", help="victim report(s), FORMATS.md JSON: one object or a list")],
    statements: Annotated[list[Path], typer.Option("--statements", help="statement files (CSV/.xlsx) or folders; "
                                                   "more may follow as plain arguments")],
    more: Annotated[list[Path] | None, typer.Argument(help="more statement files or folders", show_default=False)] = None,
    rule: Annotated[str, typer.Option("--rule", help="attribution rule: proportional (按比例) or fifo (先进先出)")] = "proportional",
    max_level: Annotated[int | None, typer.Option("--max-level", min=1, help="follow the money this many levels deep at most")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the result as JSON")] = False,
) -> None:
    """Trace the reported victims' money level by level through the statements (资金穿透).

    Each victim's money is kept apart. Reads files only, never the database. Exits 1 when a file
    cannot be used; rows it cannot read and what the statements do not reconcile are warnings.
    """
    from fanzha.domain.attribution import AttributionRule
    from fanzha.engines.fund_tracing import LedgerIndex, Source, TraceWarning, trace

    try:
        chosen = AttributionRule.parse(rule)
    except ValueError as exc:
        err.print(f"--rule: {exc}")
        raise typer.Exit(1) from None
    files, errors = statement_files(list(statements) + list(more or []))
    reports, report_errors = read_report_file(report) if report.is_file() else (
        [], [f"{report}: no such file; check the path"])
    errors += report_errors
    postings, read_errors, skipped = read_statement_files(files) if files else (None, [], [])
    errors += read_errors
    if errors:
        for problem in errors[:200]:
            err.print(f"[red]{problem}[/]")
        if len(errors) > 200:
            err.print(f"[red]... and {len(errors) - 200} more problems[/]")
        raise typer.Exit(1)
    sources = [s for label, r in reports for s in Source.from_report(r, label)]
    index = LedgerIndex.from_postings(postings)
    result = trace(index, sources, chosen, max_level)
    result.warnings[:0] = [TraceWarning("unreadable_row", None, p.place, f"{p.reason}; the row is left out", None)
                           for p in skipped]
    if as_json:
        print(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
        return
    _print(result, len(files), index.postings)


def _yuan(fen: int) -> str:
    from fanzha.domain.money import fen_to_yuan

    return f"{int(fen) // 100:,}.{int(fen) % 100:02d}" if fen >= 0 else fen_to_yuan(fen)


def _print(result, files: int, postings: int) -> None:
    console.rule(f"[bold]资金穿透 fund trace — rule: {result.rule.value} ({result.rule.label_zh})")
    console.print(result.rule.statement, style="dim")
    console.print(f"{files} statement files, {postings:,} postings; victims: {', '.join(result.victims) or 'none'}; "
                  "amounts in yuan (元); actions: 止付 stop-payment, 调证 request the statement, 无 none")
    for level, accounts in sorted(result.levels().items()):
        table = Table(title=f"Level {level} (第{level}级)", title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
        # numbers and amounts are never cut (they go into orders); bank and time give way on narrow screens
        table.add_column("account\n账号", no_wrap=True, min_width=max(len(a.account) for a in accounts))
        wide = console.width >= WIDE
        if wide:
            table.add_column("bank, holder\n开户行 户名")
            table.add_column("first in\n首次进账")
        for column, values in (("in\n进", [a.tainted_in_fen for a in accounts]),
                               ("out\n出", [a.tainted_out_fen for a in accounts]),
                               ("held\n留存", [a.tainted_held_fen for a in accounts]),
                               ("untraced\n未追", [a.untraced_fen for a in accounts])):
            table.add_column(column, justify="right", no_wrap=True, min_width=max(len(_yuan(v)) for v in values))
        table.add_column("action\n措施", no_wrap=True, min_width=4)
        for a in accounts:
            style = {"stop_payment": "bold red", "request_statement": "yellow"}.get(a.action.value, "dim")
            where = [" ".join(x for x in (a.bank, a.holder) if x),
                     a.first_tainted_at.strftime("%m-%d %H:%M:%S") if a.first_tainted_at else ""] if wide else []
            table.add_row(a.account, *where, _yuan(a.tainted_in_fen), _yuan(a.tainted_out_fen),
                          _yuan(a.tainted_held_fen), _yuan(a.untraced_fen), f"[{style}]{a.action.label_zh}[/]")
        console.print(table)
    totals = Table(title="Totals 合计 (yuan 元)", title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    rows = [("all", result.totals)] + (list(result.victims.items()) if len(result.victims) > 1 else [])
    totals.add_column("", no_wrap=True, min_width=max(len(name) for name, _ in rows))
    for column in ("stolen\n被骗", "held\n留存", "cash\n取现", "purchases\n消费", "untraced\n未追"):
        totals.add_column(column, justify="right", no_wrap=True, min_width=len(_yuan(result.totals.stolen_fen)))
    for name, t in rows:
        totals.add_row(name, _yuan(t.stolen_fen), _yuan(t.held_fen), _yuan(t.cash_out_fen), _yuan(t.purchase_fen),
                       _yuan(t.untraced_fen))
    console.print(totals)
    if result.statement_requests:
        console.print("[bold]Statement requests 调证[/]")
        for r in result.statement_requests:
            since = r.since.strftime("%Y-%m-%d %H:%M:%S") if r.since else ""
            console.print(f"  {r.account} ({r.bank or 'bank unknown'}), level {r.level}, since {since}, "
                          f"{_yuan(r.amount_fen)} yuan: {r.reason}")
    if result.warnings:
        console.print(f"[bold yellow]Warnings ({len(result.warnings)})[/]")
        for w in result.warnings[:100]:
            console.print(f"  [yellow]{w}[/]", soft_wrap=True)
        if len(result.warnings) > 100:
            console.print(f"  ... and {len(result.warnings) - 100} more (see --json)")


@funds_app.command("expire")
def expire() -> None:
    """Expire stops past their 48 hours and freezes past their six months not renewed (run it from a
    timer, e.g. every minute)."""
    from fanzha.cli.common import database
    from fanzha.services.funds.bank_answers import expire_orders
    from fanzha.services.funds.freezes import expire_freezes

    db = database()
    with db.session() as session:
        expired = expire_orders(session)
        freezes = expire_freezes(session)
    console.print(f"{len(expired)} order(s) expired" + (f": {', '.join(map(str, expired))}" if expired else ""))
    console.print(f"{len(freezes)} freeze(s) expired" + (f": {', '.join(map(str, freezes))}" if freezes else ""))
