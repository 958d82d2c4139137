"""Loading the call screen (通话筛查) from the store: live block-list flags and the residents.

Flags come from the live block-list entries (cases' numbers, officers' entries, the hourly number
rule's suspected numbers, number_velocity.py) and from the number model's candidates
(``number_scores`` at or above the model's threshold, not dismissed by an officer, and not a number
whose block-list entry was lifted on appeal). A resident is a person with a phone: the registered
phones (``phones.person_id``) and persons' main contact numbers. The screen is rebuilt from here on a timer by the stream's consumer, so
a number added to (or lifted from) a block list takes effect within seconds.
"""
from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from fanzha.domain.organisation import operator_of_number
from fanzha.engines.call_screening import CallScreen, Flag, Resident
from fanzha.services.telecom.block_list import live_flags
from fanzha.store.models import BlockListEntry, NumberScore, Person, Phone

MODEL_STATES = ("pending", "ordered")  # a dismissed candidate is not screened


def residents(session: Session) -> list[Resident]:
    found: dict[str, Resident] = {}
    for number, person_id, operator in session.execute(
            select(Phone.number, Phone.person_id, Phone.operator).where(Phone.person_id.is_not(None))):
        found[number] = Resident(number, person_id, operator)
    for number, person_id in session.execute(select(Person.phone, Person.id).where(Person.phone.is_not(None))):
        if number not in found:
            op = operator_of_number(number)
            found[number] = Resident(number, person_id, op.code if op else None)
    return list(found.values())


def residents_version(session: Session) -> tuple:
    """A cheap fingerprint of the residents: reload them only when it changes."""
    phones = session.execute(select(func.count(), func.max(Phone.id)).select_from(Phone)).one()
    persons = session.execute(select(func.count(), func.max(Person.id)).select_from(Person)).one()
    return tuple(phones) + tuple(persons)


def model_flags(session: Session) -> list[Flag]:
    """The number model's candidates, less those an officer dismissed or an appeal cleared."""
    lifted = select(BlockListEntry.number).where(BlockListEntry.lifted_at.is_not(None))
    rows = session.execute(select(NumberScore.number, NumberScore.score)
                           .where(NumberScore.state.in_(MODEL_STATES), NumberScore.number.not_in(lifted)))
    return [Flag(number=n, list_kind="suspected", reason=f"number model score {score:.3f}", score=float(score))
            for n, score in rows]


def load_flags(session: Session) -> list[Flag]:
    return live_flags(session) + model_flags(session)


def flags_version(session: Session) -> tuple:
    """A cheap fingerprint of what ``load_flags`` reads: reload the flags only when it changes.

    Block-list entries are only ever added and lifted (an expiry needs no reload: the screen checks
    each flag's expiry against the call's start); the model's candidates are added, re-scored and
    reviewed. Reading 100,000 flags took 1.6 s, so the stream must not do it every second.
    """
    entries = session.execute(select(func.count(), func.max(BlockListEntry.id),
                                     func.count(BlockListEntry.lifted_at))).one()
    screened = case((NumberScore.state.in_(MODEL_STATES), 1), else_=0)
    scores = session.execute(select(func.count(), func.max(NumberScore.id), func.sum(NumberScore.score),
                                    func.sum(screened))).one()
    return tuple(entries) + tuple(scores)


def load_screen(session: Session, scores: Mapping[str, float] | None = None, threshold: float = 0.5) -> CallScreen:
    """The screen as the store has it now (plus, optionally, the number model's scores)."""
    return CallScreen.build(load_flags(session), residents(session), scores=scores, threshold=threshold)
