"""Draws the demo's simulated parties make from a key (an order number, a phone number), so the
same order gets the same delay on every run and in every process, without a shared generator."""
from __future__ import annotations

import hashlib
import math
from datetime import timedelta


def keyed_units(text: str, n: int = 1) -> list[float]:
    """``n`` (at most 4) numbers in (0, 1) from the SHA-256 of ``text``, one per 8 bytes."""
    digest = hashlib.sha256(text.encode()).digest()
    return [(int.from_bytes(digest[8 * i:8 * i + 8], "big") + 1) / (2**64 + 2) for i in range(n)]


def lognormal_delay(u1: float, u2: float, median: timedelta, sigma: float, cap: timedelta) -> timedelta:
    """A lognormal delay around ``median`` from two uniforms (Box–Muller), never over ``cap``."""
    normal = math.sqrt(-2 * math.log(u1)) * math.cos(2 * math.pi * u2)
    return min(timedelta(seconds=median.total_seconds() * math.exp(sigma * normal)), cap)
