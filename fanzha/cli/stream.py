"""``fanzha stream``: call and SMS records as a live stream (实时话单), the screen's block lists, alerts.

The broker is ``FANZHA_BROKER_URL`` (or ``--broker``): ``nats://127.0.0.1:4222`` for NATS
JetStream; unset, events stay in this process, so ``replay`` then also runs the consumers itself.
"""
from __future__ import annotations

import asyncio
import gc
import json
import logging
import signal
from datetime import timedelta
from pathlib import Path
from typing import Annotated

import typer

from fanzha.cli.common import console, database, err
from fanzha.events.event_bus import BULK_BATCH, DEFAULT_BATCH

stream_app = typer.Typer(help="Live call and SMS events (实时话单): replay a world, run the screening worker, "
                              "block lists (拦截名单) and alerts (预警).", no_args_is_help=True)
block_app = typer.Typer(help="Block lists (拦截名单): add, lift on appeal, export.", no_args_is_help=True)
stream_app.add_typer(block_app, name="block")

BrokerOption = Annotated[str | None, typer.Option("--broker", help="broker URL (default: FANZHA_BROKER_URL; "
                                                  "unset: in-process)")]


def _bus(url: str | None):
    from fanzha.events.event_bus import make_bus

    try:
        return make_bus(url)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--broker") from None


def _logging() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(message)s")


@stream_app.command("replay")
def replay_world(
    world: Annotated[Path, typer.Option("--world", exists=True, file_okay=False,
                                        help="a world from `fanzha simulate` (operators/<OP>/calls.csv, sms.csv, visits.csv)")],
    rate: Annotated[float | None, typer.Option(min=1, help="events per second (default: as fast as possible)")] = None,
    live: Annotated[bool, typer.Option("--live", help="shift times so the first event happens now")] = False,
    calls_only: Annotated[bool, typer.Option("--calls-only", help="replay calls only, not SMS or site visits")] = False,
    broker: BrokerOption = None,
) -> None:
    """Publish a simulated world's calls, SMS and site visits as events, in time order."""
    from fanzha.domain import clock
    from fanzha.events.publisher import BrokerUnavailable
    from fanzha.events.replay import replay, world_events
    from fanzha.events.worker import telecom_worker

    _logging()
    try:
        events = world_events(world, ("calls",) if calls_only else ("calls", "sms", "visits"))
    except FileNotFoundError as exc:
        err.print(str(exc), style="red", markup=False)
        raise typer.Exit(1) from None
    bus = _bus(broker)

    async def run() -> dict:
        handler = None
        if bus.kind == "memory":  # nobody else can consume an in-process stream: consume here
            # a replay as fast as it can goes is a backlog: let batches grow (a paced one stays small)
            handler = telecom_worker(bus, database(), batch_size=BULK_BATCH if rate is None else DEFAULT_BATCH)
            await bus.start()
        else:
            await bus.connect()
        try:
            published = await replay(bus, events, rate=rate, shift_to=clock.now() if live else None)
            if handler is not None:
                await bus.drain(timeout=max(60.0, len(events) / 1000))
        finally:
            await bus.stop()
        return {"published": published, "broker": bus.kind, **(handler.stats.as_dict() if handler else {})}

    try:
        summary = asyncio.run(run())
    except BrokerUnavailable as exc:
        err.print(f"{exc}; is the broker running? (.ci/run shows how to start nats-server)", style="red", markup=False)
        raise typer.Exit(1) from None
    console.print_json(json.dumps(summary))


@stream_app.command("worker")
def worker(
    broker: BrokerOption = None,
    batch: Annotated[int, typer.Option(min=1, max=100_000, help="most events stored per transaction (a batch "
                                                                 "takes what is waiting, so it grows to this only "
                                                                 "under load)")] = DEFAULT_BATCH,
    stats_every: Annotated[float, typer.Option(min=0.5, help="seconds between progress lines")] = 10.0,
    ack_wait: Annotated[float, typer.Option(min=1, help="seconds before an unacknowledged event comes again")] = 30.0,
    graph_every: Annotated[float | None, typer.Option(
        min=0, help="seconds between merging the streamed records into the entity graph (0: never); default 5 "
                    "on PostgreSQL, never on SQLite, whose single writer would stall the stream during a merge "
                    "(run `fanzha analyze graph` there)")] = None,
    rule_every: Annotated[float, typer.Option(
        "--rule-every", min=0, help="seconds between runs of the hourly number rule over the last 24 hours of "
                                    "records (0: never; `fanzha numbers rule` runs it by hand)")] = 3600.0,
) -> None:
    """Consume call, SMS and site-visit events from NATS: store once, screen, raise alerts, run the number rule
    every hour (its flags reach the screen within seconds); until Ctrl-C."""
    from fanzha.events.event_bus import broker_url, make_bus
    from fanzha.events.worker import telecom_worker

    _logging()
    url = broker or broker_url()
    if not url or url.startswith("memory:"):
        err.print("the worker needs a broker other processes publish to: set FANZHA_BROKER_URL=nats://127.0.0.1:4222 "
                  "(in-process events are consumed by `fanzha stream replay` itself)", style="red", markup=False)
        raise typer.Exit(2)
    bus = make_bus(url, ack_wait=ack_wait)
    db = database()
    # On SQLite the commit runs on the event loop: no thread hop and no GIL hand-over, measured to
    # cut the p99 latency (72 ms against 136 ms in one pair of runs of bench/bench_stream_nats.py);
    # a server database keeps its own thread.
    handler = telecom_worker(bus, db, batch_size=batch, commit_in_thread=db.dialect != "sqlite")
    every = graph_every if graph_every is not None else (0.0 if db.dialect == "sqlite" else 5.0)
    follower = None
    if every > 0:
        from fanzha.services.analysis.graph_follow import StreamFollower

        follower = StreamFollower(db, interval_s=every).start()
    schedule = None
    if rule_every > 0:
        from fanzha.services.telecom.number_velocity import RuleSchedule

        def ruled(run) -> None:
            console.print(json.dumps({"number_rule": {"window_end": run.window_end.isoformat(),
                                                      "flagged": len(run.flagged), "warned": run.warned}}),
                          markup=False)

        schedule = RuleSchedule(db, rule_every, on_run=ruled).start()

    async def run() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await asyncio.to_thread(handler.refresh)
        gc.freeze()  # the screen's residents and flags live as long as the worker: keep them out of GC scans
        await bus.start()
        console.print(f"[green]consuming[/] {url} (Ctrl-C to stop)")
        while not stop.is_set():
            try:
                await asyncio.wait_for(stop.wait(), stats_every)
            except TimeoutError:
                console.print(json.dumps(handler.stats.as_dict()), markup=False)
        await bus.stop()

    asyncio.run(run())
    if schedule is not None:
        schedule.stop()
    if follower is not None:
        follower.stop()
    console.print_json(json.dumps(handler.stats.as_dict()))


