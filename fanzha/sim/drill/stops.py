"""The banks' side of stop-payment in the drill (止付): which accounts are stopped, when, and for how long.

A stop blocks the account's outgoing payments from the moment the bank stops it for 48 hours
(``STOP_DURATION``); an account may be stopped at most twice (``MAX_STOPS_PER_ACCOUNT``), counted
over every victim's orders, since the gangs' cards serve many victims. An order to an account
already stopped is answered "already stopped" and needs no new stop.

Freezes (冻结): a stop that still holds stolen money when its 48 hours run out is taken to have
been converted to a freeze before expiry (the funds desk is warned 6 hours ahead, ``NEAR_EXPIRY``,
and a freeze needs only the legal document), and a freeze outlasts the drill (6 months). A stop
holding no stolen money at expiry lapses; the account may then be stopped once more.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from fanzha.domain.stop_payment import MAX_STOPS_PER_ACCOUNT, STOP_DURATION, may_stop_again

STOP_S = int(STOP_DURATION.total_seconds())
FOREVER = 1 << 62


class Answer(StrEnum):
    STOPPED = "stopped"  # 已止付: stopped now
    ALREADY = "already_stopped"  # stopped or frozen before, on another order
    REFUSED = "refused_limit"  # stopped twice already: the bank may not stop it again


@dataclass
class _Account:
    stops: int = 0
    windows: list[list[int]] = field(default_factory=list)  # [from, until): outgoing payments blocked
    frozen: bool = False


class StopBook:
    """Every account's stops and freezes over the drill."""

    def __init__(self) -> None:
        self._accounts: dict[str, _Account] = {}
        self.stops = 0
        self.freezes = 0
        self.lapsed = 0

    def blocked(self, account: str, t: int) -> bool:
        """Outgoing payments of ``account`` are blocked at ``t`` (stopped_at ≤ t < stopped_at + 48 h, or frozen)."""
        state = self._accounts.get(account)
        if state is None or not state.windows:
            return False
        start, until = state.windows[-1]
        return start <= t < until  # windows only ever follow each other; the last one decides from now on

    def blocked_since(self, account: str, t: int) -> int | None:
        """When the block in force at ``t`` began (None when the account is not blocked at ``t``)."""
        if not self.blocked(account, t):
            return None
        return self._accounts[account].windows[-1][0]

    def windows(self, account: str) -> list[tuple[int, int]]:
        state = self._accounts.get(account)
        return [(a, b) for a, b in state.windows] if state else []

    def stop(self, account: str, t: int) -> Answer:
        """The bank acts on an order at ``t``: stop now, already stopped, or refuse (the limit)."""
        if self.blocked(account, t):
            return Answer.ALREADY
        state = self._accounts.setdefault(account, _Account())
        if not may_stop_again(state.stops):
            return Answer.REFUSED
        state.stops += 1
        state.windows.append([t, t + STOP_S])
        self.stops += 1
        return Answer.STOPPED

    def expires_at(self, account: str) -> int:
        return self._accounts[account].windows[-1][1]

    def expire(self, account: str, t: int, holds_stolen: bool) -> bool:
        """At a stop's end: freeze it when it still holds stolen money (True), else let it lapse."""
        state = self._accounts[account]
        window = state.windows[-1]
        if window[1] != t or state.frozen:
            return state.frozen
        if holds_stolen:
            window[1] = FOREVER
            state.frozen = True
            self.freezes += 1
            return True
        self.lapsed += 1
        return False

    def stops_of(self, account: str) -> int:
        state = self._accounts.get(account)
        return state.stops if state else 0


__all__ = ["FOREVER", "MAX_STOPS_PER_ACCOUNT", "STOP_S", "Answer", "StopBook"]
