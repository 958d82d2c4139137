"""The phone book (号码): every simulated mobile number, its operator, handset and whose it is.

Adults have one or two numbers; children none. Fraud numbers are appended by the gangs; their
owner is -1 (registered to a 帮信 person outside the city, listed in the truth files).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

RESIDENT, FRAUD = 0, 1
KIND_NAMES = ("resident", "fraud")


@dataclass
class PhoneBook:
    number: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    operator: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int8))
    owner: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))  # resident, -1 for none
    kind: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int8))
    imei: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    home_cell: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    work_cell: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))

    def __len__(self) -> int:
        return len(self.number)

    def add(self, *, number, operator, owner, kind, imei, home_cell, work_cell) -> np.ndarray:
        """Append numbers; returns their indices in the book."""
        first = len(self.number)
        for name, values in (("number", number), ("operator", operator), ("owner", owner), ("kind", kind),
                             ("imei", imei), ("home_cell", home_cell), ("work_cell", work_cell)):
            old = getattr(self, name)
            setattr(self, name, np.concatenate([old, np.broadcast_to(values, len(number)).astype(old.dtype)]))
        return np.arange(first, len(self.number))


@dataclass
class ResidentPhones:
    """Each resident's first and second phone (indices into the book; -1 for none)."""

    first: np.ndarray
    second: np.ndarray
