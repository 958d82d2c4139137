"""The site visits' handler (访问记录事件处理): validate, store once, screen, commit, then acknowledge.

For each batch of deliveries on ``fanzha.telecom.visits``, on NATS or in process alike:

1. each event is validated; a malformed one becomes a dead letter with its reason;
2. in one transaction: the visits new to the store are stored (a duplicate adds nothing) and
   screened against the fraud sites named in filed cases, each hit a ``fraud_url`` signal on the
   visitor's lead (services/warning/from_visits.py); when the list of sites has changed since the
   last batch, the visits already stored to the newly named sites are screened too (filing a case
   screens them as well, in the filing's own transaction, so a case filed while no worker runs is
   not missed: ``intake.file_report``);
3. only after that commit is each delivery acknowledged; if the transaction fails, nothing is
   acknowledged and the broker delivers the batch again.
"""
from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from pydantic import ValidationError
from sqlalchemy.orm import Session

from fanzha.domain import clock
from fanzha.events import subjects
from fanzha.events.delivery import Delivery
from fanzha.events.event_fields import event_id_of, rejection_reason
from fanzha.events.stream_session import stream_session
from fanzha.events.stream_stats import BatchOutcome, StreamStats
from fanzha.events.visit_event import VisitEvent
from fanzha.services.telecom.stream_records import store_dead_letters
from fanzha.services.telecom.visit_records import store_visits
from fanzha.services.warning.from_visits import (
    FraudSites,
    signals_for_new_sites,
    signals_for_visits,
    sites_version,
)
from fanzha.store.db import Database

log = logging.getLogger("fanzha.events")
RETRY_DELAY_S = 1.0
# A case entered just before the list was last read may commit just after: look that far back.
FILING_MARGIN = timedelta(seconds=60)


@dataclass
class _Parsed:
    events: list[VisitEvent]
    dead: list[tuple[str, str | None, str, str]]  # subject, event id, payload, reason
    decode_s: float = 0.0


class VisitHandler:
    """Call it with (subject, deliveries); ``stats`` and ``signals`` say what it has done."""

    def __init__(self, db: Database, *, sites_refresh_s: float = 1.0, commit_in_thread: bool = True,
                 on_batch: Callable[[BatchOutcome], None] | None = None) -> None:
        self.db = db
        self.sites_refresh_s = sites_refresh_s
        self.commit_in_thread = commit_in_thread
        self.on_batch = on_batch
        self.stats = StreamStats()
        self.signals = 0  # fraud_url signals taken (new visits and visits to newly named sites)
        self._sites: FraudSites | None = None
        self._sites_at = -1e18
        self._sites_read_at: datetime | None = None
        self._lock = threading.Lock()
        self._commit_locks: dict[asyncio.AbstractEventLoop, asyncio.Lock] = {}

    def as_dict(self) -> dict:
        return {**self.stats.as_dict(), "signals": self.signals}

    # -- the list of sites, refreshed from the store on a timer ---------------------------------
    def sites(self, session: Session) -> tuple[FraudSites, list[int], tuple | None]:
        """The list to screen by; the leads touched by screening the stored visits against sites
        named since the list was last read; and the new list to keep once the batch commits
        (None: unchanged), so a batch that fails is screened again the same way."""
        with self._lock:
            now = time.monotonic()
            if self._sites is not None and now - self._sites_at < self.sites_refresh_s:
                return self._sites, [], None
            self._sites_at = now
            if self._sites is not None and sites_version(session) == self._sites.version:
                return self._sites, [], None
            read_at = clock.now()
            sites = FraudSites.load(session)
            leads: list[int] = []
            if self._sites_read_at is not None:  # the first read has nothing to compare with
                leads = signals_for_new_sites(session, self._sites_read_at - FILING_MARGIN, sites)
            return sites, leads, (sites, read_at)

    def _keep(self, update: tuple | None) -> None:
        if update is not None:
            with self._lock:
                self._sites, self._sites_read_at = update

    def _in_order(self) -> asyncio.Lock:
        loop = asyncio.get_running_loop()
        lock = self._commit_locks.get(loop)
        if lock is None:
            lock = self._commit_locks[loop] = asyncio.Lock()
        return lock

    # -- the handler ----------------------------------------------------------------------------
    async def __call__(self, subject: str, deliveries: list[Delivery]) -> None:
        began = time.perf_counter()
        parsed = self._parse(subject, deliveries)
        parsed.decode_s = time.perf_counter() - began
        try:
            async with self._in_order():  # a broker may hand the next batch while this one commits
                if self.commit_in_thread:
                    outcome, signals = await asyncio.to_thread(self._commit, subject, parsed, len(deliveries))
                else:
                    outcome, signals = self._commit(subject, parsed, len(deliveries))
        except Exception as exc:  # noqa: BLE001 - nothing acknowledged: the broker delivers them again
            self.stats.failed_batches += 1
            log.error("could not store %d visit events (%s: %s); nothing acknowledged, they will be delivered "
                      "again", len(deliveries), exc.__class__.__name__, exc)
            for d in deliveries:
                await d.nack(delay=RETRY_DELAY_S)
            return
        for d in deliveries:
            await d.ack()
        self.stats.add(outcome)
        self.signals += signals
        if outcome.dead_letters:
            log.warning("%d malformed events on %s kept as dead letters: %s", outcome.dead_letters, subject,
                        "; ".join(reason for *_, reason in parsed.dead[:3]))
        if self.on_batch is not None:
            self.on_batch(outcome)

    def _parse(self, subject: str, deliveries: list[Delivery]) -> _Parsed:
        events, dead = [], []
        for d in deliveries:
            if subject != subjects.VISITS:
                dead.append((subject, event_id_of(d.data), d.data.decode("utf-8", "replace"),
                             f"no events are expected on {subject} by the visits handler"))
                continue
            try:
                events.append(VisitEvent.model_validate_json(d.data))
            except ValidationError as exc:
                dead.append((subject, event_id_of(d.data), d.data.decode("utf-8", "replace"), rejection_reason(exc)))
        return _Parsed(events, dead)

    def _commit(self, subject: str, parsed: _Parsed, received: int) -> tuple[BatchOutcome, int]:
        at = [time.perf_counter()]  # the phases' boundaries: store, screen, signal, commit
        with stream_session(self.db) as session:
            new = store_visits(session, [e.record_row() for e in parsed.events])
            at.append(time.perf_counter())
            sites, retro, update = self.sites(session)
            fresh = {row["record_key"] for row in new}
            visits = [e.visit() for e in parsed.events if e.record_key in fresh]
            at.append(time.perf_counter())
            leads = signals_for_visits(session, visits, sites) if len(sites) else []
            store_dead_letters(session, parsed.dead)
            session.flush()
            at.append(time.perf_counter())
        at.append(time.perf_counter())
        self._keep(update)
        sent_at = [e.sent_at.timestamp() for e in parsed.events if e.sent_at is not None]
        phases = {"decode": parsed.decode_s, **{phase: at[i + 1] - at[i]
                                                 for i, phase in enumerate(("store", "screen", "alert", "commit"))}}
        outcome = BatchOutcome(subject=subject, received=received, stored=len(new),
                               duplicates=len(parsed.events) - len(new), dead_letters=len(parsed.dead), alerts=[],
                               committed_at=time.time(), sent_at=sent_at, phases=phases)
        return outcome, len(leads) + len(retro)
