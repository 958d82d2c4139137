"""Simulated time: integer seconds on the local (Asia/Shanghai) wall clock since 1970-01-01.

Keeping times as plain local seconds avoids zone arithmetic in the hot paths; files get
``2024-05-30 15:02:00`` and reports add ``+08:00``.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np

DAY = 86_400
_EPOCH = date(1970, 1, 1)

# Relative activity per hour of day (0..23).
CALL_HOURS = np.array([0.3, 0.15, 0.1, 0.1, 0.15, 0.4, 1.2, 2.8, 4.6, 6.0, 6.6, 6.2,
                       5.2, 4.8, 5.6, 6.0, 6.2, 6.4, 6.8, 6.6, 5.8, 4.4, 2.6, 1.0])
MONEY_HOURS = np.array([0.4, 0.2, 0.1, 0.1, 0.1, 0.2, 0.6, 1.6, 3.0, 4.6, 5.4, 5.8,
                        6.0, 5.0, 4.8, 5.2, 5.4, 5.6, 6.2, 6.8, 6.6, 5.4, 3.4, 1.4])
# Fraud call centers work shifts, late evenings included, and bursts at night.
FRAUD_HOURS = np.array([2.0, 1.6, 1.2, 0.6, 0.4, 0.4, 0.8, 1.6, 3.0, 4.4, 5.0, 4.8,
                        3.6, 3.8, 4.6, 4.8, 4.6, 4.2, 4.0, 4.4, 4.8, 4.6, 3.8, 2.8])


def day_start(start: date, day: int) -> int:
    """Local seconds at midnight of simulated day ``day`` (0-based)."""
    return ((start - _EPOCH).days + day) * DAY


def times_in_day(rng: np.random.Generator, n: int, midnight: np.ndarray | int, hours: np.ndarray) -> np.ndarray:
    """``n`` random times in a day (or in each of ``midnight``), hours drawn from a profile."""
    hour = rng.choice(24, size=n, p=hours / hours.sum())
    return np.asarray(midnight, dtype=np.int64) + hour.astype(np.int64) * 3600 + rng.integers(0, 3600, n)


def to_datetime(seconds: int) -> datetime:
    return datetime(1970, 1, 1) + timedelta(seconds=int(seconds))


def iso_text(seconds: int) -> str:
    """``2024-05-30T15:02:00+08:00``, as victim reports write it."""
    return to_datetime(seconds).strftime("%Y-%m-%dT%H:%M:%S") + "+08:00"
