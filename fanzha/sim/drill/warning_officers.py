"""The simulated officers of the warning drill (民警): how fast they sign, reach and dissuade.

A lead goes to the person's station (派出所) at once (the platform routes it by the registered
station). Then, each a stated assumption (not a measurement; change it here, with the reason, when
a center's own figures are known):

- Signing for it (签收) at the station's duty desk takes a lognormal delay by grade, with a median
  well inside the grade's ``SIGN_LIMIT`` and a tail beyond it (a few percent sign late, as busy
  stations do): 高 median 4 min (limit 10 min), 中 20 min (limit 1 h), 低 1 h (limit 24 h). The
  signed lead then waits in the station's queue for an officer on warning duty
  (``warning_duty``: officers by hour, time per lead, 高 first then the oldest); the first
  version's 6-hour median for 低 stood for that wait, which the queue now gives.
- The officer who takes it calls (the anti-fraud line 96110 shows on the screen): a median of 2
  minutes after taking it. If the person is on a call from a flagged number at that moment, the line is busy
  and the officer calls the moment it frees (the call screen shows when).
- The call is answered with ``ANSWER_P`` (many people ignore unknown callers); if not, the officer
  visits: 高 median 40 min (a patrol goes at once), 中 2 h, 低 6 h; the person is found with
  ``FOUND_P``. Otherwise the lead ends unreachable. 低 leads get no visit (``warning_duty``).
- Dissuasion (劝阻) works with a probability that falls as the victim gets further into the
  script: ``DISSUADE_BEFORE_PAYMENT`` before any money has left (they are still in doubt), then
  ``DISSUADE_AFTER_FIRST`` after the first payment, times ``DISSUADE_DECAY`` for each further
  payment (sunk cost: 刷单 victims pay again to "unlock" what they paid), never below
  ``DISSUADE_FLOOR``. A dissuaded victim pays nothing more.
- One attempt per lead; a person not dissuaded gets a new lead (and a new attempt) from a later
  signal that opens one (see ``warning_replay``).

Officers' capacity is rationed by ``duty`` (``warning_duty.DUTY``); ``warning_duty.UNLIMITED``
works every lead at once, as the drill's first version did, for comparison.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from fanzha.domain.warning_lead import Grade
from fanzha.sim.drill.practice import Delay
from fanzha.sim.drill.warning_duty import DUTY, Duty

MINUTE, HOUR = 60, 3600

SIGN = {
    Grade.HIGH: Delay(4 * MINUTE, 0.6, 30, HOUR),
    Grade.MEDIUM: Delay(20 * MINUTE, 0.7, MINUTE, 6 * HOUR),
    Grade.LOW: Delay(HOUR, 0.8, 5 * MINUTE, 24 * HOUR),
}
CALL = Delay(2 * MINUTE, 0.5, 20, 30 * MINUTE)
VISIT = {
    Grade.HIGH: Delay(40 * MINUTE, 0.5, 10 * MINUTE, 4 * HOUR),
    Grade.MEDIUM: Delay(2 * HOUR, 0.6, 20 * MINUTE, 12 * HOUR),
    Grade.LOW: Delay(6 * HOUR, 0.7, HOUR, 48 * HOUR),
}
ANSWER_P = 0.6
FOUND_P = 0.8
DISSUADE_BEFORE_PAYMENT = 0.85
DISSUADE_AFTER_FIRST = 0.6
DISSUADE_DECAY = 0.75
DISSUADE_FLOOR = 0.2


@dataclass(frozen=True)
class Officers:
    """The delays and chances the simulated officers work with (the defaults above)."""

    sign: dict[Grade, Delay] = field(default_factory=lambda: dict(SIGN))
    call: Delay = CALL
    visit: dict[Grade, Delay] = field(default_factory=lambda: dict(VISIT))
    answer_p: float = ANSWER_P
    found_p: float = FOUND_P
    dissuade_before_payment: float = DISSUADE_BEFORE_PAYMENT
    dissuade_after_first: float = DISSUADE_AFTER_FIRST
    dissuade_decay: float = DISSUADE_DECAY
    dissuade_floor: float = DISSUADE_FLOOR
    duty: Duty = DUTY

    def dissuade_p(self, payments_made: int) -> float:
        """The chance a victim who has made ``payments_made`` payments is dissuaded when reached."""
        if payments_made <= 0:
            return self.dissuade_before_payment
        return max(self.dissuade_floor, self.dissuade_after_first * self.dissuade_decay ** (payments_made - 1))

    def as_dict(self) -> dict:
        return {"sign": {g.value: d.as_dict() for g, d in self.sign.items()}, "call": self.call.as_dict(),
                "visit": {g.value: d.as_dict() for g, d in self.visit.items()}, "answer_p": self.answer_p,
                "found_p": self.found_p, "dissuade_before_payment": self.dissuade_before_payment,
                "dissuade_after_first": self.dissuade_after_first, "dissuade_decay": self.dissuade_decay,
                "dissuade_floor": self.dissuade_floor, "duty": self.duty.as_dict()}


OFFICERS = Officers()
