"""Publishing events (发布事件): one model, one subject, retried while the broker is away."""
from __future__ import annotations

import asyncio
import logging
import time

from pydantic import BaseModel

from fanzha.events import subjects
from fanzha.events.call_event import CallEvent
from fanzha.events.event_bus import EventBus
from fanzha.events.sms_event import SmsEvent
from fanzha.events.visit_event import VisitEvent

log = logging.getLogger("fanzha.events")


class BrokerUnavailable(RuntimeError):
    """The broker stayed away longer than the publisher was willing to wait."""


def subject_of(event: BaseModel) -> str:
    if isinstance(event, CallEvent):
        return subjects.CALLS
    if isinstance(event, SmsEvent):
        return subjects.SMS
    if isinstance(event, VisitEvent):
        return subjects.VISITS
    raise TypeError(f"no subject for {type(event).__name__}")


async def publish_event(bus: EventBus, event: BaseModel, *, give_up_after: float = 300.0) -> None:
    await publish_retrying(bus, subject_of(event), event.model_dump_json().encode(),
                           getattr(event, "event_id", None), give_up_after=give_up_after)


async def publish_retrying(bus: EventBus, subject: str, data: bytes, event_id: str | None, *,
                           give_up_after: float = 300.0) -> int:
    """Publish, retrying while the broker is away (the event id makes a retry safe); the attempts made."""
    deadline = time.monotonic() + give_up_after
    attempt, wait = 0, 0.1
    while True:
        attempt += 1
        try:
            await bus.publish(subject, data, event_id)
            if attempt > 1:
                log.warning("published %s on %s after %d attempts", event_id, subject, attempt)
            return attempt
        except Exception as exc:  # noqa: BLE001 - any failure to publish: wait, then try again
            if time.monotonic() + wait > deadline:
                raise BrokerUnavailable(f"could not publish {event_id} on {subject} for {give_up_after:.0f} s: "
                                        f"{exc.__class__.__name__}: {exc}") from exc
            if attempt == 1:
                log.warning("the broker did not take %s on %s (%s: %s); retrying until it is back",
                            event_id, subject, exc.__class__.__name__, exc)
            await asyncio.sleep(wait)
            wait = min(wait * 2, 2.0)
