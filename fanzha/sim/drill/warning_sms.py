"""The warning drill's mass warning SMS (预警短信), and the modest effect the drill gives them.

As the desk does (``services/warning/mass_warning.py``, the national 12381 system's practice), the
moment a number is flagged, every resident whose registered phone was called or texted by it in
the ``window_s`` before (30 days, the service's default window) gets the fraud type's warning
SMS, once per number. The broadcast is run again with each scoring run (hourly, ``warning_signals``)
for the flagged numbers, which adds the residents they reached since (the service adds only
residents not yet warned): a contact after the flag is warned at the next run. Stated
assumptions (``MassSms``), not measurements:

- the operators deliver it ``delivery_s`` (1 minute) after the flag, to ``delivered_p`` (95 %) of
  the phones (a few are off or out of service, as in the demo's simulated operators);
- its effect is modest and only on a victim whose script has begun (a warning before it began is
  not modelled, as for officers): one still in doubt, before any payment, stops with
  ``heed_before_payment`` (10 %: an official text naming the number that called them); one who has
  already paid stops with ``heed_after_payment`` (3 %: sunk cost, the gang keeps talking). A victim
  who stops pays nothing more. That is all it does: it does not replace an officer's call, and a
  lead for the same person is still raised and worked.

The drill counts a heeded SMS as the victim reached (by SMS) and reports it apart from the
officers' reach, so the reader can leave it out.

Flash warning (闪信): when the call screen raises a call in progress with a flagged number
(``call_in_progress``), the telecom desk has the operator push a flash SMS to the resident's
screen at once (``services/warning/flash_warning.py``), once per resident and number (a second
call from the same number adds nothing). Stated assumptions
(``FlashSms``): it arrives ``delivery_s`` (10 s) after the signal, to ``delivered_p`` (95 %, as the
mass SMS) of the phones, and is heeded with the mass SMS's own chances (10 % before any payment,
3 % after). It pops up over the call, which may well work better than a text in the inbox; the
drill does not assume so until a center's figures say it. It is counted apart from the officers'
and the mass SMS's reach.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from fanzha.domain.warning_lead import LeadSource
from fanzha.sim.drill.warning_signals import HOURLY, Flags, Scoring, Signal
from fanzha.sim.drill.warning_world import WarningWorld

DAY = 86400


@dataclass(frozen=True)
class MassSms:
    window_s: int = 30 * DAY
    delivery_s: int = 60
    delivered_p: float = 0.95
    heed_before_payment: float = 0.10
    heed_after_payment: float = 0.03

    def heed_p(self, payments_made: int) -> float:
        return self.heed_before_payment if payments_made <= 0 else self.heed_after_payment

    def as_dict(self) -> dict:
        return dict(self.__dict__)


MASS_SMS = MassSms()
NO_SMS = MassSms(delivered_p=0.0, heed_before_payment=0.0, heed_after_payment=0.0)


@dataclass(frozen=True)
class FlashSms:
    delivery_s: int = 10
    delivered_p: float = MASS_SMS.delivered_p
    heed_before_payment: float = MASS_SMS.heed_before_payment
    heed_after_payment: float = MASS_SMS.heed_after_payment

    def heed_p(self, payments_made: int) -> float:
        return self.heed_before_payment if payments_made <= 0 else self.heed_after_payment

    def as_dict(self) -> dict:
        return dict(self.__dict__)


FLASH_SMS = FlashSms()
NO_FLASH = FlashSms(delivered_p=0.0, heed_before_payment=0.0, heed_after_payment=0.0)


@dataclass
class Broadcasts:
    sent: int  # warning SMS sent (one per resident per flagged number)
    delivered: int
    to_victims: dict[int, list[int]]  # victim person → when each delivered SMS reached them, in time order


def broadcasts(world: WarningWorld, flags: Flags, seed: int, sms: MassSms = MASS_SMS,
               scoring: Scoring = HOURLY) -> Broadcasts:
    """Who gets a warning SMS, and when, from the numbers' flag times; the truth's victims are read only to
    hand their SMS to the replay (the effect is modelled on victims alone, as for officers)."""
    numbers = pl.DataFrame({"src": list(flags.numbers), "flagged_at": list(flags.numbers.values())},
                           schema={"src": pl.String, "flagged_at": pl.Int64})
    every, lag = scoring.every_s, scoring.run_lag_s
    next_run = world.start + ((pl.col("t") - world.start) // every + 1) * every + lag
    pairs = (world.contacts.join(numbers, on="src", how="inner")
             .filter(pl.col("t") >= pl.col("flagged_at") - sms.window_s)
             .with_columns(sent_at=pl.when(pl.col("t") < pl.col("flagged_at")).then(pl.col("flagged_at"))
                           .otherwise(pl.max_horizontal(next_run, pl.col("flagged_at"))))
             .group_by("person", "src").agg(flagged_at=pl.col("sent_at").min())
             .sort(["flagged_at", "person", "src"]))
    if pairs.height == 0 or sms.delivered_p <= 0:
        return Broadcasts(pairs.height, 0, {})
    delivered = np.random.default_rng([seed, 0x5A5]).random(pairs.height) < sms.delivered_p
    got = pairs.filter(pl.Series(delivered))
    victims = {v.person for v in world.victims}
    to_victims: dict[int, list[int]] = {}
    for person, at in got.filter(pl.col("person").is_in(list(victims))).select("person", "flagged_at").iter_rows():
        to_victims.setdefault(person, []).append(int(at) + sms.delivery_s)
    return Broadcasts(pairs.height, got.height, {p: sorted(ts) for p, ts in to_victims.items()})


def flashes(signals: dict[int, list[Signal]], victims: set[int], seed: int, flash: FlashSms = FLASH_SMS) -> Broadcasts:
    """A flash SMS at the first call in progress from each flagged number to each resident; the victims'
    deliveries, for the replay."""
    first: dict[tuple[int, str | None], int] = {}
    for person, sigs in signals.items():
        for s in sigs:
            if s.source is LeadSource.CALL_IN_PROGRESS and (person, s.number) not in first:
                first[(person, s.number)] = s.time
    calls = sorted((person, t) for (person, _), t in first.items())
    if not calls or flash.delivered_p <= 0:
        return Broadcasts(len(calls), 0, {})
    delivered = np.random.default_rng([seed, 0xF1A5]).random(len(calls)) < flash.delivered_p
    to_victims: dict[int, list[int]] = {}
    for (person, t), ok in zip(calls, delivered, strict=True):
        if ok and person in victims:
            to_victims.setdefault(person, []).append(t + flash.delivery_s)
    return Broadcasts(len(calls), int(delivered.sum()), {p: sorted(ts) for p, ts in to_victims.items()})
