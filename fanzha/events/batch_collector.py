"""Collecting deliveries into batches (攒批): one store transaction for many events.

Deliveries are added one by one as the broker pushes them; the collector hands the handler
whatever has gathered, as soon as the previous batch is done (waiting at most ``max_wait`` for a
batch to fill). Under load batches grow by themselves; when quiet, an event waits ``max_wait`` at
most. Nothing is acknowledged here: the handler acknowledges after its commit.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging

from fanzha.events.delivery import BatchHandler, Delivery

log = logging.getLogger("fanzha.events")


class BatchCollector:
    def __init__(self, subject: str, handler: BatchHandler, batch_size: int, max_wait: float) -> None:
        self.subject = subject
        self.handler = handler
        self.batch_size = batch_size
        self.max_wait = max_wait
        self.pending: list[Delivery] = []
        self._arrived = asyncio.Event()
        self._full = asyncio.Event()
        self._task: asyncio.Task | None = None

    def add(self, delivery: Delivery) -> None:
        self.pending.append(delivery)
        self._arrived.set()
        if len(self.pending) >= self.batch_size:
            self._full.set()

    def start(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name=f"batches {self.subject}")

    async def stop(self) -> None:
        """Stop; what was gathered and not handled stays unacknowledged (delivered again later)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        self.pending = []

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            while not self.pending:
                self._arrived.clear()
                await self._arrived.wait()
            deadline = loop.time() + self.max_wait
            while len(self.pending) < self.batch_size and (left := deadline - loop.time()) > 0:
                self._full.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._full.wait(), left)
            batch, self.pending = self.pending[:self.batch_size], self.pending[self.batch_size:]
            try:
                await self.handler(self.subject, batch)
            except Exception:  # noqa: BLE001 - unacknowledged events are delivered again; say why
                log.exception("handler for %s failed; %d events will be delivered again", self.subject, len(batch))
