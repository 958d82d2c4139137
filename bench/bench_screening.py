"""Benchmark: screening call events (通话实时筛查) in process.

    .venv/bin/python bench/bench_screening.py [--events 1000000] [--residents 1000000] [--flagged 10000]
                                              [--pipeline-events 1000000] [--pipeline-residents 100000]
                                              [--pipeline-batch 100000] [--database sqlite|URL] [--seed 7]

Two figures, both over synthetic calls (numpy, deterministic): a resident's number against another
number; one call in a thousand involves a flagged number.

1. The screen alone (``CallScreen.screen``): ``--events`` calls against ``--residents`` residents and
   ``--flagged`` flagged numbers, in batches of 500 as the consumer hands them. Target: 50,000
   events/s.
2. The whole consumer in process: ``--pipeline-events`` JSON events published on the in-process
   broker and handled by the same ``TelecomHandler`` the NATS worker runs (validation, the record
   stored once in the store, screening, alerts, acknowledgement after the commit), on a fresh
   SQLite file (or ``--database URL``) holding ``--pipeline-residents`` residents, in batches of up
   to ``--pipeline-batch`` events per transaction. Printed with where the time went per event
   (decode, store, screen, alert and leads, commit) and the process's CPU time, since the machine
   may be shared.
"""
from __future__ import annotations

import argparse
import asyncio
import gc
import json
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, insert, select  # noqa: E402

from fanzha.domain.actor import Actor  # noqa: E402
from fanzha.engines.call_screening import CallScreen, Flag, Resident  # noqa: E402
from fanzha.events import subjects  # noqa: E402
from fanzha.events.event_bus import BULK_BATCH  # noqa: E402
from fanzha.events.in_process_bus import InProcessBus  # noqa: E402
from fanzha.events.stream_session import stop_checkpoints  # noqa: E402
from fanzha.events.telecom_handler import TelecomHandler  # noqa: E402
from fanzha.events.worker import attach  # noqa: E402
from fanzha.services.telecom.block_list import NewEntry, add_entries  # noqa: E402
from fanzha.store.db import Database  # noqa: E402
from fanzha.store.models import CallRecord, Person, Phone, TelecomAlert  # noqa: E402

START = 1_714_492_800  # 2024-05-01 00:00 +08:00
BATCH = 500


def numbers(rng: np.random.Generator, n: int, prefix: int) -> np.ndarray:
    return (prefix * 100_000_000 + rng.choice(100_000_000, n, replace=False)).astype(np.int64)


def synthetic_calls(rng, n: int, residents: np.ndarray, flagged: np.ndarray) -> tuple[list[str], list[str], np.ndarray]:
    a = residents[rng.integers(0, len(residents), n)]
    b = numbers(rng, n, 139)
    fraud = rng.random(n) < 0.001
    b[fraud] = flagged[rng.integers(0, len(flagged), int(fraud.sum()))]
    swap = rng.random(n) < 0.5
    a2, b2 = np.where(swap, b, a), np.where(swap, a, b)
    start = START + np.sort(rng.integers(0, 30 * 86_400, n))
    return a2.astype(str).tolist(), b2.astype(str).tolist(), start.astype(float)


def bench_screen(args, rng) -> None:
    residents = numbers(rng, args.residents, 138)
    flagged = numbers(rng, args.flagged, 170)
    t = time.perf_counter()
    screen = CallScreen.build([Flag(str(f), "known", "bench", entry_id=i) for i, f in enumerate(flagged)],
                              [Resident(str(r), i, "CMCC") for i, r in enumerate(residents)])
    built = time.perf_counter() - t
    msisdn, other, start = synthetic_calls(rng, args.events, residents, flagged)
    t = time.perf_counter()
    hits = 0
    for i in range(0, args.events, BATCH):
        hits += len(screen.screen(msisdn[i:i + BATCH], other[i:i + BATCH], start[i:i + BATCH]))
    took = time.perf_counter() - t
    rate = args.events / took
    print(f"screen: {args.events:,} calls, {args.residents:,} residents, {args.flagged:,} flagged "
          f"(built in {built:.1f} s): {took:.2f} s, {rate:,.0f} events/s, {hits:,} hits  "
          f"[target 50,000/s: {'met' if rate >= 50_000 else 'MISSED'}]", flush=True)


