"""The warning drill's replay (劝阻演练回放): leads as the signals appear, officers work them, victims pay or stop.

Each person's leads are worked on their own (officers' capacity is not limited, see
``warning_officers``), so each person's story is replayed on its own in simulated time, with a
generator seeded by the drill's seed and the person, so the same seed gives the same drill whatever
the order:

1. A signal opens a lead (or joins the open one). The lead is graded with ``grade()`` on what is
   known about the person then: the sources of the lead's signals, every contact with a flagged
   number in the last 24 hours, how far into the script (money leaving once a risky transfer is
   seen; deep in it after repeated contact), the amount seen leaving, the fraud type when a report
   named it, and the person's age.
2. The station signs after a delay by grade; the officer calls, or visits when the call is not
   answered. A signal that raises the grade before the contact tightens it, never loosens: before
   signing, the sign delay is drawn again from the new signal for the new grade and the earlier
   time kept; after signing, the officer calls at once.
3. Reached: the person is warned. A victim reached before the truth's first contact of their
   fraud (a lead about an earlier number, days before) is only warned: no effect is modelled, as
   a warning about one call need not stop a different script later. A victim reached once the
   script has begun is dissuaded with the officers' chance for the payments
   already made; a dissuaded victim makes no payment after that moment, and the loss avoided is
   the truth's payments after it, to the fen. Not reached: the lead ends unreachable.
4. The lead closes. Signals in the ``COOL_OFF_S`` after it join it (the person was just warned),
   unless they would grade higher, which opens a new lead; later signals open a new lead.

Without the desk (``desk=False``) no lead is raised and every victim pays as in the truth.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from fanzha.domain.dissuasion import Result
from fanzha.domain.warning_lead import Grade, Grading, LeadSource, Signals, Stage, grade
from fanzha.sim.drill.warning_officers import OFFICERS, Officers
from fanzha.sim.drill.warning_signals import Flags, Signal, flag, signals
from fanzha.sim.drill.warning_world import Victim, WarningWorld

DAY = 86400
COOL_OFF_S = DAY  # a person just warned is not visited again for the same kind of signal within a day
ENGAGED_CONTACTS = 2  # contacts with flagged numbers that mean "deep in the script" (repeated contact)


@dataclass
class Lead:
    opened_at: int
    grade: Grade  # when it was worked
    points: int
    sources: frozenset[LeadSource]
    signed_at: int
    attempt_at: int  # the officer's call
    contact_at: int | None  # reached (by the call or the visit); None: unreachable
    closed_at: int
    result: Result
    victim_payments_before: int = 0  # payments the victim had made when reached


@dataclass
class PersonOutcome:
    person: int
    person_id: str
    victim: Victim | None
    first_signal: int | None = None  # a victim's: the first once their script began (or the lead that reached them)
    leads: list[Lead] = field(default_factory=list)
    reached_at: int | None = None  # the first contact (a victim's: once their script began)
    dissuaded_at: int | None = None
    paid_fen: int = 0  # what the victim paid in the drill
    avoided_fen: int = 0  # the truth's payments after the dissuasion

    @property
    def loss_fen(self) -> int:
        return self.victim.loss_fen if self.victim else 0


@dataclass
class WarningOutcome:
    desk: bool
    seed: int
    officers: Officers
    victims: list[PersonOutcome]  # one per victim in the truth, in the truth's order
    others: list[PersonOutcome]  # people with leads who were not victims
    flags: Flags | None


def _known(person: int, ages: list[int | None], history: list[Signal], lead: list[Signal], now: int) -> Grading:
    contacts = [s for s in history if s.contact]
    paying = any(s.source is LeadSource.RISKY_TRANSFER for s in history)
    stage = Stage.PAYING if paying else Stage.ENGAGED if len(contacts) >= ENGAGED_CONTACTS else Stage.CONTACTED
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


def _work(o: PersonOutcome, sigs: list[Signal], busy: list[tuple[int, int]], ages: list[int | None],
          officers: Officers, rng: np.random.Generator) -> None:
    victim = o.victim
    payments = victim.payments if victim else []
    history: list[Signal] = []
    i, n = 0, len(sigs)
    start = victim.first_contact if victim else None
    o.first_signal = next((x.time for x in sigs if start is None or x.time >= start), None)
    last: Lead | None = None
    while i < n:
        s = sigs[i]
        history.append(s)
        if last is not None and s.time < last.closed_at + COOL_OFF_S:
            now = _known(o.person, ages, history, [s], s.time)
            if now.grade.rank >= last.grade.rank:
                i += 1
                continue
        lead = [s]
        g = _known(o.person, ages, history, lead, s.time)
        sign_at = s.time + officers.sign[g.grade].draw(rng)
        attempt = sign_at + officers.call.draw(rng)
        j = i + 1
        while j < n and sigs[j].time < attempt:
            t = sigs[j].time
            history.append(sigs[j])
            lead.append(sigs[j])
            new = _known(o.person, ages, history, lead, t)
            if new.grade.rank < g.grade.rank:
                if t < sign_at:
                    sign_at = min(sign_at, t + officers.sign[new.grade].draw(rng))
                    attempt = min(attempt, sign_at + officers.call.draw(rng))
                else:
                    attempt = min(attempt, t + officers.call.draw(rng))
            g = new if new.grade.rank <= g.grade.rank else g
            j += 1
        attempt = _free(attempt, busy)
        if rng.random() < officers.answer_p:
            contact: int | None = attempt
            closed = attempt
        else:
            visit = attempt + officers.visit[g.grade].draw(rng)
            contact = visit if rng.random() < officers.found_p else None
            closed = visit
        made = sum(1 for p in payments if p.time <= contact) if contact is not None else 0
        if contact is None:
            result = Result.UNREACHABLE
        elif victim is None or contact < victim.first_contact:
            result = Result.FALSE_ALARM  # not a victim, or warned before their script began (no effect modelled)
        elif o.dissuaded_at is not None:
            result = Result.DISSUADED
        elif made < len(payments) and rng.random() < officers.dissuade_p(made):
            result = Result.DISSUADED
            o.dissuaded_at = contact
        else:
            result = Result.DEFRAUDED
        if contact is not None and o.reached_at is None and (victim is None or contact >= victim.first_contact):
            o.reached_at = contact
            o.first_signal = min(s.time, o.first_signal) if o.first_signal is not None else s.time
        last = Lead(s.time, g.grade, g.points, frozenset(x.source for x in lead), sign_at, attempt, contact, closed,
                    result, made)
        o.leads.append(last)
        i = j
        while i < n and sigs[i].time < closed:  # signals while the officer was on the way join this lead
            history.append(sigs[i])
            i += 1


def replay(world: WarningWorld, *, desk: bool = True, seed: int | None = None, officers: Officers = OFFICERS,
           advance: Callable[[int], None] | None = None) -> WarningOutcome:
    """Replay the world's fraud with the warning desk working (``desk``) or not; ``seed`` drives the officers."""
    seed = world.seed if seed is None else seed
    victims = {v.person: v for v in world.victims}
    outcomes = {v.person: PersonOutcome(v.person, world.person_ids[v.person], v) for v in world.victims}
    flags = None
    if desk:
        flags = flag(world)
        sigs, busy = signals(world, flags)
        for done, person in enumerate(sorted(sigs)):
            o = outcomes.get(person) or PersonOutcome(person, world.person_ids[person], victims.get(person))
            outcomes[person] = o
            _work(o, sigs[person], busy.get(person, []), world.ages, officers,
                  np.random.default_rng([seed, 0x3A7, person]))
            if advance is not None and done % 1000 == 999:
                advance(1000)
        if advance is not None:
            advance(len(sigs) % 1000)
    for o in outcomes.values():
        if o.victim is None:
            continue
        if o.dissuaded_at is None:
            o.paid_fen = o.victim.loss_fen
        else:
            o.avoided_fen = sum(p.fen for p in o.victim.payments if p.time > o.dissuaded_at)
            o.paid_fen = o.victim.loss_fen - o.avoided_fen
    return WarningOutcome(desk, seed, officers, [outcomes[v.person] for v in world.victims],
                          [o for p, o in sorted(outcomes.items()) if o.victim is None], flags)
