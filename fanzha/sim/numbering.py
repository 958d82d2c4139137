"""Unique numbers: mobile numbers by operator prefix (号段), bank card numbers, IMEIs, IPs, MACs.

Uniqueness without lookups: the j-th number handed out under a prefix is ``(a*j + b) mod 10^k``
with ``a`` coprime to 10, a permutation of the k-digit space, so numbers look random yet never
repeat within one allocator.
"""
from __future__ import annotations

import numpy as np

from fanzha.domain.organisation import BANKS, OPERATORS

OPERATOR_SHARES = np.array([0.6, 0.2, 0.2])  # 中国移动, 中国联通, 中国电信


def luhn_complete(payload: np.ndarray, digits: int | np.ndarray) -> np.ndarray:
    """Append the Luhn check digit (cards, IMEIs) to payloads of ``digits`` digits."""
    payload = np.asarray(payload, dtype=np.int64)
    digits = np.broadcast_to(np.asarray(digits), payload.shape)
    total = np.zeros(len(payload), dtype=np.int64)
    for i in range(int(digits.max()) if len(payload) else 0):
        d = (payload // 10**i) % 10
        if i % 2 == 0:  # rightmost payload digit is doubled
            d = d * 2
            d = np.where(d > 9, d - 9, d)
        total += np.where(i < digits, d, 0)
    return payload * 10 + (10 - total % 10) % 10


class _Permutation:
    """Hands out distinct k-digit values per key, in a scrambled order."""

    def __init__(self, rng: np.random.Generator, digits: int) -> None:
        self.space = 10**digits
        self.rng = rng
        self.counters: dict[object, int] = {}
        self.params: dict[object, tuple[int, int]] = {}

    def take(self, key: object, count: int) -> np.ndarray:
        if key not in self.params:
            a = int(self.rng.integers(self.space // 7, self.space // 3)) | 1
            while a % 5 == 0:
                a += 2
            self.params[key] = (a, int(self.rng.integers(0, self.space)))
        a, b = self.params[key]
        start = self.counters.get(key, 0)
        if start + count > self.space:
            raise ValueError(f"number space {key!r} exhausted")
        self.counters[key] = start + count
        j = np.arange(start, start + count, dtype=np.int64)  # a*j < 10^k * 10^k/3 stays within int64
        return (a * j + b) % self.space


class PhoneNumbers:
    """11-digit mobile numbers with the domain's operator prefixes."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self._perm = _Permutation(rng, 8)

    def operators(self, n: int) -> np.ndarray:
        return self.rng.choice(len(OPERATORS), n, p=OPERATOR_SHARES).astype(np.int8)

    def allocate(self, operator: np.ndarray) -> np.ndarray:
        operator = np.asarray(operator)
        numbers = np.zeros(len(operator), dtype=np.int64)
        for o, op in enumerate(OPERATORS):
            where = np.flatnonzero(operator == o)
            prefix = self.rng.integers(0, len(op.prefixes), len(where))
            for p, text in enumerate(op.prefixes):
                sel = where[prefix == p]
                numbers[sel] = int(text) * 10**8 + self._perm.take(text, len(sel))
        return numbers


class CardNumbers:
    """Debit card numbers: the bank's prefix, a body, a Luhn digit; 19 digits mostly, some 16."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self._perms = {length: _Permutation(rng, length - 7) for length in (16, 19)}

    def allocate(self, bank: np.ndarray) -> np.ndarray:
        bank = np.asarray(bank)
        length = np.where(self.rng.random(len(bank)) < 0.85, 19, 16)
        numbers = np.zeros(len(bank), dtype=np.int64)
        for b, info in enumerate(BANKS):
            for size in (16, 19):
                sel = np.flatnonzero((bank == b) & (length == size))
                body = self._perms[size].take(info.code, len(sel))
                payload = int(info.card_prefix) * 10 ** (size - 7) + body
                numbers[sel] = luhn_complete(payload, size - 1)
        return numbers


_TACS = np.array([86891203, 86753104, 86012345, 35332510, 35391110, 86446705, 86978304, 86583206,
                  35467811, 86270306, 86934405, 86115503], dtype=np.int64)


class Imeis:
    """15-digit handset IMEIs: a type code (TAC), a serial, a Luhn digit."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self._perm = _Permutation(rng, 6)

    def allocate(self, n: int) -> np.ndarray:
        tac = self.rng.integers(0, len(_TACS), n)
        serial = np.zeros(n, dtype=np.int64)
        for t in range(len(_TACS)):
            sel = np.flatnonzero(tac == t)
            serial[sel] = self._perm.take(t, len(sel))
        return luhn_complete(_TACS[tac] * 10**6 + serial, 14)


# Home broadband and mobile ranges in Fujian; others for devices kept elsewhere.
_LOCAL_NETS = np.array([(27, 148), (27, 150), (110, 80), (110, 84), (36, 248), (117, 25), (120, 36), (112, 48)])
_FAR_NETS = np.array([(113, 12), (171, 108), (116, 252), (222, 216), (182, 88), (59, 53), (39, 144), (106, 61)])


def ip_addresses(rng: np.random.Generator, n: int, local: bool = True) -> np.ndarray:
    nets = _LOCAL_NETS if local else _FAR_NETS
    net = nets[rng.integers(0, len(nets), n)]
    return (net[:, 0].astype(np.int64) << 24) | (net[:, 1].astype(np.int64) << 16) | rng.integers(256, 65_534, n)


_OUIS = np.array([0x3C_A6_16, 0x00_E0_FC, 0x28_6C_07, 0x64_09_80, 0xF4_8B_32, 0xAC_C1_EE, 0x9C_2E_A1, 0x48_3C_0C])


def mac_addresses(rng: np.random.Generator, n: int) -> np.ndarray:
    return (_OUIS[rng.integers(0, len(_OUIS), n)].astype(np.int64) << 24) | rng.integers(0, 1 << 24, n)
