"""The hourly number rule at work (号码速率规则): flag the numbers the last day of records shows.

Every hour (the stream's worker, the demo, or ``fanzha numbers rule``) the stored call and SMS
records of the window (24 hours up to the run's time) are counted per calling number, against the
residents (registered phones and persons' own numbers, as the call screen knows them). A number
that meets the rule (domain/number_rule.py), or that shares a handset with a number on a live
block list, goes on the block list as *suspected* (疑似涉诈号码), provenance ``rule``, with its
figures as the reason and a short expiry.

What a suspected entry does, and does not: the call screen loads every live entry (the stream's
handler reloads flags about once a second, screen_loader.py), so a call between the number and a
resident raises an alert and a lead for the warning desk, and the flash warning SMS; the number's
recent contacts get the mass warning SMS (mass_warning.py), as the desk does for a newly flagged
number. It raises no order to the operator: restricting the number itself (拦截, 关停, 二次实名)
takes a ``NumberOrder``, which only an officer raises (number_orders.py: from a case, or on
reviewing a model candidate), so the rule never switches anyone's phone off, and a live call from a
suspected number is not cut either (call_blocking.py: the alert is a callback, 回访).

A run is idempotent: a number already on a live list is not added again, so the same hour run
twice adds nothing (on PostgreSQL two runs at once take turns on an advisory lock; on SQLite
runs come from one process's schedule or by hand). A number an officer dismissed (NumberScore ``dismissed``) or cleared on appeal
(a lifted entry) is not flagged by the rule again: the rule does not overrule a person's decision.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from sqlalchemy import case, distinct, func, or_, select, text, union
from sqlalchemy.orm import Session

from fanzha.domain import clock
from fanzha.domain.actor import Actor
from fanzha.domain.number_rule import (
    CALL_RULE_RESIDENTS,
    EVERY,
    FLAG_DAYS,
    HANDSET_LOOKBACK,
    SHORT_CALL_S,
    SMS_RULE_RESIDENTS,
    WINDOW,
    CallFigures,
    SmsFigures,
    shared_handset_reason,
)
from fanzha.services import audit
from fanzha.services.telecom.block_list import NewEntry, add_entries
from fanzha.services.warning.mass_warning import DEFAULT_WINDOW_DAYS, send_mass_warning
from fanzha.store.db import Database
from fanzha.store.models import BlockListEntry, CallRecord, NumberScore, Person, Phone, SmsRecord

log = logging.getLogger("fanzha.telecom")
RULE = Actor.system("number-rule")
PROVENANCE = "rule"
LIST_KIND = "suspected"
ADVISORY_LOCK = 0x46_5A_52_31  # PostgreSQL: one rule run at a time


@dataclass(frozen=True)
class RuleFlag:
    """One number the run put on the block list, and why."""

    number: str
    basis: str  # calls / sms / handset
    reason: str
    entry_id: int | None = None
    residents: int = 0  # distinct residents called or texted in the window (0 for a shared handset)
    via: str | None = None  # the flagged number whose handset it shares
    imei: str | None = None


@dataclass
class RuleRun:
    window_start: datetime
    window_end: datetime
    flagged: list[RuleFlag] = field(default_factory=list)
    already_listed: int = 0  # met the rule, but already on a live list
    dismissed: int = 0  # met the rule, but an officer dismissed it or an appeal cleared it
    warned: int = 0  # mass warning SMS this run sent (one per resident per flagged number)
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return {"window_start": self.window_start.isoformat(), "window_end": self.window_end.isoformat(),
                "flagged": [f.__dict__ for f in self.flagged], "already_listed": self.already_listed,
                "dismissed": self.dismissed, "warned": self.warned, "seconds": round(self.seconds, 3)}


def latest_record_time(session: Session) -> datetime | None:
    """Just after the newest call or SMS on record: the run's time for a world loaded from files."""
    latest = [session.scalar(select(func.max(CallRecord.start_time))), session.scalar(select(func.max(SmsRecord.time)))]
    found = [t for t in latest if t is not None]
    return max(found) + timedelta(microseconds=1) if found else None


def stream_position(session: Session) -> datetime | None:
    """Where a replayed stream is now: the time of the call stored last. The demo replays a simulated
    month faster than real time (sim/live_stream.py), so its hour is the stream's, not the wall clock's."""
    return session.scalar(select(CallRecord.start_time).order_by(CallRecord.id.desc()).limit(1))


