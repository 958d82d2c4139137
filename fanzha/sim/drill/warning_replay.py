"""The warning drill's replay (劝阻演练回放): leads as the signals appear, officers work them, victims pay or stop.

The whole city is replayed in simulated time, event by event, because the stations' officers are
shared (``warning_duty``): a lead waits for a free officer behind the leads of higher grade and,
within a grade, behind older ones. Each person's chances are drawn from a generator seeded by the
drill's seed and the person, and events at the same second are taken in a fixed order, so the same
seed gives the same drill.

1. A signal opens a lead (or joins the open one). The lead is graded with ``grade()`` on what is
   known about the person then: the sources of the lead's signals, every contact with a flagged
   number in the last 24 hours, how far into the script (money leaving once a risky transfer is
   seen; deep in it after repeated contact or a visit to a flagged site), the amount seen leaving, the fraud type when a report
   named it, and the person's age.
2. The station's duty desk signs after a delay by grade (``warning_officers``); the lead joins the
   station's queue; an officer on duty takes it when free (高 first, then the oldest), calls, or
   visits when the call is not answered (高 and 中). When the person's line is busy with the
   flagged number's call (the call screen shows it), a 高 or 中 lead sends the patrol at once while
   the officer keeps calling: the first to get through reaches the person. A signal that raises the grade before an
   officer takes it tightens it, never loosens: before signing, the sign delay is drawn again for
   the new grade and the earlier time kept; in the queue, it moves up to its new grade.
3. Reached: the person is warned. A victim reached before the truth's first contact of their
   fraud (a lead about an earlier number, days before) is only warned: no effect is modelled, as
   a warning about one call need not stop a different script later. A victim reached once the
   script has begun is dissuaded with the officers' chance for the payments already made; a
   dissuaded victim makes no payment after that moment, and the loss avoided is the truth's
   payments after it, to the fen. Not reached: the lead ends unreachable.
4. The lead closes. Signals in the ``COOL_OFF_S`` after it join it (the person was just warned),
   unless they would grade higher, which opens a new lead; later signals open a new lead.
5. Mass warning SMS (``warning_sms``) reach the victims in contact with a newly flagged number, and
   a flash SMS (闪信) reaches a victim at each call in progress with a flagged number, each with a
   small stated chance of stopping them.

Without the desk (``desk=False``) no lead is raised, no SMS or flash SMS sent, and every victim pays as in the truth.
"""
from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from fanzha.domain.dissuasion import Result
from fanzha.domain.warning_lead import Grade, Grading, LeadSource, Signals, Stage, grade
from fanzha.sim.drill.warning_ceiling import Ceiling, ceiling
from fanzha.sim.drill.warning_officers import OFFICERS, Officers
from fanzha.sim.drill.warning_signals import (
    HOURLY,
    TRIAGE,
    Flags,
    Scoring,
    Signal,
    Triage,
    flag,
    signals,
)
from fanzha.sim.drill.warning_sms import (
    FLASH_SMS,
    MASS_SMS,
    Broadcasts,
    FlashSms,
    MassSms,
    broadcasts,
    flashes,
)
from fanzha.sim.drill.warning_world import Victim, WarningWorld

DAY = 86400
COOL_OFF_S = DAY  # a person just warned is not visited again for the same kind of signal within a day
ENGAGED_CONTACTS = 2  # contacts with flagged numbers that mean "deep in the script" (repeated contact)
CITY_DESK = "市局预警中心"  # where a lead for a person without a station is worked

# events at the same second: a signal first (it may join a lead), then contacts, SMS, signing, officers freed,
# the hour's roster, flash SMS
_SIGNAL, _CONTACT, _SMS, _READY, _FREE, _HOUR, _FLASH = range(7)


