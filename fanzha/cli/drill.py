"""``fanzha drill``: drills on the simulated city (演练), from the world's files, never the database."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.table import Table

from fanzha.cli.common import console, err

drill_app = typer.Typer(help="Drills on a simulated city (演练): how much stolen money the center stops.",
                        no_args_is_help=True)


def _yuan(fen: int) -> str:
    return f"{fen // 100:,}.{fen % 100:02d}"


def _local(seconds: int) -> str:
    from datetime import UTC, datetime

    from fanzha.domain.clock import CENTER_TZ

    return datetime.fromtimestamp(seconds, UTC).astimezone(CENTER_TZ).isoformat()


def _duration(seconds: int | None) -> str:
    if seconds is None:
        return "—"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"


@drill_app.command("funds")
def funds(
    world: Annotated[Path, typer.Option("--world", help="a simulated world's folder (fanzha simulate --out DIR)")],
    report_within: Annotated[int | None, typer.Option(
        "--report-within", min=0, help="every victim (also those who never reported) reports this many minutes "
        "after their first payment; default: the world's own reports")] = None,
    seed: Annotated[int | None, typer.Option(help="seed of the banks' and the center's delays (default: the world's)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the figures as JSON")] = False,
    progress: Annotated[bool, typer.Option("--progress/--no-progress", help="show a progress bar")] = True,
) -> None:
    """Replay the city's fraud with the platform answering every report, and with the manual practice.

    Reports for both: money stolen, stopped or frozen, cashed out, not recovered, and the time from
    the report to the first stop and to each level's. Exits 1 when the folder is not a world.
    """
    from fanzha.sim.drill import (
        MANUAL,
        PLATFORM,
        DrillFigures,
        DrillWorld,
        NotAWorld,
        compare,
        replay,
    )

    try:
        loaded = DrillWorld.load(world)
    except NotAWorld as exc:
        err.print(f"[red]{exc}[/]")
        raise typer.Exit(1) from None
    within_s = report_within * 60 if report_within is not None else None
    figures = {}
    show = progress and not as_json
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description:<22}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, disable=not show, transient=True) as bar:
        for practice in (PLATFORM, MANUAL):
            task = bar.add_task(f"drill: {practice.name}", total=len(loaded.movements))
            outcome = replay(loaded, practice, report_within_s=within_s, seed=seed,
                             advance=lambda n, task=task: bar.advance(task, n))
            figures[practice.name] = DrillFigures.of(outcome)
    platform, manual = figures["platform"], figures["manual"]
    result = {
        "world": str(world), "world_seed": loaded.seed, "residents": loaded.residents,
        "seed": loaded.seed if seed is None else seed,
        "period": {"start": _local(loaded.start), "end": _local(loaded.end)},
        "report_within_minutes": report_within,
        "victims_in_world": len(loaded.victims), "world_loss_fen": sum(v.loss_fen for v in loaded.victims),
        "platform": platform.as_dict(), "manual": manual.as_dict(), "comparison": compare(platform, manual),
        "assumptions": {"platform": PLATFORM.as_dict(), "manual": MANUAL.as_dict()},
    }
    if as_json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return
    _print(result, platform, manual)


def _print(result: dict, platform, manual) -> None:
    when = (f"every victim reports {result['report_within_minutes']} minutes after the first payment"
            if result["report_within_minutes"] is not None else "the world's own reports (unreported victims get nothing)")
    console.rule(f"[bold]止付演练 funds drill — {result['world']} ({result['residents']:,} residents, seed {result['seed']})")
    console.print(f"{when}; amounts in yuan (元); times from the report", style="dim")
    table = Table("", "platform 平台", "manual 人工", box=box.SIMPLE_HEAD, pad_edge=False)
    rows = [
        ("victims with stolen money", f"{platform.victims}", f"{manual.victims}"),
        ("stolen 被骗", _yuan(platform.stolen_fen), _yuan(manual.stolen_fen)),
        ("stopped or frozen 止付冻结", _yuan(platform.stopped_fen), _yuan(manual.stopped_fen)),
        ("share stopped", f"{platform.share_stopped:.1%}", f"{manual.share_stopped:.1%}"),
        ("cashed out 取现/消费", _yuan(platform.cashed_out_fen), _yuan(manual.cashed_out_fen)),
        ("not recovered 未追回", _yuan(platform.not_recovered_fen), _yuan(manual.not_recovered_fen)),
        ("not paid (victim had reported)", _yuan(platform.not_paid_fen), _yuan(manual.not_paid_fen)),
        ("first stop, median / p90", *(f"{_duration(f.first_stop['median_s'])} / {_duration(f.first_stop['p90_s'])}"
                                       for f in (platform, manual))),
        ("orders 止付指令", f"{platform.orders:,}", f"{manual.orders:,}"),
        ("stops / already / refused", *(f"{f.answers.get('stopped', 0)} / {f.answers.get('already_stopped', 0)} / "
                                        f"{f.answers.get('refused_limit', 0)}" for f in (platform, manual))),
        ("freezes 冻结", f"{platform.freezes:,}", f"{manual.freezes:,}"),
        ("replacement cards 换卡", f"{platform.replacement_cards:,}", f"{manual.replacement_cards:,}"),
    ]
    for row in rows:
        table.add_row(*row)
    levels = sorted({lv["level"] for f in (platform, manual) for lv in f.levels})
    for level in levels:
        cells = []
        for f in (platform, manual):
            lv = next((x for x in f.levels if x["level"] == level), None)
            cells.append(f"{_duration(lv['median_s'])} ({lv['victims']})" if lv else "—")
        table.add_row(f"level {level} first stop, median (victims)", *cells)
    console.print(table)
    ratio = result["comparison"]["stopped_ratio_platform_to_manual"]
    console.print(f"platform / manual stopped: [bold]{ratio if ratio is not None else '—'}×[/]")


@drill_app.command("warning")
def warning(
    world: Annotated[Path, typer.Option("--world", help="a simulated world's folder (fanzha simulate --out DIR)")],
    seed: Annotated[int | None, typer.Option(help="seed of the officers' delays and chances (default: the world's)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the figures as JSON")] = False,
    progress: Annotated[bool, typer.Option("--progress/--no-progress", help="show a progress bar")] = True,
) -> None:
    """Replay the city's fraud with the warning desk working (预警劝阻), and without it.

    Signals appear as the center would see them (numbers flagged by reports, by the hourly rule on
    the last day's records and by a shared handset; sites flagged by reports; contacts, calls in
    progress, visits to flagged sites and payments to reported cards), leads are graded and
    dispatched, rationed officers on a duty roster sign, call or visit, and dissuade with a chance
    that falls as the victim pays; warning SMS go to the flagged numbers' contacts and a flash SMS to
    a resident on the line with one. Reports for both runs: victims, those reached before their first
    payment (by officers, through a site-visit lead, by a warning or flash SMS), dissuaded, loss and
    loss avoided, the time from first signal to contact, leads by grade and source, queue waits, and
    the ceiling any desk could reach (from the truth). Exits 1 when the folder is not a world.
    """
    from fanzha.sim.drill.warning_figures import WarningFigures
    from fanzha.sim.drill.warning_figures import compare as compare_warning
    from fanzha.sim.drill.warning_officers import OFFICERS
    from fanzha.sim.drill.warning_replay import replay as replay_warning
    from fanzha.sim.drill.warning_signals import assumptions
    from fanzha.sim.drill.warning_world import WarningWorld
    from fanzha.sim.drill.world import NotAWorld

    show = progress and not as_json
    try:
        with err.status("reading the world's files…") if show else _nothing():
            loaded = WarningWorld.load(world)
    except NotAWorld as exc:
        err.print(f"[red]{exc}[/]")
        raise typer.Exit(1) from None
    with err.status("replaying with the desk…") if show else _nothing():
        desk = WarningFigures.of(replay_warning(loaded, desk=True, seed=seed))
    none = WarningFigures.of(replay_warning(loaded, desk=False, seed=seed))
    result = {
        "world": str(world), "world_seed": loaded.seed, "residents": loaded.residents,
        "seed": loaded.seed if seed is None else seed,
        "period": {"start": _local(loaded.start), "end": _local(loaded.end)},
        "desk": desk.as_dict(), "no_desk": none.as_dict(), "comparison": compare_warning(desk, none),
        "assumptions": {"signals": assumptions(), "officers": OFFICERS.as_dict()},
    }
    if as_json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return
    _print_warning(result)


def _nothing():
    from contextlib import nullcontext

    return nullcontext()


def _print_warning(result: dict) -> None:
    d, n = result["desk"], result["no_desk"]
    console.rule(f"[bold]劝阻演练 warning drill — {result['world']} ({result['residents']:,} residents, "
                 f"seed {result['seed']})")
    console.print("amounts in yuan (元); times from the victim's first signal to the officer's contact", style="dim")
    table = Table("", "desk 预警劝阻", "no desk 无", box=box.SIMPLE_HEAD, pad_edge=False)

    def share(f: dict) -> str:
        return f"{f['reached_before_first_payment']} ({f['share_reached_before_first_payment']:.1%})"

    def spread(f: dict) -> str:
        s = f["first_signal_to_contact"]
        return f"{_duration(s['median_s'])} / {_duration(s['p90_s'])}"

    rows = [
        ("victims 受害人", f"{d['victims']}", f"{n['victims']}"),
        ("who would have paid", f"{d['victims_would_pay']}", f"{n['victims_would_pay']}"),
        ("with a signal 有预警", f"{d['victims_with_signal']}", f"{n['victims_with_signal']}"),
        ("  with a signal before paying", f"{d['victims_with_signal_before_first_payment']}",
         f"{n['victims_with_signal_before_first_payment']}"),
        ("reached 找到", f"{d['victims_reached']}", f"{n['victims_reached']}"),
        ("reached before first payment", share(d), share(n)),
        ("dissuaded 劝阻成功", f"{d['dissuaded']}", f"{n['dissuaded']}"),
        ("  of them before first payment", f"{d['dissuaded_before_first_payment']}",
         f"{n['dissuaded_before_first_payment']}"),
        ("loss 损失", _yuan(d["loss_fen"]), _yuan(n["loss_fen"])),
        ("loss avoided 避免损失", _yuan(d["loss_avoided_fen"]), _yuan(n["loss_avoided_fen"])),
        ("first signal → contact, median / p90", spread(d), spread(n)),
        ("leads 线索 (高/中/低)", f"{d['leads']:,} ({d['leads_by_grade']['high']:,}/{d['leads_by_grade']['medium']:,}/"
         f"{d['leads_by_grade']['low']:,})", f"{n['leads']:,}"),
        ("people warned, not victims", f"{d['people_not_victims']:,}", f"{n['people_not_victims']:,}"),
        ("numbers flagged (not the gangs')", f"{d['numbers_flagged']} ({d['false_flags']})",
         f"{n['numbers_flagged']} ({n['false_flags']})"),
    ]
    waits = d.get("queue_wait") or {}
    if waits.get("leads"):
        rows.append(("queue wait p50 / p90 / max", " / ".join(_duration(waits[k]) for k in ("p50_s", "p90_s", "max_s")), "—"))
    for source, count in sorted((d.get("leads_by_source") or {}).items()):
        rows.append((f"  leads opened by {source}", f"{count:,}", "—"))
    rows.append(("reached before paying via a site visit", f"{d['reached_before_first_payment_by_officers_via_visits']}",
                 "—"))
    rows.append(("sites flagged 涉诈网址/APP", f"{d['sites_flagged']}", "—"))
    for key, label in (("warning_sms", "warning SMS 预警短信"), ("flash_sms", "flash SMS 闪信")):
        sms = d.get(key) or {}
        if sms:
            rows.append((f"{label} sent / delivered", f"{sms['sent']:,} / {sms['delivered']:,}", "—"))
            rows.append(("  victims stopped by one", f"{sms['victims_stopped']}", "—"))
    ceiling = d.get("ceiling") or {}
    if ceiling:
        rows.append(("ceiling: reachable with every gang number and site known",
                     f"{ceiling['reachable']} ({ceiling['share_reachable']:.1%})", "—"))
        rows.append(("  of them only through a site visit", f"{ceiling['reachable_only_by_visits']}", "—"))
    for row in rows:
        table.add_row(*row)
    console.print(table)
    c = result["comparison"]
    console.print(f"loss avoided against no desk: [bold]{_yuan(c['loss_avoided_fen'])}[/] yuan "
                  f"({c['share_loss_avoided']:.1%}); half the victims reached before paying: "
                  f"{'[green]met[/]' if c['target_half_reached_before_first_payment'] else '[red]missed[/]'}")
