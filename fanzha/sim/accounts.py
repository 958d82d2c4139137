"""The account book (账户): every simulated bank card, its bank, holder and opening balance.

Residents' cards come first, then merchants', then the gangs' mule cards. The opening balance is
what the account held before the simulated period; the ledger raises it where ordinary spending
would otherwise overdraw, so balances never go negative.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import polars as pl

RESIDENT, MULE, MERCHANT = 0, 1, 2
KIND_NAMES = ("resident", "mule", "merchant")
BANK_SHARES = np.array([0.2, 0.2, 0.12, 0.2, 0.08, 0.2])  # ICBC ABC BOC CCB BOCOM PSBC


@dataclass
class AccountBook:
    number: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    bank: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int8))
    person: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))  # resident, -1 for none
    kind: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int8))
    opened: np.ndarray = field(default_factory=lambda: np.zeros(0, "datetime64[D]"))
    opening_fen: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    ip: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # device used online
    mac: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    holders: list[pl.Series] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.number)

    @property
    def holder(self) -> pl.Series:
        if len(self.holders) > 1:
            self.holders = [pl.concat(self.holders)]
        return self.holders[0] if self.holders else pl.Series("holder", [], pl.Utf8)

    def add(self, *, number, bank, holder, person, kind, opened, opening_fen, ip, mac) -> np.ndarray:
        """Append accounts; returns their indices in the book."""
        first = len(self.number)
        n = len(number)
        for name, values in (("number", number), ("bank", bank), ("person", person), ("kind", kind),
                             ("opened", opened), ("opening_fen", opening_fen), ("ip", ip), ("mac", mac)):
            old = getattr(self, name)
            setattr(self, name, np.concatenate([old, np.broadcast_to(values, n).astype(old.dtype)]))
        self.holders.append(pl.Series("holder", holder, pl.Utf8))
        return np.arange(first, first + n)


@dataclass
class ResidentAccounts:
    """Each adult's cards: ``first[p]`` is the main card (salary, transfers), ``count[p]`` how many."""

    first: np.ndarray  # per resident, -1 for children
    count: np.ndarray

    def any_card(self, rng: np.random.Generator, person: np.ndarray) -> np.ndarray:
        person = np.asarray(person)
        return self.first[person] + (rng.random(len(person)) * self.count[person]).astype(np.int64)

