"""Rate limits (访问频率限制) for the sign-in and the public endpoints.

A ``RateLimiter`` answers, for a key (``login:account:duty``, ``login:ip:10.0.0.7``,
``public:10.0.0.7``), whether one more request may pass now, or how many seconds to wait.
``TokenBucket`` keeps the buckets in this process's memory, which suits the embedded mode (one
server process); a deployment with several processes puts a shared limiter (Redis, say) behind
the same interface. A request over the limit is answered 429 with ``Retry-After``.

Behind a reverse proxy, start uvicorn with ``--forwarded-allow-ips`` so the client's address is
the one the proxy saw, not the proxy's.
"""
from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from fastapi import Request


class RateLimiter(Protocol):
    def hit(self, key: str) -> float:
        """Take one request for ``key``: 0.0 when it may pass, else the seconds until it may."""


class TokenBucket:
    """``capacity`` requests at once, refilled at ``per_second``; in memory, thread-safe."""

    def __init__(self, capacity: float, per_second: float, clock: Callable[[], float] = time.monotonic,
                 max_keys: int = 100_000) -> None:
        self.capacity = float(capacity)
        self.rate = float(per_second)
        self.clock = clock
        self.max_keys = max_keys
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, when)
        self._lock = threading.Lock()

    def hit(self, key: str) -> float:
        with self._lock:
            now = self.clock()
            tokens, then = self._buckets.get(key, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - then) * self.rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                if len(self._buckets) > self.max_keys:
                    self._prune(now)
                return 0.0
            self._buckets[key] = (tokens, now)
            return (1.0 - tokens) / self.rate

    def _prune(self, now: float) -> None:
        """Forget buckets that are full again (they behave as new ones)."""
        full_after = self.capacity / self.rate
        for key in [k for k, (_, then) in self._buckets.items() if now - then >= full_after]:
            del self._buckets[key]


@dataclass(frozen=True)
class RateLimits:
    """The limits an app runs with (per minute unless said otherwise)."""

    login_per_account: int = 10  # sign-in attempts for one username
    login_per_address: int = 60  # sign-in attempts from one address (an office may share one)
    public_per_address: int = 60  # public look-ups from one address

    def limiters(self) -> dict[str, RateLimiter]:
        return {
            "login_account": TokenBucket(self.login_per_account, self.login_per_account / 60),
            "login_address": TokenBucket(self.login_per_address, self.login_per_address / 60),
            "public": TokenBucket(self.public_per_address, self.public_per_address / 60),
        }


class RateLimited(Exception):
    """Too many requests; answered 429 with Retry-After."""

    def __init__(self, retry_after: float, what: str) -> None:
        self.retry_after = max(1, math.ceil(retry_after))
        self.what = what
        super().__init__(f"too many {what}; try again in {self.retry_after} s")


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def take(request: Request, limiter: str, key: str, what: str) -> None:
    """Count one request against ``limiter`` for ``key``; raise RateLimited when over."""
    wait = request.app.state.limiters[limiter].hit(key)
    if wait > 0:
        raise RateLimited(wait, what)


def public_rate_limit(request: Request) -> None:
    """Dependency of the public endpoints: a limit per client address."""
    take(request, "public", "public:" + client_address(request), "requests")
