"""The telecom events' handler (话单事件处理): validate, store once, screen, commit, then acknowledge.

One handler serves both brokers. For each batch of deliveries:

1. each event is validated; a malformed one becomes a dead letter with the reason (never dropped);
2. in one transaction: the records are stored by content key (a duplicate adds nothing), every
   call is screened against the live block lists and the residents, alerts are raised once per
   call, the dead letters are kept;
3. only after that commit is each delivery acknowledged. If the transaction fails (the store is
   down), nothing is acknowledged: the batch is refused back to the broker and delivered again.

Events may arrive in any order: a call's time is its own, and a flag applies to calls that
started before the flag expired.
"""
from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from pydantic import ValidationError

from fanzha.domain import clock
from fanzha.domain.errors import problems_from_validation
from fanzha.engines.call_screening import CallScreen, merge_flags
from fanzha.events import subjects
from fanzha.events.call_event import CallEvent
from fanzha.events.delivery import Delivery
from fanzha.events.sms_event import SmsEvent
from fanzha.events.stream_stats import BatchOutcome, StreamStats
from fanzha.services import audit
from fanzha.services.telecom.alerts import AlertDraft, raise_alerts
from fanzha.services.telecom.call_blocking import ACTIONS, alert_action, blocking_operators
from fanzha.services.telecom.screen_loader import load_flags, residents, residents_version
from fanzha.services.telecom.stream_records import store_calls, store_dead_letters, store_sms
from fanzha.services.warning.from_alerts import leads_from_alerts
from fanzha.store.db import Database

log = logging.getLogger("fanzha.events")
RETRY_DELAY_S = 1.0
SCHEMAS = {subjects.CALLS: CallEvent, subjects.SMS: SmsEvent}


@dataclass
class _Parsed:
    events: list
    dead: list[tuple[str, str | None, str, str]]  # subject, event id, payload, reason


def _reason(exc: ValidationError) -> str:
    return "; ".join(str(p) for p in problems_from_validation(exc))


def _event_id(data: bytes) -> str | None:
    try:
        value = json.loads(data).get("event_id")
        return str(value) if value is not None else None
    except Exception:  # noqa: BLE001 - not JSON, or not an object: no id to keep
        return None


