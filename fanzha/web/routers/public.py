"""Public endpoints (公众服务): open to anyone, rate-limited per client address.

The risk look-up and citizens' fraud reports come with the public desk; for now a ping shows
that the public API is up, and carries the same rate limit those endpoints will.
"""
from __future__ import annotations

from fastapi import APIRouter, Depends

from fanzha.domain import clock
from fanzha.domain.clock import local
from fanzha.web.auth import public
from fanzha.web.schemas import PingOut, api_responses

router = APIRouter(prefix="/api/public", tags=["public"])


@router.get("/ping", response_model=PingOut, responses=api_responses(429))
def ping(_=Depends(public(rate_limited=True))) -> PingOut:
    """Whether the public API answers; at most 60 requests a minute from one address (429 with
    Retry-After beyond that)."""
    return PingOut(ok=True, service="fanzha", time=local(clock.now()))