def _residents():
    return union(select(Phone.number.label("n")).where(Phone.person_id.is_not(None)),
                 select(Person.phone.label("n")).where(Person.phone.is_not(None))).subquery()


def call_figures(session: Session, start: datetime, end: datetime) -> list[CallFigures]:
    """Per calling number, its calls to residents in [start, end), each call once (the caller's
    operator and the resident's both record it: a UNION keeps one)."""
    c = CallRecord
    span = (c.start_time >= start, c.start_time < end)
    calls = union(
        select(c.msisdn.label("src"), c.other.label("dst"), c.start_time.label("t"), c.duration_s.label("d"))
        .where(c.call_type == "caller", *span),
        select(c.other.label("src"), c.msisdn.label("dst"), c.start_time.label("t"), c.duration_s.label("d"))
        .where(c.call_type == "called", *span),
    ).subquery()
    residents = _residents()
    reached = func.count(distinct(calls.c.dst))
    query = (select(calls.c.src, reached, func.count(), func.sum(case((calls.c.d < SHORT_CALL_S, 1), else_=0)))
             .join(residents, residents.c.n == calls.c.dst)
             .group_by(calls.c.src).having(reached >= CALL_RULE_RESIDENTS))
    return [CallFigures(src, int(n), int(total), int(short or 0)) for src, n, total, short in session.execute(query)]


def sms_figures(session: Session, start: datetime, end: datetime) -> list[SmsFigures]:
    """Per sending number, the residents it texted in [start, end), each message once."""
    s = SmsRecord
    span = (s.time >= start, s.time < end)
    texts = union(
        select(s.msisdn.label("src"), s.other.label("dst"), s.time.label("t")).where(s.direction == "out", *span),
        select(s.other.label("src"), s.msisdn.label("dst"), s.time.label("t")).where(s.direction == "in", *span),
    ).subquery()
    residents = _residents()
    reached = func.count(distinct(texts.c.dst))
    query = (select(texts.c.src, reached, func.count()).join(residents, residents.c.n == texts.c.dst)
             .group_by(texts.c.src).having(reached >= SMS_RULE_RESIDENTS))
    return [SmsFigures(src, int(n), int(total)) for src, n, total in session.execute(query)]


def _handsets(session: Session, flagged: set[str], start: datetime, end: datetime,
              left_out: set[str]) -> dict[str, tuple[str, str]]:
    """Numbers whose own outgoing calls in [start, end) used a handset a flagged number used too,
    to a fixed point: number → (the flagged number, the IMEI). One pass over the records: the
    handsets more than one number called from, and who used each."""
    c = CallRecord
    own = (c.call_type == "caller", c.imei.is_not(None), c.imei != "", c.start_time >= start, c.start_time < end)
    shared = select(c.imei).where(*own).group_by(c.imei).having(func.count(distinct(c.msisdn)) > 1)
    users: dict[str, list[str]] = {}
    phones: dict[str, list[str]] = {}
    for number, imei in session.execute(select(c.msisdn, c.imei).where(*own, c.imei.in_(shared)).distinct()
                                        .order_by(c.imei, c.msisdn)):
        users.setdefault(imei, []).append(number)
        phones.setdefault(number, []).append(imei)
    found: dict[str, tuple[str, str]] = {}
    queue = sorted(n for n in flagged if n in phones)
    known = set(flagged)
    while queue:
        via = queue.pop(0)
        for imei in phones[via]:
            for number in users[imei]:
                if number not in known and number not in left_out:
                    known.add(number)
                    found[number] = (via, imei)
                    queue.append(number)
    return found


