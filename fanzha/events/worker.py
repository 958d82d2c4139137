"""The stream's worker (流处理进程): the telecom handler subscribed to the call and SMS subjects."""
from __future__ import annotations

from fanzha.events import subjects
from fanzha.events.event_bus import DEFAULT_BATCH, DEFAULT_MAX_WAIT, EventBus
from fanzha.events.telecom_handler import TelecomHandler
from fanzha.store.db import Database


def attach(bus: EventBus, handler: TelecomHandler, *, batch_size: int = DEFAULT_BATCH,
           max_wait: float = DEFAULT_MAX_WAIT) -> TelecomHandler:
    """Subscribe ``handler`` to every telecom subject on ``bus`` (start the bus afterwards)."""
    for subject in subjects.ALL:
        bus.subscribe(subject, handler, batch_size=batch_size, max_wait=max_wait)
    return handler


def telecom_worker(bus: EventBus, db: Database, *, batch_size: int = DEFAULT_BATCH,
                   max_wait: float = DEFAULT_MAX_WAIT, **handler_options) -> TelecomHandler:
    """A TelecomHandler on ``db`` subscribed to every telecom subject on ``bus``."""
    return attach(bus, TelecomHandler(db, **handler_options), batch_size=batch_size, max_wait=max_wait)
