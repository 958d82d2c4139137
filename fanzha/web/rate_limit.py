"""Rate limits (访问频率限制) for the sign-in and the public endpoints.

A ``RateLimiter`` answers, for a key (``login:account:duty``, ``login:ip:10.0.0.7``,
``public:10.0.0.7``), whether one more request may pass now, or how many seconds to wait.
``TokenBucket`` keeps the buckets in this process's memory, which suits the embedded mode (one
server process); a deployment with several processes puts a shared limiter (Redis, say) behind
the same interface: ``RedisTokenBucket`` keeps the same buckets in Redis, shared by every worker,
and is used when ``FANZHA_REDIS_URL`` is set (production). A request over the limit is answered 429
with ``Retry-After``.

Behind a reverse proxy, start uvicorn with ``--forwarded-allow-ips`` so the client's address is
the one the proxy saw, not the proxy's.
"""
from __future__ import annotations

import math
import os
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


# One atomic step of the token bucket in Redis: refill by the time passed, take a token or say how
# long to wait. Time comes from the Redis server, so every worker agrees on it.
_BUCKET_SCRIPT = """
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1])
local at = tonumber(state[2])
if tokens == nil then tokens = capacity; at = now end
tokens = math.min(capacity, tokens + math.max(0, now - at) * rate)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = (1 - tokens) / rate end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('EXPIRE', KEYS[1], math.ceil(capacity / rate) + 1)
return tostring(wait)
"""


class RedisTokenBucket:
    """The same bucket as ``TokenBucket``, kept in Redis so every server process shares it.

    A bucket untouched long enough to be full again expires by itself. When Redis cannot be
    reached the request passes (logged): the limiter protects the service, it must not stop it.
    """

    def __init__(self, client, capacity: float, per_second: float, prefix: str = "fanzha:rl:") -> None:
        self.capacity = float(capacity)
        self.rate = float(per_second)
        self.prefix = prefix
        self.client = client
        self._script = client.register_script(_BUCKET_SCRIPT)

    @classmethod
    def from_url(cls, url: str, capacity: float, per_second: float, prefix: str = "fanzha:rl:") -> RedisTokenBucket:
        import redis

        return cls(redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5), capacity, per_second,
                   prefix)

    def hit(self, key: str) -> float:
        try:
            return float(self._script(keys=[self.prefix + key], args=[self.capacity, self.rate]))
        except Exception:  # noqa: BLE001 - Redis down: let the request through, say so in the log
            import logging

            logging.getLogger(__name__).warning("rate limiter: Redis unreachable; request let through")
            return 0.0


@dataclass(frozen=True)
class RateLimits:
    """The limits an app runs with (per minute unless said otherwise)."""

    login_per_account: int = 10  # sign-in attempts for one username
    login_per_address: int = 60  # sign-in attempts from one address (an office may share one)
    public_per_address: int = 60  # public look-ups from one address
    public_reports_per_hour: int = 10  # citizens' fraud reports from one address, per hour
    redis_url: str | None = None  # shared buckets in Redis; None: FANZHA_REDIS_URL, else in memory

    def limiters(self) -> dict[str, RateLimiter]:
        url = self.redis_url if self.redis_url is not None else os.environ.get("FANZHA_REDIS_URL")
        limits = {
            "login_account": (self.login_per_account, self.login_per_account / 60),
            "login_address": (self.login_per_address, self.login_per_address / 60),
            "public": (self.public_per_address, self.public_per_address / 60),
            "public_report": (self.public_reports_per_hour, self.public_reports_per_hour / 3600),
        }
        if url:
            import redis

            client = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
            return {name: RedisTokenBucket(client, c, r, prefix=f"fanzha:rl:{name}:") for name, (c, r) in limits.items()}
        return {name: TokenBucket(c, r) for name, (c, r) in limits.items()}


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


def public_report_rate_limit(request: Request) -> None:
    """The stricter limit on citizens' reports (on top of the public one): per client address."""
    take(request, "public_report", "report:" + client_address(request), "reports")