def seed_store(db: Database, residents: np.ndarray, flagged: np.ndarray) -> None:
    with db.engine.begin() as conn:
        conn.execute(insert(Person.__table__), [{"id": i + 1, "name": f"居民{i}", "phone": str(r), "district": "城厢区"}
                                               for i, r in enumerate(residents)])
        conn.execute(insert(Phone.__table__), [{"number": str(r), "operator": "CMCC", "person_id": i + 1}
                                              for i, r in enumerate(residents)])
    with db.session() as s:
        add_entries(s, Actor.system("bench"), [NewEntry(number=str(f), reason="bench", provenance="manual")
                                               for f in flagged])


def bench_pipeline(args, rng) -> None:
    n = args.pipeline_events
    url = args.database
    folder = tempfile.TemporaryDirectory()
    if url == "sqlite":
        url = f"sqlite:///{Path(folder.name) / 'bench.sqlite'}"
    db = Database(url)
    residents = numbers(rng, args.pipeline_residents, 138)
    flagged = numbers(rng, 1000, 170)
    t = time.perf_counter()
    seed_store(db, residents, flagged)
    print(f"pipeline: store seeded with {len(residents):,} residents, {len(flagged):,} flagged in "
          f"{time.perf_counter() - t:.1f} s ({db.dialect})", flush=True)
    msisdn, other, start = synthetic_calls(rng, n, residents, flagged)
    payloads = [json.dumps({"event_id": f"e{i}", "msisdn": msisdn[i], "other": other[i], "call_type": "caller",
                            "start_time": datetime.fromtimestamp(start[i], UTC).isoformat(),
                            "duration_s": int(i % 300), "operator": "CMCC"}).encode() for i in range(n)]
    handler = TelecomHandler(db)
    handler.refresh()  # as the worker does at start: the residents and flags are loaded before events come
    handler.ready()  # and the SMS text model
    gc.freeze()  # as the worker command does: long-lived objects (the screen, the payloads) leave GC scans

    async def run() -> float:
        bus = InProcessBus()
        attach(bus, handler, batch_size=args.pipeline_batch, max_wait=0.0)
        await bus.start()
        t0 = time.perf_counter()
        for i, p in enumerate(payloads):
            await bus.publish(subjects.CALLS, p)
            if i % 20_000 == 0:
                await asyncio.sleep(0)
        await bus.drain(timeout=3600)
        took = time.perf_counter() - t0
        await bus.stop()
        return took

    cpu = time.process_time()
    took = asyncio.run(run())
    cpu = time.process_time() - cpu
    with db.session() as s:
        stored = s.scalar(select(func.count()).select_from(CallRecord))
        alerts = s.scalar(select(func.count()).select_from(TelecomAlert))
    rate = n / took
    print(f"pipeline: {n:,} events validated, stored, screened, acknowledged in {took:.1f} s: {rate:,.0f} events/s; "
          f"{stored:,} records stored, {alerts:,} alerts, {handler.stats.dead_letters} dead letters, "
          f"{n - stored} lost  [target 50,000/s: {'met' if rate >= 50_000 else 'MISSED'}]", flush=True)
    split = ", ".join(f"{phase} {seconds / n * 1e6:.1f}" for phase, seconds in handler.stats.phase_s.items())
    print(f"pipeline: µs per event (wall) — {split}; batches of up to {args.pipeline_batch:,} "
          f"({handler.stats.batches} batches); this process's CPU time {cpu:.1f} s for {took:.1f} s", flush=True)
    stop_checkpoints(db.engine)
    db.dispose()
    folder.cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--residents", type=int, default=1_000_000)
    parser.add_argument("--flagged", type=int, default=10_000)
    parser.add_argument("--pipeline-events", type=int, default=1_000_000)
    parser.add_argument("--pipeline-residents", type=int, default=100_000)
    parser.add_argument("--pipeline-batch", type=int, default=BULK_BATCH,
                        help="most events per transaction (as `fanzha stream replay` consumes in process; "
                             "the worker's --batch); batches grow to it only when events are waiting")
    parser.add_argument("--database", default="sqlite", help="sqlite (a fresh file) or a database URL")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    bench_screen(args, rng)
    if args.pipeline_events:
        bench_pipeline(args, rng)


if __name__ == "__main__":
    main()
