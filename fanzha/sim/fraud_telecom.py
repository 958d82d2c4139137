"""Fraud numbers at work: bursts of short calls to strangers and waves of lure SMS.

Each number is active for a few days and then dropped (numbers get cut off and replaced). On an
active day it works in one to three sessions, at night as well, dialling random residents a
minute or so apart from one cell per session, on the gang's shared handsets; most calls go
unanswered or last seconds. A few residents call back later. Detectable, but not trivially.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fanzha.sim.cells import Cells
from fanzha.sim.gangs import Gang
from fanzha.sim.phones import PhoneBook
from fanzha.sim.rates import fraud_contacts_per_number_day
from fanzha.sim.telecom import Calls, Texts, cell_at
from fanzha.sim.timeline import FRAUD_HOURS, day_start


@dataclass
class FraudTraffic:
    calls: Calls
    texts: Texts
    text_gang: np.ndarray  # gang index of each SMS (all are lures)


def _sessions(rng: np.random.Generator, midnight: int, total: int, gap: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """``total`` event times in one to three bursts that day."""
    sessions = int(rng.integers(1, 4))
    which = rng.integers(0, sessions, total)
    begin = midnight + rng.choice(24, sessions, p=FRAUD_HOURS / FRAUD_HOURS.sum()) * 3600 + rng.integers(0, 1800, sessions)
    times = np.empty(total, np.int64)
    for s in range(sessions):
        idx = np.flatnonzero(which == s)
        times[idx] = begin[s] + np.cumsum(rng.integers(*gap, len(idx)))
    return times, which


def fraud_traffic(rng: np.random.Generator, gangs: list[Gang], phones: PhoneBook, cells: Cells, targets: np.ndarray,
                  residents: int, start, days: int, lure_first: list[int], lure_count: list[int]) -> FraudTraffic:
    """All gangs' broadcast calls and SMS over the period; ``targets`` are the residents' phones."""
    per_day = fraud_contacts_per_number_day(residents)
    calls: list[Calls] = []
    texts: list[Texts] = []
    text_gang: list[np.ndarray] = []
    for g, gang in enumerate(gangs):
        for number in gang.callers:
            first, last = gang.active[int(number)]
            for day in range(first, last + 1):
                n = int(rng.poisson(per_day))
                if n == 0:
                    continue
                t, session = _sessions(rng, day_start(start, day), n, (15, 120))
                answered = rng.random(n) < 0.35
                long = rng.random(n) < 0.1
                duration = np.where(answered, np.where(long, rng.integers(60, 400, n), rng.integers(3, 45, n)), 0)
                cell = cells.any(rng, 3)[session]
                imei = np.where(rng.random(3) < 0.2, gang.handsets[rng.integers(0, len(gang.handsets), 3)],
                                gang.handset_of[int(number)])[session]
                callee = targets[rng.integers(0, len(targets), n)]
                calls.append(Calls(np.full(n, number), callee, phones.number[callee], t, duration, cell, imei))
                # a few who answered call back later
                back = np.flatnonzero(answered & (rng.random(n) < 0.05))
                if len(back):
                    tb = t[back] + rng.integers(600, 20_000, len(back))
                    calls.append(Calls(callee[back], np.full(len(back), number), np.full(len(back), phones.number[number]),
                                       tb, rng.integers(0, 90, len(back)), cell_at(phones, callee[back], tb),
                                       phones.imei[callee[back]]))
        for number in gang.senders:
            first, last = gang.active[int(number)]
            for day in range(first, last + 1):
                n = int(rng.poisson(per_day * 1.5))
                if n == 0:
                    continue
                t, _ = _sessions(rng, day_start(start, day), n, (2, 12))
                receiver = targets[rng.integers(0, len(targets), n)]
                text = lure_first[g] + rng.integers(0, lure_count[g], n)
                texts.append(Texts(np.full(n, number), np.full(n, phones.number[number]), receiver, t, text))
                text_gang.append(np.full(n, g))
    empty_calls = Calls(*(np.zeros(0, np.int64) for _ in range(7)))
    empty_texts = Texts(*(np.zeros(0, np.int64) for _ in range(5)))
    return FraudTraffic(Calls.concat([empty_calls, *calls]), Texts.concat([empty_texts, *texts]),
                        np.concatenate([np.zeros(0, np.int64), *text_gang]))
