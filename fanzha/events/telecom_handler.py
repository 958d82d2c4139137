"""The telecom events' handler (话单事件处理): validate, store once, screen, commit, then acknowledge.

One handler serves both brokers. For each batch of deliveries:

1. each event is validated; a malformed one becomes a dead letter with the reason (never dropped);
2. in one transaction: the records are stored by content key (a duplicate adds nothing), every
   call and SMS is screened against the live block lists and the residents (and an SMS's text by
   the text classifier, sms_screening.py), alerts are raised once per call or message and handed
   to the warning desk, the dead letters are kept;
3. only after that commit is each delivery acknowledged. If the transaction fails (the store is
   down), nothing is acknowledged: the batch is refused back to the broker and delivered again.

Calls are read a batch at a time (call_batch.py: plain events read and checked by msgspec in C,
anything else by ``CallEvent``) and stored with one driver-level insert; a broker may hand the
next batch while one commits, and commits stay one at a time per subject, in order. On SQLite the
commit does not checkpoint the log, and the stream's connection keeps a large page cache
(stream_session.py).

Events may arrive in any order: a call's time is its own, and a flag applies to calls that
started before the flag expired.
"""
from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from pydantic import ValidationError

from fanzha.domain import clock
from fanzha.domain.warning_lead import LeadSource
from fanzha.engines.call_screening import CallScreen, merge_flags
from fanzha.events import subjects
from fanzha.events.call_batch import DURATION, KEY, MSISDN, OTHER, CallBatch, read_calls
from fanzha.events.call_event import CallEvent
from fanzha.events.delivery import Delivery
from fanzha.events.event_fields import event_id_of, rejection_reason
from fanzha.events.sms_event import SmsEvent
from fanzha.events.stream_session import stream_session
from fanzha.events.stream_stats import BatchOutcome, StreamStats
from fanzha.services import audit
from fanzha.services.telecom.alerts import AlertDraft, raise_alerts, raise_alerts_by_draft
from fanzha.services.telecom.call_blocking import ACTIONS, alert_action, blocking_operators
from fanzha.services.telecom.screen_loader import (
    flags_version,
    load_flags,
    residents,
    residents_version,
)
from fanzha.services.telecom.sms_screening import (
    TEXT_THRESHOLD,
    Classify,
    default_classify,
    sms_drafts,
)
from fanzha.services.telecom.stream_records import store_calls, store_dead_letters, store_sms
from fanzha.services.warning.from_alerts import leads_from_alerts
from fanzha.store.db import Database

log = logging.getLogger("fanzha.events")
RETRY_DELAY_S = 1.0
# The flags are checked every flags_refresh_s and read again only when their fingerprint changed,
# and in any case this often, in case a row was changed where the fingerprint cannot see it.
FLAGS_RELOAD_S = 60.0
SCHEMAS = {subjects.CALLS: CallEvent, subjects.SMS: SmsEvent}


@dataclass
class _Parsed:
    events: CallBatch | list  # calls as a batch of rows; SMS as events
    dead: list[tuple[str, str | None, str, str]]  # subject, event id, payload, reason
    decode_s: float = 0.0


