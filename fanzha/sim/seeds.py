"""Random streams: one numpy Generator (PCG64) per stage, derived from the city's seed.

Each stage (and each simulated day) draws from its own stream, so adding draws to one stage never
shifts another's numbers and chunked generation gives the same city as a single pass.
"""
from __future__ import annotations

import zlib

import numpy as np


def stream(seed: int, *keys: int | str) -> np.random.Generator:
    """The generator for one stage (``stream(seed, "calls", day)``)."""
    entropy = [int(seed)] + [zlib.crc32(k.encode()) if isinstance(k, str) else int(k) for k in keys]
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(entropy)))
