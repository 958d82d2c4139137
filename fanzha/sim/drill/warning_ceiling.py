"""The most the warning desk could reach in time (上限), computed from the truth, never shown to the desk.

A victim can be reached before their first payment only if a gang's number called or texted them
(in the operators' records), or they visited a gang's web host or app (in the operators' visit
records, when the world has them), after their script began and before they paid, and the payment
came later than the fastest possible response to the first of these: the call screen sees a call
``IN_PROGRESS_AFTER_S`` after it starts (an SMS at once), the operator pushes a visit
``VISIT_PUSH_S`` after it, then ``FASTEST_RESPONSE_S`` to sign and dial (a minute each, the drill's
quickest officers). This ceiling assumes every gang number and site was known from its first use,
which no center can know; the drill's own figures say how far short
the information in hand falls (victims with a signal before paying, and with a signal that raises
an officer's lead).
"""
from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from fanzha.sim.drill.warning_signals import IN_PROGRESS_AFTER_S, VISIT_PUSH_S
from fanzha.sim.drill.warning_world import WarningWorld

FASTEST_RESPONSE_S = 120
WITHIN_S = (30 * 60, 60 * 60, 2 * 3600, 6 * 3600)  # how fast victims pay after their first gang contact


@dataclass(frozen=True)
class Ceiling:
    would_pay: int
    no_gang_contact_before_payment: int  # nothing in the records (calls, SMS, site visits) to see before they paid
    pay_before_any_response: int  # paid faster than the quickest possible response to the first gang contact
    reachable: int  # the ceiling
    pay_within: dict[int, int]  # seconds → victims who paid within that long after their first gang contact
    reachable_only_by_visits: int = 0  # of the reachable, those no gang call or SMS would have reached in time

    @property
    def share(self) -> float:
        return self.reachable / self.would_pay if self.would_pay else 0.0

    def as_dict(self) -> dict:
        return {"victims_would_pay": self.would_pay,
                "no_gang_contact_before_first_payment": self.no_gang_contact_before_payment,
                "pay_before_any_response": self.pay_before_any_response,
                "fastest_response_s": IN_PROGRESS_AFTER_S + FASTEST_RESPONSE_S,
                "reachable": self.reachable, "share_reachable": round(self.share, 4),
                "reachable_only_by_visits": self.reachable_only_by_visits, "visit_push_s": VISIT_PUSH_S,
                "pay_within_s_of_first_gang_contact": {str(k): v for k, v in self.pay_within.items()}}


def ceiling(world: WarningWorld) -> Ceiling:
    gang = world.contacts.filter(pl.col("src").is_in(list(world.gang_numbers)))
    first: dict[int, list[tuple[int, int | None, str]]] = {}
    for person, t, duration, kind in gang.select("person", "t", "duration_s", "kind").iter_rows():
        first.setdefault(person, []).append((t, duration, kind))
    visited: dict[int, list[int]] = {}
    if world.visits is not None and world.gang_sites:
        for person, t in world.visits.filter(pl.col("site").is_in(list(world.gang_sites))).select(
                "person", "t").iter_rows():
            visited.setdefault(person, []).append(t)
    would = [v for v in world.victims if v.payments]
    none = fast = by_visits = 0
    within = dict.fromkeys(WITHIN_S, 0)
    for v in would:
        seen = [(t, d, k) for t, d, k in first.get(v.person, []) if v.first_contact <= t < v.first_payment]
        visits = [t for t in visited.get(v.person, []) if v.first_contact <= t < v.first_payment]
        if not seen and not visits:
            none += 1
            continue
        by_phone = None
        if seen:
            t, duration, kind = min(seen)
            by_phone = t + (IN_PROGRESS_AFTER_S if kind == "call" and (duration or 0) >= IN_PROGRESS_AFTER_S else 0)
            for limit in WITHIN_S:
                within[limit] += v.first_payment - t <= limit
        by_visit = min(visits) + VISIT_PUSH_S if visits else None
        known = min(x for x in (by_phone, by_visit) if x is not None)
        if v.first_payment <= known + FASTEST_RESPONSE_S:
            fast += 1
        elif by_phone is None or v.first_payment <= by_phone + FASTEST_RESPONSE_S:
            by_visits += 1
    return Ceiling(len(would), none, fast, len(would) - none - fast, within, by_visits)