class TelecomHandler:
    """Call it with (subject, deliveries); ``stats`` says what it has done."""

    def __init__(self, db: Database, *, flags_refresh_s: float = 1.0, residents_refresh_s: float = 60.0,
                 scores: Mapping[str, float] | None = None, threshold: float = 0.5,
                 operators: frozenset[str] | None = None,
                 on_batch: Callable[[BatchOutcome], None] | None = None, commit_in_thread: bool = True) -> None:
        self.db = db
        self.flags_refresh_s = flags_refresh_s
        self.residents_refresh_s = residents_refresh_s
        self.scores = scores
        self.threshold = threshold
        self.operators = blocking_operators() if operators is None else operators
        self.on_batch = on_batch
        self.commit_in_thread = commit_in_thread  # False: commit on the event loop (no thread hop)
        self.stats = StreamStats()
        self._screen: CallScreen | None = None
        self._flags_at = self._residents_at = -1e18
        self._residents_version: tuple | None = None
        self._lock = threading.Lock()

    # -- the screen, refreshed from the store on a timer ----------------------------------------
    def refresh(self, session=None) -> CallScreen:
        """Reload the flags when due (and the residents when due); the screen to use."""
        if session is None:
            with self.db.session() as own:
                return self.refresh(own)
        with self._lock:
            now = time.monotonic()
            version = None
            if self._screen is not None and now - self._residents_at >= self.residents_refresh_s:
                self._residents_at = now
                version = residents_version(session)
            if self._screen is None or (version is not None and version != self._residents_version):
                self._residents_version = version or residents_version(session)
                self._screen = CallScreen(merge_flags(load_flags(session), self.scores, self.threshold),
                                          residents(session))
                self._residents_at = self._flags_at = now
            elif now - self._flags_at >= self.flags_refresh_s:
                self._screen = self._screen.with_flags(merge_flags(load_flags(session), self.scores, self.threshold))
                self._flags_at = now
            return self._screen

    # -- the handler ----------------------------------------------------------------------------
    async def __call__(self, subject: str, deliveries: list[Delivery]) -> None:
        parsed = self._parse(subject, deliveries)
        try:
            if self.commit_in_thread:
                outcome = await asyncio.to_thread(self._commit, subject, parsed, len(deliveries))
            else:
                outcome = self._commit(subject, parsed, len(deliveries))
        except Exception as exc:  # noqa: BLE001 - nothing acknowledged: the broker delivers them again
            self.stats.failed_batches += 1
            log.error("could not store %d events from %s (%s: %s); nothing acknowledged, they will be "
                      "delivered again", len(deliveries), subject, exc.__class__.__name__, exc)
            for d in deliveries:
                await d.nack(delay=RETRY_DELAY_S)
            return
        for d in deliveries:
            await d.ack()
        self.stats.add(outcome)
        if outcome.dead_letters:
            log.warning("%d malformed events on %s kept as dead letters: %s", outcome.dead_letters, subject,
                        "; ".join(reason for *_, reason in parsed.dead[:3]))
        if self.on_batch is not None:
            self.on_batch(outcome)

    def _parse(self, subject: str, deliveries: list[Delivery]) -> _Parsed:
        schema = SCHEMAS.get(subject)
        events, dead = [], []
        for d in deliveries:
            if schema is None:
                dead.append((subject, None, d.data.decode("utf-8", "replace"), f"no events are expected on {subject}"))
                continue
            try:
                events.append(schema.model_validate_json(d.data))
            except ValidationError as exc:
                dead.append((subject, _event_id(d.data), d.data.decode("utf-8", "replace"), _reason(exc)))
        return _Parsed(events, dead)

    def _commit(self, subject: str, parsed: _Parsed, received: int) -> BatchOutcome:
        events = parsed.events
        alert_ids: list[int] = []
        alert_sent: list[float] = []
        with self.db.session() as session:
            if subject == subjects.CALLS:
                new = store_calls(session, [e.record_row() for e in events])
                screen = self.refresh(session)
                drafts, alert_sent = self._drafts(screen, events)
                alert_ids = raise_alerts(session, drafts)
                leads_from_alerts(session, alert_ids)  # handed to the warning desk in the same commit
                if alert_ids:
                    audit.record(session, None, "telecom.alert.raise", object_type="telecom_alert",
                                 actor_name="call-screen",
                                 detail={"alerts": alert_ids[:200], "count": len(alert_ids)})
            else:
                new = store_sms(session, [e.record_row() for e in events])
            store_dead_letters(session, parsed.dead)
        done = time.time()
        return BatchOutcome(subject=subject, received=received, stored=len(new),
                            duplicates=len(events) - len(new), dead_letters=len(parsed.dead), alerts=alert_ids,
                            committed_at=done,
                            sent_at=[e.sent_at.timestamp() for e in events if e.sent_at is not None],
                            alert_sent_at=alert_sent if alert_ids else [])

    def _drafts(self, screen: CallScreen, events: list[CallEvent]) -> tuple[list[AlertDraft], list[float]]:
        if not screen.flags:
            return [], []
        hits = screen.screen([e.msisdn for e in events], [e.other for e in events],
                             [e.start_epoch for e in events])
        now = clock.now()
        drafts, sent = [], []
        for hit in hits:
            e = events[hit.index]
            operator = hit.resident.operator
            action = alert_action(operator, e.start_time, e.duration_s, now, self.operators)
            flag = hit.flag
            source = f"block list entry {flag.entry_id}" if flag.entry_id is not None else "the number model"
            reason = (f"{hit.resident.number} is on a call with {flag.number} ({flag.list_kind}, {source}: "
                      f"{flag.reason}); {ACTIONS[action]}")
            drafts.append(AlertDraft(resident_number=hit.resident.number, person_id=hit.resident.person_id,
                                     flagged_number=flag.number, block_entry_id=flag.entry_id,
                                     call_record_key=e.record_key, call_start=e.start_time, operator=operator,
                                     reason=reason[:2000], action=action))
            if e.sent_at is not None:
                sent.append(e.sent_at.timestamp())
        return drafts, sent
