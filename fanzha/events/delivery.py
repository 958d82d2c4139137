"""Delivery (投递): one event handed to a consumer, to be acknowledged once it is safely stored.

Both brokers hand the handler the same thing: the subject, the bytes, and ``ack``/``nack``. A
delivery neither acknowledged nor refused is delivered again (JetStream after its ack wait, the
in-process broker at once), so an event is lost only if it was acknowledged.
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol


class Delivery(Protocol):
    subject: str
    data: bytes
    attempt: int  # 1 on the first delivery

    async def ack(self) -> None: ...

    async def nack(self, delay: float | None = None) -> None: ...


BatchHandler = Callable[[str, list[Delivery]], Awaitable[None]]