class TelecomHandler:
    """Call it with (subject, deliveries); ``stats`` says what it has done."""

    def __init__(self, db: Database, *, flags_refresh_s: float = 1.0, residents_refresh_s: float = 60.0,
                 scores: Mapping[str, float] | None = None, threshold: float = 0.5,
                 operators: frozenset[str] | None = None,
                 on_batch: Callable[[BatchOutcome], None] | None = None, commit_in_thread: bool = True,
                 classify_sms: Classify | None | bool = True, sms_threshold: float = TEXT_THRESHOLD) -> None:
        self.db = db
        self.flags_refresh_s = flags_refresh_s
        self.residents_refresh_s = residents_refresh_s
        self.scores = scores
        self.threshold = threshold
        self.operators = blocking_operators() if operators is None else operators
        self.on_batch = on_batch
        self.commit_in_thread = commit_in_thread  # False: commit on the event loop (no thread hop)
        self.stats = StreamStats()
        self.sms_threshold = sms_threshold
        # The SMS text classifier: given, none (False), or the shipped model (True), whose libraries
        # take seconds to import: loaded in the background from now, waited for by the first SMS.
        self._classify_sms: Classify | None = classify_sms if callable(classify_sms) else None
        self._classifier_ready = threading.Event()
        if classify_sms is True:
            threading.Thread(target=self._load_classifier, name="sms classifier", daemon=True).start()
        else:
            self._classifier_ready.set()
        self._screen: CallScreen | None = None
        self._flags_at = self._residents_at = -1e18
        self._residents_version: tuple | None = None
        self._flags_version: tuple | None = None
        self._flags_loaded_at = -1e18
        self._lock = threading.Lock()
        self._commit_locks: dict[str, tuple[asyncio.AbstractEventLoop, asyncio.Lock]] = {}

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
                self._flags_version = flags_version(session)
                self._screen = CallScreen(merge_flags(load_flags(session), self.scores, self.threshold),
                                          residents(session))
                self._residents_at = self._flags_at = self._flags_loaded_at = now
            elif now - self._flags_at >= self.flags_refresh_s:
                self._flags_at = now
                flags = flags_version(session)
                if flags != self._flags_version or now - self._flags_loaded_at >= FLAGS_RELOAD_S:
                    self._flags_version, self._flags_loaded_at = flags, now
                    self._screen = self._screen.with_flags(merge_flags(load_flags(session), self.scores,
                                                                       self.threshold))
            return self._screen

    def _in_order(self, subject: str) -> asyncio.Lock:
        """One commit at a time per subject, in the order the batches came (on this event loop)."""
        loop = asyncio.get_running_loop()
        found = self._commit_locks.get(subject)
        if found is None or found[0] is not loop:
            found = self._commit_locks[subject] = (loop, asyncio.Lock())
        return found[1]

    def _load_classifier(self) -> None:
        try:
            self._classify_sms = default_classify()
        finally:
            self._classifier_ready.set()

    def ready(self, timeout: float | None = None) -> bool:
        """Wait until the SMS text classifier is loaded (True when it is, or when there is none)."""
        return self._classifier_ready.wait(timeout)

    def _classify(self) -> Classify | None:
        self._classifier_ready.wait()
        return self._classify_sms

    # -- the handler ----------------------------------------------------------------------------
    async def __call__(self, subject: str, deliveries: list[Delivery]) -> None:
        began = time.perf_counter()
        parsed = self._parse(subject, deliveries)
        parsed.decode_s = time.perf_counter() - began
        try:
            async with self._in_order(subject):  # a broker may hand the next batch while this one commits
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
        payloads = [d.data for d in deliveries]
        if subject == subjects.CALLS:  # decoded and checked as a batch (call_batch.py)
            calls = read_calls(subject, payloads)
            return _Parsed(calls, calls.dead)
        schema = SCHEMAS.get(subject)
        events, dead = [], []
        for data in payloads:
            if schema is None:
                dead.append((subject, None, data.decode("utf-8", "replace"), f"no events are expected on {subject}"))
                continue
            try:
                events.append(schema.model_validate_json(data))
            except ValidationError as exc:
                dead.append((subject, event_id_of(data), data.decode("utf-8", "replace"), rejection_reason(exc)))
        return _Parsed(events, dead)

    def _commit(self, subject: str, parsed: _Parsed, received: int) -> BatchOutcome:
        events = parsed.events
        alert_ids: list[int] = []
        alert_sent: list[float] = []
        sent_at: list[float] = []
        clock_at = time.perf_counter
        at = [clock_at()]  # the phases' boundaries: store, screen, alert, commit
        with stream_session(self.db) as session:
            if isinstance(events, CallBatch):
                new = store_calls(session, events.rows)
                at.append(clock_at())
                screen = self.refresh(session)
                drafts, alert_sent = self._drafts(screen, events)
                at.append(clock_at())
                alert_ids = raise_alerts(session, drafts)
                leads_from_alerts(session, alert_ids)  # handed to the warning desk in the same commit
                if alert_ids:
                    audit.record(session, None, "telecom.alert.raise", object_type="telecom_alert",
                                 actor_name="call-screen",
                                 detail={"alerts": alert_ids[:200], "count": len(alert_ids)})
                sent_at = [t for t in events.sent_at if t is not None]
            else:
                new = store_sms(session, [e.record_row() for e in events])
                at.append(clock_at())
                screen = self.refresh(session)
                drafts, where = sms_drafts(screen, events, self._classify(), self.sms_threshold)
                at.append(clock_at())
                raised = raise_alerts_by_draft(session, drafts)
                alert_ids = [alert_id for alert_id, _ in raised]
                leads_from_alerts(session, alert_ids, source=LeadSource.FRAUD_CONTACT,
                                  evidence={alert_id: d.evidence for alert_id, d in raised})
                if alert_ids:
                    audit.record(session, None, "telecom.alert.raise", object_type="telecom_alert",
                                 actor_name="sms-screen",
                                 detail={"alerts": alert_ids[:200], "count": len(alert_ids), "channel": "sms"})
                alert_sent = [t.timestamp() for i in where if (t := events[i].sent_at) is not None]
                sent_at = [e.sent_at.timestamp() for e in events if e.sent_at is not None]
            store_dead_letters(session, parsed.dead)
            session.flush()
            at.append(clock_at())
        done = time.time()
        at.append(clock_at())
        phases = {"decode": parsed.decode_s, **{phase: at[i + 1] - at[i]
                                                 for i, phase in enumerate(("store", "screen", "alert", "commit"))}}
        return BatchOutcome(subject=subject, received=received, stored=new, duplicates=len(events) - new,
                            dead_letters=len(parsed.dead), alerts=alert_ids, committed_at=done, sent_at=sent_at,
                            alert_sent_at=alert_sent if alert_ids else [], phases=phases)

    def _drafts(self, screen: CallScreen, calls: CallBatch) -> tuple[list[AlertDraft], list[float]]:
        if not screen.flags:
            return [], []
        rows = calls.rows
        hits = screen.screen([r[MSISDN] for r in rows], [r[OTHER] for r in rows], calls.start_epochs())
        now = clock.now()
        drafts, sent = [], []
        for hit in hits:
            row = rows[hit.index]
            start = calls.start(hit.index)
            operator = hit.resident.operator
            flag = hit.flag
            action = alert_action(operator, start, row[DURATION], now, self.operators,
                                  suspected=flag.list_kind == "suspected")  # only an officer's order cuts a call
            source = f"block list entry {flag.entry_id}" if flag.entry_id is not None else "the number model"
            reason = (f"{hit.resident.number} is on a call with {flag.number} ({flag.list_kind}, {source}: "
                      f"{flag.reason}); {ACTIONS[action]}")
            drafts.append(AlertDraft(resident_number=hit.resident.number, person_id=hit.resident.person_id,
                                     flagged_number=flag.number, block_entry_id=flag.entry_id,
                                     call_record_key=row[KEY], call_start=start, operator=operator,
                                     reason=reason[:2000], action=action))
            if (t := calls.sent_at[hit.index]) is not None:
                sent.append(t)
        return drafts, sent
