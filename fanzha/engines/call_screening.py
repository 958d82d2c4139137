"""Call screening (通话实时筛查): is a flagged number talking to a resident right now?

The screen holds, in memory, every live flagged number (from the block lists, and from the number
model's scores at or above its threshold) in a dict, and the residents' numbers as a sorted int64
array with their person and operator beside it. Screening a batch of calls is one dict lookup per
party; only the rare calls that touch a flagged number look the other party up among the
residents. A flag applies to calls that started before it expires, whatever order they arrive in.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

NO_EXPIRY = math.inf
MAX_INT_DIGITS = 18  # numbers up to 18 digits fit an int64 key


@dataclass(frozen=True)
class Flag:
    """Why a number is flagged: its block-list entry (or the model's score) and when that ends."""

    number: str
    list_kind: str  # known / suspected / associated
    reason: str
    entry_id: int | None = None  # None for a flag from the model's scores alone
    expires_epoch: float = NO_EXPIRY  # seconds since the epoch, UTC
    score: float | None = None


@dataclass(frozen=True)
class Resident:
    number: str
    person_id: int | None
    operator: str | None


@dataclass(frozen=True)
class ScreenHit:
    """One call in a batch that connects a flagged number with a resident."""

    index: int  # the call's position in the batch
    resident: Resident
    flag: Flag


def number_key(number: str) -> int | None:
    """A phone number's int64 key (None when it is not all digits or too long to fit)."""
    if number.isdigit() and len(number) <= MAX_INT_DIGITS:
        return int(number)
    return None


def merge_flags(flags: Iterable[Flag], scores: Mapping[str, float] | None = None,
                threshold: float = 0.5) -> dict[str, Flag]:
    """Block-list flags, then model flags and scores ≥ ``threshold``, one flag per number.

    A number on several lists keeps the entry that lasts longest; a block-list entry wins over
    the model (whose flags have no entry and no expiry of their own)."""
    merged: dict[str, Flag] = {}
    model: list[Flag] = []
    for flag in flags:
        if flag.entry_id is None:
            model.append(flag)
            continue
        have = merged.get(flag.number)
        if have is None or flag.expires_epoch > have.expires_epoch:
            merged[flag.number] = flag
    for flag in model:
        merged.setdefault(flag.number, flag)
    for number, score in (scores or {}).items():
        if score >= threshold and number not in merged:
            merged[number] = Flag(number, "suspected", f"number model score {score:.3f} ≥ {threshold:.3f}",
                                  score=float(score))
    return merged


class CallScreen:
    """The in-memory screen: ``screen`` a batch of calls, get the hits."""

    def __init__(self, flags: Mapping[str, Flag], residents: Iterable[Resident] = ()) -> None:
        self.flags: dict[str, Flag] = dict(flags)
        rows = [(k, r) for r in residents if (k := number_key(r.number)) is not None]
        rows.sort(key=lambda kr: kr[0])
        self._keys = np.fromiter((k for k, _ in rows), dtype=np.int64, count=len(rows))
        self._residents = [r for _, r in rows]

    @classmethod
    def build(cls, flags: Iterable[Flag], residents: Iterable[Resident] = (),
              scores: Mapping[str, float] | None = None, threshold: float = 0.5) -> CallScreen:
        return cls(merge_flags(flags, scores, threshold), residents)

    def with_flags(self, flags: Mapping[str, Flag]) -> CallScreen:
        """The same residents with new flags (the residents' arrays are shared, not copied)."""
        screen = object.__new__(CallScreen)
        screen.flags = dict(flags)
        screen._keys, screen._residents = self._keys, self._residents
        return screen

    @property
    def flagged_count(self) -> int:
        return len(self.flags)

    @property
    def resident_count(self) -> int:
        return len(self._residents)

    def resident(self, number: str) -> Resident | None:
        key = number_key(number)
        if key is None or not len(self._keys):
            return None
        at = int(np.searchsorted(self._keys, key))
        if at < len(self._keys) and self._keys[at] == key:
            return self._residents[at]
        return None

    def screen(self, msisdn: Sequence[str], other: Sequence[str], start_epoch: Sequence[float]) -> list[ScreenHit]:
        """The hits among a batch of calls (parallel sequences: one party, the other, start time).

        A call between a flagged number and a resident is a hit for that resident; a call
        between two flagged residents is a hit for each.
        """
        flags = self.flags
        if not flags:
            return []
        hits: list[ScreenHit] = []
        for i, (a, b) in enumerate(zip(msisdn, other, strict=True)):
            fa = flags.get(a)
            fb = flags.get(b)
            if fa is None and fb is None:
                continue
            start = float(start_epoch[i])
            if fa is not None and start < fa.expires_epoch and (res := self.resident(b)) is not None:
                hits.append(ScreenHit(i, res, fa))
            if fb is not None and start < fb.expires_epoch and (res := self.resident(a)) is not None:
                hits.append(ScreenHit(i, res, fb))
        return hits
