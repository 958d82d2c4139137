"""The demo's operators streaming the city's calls and site visits live (实时话单): the screens at work.

The simulated operators publish their subscribers' calls and site visits (visits.csv, when the
world has it) as events, one simulated day at a time with every time shifted to now, at a modest
rate, onto the same bus and handlers production uses (in-process in the embedded demo, NATS when
``FANZHA_BROKER_URL`` is set). Calls from numbers on the block list or flagged by the model raise
alerts on the telecom desk and high leads on the residents' stations' boards as they arrive;
visits to the fraud sites that filed cases name become fraud_url signals on the visitors' leads.
The days with the most calls from the gangs' numbers come first, so the demo shows the screen
working within minutes.
"""
from __future__ import annotations

import asyncio
import logging
import threading
from collections import Counter
from pathlib import Path

from fanzha.domain import clock
from fanzha.events.event_bus import make_bus
from fanzha.events.replay import ReplayEvent, replay, world_events
from fanzha.events.worker import telecom_worker, visit_worker
from fanzha.store.db import Database

log = logging.getLogger("fanzha.sim")
RATE = 40.0  # events per second: a lively desk without loading the demo machine


def days_busiest_first(events: list[ReplayEvent], busy: set[str]) -> list[list[ReplayEvent]]:
    """The events grouped by local day, days with the most calls involving ``busy`` numbers first."""
    by_day: dict[str, list[ReplayEvent]] = {}
    weight: Counter = Counter()
    for e in events:
        day = clock.local(e.at).date().isoformat()
        by_day.setdefault(day, []).append(e)
        if e.fields.get("other") in busy or e.fields.get("msisdn") in busy:
            weight[day] += 1
    return [by_day[d] for d in sorted(by_day, key=lambda d: (-weight[d], d))]


def stream_city(db: Database, world: Path, busy: set[str], rate: float | None = RATE,
                stop: threading.Event | None = None, days: int | None = None) -> dict:
    """Publish the world's calls and visits day by day (busiest first), each shifted to now, until
    stopped (or after ``days`` days); returns the handlers' counts (the visits' under ``visits``)."""
    stop = stop or threading.Event()

    async def run() -> dict:
        bus = make_bus()
        handler = telecom_worker(bus, db, visits=False)
        visits = visit_worker(bus, db)
        await (bus.start() if bus.kind == "memory" else bus.connect())
        try:
            for day in days_busiest_first(world_events(world, ("calls", "visits")), busy)[:days]:
                if stop.is_set():
                    break
                await replay(bus, day, rate=rate, shift_to=clock.now())
        finally:
            if bus.kind == "memory":
                await bus.drain(timeout=30)
            await bus.stop()
        counts = {**handler.stats.as_dict(), "visits": visits.as_dict()}
        log.info("the demo's call and visit stream ended: %s", counts)
        return counts

    return asyncio.run(run())


