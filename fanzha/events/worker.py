"""The stream's worker (流处理进程): the telecom handler on the call and SMS subjects, the visits
handler on the site visits' subject."""
from __future__ import annotations

from fanzha.events import subjects
from fanzha.events.event_bus import DEFAULT_BATCH, DEFAULT_MAX_WAIT, EventBus
from fanzha.events.telecom_handler import TelecomHandler
from fanzha.events.visit_handler import VisitHandler
from fanzha.store.db import Database


def attach(bus: EventBus, handler: TelecomHandler | VisitHandler, *, batch_size: int = DEFAULT_BATCH,
           max_wait: float = DEFAULT_MAX_WAIT) -> TelecomHandler | VisitHandler:
    """Subscribe ``handler`` to the subjects it consumes on ``bus`` (start the bus afterwards)."""
    for subject in (subjects.VISITS,) if isinstance(handler, VisitHandler) else subjects.RECORDS:
        bus.subscribe(subject, handler, batch_size=batch_size, max_wait=max_wait)
    return handler


def visit_worker(bus: EventBus, db: Database, *, batch_size: int = DEFAULT_BATCH,
                 max_wait: float = DEFAULT_MAX_WAIT, commit_in_thread: bool = True) -> VisitHandler:
    """A VisitHandler on ``db`` subscribed to the site visits' subject on ``bus``."""
    handler = VisitHandler(db, commit_in_thread=commit_in_thread)
    attach(bus, handler, batch_size=batch_size, max_wait=max_wait)
    return handler


def telecom_worker(bus: EventBus, db: Database, *, batch_size: int = DEFAULT_BATCH,
                   max_wait: float = DEFAULT_MAX_WAIT, visits: bool = True, **handler_options) -> TelecomHandler:
    """A TelecomHandler on ``db`` subscribed to the call and SMS subjects on ``bus``; with ``visits``
    (the default) a VisitHandler on the visits' subject as well (``visit_worker`` gives one whose
    counts you want to read)."""
    handler = TelecomHandler(db, **handler_options)
    attach(bus, handler, batch_size=batch_size, max_wait=max_wait)
    if visits:
        visit_worker(bus, db, batch_size=batch_size, max_wait=max_wait,
                     commit_in_thread=handler_options.get("commit_in_thread", True))
    return handler
