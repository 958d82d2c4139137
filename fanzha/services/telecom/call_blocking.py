"""Blocking a call in progress (阻断): which operators support it, and whether the call still runs.

Where the resident's operator can block calls and the call is still going when the alert is
raised, the action is ``blocked``; otherwise (an operator without the service, a call already
over, an event that arrived late) it is a callback task (回访) for the warning desk. A number only
suspected (the hourly rule's or the model's flag, not yet confirmed by a case or an officer) is
never blocked: cutting a call is a restriction, and restrictions need an officer's order; the
resident is warned instead (the flash SMS and the callback).
``FANZHA_CALL_BLOCKING_OPERATORS`` (comma-separated codes; empty for none) says which operators
support blocking; by default all three do.
"""
from __future__ import annotations

import os
from datetime import datetime, timedelta

BLOCKED = "blocked"
CALLBACK = "callback"
ACTIONS = {BLOCKED: "已阻断", CALLBACK: "回访提醒"}
DEFAULT_OPERATORS = "CMCC,CUCC,CTCC"
STILL_RUNNING = timedelta(seconds=60)  # a call that ended within this is taken as still on the line


def blocking_operators() -> frozenset[str]:
    raw = os.environ.get("FANZHA_CALL_BLOCKING_OPERATORS", DEFAULT_OPERATORS)
    return frozenset(code.strip().upper() for code in raw.split(",") if code.strip())


def alert_action(operator: str | None, call_start: datetime, duration_s: int, now: datetime,
                 operators: frozenset[str] | None = None, *, suspected: bool = False) -> str:
    """``blocked`` when the number is more than suspected, the operator supports blocking and the
    call is still going, else ``callback``."""
    operators = blocking_operators() if operators is None else operators
    running = call_start + timedelta(seconds=max(duration_s, 0)) + STILL_RUNNING >= now
    return BLOCKED if operator in operators and running and not suspected else CALLBACK
