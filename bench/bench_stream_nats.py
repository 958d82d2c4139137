"""Benchmark: call events through NATS JetStream at a steady rate (实时话单 through the broker).

    .venv/bin/python bench/bench_stream_nats.py [--rate 5000] [--seconds 60] [--url nats://...]
                                                [--residents 100000] [--database sqlite|URL] [--seed 7]

A publisher process sends ``--rate`` call events per second for ``--seconds`` to JetStream
(``--fraud-share`` of them, one in a hundred by default, from a flagged number to a resident: each
raises an alert), each stamped with its send time, waiting for the stream's acknowledgement
(``--no-publish-acks``: fire and forget, lighter on a small machine). This process runs the
stream worker as ``fanzha stream worker`` does (FastStream's batch pull consumer, the same
``TelecomHandler`` as in process, commits on the event loop for SQLite) on a fresh SQLite store
(or ``--database URL``) seeded with ``--residents`` residents and 1,000 flagged numbers. Without
``--url`` a private nats-server (JetStream, file storage) is started for the run.

Printed: events published (acknowledged by the stream) and stored, events lost (published and
not stored), duplicates, alerts, and the event-to-commit latency (send time to the commit that
stored the record and raised its alert) at p50/p99/max for all events and for the alerting ones;
and where the time goes: batch sizes, time in the handler per batch (with and without an alert),
µs per event per phase (decode, store, screen, alert, commit), the wait from send to the handler,
and the slowest batches (when, how big, their longest phase), since the machine may be shared.
Targets: p99 event-to-alert latency ≤ 50 ms and zero events lost at 5,000 events/s for 60 s.
"""
from __future__ import annotations

import argparse
import asyncio
import gc
import multiprocessing as mp
import sys
import tempfile
import time
import warnings
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select  # noqa: E402

from fanzha.events import subjects  # noqa: E402
from fanzha.events.local_nats import LocalNats  # noqa: E402
from fanzha.events.nats_bus import NatsBus  # noqa: E402
from fanzha.events.publisher import publish_retrying  # noqa: E402
from fanzha.events.stream_session import stop_checkpoints  # noqa: E402
from fanzha.events.telecom_handler import TelecomHandler  # noqa: E402
from fanzha.events.worker import attach  # noqa: E402
from fanzha.store.db import Database  # noqa: E402
from fanzha.store.models import CallRecord, TelecomAlert  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_screening import numbers, seed_store  # noqa: E402

TICK = 0.005


