"""``fanzha report``: monthly and yearly statistics reports (Excel and PDF) for a period and region.

    fanzha report --period 2024-05 [--region 城厢区] [--out DIR] [--format xlsx,pdf] [--json]

The same figures as the command dashboard (one computation makes both), year over year, with the
两降两升 verdict; run on the server as the system, so it covers the whole city unless a region
is given. Each file written is audited as an export.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from fanzha.cli.common import console, database, err


def report(
    period: Annotated[str, typer.Option("--period", help="2024-05 (month), 2024-Q2, 2024 (year) or "
                                                       "2024-05-01..2024-05-31")],
    region: Annotated[str | None, typer.Option("--region", help="a county (城厢区) or police station; default: the city")] = None,
    fraud_type: Annotated[str | None, typer.Option("--fraud-type", help="only this fraud type (刷单返利 or order_brushing)")] = None,
    out: Annotated[Path, typer.Option("--out", help="folder to write the files into")] = Path("."),
    formats: Annotated[str, typer.Option("--format", help="xlsx, pdf or xlsx,pdf")] = "xlsx,pdf",
    as_json: Annotated[bool, typer.Option("--json", help="print the files and the headline figures as JSON")] = False,
) -> None:
    """Statistics reports (统计报表): write a period's report as Excel and/or PDF, year over year."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from fanzha.domain.access import AccessDenied
    from fanzha.domain.actor import Actor
    from fanzha.domain.errors import InputRejected
    from fanzha.services import audit
    from fanzha.services.command.period import Period
    from fanzha.services.command.report_files import FORMATS, ReportFontMissing, report_file
    from fanzha.services.command.statistics import command_figures

    chosen = [f.strip().lower() for f in formats.split(",") if f.strip()]
    bad = [f for f in chosen if f not in FORMATS]
    if bad or not chosen:
        err.print(f"[red]--format: {', '.join(bad) or 'empty'} is not one of {', '.join(FORMATS)}; write xlsx,pdf[/]")
        raise typer.Exit(2)
    actor = Actor.system("cli:report")
    written = []
    try:
        the_period = Period.parse(period, "--period")
        out.mkdir(parents=True, exist_ok=True)
        db = database()
        with Progress(TextColumn("{task.description:<18}"), BarColumn(), TimeElapsedColumn(),
                      console=err, disable=as_json, transient=False) as bar:
            task = bar.add_task("报表 report", total=len(chosen) + 1)
            with db.session() as session:
                figures = command_figures(session, actor, the_period, region, fraud_type, detail=False)
                bar.advance(task)
                for fmt in chosen:
                    bar.update(task, description=f"{fmt}")
                    made = report_file(session, actor, the_period, figures.area, fmt, figures.fraud_type)
                    path = out / made.filename
                    path.write_bytes(made.content)
                    audit.record(session, actor, "stats.report", object_type="report", object_id=made.filename,
                                 detail={"period": the_period.code, "region": figures.area.code, "format": fmt,
                                         "path": str(path)})
                    written.append({"format": fmt, "path": str(path), "bytes": len(made.content)})
                    bar.advance(task)
    except InputRejected as exc:
        for problem in exc.problems:
            err.print(f"[red]{problem}[/]")
        raise typer.Exit(2) from None
    except ValueError as exc:  # an unknown fraud type
        err.print(f"[red]--fraud-type: {exc}[/]")
        raise typer.Exit(2) from None
    except (ReportFontMissing, AccessDenied) as exc:
        err.print(f"[red]{exc}[/]")
        raise typer.Exit(1) from None
    headline = {k: {"this": f.this, "last": f.last, "change_percent": f.change} for k, f in figures.figures.items()}
    if as_json:
        print(json.dumps({"period": the_period.code, "last_period": figures.last_period.code,
                          "region": figures.area.label("zh"), "files": written, "figures": headline,
                          "two_down_two_up": {"met": figures.verdict.met, "of": 4,
                                              "lines": figures.verdict.lines("zh")}}, ensure_ascii=False, indent=2))
        return
    console.print(f"[bold]{the_period.label('zh')} · {figures.area.label('zh')}[/]  {figures.verdict.summary('zh')}")
    for line in figures.verdict.lines("zh"):
        console.print(f"  {line}")
    for item in written:
        console.print(f"[green]wrote[/] {item['path']} ({item['bytes']:,} bytes)")
