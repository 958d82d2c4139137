"""Who talks to whom (社会关系): each adult's family, friends and colleagues.

Sixteen contact slots per adult, weighted so that family is called most: slots 0-2 family (the
same household), 3-10 friends (mostly the same county, since residents are numbered by county),
11-15 colleagues (the same employer). Missing family or colleagues fall back to friends.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

FAMILY, FRIENDS, COLLEAGUES = slice(0, 3), slice(3, 11), slice(11, 16)
SLOTS = 16
SLOT_WEIGHTS = np.array([9, 6, 4, 3, 3, 2.5, 2, 2, 1.5, 1, 1, 2, 2, 1.5, 1, 1], dtype=float)
SLOT_WEIGHTS /= SLOT_WEIGHTS.sum()
HOUSEHOLD_SIZES = np.array([1, 2, 3, 4])
HOUSEHOLD_SHARES = np.array([0.2, 0.45, 0.25, 0.1])


@dataclass
class SocialGraph:
    contacts: np.ndarray  # (adults, SLOTS) int32: positions in the adults array

    def pick(self, rng: np.random.Generator, who: np.ndarray, slots: np.ndarray | None = None) -> np.ndarray:
        """One contact for each caller, family weighted heaviest."""
        slot = rng.choice(SLOTS, size=len(who), p=SLOT_WEIGHTS) if slots is None else slots
        return self.contacts[who, slot]


def make_social_graph(rng: np.random.Generator, employer: np.ndarray) -> SocialGraph:
    n = len(employer)
    pos = np.arange(n)
    contacts = np.empty((n, SLOTS), dtype=np.int32)
    if n < 2:
        contacts[:] = 0
        return SocialGraph(contacts)

    # friends: nearby positions (the same county mostly), never oneself
    offset = rng.integers(1, min(2_000, n - 1) + 1, size=(n, SLOTS)) * rng.choice([-1, 1], size=(n, SLOTS))
    friends = (pos[:, None] + offset) % n
    contacts[:] = friends

    # family: the household is a run of consecutive adults
    sizes = rng.choice(HOUSEHOLD_SIZES, size=n // 2 + 1, p=HOUSEHOLD_SHARES)
    starts = np.concatenate([[0], np.cumsum(sizes)])
    starts = starts[starts < n]
    household = np.repeat(np.arange(len(starts)), np.diff(np.concatenate([starts, [n]])))
    start = starts[household]
    size = np.diff(np.concatenate([starts, [n]]))[household]
    for j in range(3):
        member = start + (pos - start + j + 1) % size
        contacts[:, j] = np.where(size > j + 1, member, friends[:, j])

    # colleagues: random members of the same employer
    order = np.argsort(employer, kind="stable")
    sorted_employer = employer[order]
    first = np.searchsorted(sorted_employer, employer, side="left")
    count = np.searchsorted(sorted_employer, employer, side="right") - first
    for j in range(COLLEAGUES.start, COLLEAGUES.stop):
        colleague = order[first + (rng.random(n) * count).astype(np.int64)]
        ok = (employer >= 0) & (count > 1) & (colleague != pos)
        contacts[:, j] = np.where(ok, colleague, friends[:, j])
    return SocialGraph(contacts)