@dataclass
class Lead:
    opened_at: int
    grade: Grade  # when it was worked
    points: int
    sources: frozenset[LeadSource]
    signed_at: int
    taken_at: int  # an officer took it from the station's queue
    attempt_at: int  # the officer's call
    contact_at: int | None  # reached (by the call or the visit); None: unreachable
    closed_at: int
    result: Result
    victim_payments_before: int = 0  # payments the victim had made when reached
    opened_by: LeadSource | None = None  # the source of the signal that opened it

    @property
    def queue_wait_s(self) -> int:
        return self.taken_at - self.signed_at


@dataclass
class PersonOutcome:
    person: int
    person_id: str
    victim: Victim | None
    first_signal: int | None = None  # a victim's: the first once their script began (or the lead that reached them)
    leads: list[Lead] = field(default_factory=list)
    reached_at: int | None = None  # an officer's first contact (a victim's: once their script began)
    sms_heeded_at: int | None = None  # a victim stopped by a warning SMS
    flash_heeded_at: int | None = None  # a victim stopped by a flash SMS during a call in progress
    reached_via: frozenset[LeadSource] = frozenset()  # the sources of the lead whose contact reached them first
    dissuaded_at: int | None = None  # stopped paying, by an officer or an SMS
    paid_fen: int = 0  # what the victim paid in the drill
    avoided_fen: int = 0  # the truth's payments after the dissuasion

    @property
    def loss_fen(self) -> int:
        return self.victim.loss_fen if self.victim else 0

    @property
    def first_reach(self) -> int | None:
        """The first warning that counted: an officer's contact, or an SMS or flash SMS the victim heeded."""
        times = [t for t in (self.reached_at, self.sms_heeded_at, self.flash_heeded_at) if t is not None]
        return min(times) if times else None


@dataclass
class WarningOutcome:
    desk: bool
    seed: int
    officers: Officers
    victims: list[PersonOutcome]  # one per victim in the truth, in the truth's order
    others: list[PersonOutcome]  # people with leads who were not victims
    flags: Flags | None
    scoring: Scoring = HOURLY
    sms: MassSms = MASS_SMS
    broadcasts: Broadcasts | None = None
    flash: FlashSms = FLASH_SMS
    flashes: Broadcasts | None = None
    ceiling: Ceiling | None = None  # from the truth, for the report only
    lead_signal_before_payment: int = 0  # victims with a signal that raises an officer's lead before paying


def _known(person: int, ages: list[int | None], history: list[Signal], lead: list[Signal], now: int) -> Grading:
    contacts = [s for s in history if s.contact]
    paying = any(s.source is LeadSource.RISKY_TRANSFER for s in history)
    engaged = len(contacts) >= ENGAGED_CONTACTS or any(s.source is LeadSource.FRAUD_URL for s in history)
    stage = Stage.PAYING if paying else Stage.ENGAGED if engaged else Stage.CONTACTED
    ftype = next((s.fraud_type for s in reversed(history) if s.fraud_type is not None), None)
    recent = sum(1 for s in contacts if now - DAY < s.time <= now)
    return grade(Signals(sources=frozenset(s.source for s in lead),
                         amount_at_stake_fen=sum(s.amount_fen for s in history), fraud_type=ftype, stage=stage,
                         age=ages[person], contacts_24h=max(1, recent)))


def _free(at: int, busy: list[tuple[int, int]]) -> int:
    """The first moment from ``at`` that the person's line is not busy with a flagged number's call."""
    moved = True
    while moved:
        moved = False
        for start, stop in busy:
            if start <= at < stop:
                at, moved = stop, True
    return at


@dataclass
class _Open:
    """A lead from its first signal to its close."""

    person: int
    station: str
    signals: list[Signal]
    grading: Grading
    opened_at: int
    ready_at: int
    version: int = 0
    state: str = "signing"  # signing → queued → working → closed
    signed_at: int = 0
    taken_at: int = 0
    attempt_at: int = 0
    contact_at: int | None = None
    closed_at: int = 0


