"""The event bus (事件总线): publish and subscribe, the same on NATS and in process.

``make_bus`` picks the broker from ``FANZHA_BROKER_URL``: ``nats://host:port`` gives FastStream's
NatsBroker on JetStream; unset (or ``memory://``) gives the in-process broker. Handlers receive
batches of deliveries and acknowledge each once its batch is committed.
"""
from __future__ import annotations

import os
from typing import Protocol

from fanzha.events.delivery import BatchHandler

DEFAULT_BATCH = 500  # most events a live consumer takes at once: small batches keep the latency low
# Most events a replay consumed as fast as it can (in process) takes at once. A batch holds only
# what is waiting, so it grows to this only when a backlog is there. On SQLite one transaction
# should then carry many rows: each commit writes every index page its rows touched, and calls
# land on random pages of three indexes, so 1,000,000 calls took 79 s in batches of 10,000 and
# 41 s in batches of 100,000 (bench/bench_screening.py, docs/benchmarks.md).
BULK_BATCH = 100_000
DEFAULT_MAX_WAIT = 0.002  # seconds a consumer waits to fill a batch: bounds the added latency


class EventBus(Protocol):
    kind: str  # "nats" or "memory"

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def publish(self, subject: str, data: bytes, event_id: str | None = None) -> None: ...

    def subscribe(self, subject: str, handler: BatchHandler, *, batch_size: int = DEFAULT_BATCH,
                  max_wait: float = DEFAULT_MAX_WAIT) -> None: ...


def broker_url() -> str | None:
    return os.environ.get("FANZHA_BROKER_URL") or None


def make_bus(url: str | None = None, **options) -> EventBus:
    """The bus for ``url`` (default: FANZHA_BROKER_URL)."""
    url = url if url is not None else broker_url()
    if not url or url.startswith("memory:"):
        from fanzha.events.in_process_bus import InProcessBus

        return InProcessBus()
    if url.startswith(("nats://", "tls://")):
        from fanzha.events.nats_bus import NatsBus

        return NatsBus(url, **options)
    raise ValueError(f"FANZHA_BROKER_URL {url!r} is not understood; use nats://host:4222, or leave it unset "
                     "for the in-process broker")