@stream_app.command("alerts")
def alerts(limit: Annotated[int, typer.Option(min=1, max=500, help="newest first")] = 20) -> None:
    """The newest telecom alerts (a flagged number talking to a resident)."""
    from fanzha.domain.actor import Actor
    from fanzha.domain.clock import local
    from fanzha.services.telecom.alerts import list_alerts

    db = database()
    with db.session() as session:
        rows = list_alerts(session, Actor.system("cli"), limit=limit)
        for a in rows:
            console.print(f"{local(a.raised_at):%Y-%m-%d %H:%M:%S} {a.grade} {a.action:8} resident {a.resident_number} "
                          f"← {a.flagged_number} call at {local(a.call_start):%Y-%m-%d %H:%M:%S}", markup=False)
    if not rows:
        console.print("no alerts")


@block_app.command("add")
def block_add(
    numbers: Annotated[list[str], typer.Argument(help="the numbers to put on the list")],
    reason: Annotated[str, typer.Option(help="why (every restriction states its reason)")],
    provenance: Annotated[str, typer.Option(help="case, model, manual or operator")] = "manual",
    ref: Annotated[str | None, typer.Option(help="the case number, model run or operator it came from")] = None,
    kind: Annotated[str, typer.Option(help="known, suspected or associated")] = "known",
    days: Annotated[int, typer.Option(min=1, max=3650, help="days until it expires")] = 180,
) -> None:
    """Put numbers on the block list, with reason, provenance and expiry."""
    from fanzha.domain import clock
    from fanzha.domain.actor import Actor
    from fanzha.domain.errors import InputRejected
    from fanzha.services.telecom.block_list import NewEntry, add_entries

    expires = clock.now() + timedelta(days=days)
    try:
        with database().session() as session:
            rows = add_entries(session, Actor.system("cli"), [
                NewEntry(number=n, reason=reason, provenance=provenance, provenance_ref=ref, list_kind=kind,
                         expires_at=expires) for n in numbers])
            ids = [r.id for r in rows]
    except InputRejected as exc:
        for problem in exc.problems:
            err.print(str(problem), style="red", markup=False)
        raise typer.Exit(1) from None
    console.print(f"[green]added[/] {len(ids)} entries (ids {', '.join(map(str, ids))}), expiring {expires:%Y-%m-%d}")


@block_app.command("lift")
def block_lift(
    entry_id: Annotated[int, typer.Argument(help="the entry's id")],
    appeal: Annotated[str, typer.Option(help="the appeal that succeeded (申诉) and why")],
) -> None:
    """Lift an entry after a successful appeal."""
    from fanzha.domain.actor import Actor
    from fanzha.domain.errors import InputRejected
    from fanzha.services.telecom.block_list import lift_entry

    try:
        with database().session() as session:
            entry = lift_entry(session, Actor.system("cli"), entry_id, appeal)
            number = entry.number
    except InputRejected as exc:
        for problem in exc.problems:
            err.print(str(problem), style="red", markup=False)
        raise typer.Exit(1) from None
    console.print(f"[green]lifted[/] entry {entry_id} ({number})")


@block_app.command("export")
def block_export(
    out: Annotated[Path | None, typer.Option(help="file to write (default: print)")] = None,
    live_only: Annotated[bool, typer.Option("--live-only", help="leave out lifted and expired entries")] = False,
) -> None:
    """The block list as CSV with provenance and expiry."""
    from fanzha.domain.actor import Actor
    from fanzha.services.telecom.block_list import export_csv

    with database().session() as session:
        text, rows = export_csv(session, Actor.system("cli"), include_inactive=not live_only)
    if out is None:
        typer.echo(text.lstrip("\ufeff"), nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        console.print(f"[green]{rows} entries written to {out}[/]")
