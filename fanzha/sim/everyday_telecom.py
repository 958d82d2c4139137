"""Ordinary calls and SMS for one day (rates in ``rates``): people call their family, friends and
colleagues again and again, in the daytime mostly; some calls go unanswered.
"""
from __future__ import annotations

import numpy as np

from fanzha.sim.rates import (
    CALL_ANSWERED,
    CALL_TO_CONTACT,
    CALL_TO_RESIDENT,
    CALLS_PER_ADULT_DAY,
    PERSONAL_SMS_PER_ADULT_DAY,
    SERVICE_SMS_PER_ADULT_DAY,
)
from fanzha.sim.social import SocialGraph
from fanzha.sim.telecom import Calls, Texts, cell_at
from fanzha.sim.timeline import CALL_HOURS, times_in_day


class EverydayTelecom:
    """Draws a day's ordinary calls and SMS among the adults' phones."""

    def __init__(self, adults: np.ndarray, age: np.ndarray, graph: SocialGraph, reg, outside_numbers: np.ndarray,
                 personal_texts: int, service_texts: np.ndarray, service_senders: np.ndarray) -> None:
        self.graph = graph
        self.phones = reg.phones
        self.first = reg.resident_phones.first[adults]
        self.second = reg.resident_phones.second[adults]
        # the working-age call most; the old and the young less
        activity = np.select([age < 25, age < 55, age < 70], [1.0, 1.2, 0.8], 0.5)
        self.activity = activity / activity.sum()
        self.outside = outside_numbers
        self.personal_texts = personal_texts
        self.service_texts = service_texts
        self.service_senders = service_senders

    def _phone(self, rng, who: np.ndarray, second_share: float) -> np.ndarray:
        second = self.second[who]
        return np.where((second >= 0) & (rng.random(len(who)) < second_share), second, self.first[who])

    def calls(self, rng: np.random.Generator, midnight: int) -> Calls:
        n_adults = len(self.first)
        n = rng.poisson(CALLS_PER_ADULT_DAY * n_adults)
        caller = rng.choice(n_adults, n, p=self.activity)
        kind = rng.random(n)
        callee = np.where(kind < CALL_TO_CONTACT, self.graph.pick(rng, caller), rng.integers(0, n_adults, n))
        outside = kind >= CALL_TO_CONTACT + CALL_TO_RESIDENT
        callee_phone = np.where(outside, -1, self._phone(rng, callee, 0.1))
        caller_phone = self._phone(rng, caller, 0.15)
        keep = callee_phone != caller_phone
        caller_phone, callee_phone, outside = caller_phone[keep], callee_phone[keep], outside[keep]
        n = len(caller_phone)
        callee_number = np.where(outside, self.outside[rng.integers(0, len(self.outside), n)],
                                 self.phones.number[np.maximum(callee_phone, 0)])
        start = np.sort(times_in_day(rng, n, midnight, CALL_HOURS))
        answered = rng.random(n) < CALL_ANSWERED
        duration = np.where(answered, np.clip(rng.lognormal(np.log(70), 1.0, n), 3, 7200), 0).astype(np.int64)
        return Calls(caller_phone, callee_phone, callee_number, start, duration,
                     cell_at(self.phones, caller_phone, start), self.phones.imei[caller_phone])

    def texts(self, rng: np.random.Generator, midnight: int) -> Texts:
        n_adults = len(self.first)
        n = rng.poisson(PERSONAL_SMS_PER_ADULT_DAY * n_adults)
        sender = rng.choice(n_adults, n, p=self.activity)
        receiver = self.graph.pick(rng, sender)
        sender_phone, receiver_phone = self._phone(rng, sender, 0.15), self._phone(rng, receiver, 0.1)
        keep = sender_phone != receiver_phone
        sender_phone, receiver_phone = sender_phone[keep], receiver_phone[keep]
        n = len(sender_phone)
        personal = Texts(sender_phone, self.phones.number[sender_phone], receiver_phone,
                         times_in_day(rng, n, midnight, CALL_HOURS), rng.integers(0, self.personal_texts, n))
        m = rng.poisson(SERVICE_SMS_PER_ADULT_DAY * n_adults)
        text = self.service_texts[rng.integers(0, len(self.service_texts), m)]
        service = Texts(np.full(m, -1), self.service_senders[text], self.first[rng.integers(0, n_adults, m)],
                        times_in_day(rng, m, midnight, CALL_HOURS), text)
        return Texts.concat([personal, service])