@dataclass
class _Person:
    outcome: PersonOutcome
    signals: list[Signal]
    busy: list[tuple[int, int]]
    rng: np.random.Generator
    history: list[Signal] = field(default_factory=list)
    open: _Open | None = None
    last: Lead | None = None


class _Replay:
    def __init__(self, world: WarningWorld, officers: Officers, sms: MassSms,
                 outcomes: dict[int, PersonOutcome], flash: FlashSms = FLASH_SMS) -> None:
        self.world, self.officers, self.sms, self.outcomes, self.flash = world, officers, sms, outcomes, flash
        self.events: list[tuple[int, int, int, object]] = []
        self.seq = 0
        self.queues: dict[str, list[tuple[int, int, int, _Open, int]]] = {}
        self.working: dict[str, int] = {}
        self.waking: set[tuple[str, int]] = set()

    def push(self, t: int, kind: int, ref: object) -> None:
        self.seq += 1
        heapq.heappush(self.events, (t, kind, self.seq, ref))

    def run(self, people: dict[int, _Person], sms_times: dict[int, list[int]],
            sms_rng: Callable[[int], np.random.Generator], advance: Callable[[int], None] | None,
            flash_times: dict[int, list[int]] | None = None,
            flash_rng: Callable[[int], np.random.Generator] | None = None) -> None:
        for person in sorted(people):
            for k, s in enumerate(people[person].signals):
                self.push(s.time, _SIGNAL, (people[person], k))
        for person in sorted(sms_times):
            rng = sms_rng(person)
            for t in sms_times[person]:
                self.push(t, _SMS, (person, rng))
        for person in sorted(flash_times or {}):
            rng = flash_rng(person)
            for t in flash_times[person]:
                self.push(t, _FLASH, (person, rng))
        done = 0
        while self.events:
            t, kind, _, ref = heapq.heappop(self.events)
            if kind == _SIGNAL:
                p, k = ref
                self.signal(p, p.signals[k])
                done += 1
                if advance is not None and done % 1000 == 0:
                    advance(1000)
            elif kind == _CONTACT:
                self.contact(ref, people[ref.person])
            elif kind == _SMS:
                person, rng = ref
                self.sms_arrives(t, self.outcomes[person], rng)
            elif kind == _FLASH:
                person, rng = ref
                self.flash_arrives(t, self.outcomes[person], rng)
            elif kind == _READY:
                lead, version = ref
                if lead.version == version and lead.state == "signing":
                    lead.state, lead.signed_at = "queued", t
                    self.enqueue(lead)
                    self.dispatch(lead.station, t, people)
            elif kind == _FREE:
                self.working[ref] -= 1
                self.dispatch(ref, t, people)
            elif kind == _HOUR:
                self.waking.discard((ref, t))
                self.dispatch(ref, t, people)
        if advance is not None:
            advance(done % 1000)

    # -- a person's signals ---------------------------------------------------------------------

    def signal(self, p: _Person, s: Signal) -> None:
        p.history.append(s)
        o, officers = p.outcome, self.officers
        lead = p.open
        if lead is not None:
            lead.signals.append(s)
            if lead.state not in ("signing", "queued"):
                return  # an officer has it: the signal joins the lead
            new = _known(o.person, self.world.ages, p.history, lead.signals, s.time)
            higher = new.grade.rank < lead.grading.grade.rank
            if new.grade.rank <= lead.grading.grade.rank:
                lead.grading = new
            if higher and lead.state == "signing":
                ready = s.time + officers.sign[new.grade].draw(p.rng)
                if ready < lead.ready_at:
                    lead.ready_at, lead.version = ready, lead.version + 1
                    self.push(ready, _READY, (lead, lead.version))
            elif higher:  # queued: it moves up to its new grade
                lead.version += 1
                self.enqueue(lead)
            return
        if not s.opens:
            return
        if p.last is not None and s.time < p.last.closed_at + COOL_OFF_S:
            now = _known(o.person, self.world.ages, p.history, [s], s.time)
            if now.grade.rank >= p.last.grade.rank:
                return
        g = _known(o.person, self.world.ages, p.history, [s], s.time)
        ready = s.time + officers.sign[g.grade].draw(p.rng)
        station = self.world.stations[o.person] or CITY_DESK
        p.open = _Open(o.person, station, [s], g, s.time, ready)
        self.push(ready, _READY, (p.open, 0))

    # -- the stations' queues and officers ------------------------------------------------------

    def enqueue(self, lead: _Open) -> None:
        self.seq += 1
        heapq.heappush(self.queues.setdefault(lead.station, []),
                       (lead.grading.grade.rank, lead.opened_at, self.seq, lead, lead.version))

    def dispatch(self, station: str, t: int, people: dict[int, _Person]) -> None:
        queue = self.queues.get(station)
        duty = self.officers.duty
        while queue:
            if self.working.get(station, 0) >= duty.on_duty(t):
                wake = duty.next_hour(t)
                if (station, wake) not in self.waking:  # more officers may come on duty at the next hour
                    self.waking.add((station, wake))
                    self.push(wake, _HOUR, station)
                return
            _, _, _, lead, version = heapq.heappop(queue)
            if lead.version != version or lead.state != "queued":
                continue
            self.take(lead, t, people[lead.person])

    def take(self, lead: _Open, t: int, p: _Person) -> None:
        officers, duty, rng = self.officers, self.officers.duty, p.rng
        lead.state, lead.taken_at = "working", t
        self.working[lead.station] = self.working.get(lead.station, 0) + 1
        dial = t + officers.call.draw(rng)
        attempt = _free(dial, p.busy)
        g = lead.grading.grade
        answered = rng.random() < officers.answer_p
        if attempt > dial and g in duty.visit_grades:
            # the line is busy with the flagged number's call: a patrol goes at once while the officer keeps calling
            visit = dial + officers.visit[g].draw(rng)
            found = rng.random() < officers.found_p
            reached = [x for x, ok in ((attempt, answered), (visit, found)) if ok]
            contact = min(reached) if reached else None
            closed = contact if contact is not None else max(attempt, visit)
            freed = closed + (duty.talk_s if contact == attempt else duty.visit_s if contact is not None else 0)
        elif answered:
            contact, closed, freed = attempt, attempt, attempt + duty.talk_s
        elif g in duty.visit_grades:
            visit = attempt + officers.visit[g].draw(rng)
            contact = visit if rng.random() < officers.found_p else None
            closed, freed = visit, visit + (duty.visit_s if contact is not None else 0)
        else:
            contact, closed, freed = None, attempt, attempt + duty.no_answer_s
        lead.attempt_at, lead.contact_at, lead.closed_at = attempt, contact, closed
        self.push(closed, _CONTACT, lead)
        self.push(freed, _FREE, lead.station)

    # -- reaching the person ----------------------------------------------------------------------

    def contact(self, lead: _Open, p: _Person) -> None:
        o, victim = p.outcome, p.outcome.victim
        payments = victim.payments if victim else []
        contact = lead.contact_at
        made = sum(1 for x in payments if x.time <= contact) if contact is not None else 0
        if contact is None:
            result = Result.UNREACHABLE
        elif victim is None or contact < victim.first_contact:
            result = Result.FALSE_ALARM  # not a victim, or warned before their script began (no effect modelled)
        elif o.dissuaded_at is not None:
            result = Result.DISSUADED
        elif made < len(payments) and p.rng.random() < self.officers.dissuade_p(made):
            result = Result.DISSUADED
            o.dissuaded_at = contact
        else:
            result = Result.DEFRAUDED
        first = lead.signals[0].time
        sources = frozenset(x.source for x in lead.signals)
        if contact is not None and o.reached_at is None and (victim is None or contact >= victim.first_contact):
            o.reached_at, o.reached_via = contact, sources
            o.first_signal = min(first, o.first_signal) if o.first_signal is not None else first
        lead.state = "closed"
        done = Lead(first, lead.grading.grade, lead.grading.points, sources,
                    lead.signed_at, lead.taken_at, lead.attempt_at, contact, lead.closed_at, result, made,
                    lead.signals[0].source)
        o.leads.append(done)
        p.open, p.last = None, done

    def sms_arrives(self, t: int, o: PersonOutcome, rng: np.random.Generator) -> None:
        if _heeded(t, o, rng, self.sms.heed_p):
            o.dissuaded_at = o.sms_heeded_at = t

    def flash_arrives(self, t: int, o: PersonOutcome, rng: np.random.Generator) -> None:
        if _heeded(t, o, rng, self.flash.heed_p):
            o.dissuaded_at = o.flash_heeded_at = t