def publisher(url: str, rate: int, seconds: float, residents: list[str], flagged: list[str], seed: int,
              acks: bool, fraud_share: float, out: mp.Queue) -> None:
    """Child process: publish at ``rate`` per second; report (published, retries, behind_s)."""
    warnings.simplefilter("ignore")
    rng = np.random.default_rng(seed)

    class DirectJetStream:
        """The operators' side: nats-py's JetStream publish (waits for the stream's ack), without
        FastStream's per-message layer, so the load generator leaves the CPU to the worker."""

        def __init__(self, bus: NatsBus) -> None:
            self.js = bus.broker.config.connection_state.stream
            self.nc = bus.broker.config.connection_state.connection

        async def publish(self, subject: str, data: bytes, event_id: str | None = None) -> None:
            headers = {"Nats-Msg-Id": event_id} if event_id else None
            if acks:
                await self.js.publish(subject, data, headers=headers, timeout=5.0)
            else:  # fire and forget: the stream still keeps it; "lost" still counts what was not stored
                await self.nc.publish(subject, data, headers=headers)

    async def run() -> tuple[int, int, float]:
        bus = NatsBus(url, publish_timeout=5.0)
        await bus.connect()
        direct = DirectJetStream(bus)
        total = int(rate * seconds)
        who = rng.integers(0, len(residents), total)
        fraud = rng.random(total) < fraud_share
        retries = 0
        t0 = time.perf_counter()
        sent = 0
        tick = 0
        while sent < total:
            tick += 1
            due = min(total, int(rate * TICK * tick))
            batch = []
            now = time.time()
            stamp = datetime.fromtimestamp(now, UTC).isoformat()
            start = datetime.fromtimestamp(now - 1, UTC).isoformat()
            for i in range(sent, due):
                other = flagged[i % len(flagged)] if fraud[i] else f"139{i:08d}"
                body = (f'{{"event_id":"b{i}","msisdn":"{residents[who[i]]}","other":"{other}",'
                        f'"call_type":"called","start_time":"{start}","duration_s":0,"operator":"CMCC",'
                        f'"sent_at":"{stamp}"}}')
                batch.append(publish_retrying(direct, subjects.CALLS, body.encode(), f"b{i}"))
            if batch:
                attempts = await asyncio.gather(*batch)
                retries += sum(a - 1 for a in attempts)
            sent = due
            ahead = t0 + tick * TICK - time.perf_counter()
            if ahead > 0:
                await asyncio.sleep(ahead)
        behind = time.perf_counter() - t0 - seconds
        if not acks:
            await direct.nc.flush()
        await bus.stop()
        return sent, retries, behind

    out.put(asyncio.run(run()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rate", type=int, default=5000)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--url", default=None, help="a NATS server with JetStream (default: a private one)")
    parser.add_argument("--residents", type=int, default=100_000)
    parser.add_argument("--database", default="sqlite")
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--max-wait", type=float, default=0.002)
    parser.add_argument("--fraud-share", type=float, default=0.01,
                        help="share of calls from a flagged number to a resident (each raises an alert)")
    parser.add_argument("--no-publish-acks", action="store_true",
                        help="publish without waiting for the stream's ack (less load on a small machine)")
    parser.add_argument("--commit-in-thread", action="store_true",
                        help="commit in a worker thread even on SQLite (the worker commits inline there)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    warnings.simplefilter("ignore")

    folder = tempfile.TemporaryDirectory()
    server = None
    url = args.url
    if url is None:
        server = LocalNats(Path(folder.name) / "jetstream").start()
        url = server.url
    db_url = args.database if args.database != "sqlite" else f"sqlite:///{Path(folder.name) / 'bench.sqlite'}"
    db = Database(db_url)
    rng = np.random.default_rng(args.seed)
    residents = numbers(rng, args.residents, 138)
    flagged = numbers(rng, 1000, 170)
    seed_store(db, residents, flagged)
    print(f"store: {db.dialect}, {args.residents:,} residents, 1,000 flagged; broker {url}", flush=True)

    # As the worker command does: on SQLite the commit runs on the event loop, else in a thread.
    in_thread = args.commit_in_thread or db.dialect != "sqlite"
    batches: list[tuple[int, float, int]] = []  # per batch: events, seconds in the handler, alerts
    waits: list[float] = []  # per event: from its send to its batch reaching the handler, ms
    slowest: list[tuple] = []  # per batch: oldest event's latency, when, size, ms in the handler, its longest phase

    def on_batch(o) -> None:
        busy = sum(o.phases.values())
        batches.append((o.received, busy, len(o.alerts)))
        waits.extend((o.committed_at - busy - t) * 1000 for t in o.sent_at)
        if o.sent_at:
            slowest.append(((o.committed_at - min(o.sent_at)) * 1000, o.committed_at, o.received, busy * 1000,
                            max(o.phases, key=o.phases.get)))

    handler = TelecomHandler(db, commit_in_thread=in_thread, on_batch=on_batch)
    print(f"store: {db.dialect}, {args.residents:,} residents, 1,000 flagged; commits "
          f"{'in a thread' if in_thread else 'on the event loop'}; broker {url}; "
          f"publisher {'without' if args.no_publish_acks else 'waiting for'} stream acks", flush=True)

    async def run() -> tuple[int, int, float]:
        bus = NatsBus(url)
        attach(bus, handler, batch_size=args.batch, max_wait=args.max_wait)
        await bus.start()
        handler.refresh()
        await asyncio.to_thread(handler.ready)  # the SMS text model, loaded in the background
        gc.freeze()  # as the worker command does: the screen's long-lived objects leave the collector's scans
        out: mp.Queue = mp.get_context("spawn").Queue()
        child = mp.get_context("spawn").Process(
            target=publisher, args=(url, args.rate, args.seconds, residents.astype(str).tolist(),
                                    flagged.astype(str).tolist(), args.seed, not args.no_publish_acks, args.fraud_share, out))
        t0 = time.perf_counter()
        child.start()
        while child.is_alive() and out.empty():
            await asyncio.sleep(0.2)
        published, retries, behind = await asyncio.to_thread(out.get)
        child.join()
        deadline = time.perf_counter() + 60
        while handler.stats.received < published and time.perf_counter() < deadline:
            await asyncio.sleep(0.05)
        took = time.perf_counter() - t0
        await asyncio.sleep(0.5)
        await bus.stop()
        print(f"published {published:,} events in {args.seconds + behind:.1f} s ({published / (args.seconds + behind):,.0f}/s; "
              f"{retries} publish retries); consumed in {took:.1f} s", flush=True)
        return published, retries, took

    published, _, _ = asyncio.run(run())
    with db.session() as s:
        stored = s.scalar(select(func.count()).select_from(CallRecord))
        alerts = s.scalar(select(func.count()).select_from(TelecomAlert))
    stats = handler.stats
    lat = np.fromiter(stats.latencies_ms, float)
    alat = np.fromiter(stats.alert_latencies_ms, float)

    def figures(values: np.ndarray) -> str:
        if not len(values):
            return "none"
        return (f"p50 {np.percentile(values, 50):.1f} ms, p99 {np.percentile(values, 99):.1f} ms, "
                f"max {values.max():.1f} ms over {len(values):,}")

    lost = published - stored
    print(f"stored {stored:,}, lost {lost:,}, duplicates {stats.duplicates:,}, dead letters {stats.dead_letters}, "
          f"alerts {alerts:,}, batches {stats.batches:,}, failed batches {stats.failed_batches}")
    print(f"event-to-commit latency, all events: {figures(lat)}")
    sizes = np.array([b[0] for b in batches]) if batches else np.zeros(1)
    took = np.array([b[1] for b in batches]) * 1000 if batches else np.zeros(1)
    with_alerts = took[np.array([b[2] > 0 for b in batches])] if batches else np.zeros(0)
    split = ", ".join(f"{phase} {seconds / max(stats.received, 1) * 1e6:.0f}" for phase, seconds in stats.phase_s.items())
    print(f"batches: {len(batches):,}, events per batch p50 {np.percentile(sizes, 50):.0f} max {sizes.max()}; "
          f"handler time per batch p50 {np.percentile(took, 50):.1f} ms, p99 {np.percentile(took, 99):.1f} ms; "
          f"batches with an alert p50 {np.percentile(with_alerts, 50) if len(with_alerts) else 0:.1f} ms, "
          f"p99 {np.percentile(with_alerts, 99) if len(with_alerts) else 0:.1f} ms; µs per event: {split}")
    print(f"from send to the handler (publish, stream, fetch, queue): {figures(np.array(waits))}")
    if slowest:
        first = min(b[1] for b in slowest)
        print("slowest batches (latency ms @ s into the run, events, ms in the handler, its longest phase): " + "; ".join(
            f"{lat:.0f} @ {at - first:.2f} s, {n}, {busy:.1f} {phase}" for lat, at, n, busy, phase in sorted(slowest)[-6:]))
    alert_p99 = np.percentile(alat, 99) if len(alat) else float("nan")
    print(f"event-to-alert latency: {figures(alat)}  [target p99 ≤ 50 ms and 0 lost: "
          f"{'met' if alert_p99 <= 50 and lost == 0 else 'MISSED'}]", flush=True)
    stop_checkpoints(db.engine)
    db.dispose()
    if server:
        server.stop()
    folder.cleanup()


if __name__ == "__main__":
    main()