def run_velocity_rule(db_or_session: Database | Session, now: datetime | None = None, window: timedelta = WINDOW,
                      *, actor: Actor = RULE, warn: bool = True) -> RuleRun:
    """Flag the numbers the records of ``window`` up to ``now`` show (see the module's docstring);
    ``warn``: send the mass warning SMS to each new flag's recent contacts."""
    if isinstance(db_or_session, Database):
        with db_or_session.session() as session:
            return run_velocity_rule(session, now, window, actor=actor, warn=warn)
    session = db_or_session
    began = time.perf_counter()
    if window <= timedelta(0):
        raise ValueError(f"the rule's window must be positive, not {window}")
    end = now or clock.now()
    if end.tzinfo is None:
        raise ValueError("the rule's time must carry a zone")
    run = RuleRun(window_start=end - window, window_end=end)
    if session.get_bind().dialect.name == "postgresql":  # two runs at once (worker, CLI) take turns
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK})
    at = clock.now()
    t = BlockListEntry
    live = set(session.scalars(select(t.number).where(t.lifted_at.is_(None),
                                                      or_(t.expires_at.is_(None), t.expires_at > at))))
    cleared = set(session.scalars(select(t.number).where(t.lifted_at.is_not(None)))) - live
    cleared |= set(session.scalars(select(NumberScore.number).where(NumberScore.state == "dismissed")))

    met: dict[str, RuleFlag] = {}
    for figures in call_figures(session, run.window_start, end):
        if figures.meets_rule():
            met[figures.number] = RuleFlag(figures.number, "calls", figures.reason(window), residents=figures.residents)
    for figures in sms_figures(session, run.window_start, end):
        if figures.meets_rule() and figures.number not in met:
            met[figures.number] = RuleFlag(figures.number, "sms", figures.reason(window), residents=figures.residents)
    new = []
    for number in sorted(met):
        if number in live:
            run.already_listed += 1
        elif number in cleared:
            run.dismissed += 1
        else:
            new.append(met[number])
    shared = _handsets(session, live | {f.number for f in new}, end - HANDSET_LOOKBACK, end, cleared)
    new += [RuleFlag(n, "handset", shared_handset_reason(via, imei), via=via, imei=imei)
            for n, (via, imei) in sorted(shared.items())]

    ref = f"rule {clock.local(end):%Y-%m-%d %H:%M}"
    if new:
        rows = add_entries(session, actor, [NewEntry(
            number=f.number, reason=f.reason, provenance=PROVENANCE, list_kind=LIST_KIND, provenance_ref=ref,
            expires_at=at + timedelta(days=FLAG_DAYS)) for f in new])
        run.flagged = [replace(f, entry_id=row.id) for f, row in zip(new, rows, strict=True)]
    if warn:
        since = end - timedelta(days=DEFAULT_WINDOW_DAYS)
        for f in run.flagged:
            run.warned += send_mass_warning(session, actor, f.number, None, now=at, since=since, suspected=True).added
    run.seconds = time.perf_counter() - began
    audit.record(session, actor, "numbers.rule", object_type="block_list", detail={
        "window_start": run.window_start.isoformat(), "window_end": end.isoformat(),
        "flagged": [{"number": f.number, "basis": f.basis, "entry_id": f.entry_id} for f in run.flagged[:200]],
        "count": len(run.flagged), "already_listed": run.already_listed, "dismissed": run.dismissed,
        "warned": run.warned})
    return run


class RuleSchedule:
    """The rule on a timer (a daemon thread): every ``every_s`` seconds it asks ``at`` for the run's
    time (the wall clock for a live stream; ``stream_position`` for a replayed one), and runs unless
    that hour was run already. With ``whole_hours`` the run's time is floored to the hour, so a
    replayed stream's windows end on the hour as the warning drill's do. A failed run is logged and
    the next one goes on."""

    def __init__(self, db: Database, every_s: float = EVERY.total_seconds(), *,
                 at: Callable[[Session], datetime | None] | None = None, whole_hours: bool = False,
                 actor: Actor = RULE, on_run: Callable[[RuleRun], None] | None = None) -> None:
        if every_s <= 0:
            raise ValueError(f"the rule's period must be positive, not {every_s} s")
        self.db, self.every_s, self.whole_hours, self.actor, self.on_run = db, every_s, whole_hours, actor, on_run
        self.at = at or (lambda session: clock.now())
        self.last: datetime | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def step(self) -> RuleRun | None:
        """One round: the run, or None when there is nothing to go by or the hour was run already."""
        with self.db.session() as session:
            at = self.at(session)
        if at is None:
            return None
        if self.whole_hours:
            at = clock.local(at).replace(minute=0, second=0, microsecond=0)
        if at == self.last:
            return None
        run = run_velocity_rule(self.db, at, actor=self.actor)
        self.last = at
        if self.on_run is not None:
            self.on_run(run)
        return run

    def start(self, first_after_s: float = 0.0) -> RuleSchedule:
        self._thread = threading.Thread(target=self._run, args=(first_after_s,), name="number-rule", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def _run(self, first_after_s: float) -> None:
        wait = first_after_s
        while not self._stop.wait(wait):
            wait = self.every_s
            try:
                self.step()
            except Exception:  # noqa: BLE001 - the next round tries again; the stream itself is untouched
                log.exception("number rule: a run failed; trying again in %.0f s", self.every_s)
