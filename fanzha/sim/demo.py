"""The one-command demo: simulate a city once, load it once, seed the demo users, then serve.

A second run finds the world and the loaded marker and starts in seconds.
"""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from rich.console import Console
from sqlalchemy import func, select

from fanzha.services.accounts import seed_demo_users
from fanzha.services.organisations import seed_organisations
from fanzha.sim.city import simulate
from fanzha.sim.history import write_history
from fanzha.sim.load import load_world
from fanzha.store.db import Database
from fanzha.store.models import Case

console = Console()
RULE_POLL_S = 15.0  # a simulated hour of the demo's stream passes in about half a minute (20,000 residents)


def prepare_demo(db: Database, world: Path, residents: int, days: int, seed: int) -> list[dict]:
    """Make sure the demo city exists and is in the store; return the demo logins."""
    params = {"residents": residents, "days": days, "seed": seed}
    stamp = world / "world.json"
    if not stamp.exists() or _params(stamp) != params:
        console.print(f"Simulating a city of {residents:,} residents over {days} days (seed {seed}) ...")
        simulate(residents=residents, days=days, seed=seed, out=world, progress=True)
    loaded = world / ".loaded.json"
    target = {"database": db.url, **params}
    if not loaded.exists() or json.loads(loaded.read_text()) != target or not _has_cases(db):
        console.print("Loading the simulated city into the store ...")
        counts = load_world(db, world, progress=True)
        loaded.write_text(json.dumps(target))
        console.print(f"Loaded: {json.dumps(counts, ensure_ascii=False)}")
    # The city's past (2023 to the month before the simulated May 2024), so the command desk has
    # a same-period-last-year to compare with; written once, in bulk, in about a second.
    write_history(db, residents=residents, start=date(2023, 1, 1), end=date(2024, 4, 30), seed=seed,
                  cases_per_100k_year=2_400, yearly_change=-0.3, loss_scale=1.6)
    with db.session() as session:
        seed_organisations(session)
        return seed_demo_users(session)


def _has_cases(db: Database) -> bool:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(Case)) > 0


def _params(stamp: Path) -> dict:
    data = json.loads(stamp.read_text())
    return {"residents": data.get("residents"), "days": data.get("days"), "seed": data.get("seed")}


def start_demo_work(db: Database, seed: int, world: Path) -> None:
    """What keeps the demo alive while it is served: the simulated banks and operators work their
    queues (and deliver warning SMS); the numbers in the city's records are scored once, then the
    operators stream the city's calls live through the call screen, and the hourly number rule runs
    on each hour of the stream (all in the background).

    The stream replays simulated days faster than real time, each shifted to the wall clock when it
    starts (live_stream.py): the rule's hour is the stream's (the time of the call stored last,
    floored to the hour), looked at every ``RULE_POLL_S`` seconds, so it runs about once per
    simulated hour, as the warning drill assumes."""
    import threading

    from fanzha.domain.actor import Actor
    from fanzha.services.analysis.graph_follow import StreamFollower
    from fanzha.services.telecom.number_scoring import score_numbers
    from fanzha.services.telecom.number_velocity import RuleSchedule, stream_position
    from fanzha.sim.bank_desks import SimulatedBanks
    from fanzha.sim.live_stream import stream_city
    from fanzha.sim.operator_desks import SimulatedOperators
    from fanzha.store.models import BlockListEntry, NumberScore

    SimulatedBanks(db, seed=seed).start()
    SimulatedOperators(db, seed=seed).start()
    StreamFollower(db, interval_s=10.0).start()  # the streamed calls join the analysts' graph

    def score_then_stream() -> None:
        with db.session() as session:
            scored = session.scalar(select(func.count()).select_from(NumberScore)) > 0
        if not scored:
            run = score_numbers(db, Actor.system("demo:numbers-score"))
            console.print(f"Numbers scored: {run.candidates} flagged for review on the telecom desk.")
        with db.session() as session:
            busy = set(session.scalars(select(BlockListEntry.number))) | set(session.scalars(select(NumberScore.number)))
        console.print("The operators now stream the city's calls live through the call screen.")
        stream_city(db, world, busy)

    threading.Thread(target=score_then_stream, name="demo-telecom", daemon=True).start()

    def ruled(run) -> None:
        if run.flagged:
            console.print(f"Number rule at {run.window_end:%Y-%m-%d %H:%M} (stream time): {len(run.flagged)} numbers "
                          f"flagged as suspected, {run.warned} warning SMS sent.")

    RuleSchedule(db, RULE_POLL_S, at=stream_position, whole_hours=True, actor=Actor.system("demo:numbers-rule"),
                 on_run=ruled).start(first_after_s=RULE_POLL_S)
    threading.Thread(target=analyse, args=(db, world), name="demo-analysis", daemon=True).start()


def analyse(db: Database, world: Path) -> None:
    """The analysis desk's batch work on the demo city, once: the entity graph and its candidate
    series (串并案), the investigators' suspects and arrests from the simulated truth (so the
    command desk has people dealt with), and the mule-card scores (两卡, 帮信)."""
    from fanzha.domain.actor import Actor
    from fanzha.services.analysis.mule_scoring import score_mules
    from fanzha.services.analysis.series_refresh import refresh_graph_and_series
    from fanzha.sim.crackdown_seed import seed_crackdown
    from fanzha.store.models import MuleScore

    series = refresh_graph_and_series(db, Actor.system("demo:series"))
    console.print(f"Series on the analysis desk: {json.dumps(series['series'], ensure_ascii=False)}")
    seed_crackdown(db, world)
    with db.session() as session:
        scored = session.scalar(select(func.count()).select_from(MuleScore)) > 0
    if not scored:
        run = score_mules(db, Actor.system("demo:mules-score"))
        console.print(f"Accounts scored for mule behaviour: {run.flagged:,} of {run.accounts:,} flagged; "
                      f"{run.serious} card holders meet a 帮信 criterion.")