def _heeded(t: int, o: PersonOutcome, rng: np.random.Generator, heed_p: Callable[[int], float]) -> bool:
    """Whether a victim still paying, whose script has begun, stops at a warning text (a stated chance)."""
    victim = o.victim
    if victim is None or o.dissuaded_at is not None or t < victim.first_contact:
        return False
    made = sum(1 for x in victim.payments if x.time <= t)
    return made < len(victim.payments) and rng.random() < heed_p(made)


def replay(world: WarningWorld, *, desk: bool = True, seed: int | None = None, officers: Officers = OFFICERS,
           scoring: Scoring = HOURLY, sms: MassSms = MASS_SMS, triage: Triage = TRIAGE, flash: FlashSms = FLASH_SMS,
           advance: Callable[[int], None] | None = None) -> WarningOutcome:
    """Replay the world's fraud with the warning desk working (``desk``) or not; ``seed`` drives the officers'
    and the SMS's draws; ``scoring``, ``sms``, ``flash`` and ``triage`` are the stated rules (``warning_signals``,
    ``warning_sms``)."""
    seed = world.seed if seed is None else seed
    victims = {v.person: v for v in world.victims}
    outcomes = {v.person: PersonOutcome(v.person, world.person_ids[v.person], v) for v in world.victims}
    flags, sent, flashed, leading = None, None, None, 0
    if desk:
        flags = flag(world, scoring)
        sigs, busy = signals(world, flags, triage)
        sent = broadcasts(world, flags, seed, sms, scoring)
        flashed = flashes(sigs, set(victims), seed, flash)
        people: dict[int, _Person] = {}
        for person in sorted(sigs):
            o = outcomes.get(person) or PersonOutcome(person, world.person_ids[person], victims.get(person))
            outcomes[person] = o
            start = o.victim.first_contact if o.victim else None
            o.first_signal = next((x.time for x in sigs[person] if start is None or x.time >= start), None)
            people[person] = _Person(o, sigs[person], busy.get(person, []),
                                     np.random.default_rng([seed, 0x3A7, person]))
        leading = sum(any(v.first_contact <= x.time < v.first_payment and x.opens for x in sigs.get(v.person, []))
                      for v in world.victims)
        _Replay(world, officers, sms, outcomes, flash).run(
            people, sent.to_victims, lambda person: np.random.default_rng([seed, 0x5A6, person]), advance,
            flashed.to_victims, lambda person: np.random.default_rng([seed, 0xF1A6, person]))
    for o in outcomes.values():
        if o.victim is None:
            continue
        if o.dissuaded_at is None:
            o.paid_fen = o.victim.loss_fen
        else:
            o.avoided_fen = sum(p.fen for p in o.victim.payments if p.time > o.dissuaded_at)
            o.paid_fen = o.victim.loss_fen - o.avoided_fen
    return WarningOutcome(desk, seed, officers, [outcomes[v.person] for v in world.victims],
                          [o for p, o in sorted(outcomes.items()) if o.victim is None and o.leads], flags, scoring, sms, sent,
                          flash, flashed, ceiling(world), leading)
