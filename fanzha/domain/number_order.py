"""Orders to operators on a fraud number (涉诈号码处置): intercept, shut down, re-verify.

The rules as the center works them: operators act on numbers the police flag; a number a
victim reported (it called or texted them) within **1 hour**, a number found by association
(the model, the contact graph, an analyst) within **24 hours**. Every restriction states its
reason and the appeal channel (申诉); a granted appeal lifts it.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

REPORTED_LIMIT = timedelta(hours=1)
ASSOCIATED_LIMIT = timedelta(hours=24)
# Told to the holder with every restriction (in Chinese: the holder reads it).
APPEAL_CHANNEL = "本人持有效身份证件到运营商营业厅申诉，或拨打反诈中心电话申诉"


class NumberOrderKind(StrEnum):
    INTERCEPT = "intercept"  # 拦截: calls and SMS from the number are blocked
    SHUTDOWN = "shutdown"  # 关停: the number is switched off
    REVERIFY = "reverify"  # 二次实名: the holder must re-verify in person, service limited until then

    @property
    def label_zh(self) -> str:
        return {"intercept": "拦截", "shutdown": "关停", "reverify": "二次实名核验"}[self.value]


class Basis(StrEnum):
    """Why the number is flagged, which sets the operator's time limit."""

    REPORTED = "reported"  # a victim reported it (it called or texted them): 1 hour
    ASSOCIATED = "associated"  # found by association (model, graph, analyst): 24 hours

    @property
    def limit(self) -> timedelta:
        return REPORTED_LIMIT if self is Basis.REPORTED else ASSOCIATED_LIMIT


class NumberOrderState(StrEnum):
    SENT = "sent"  # in the operator's queue
    EXECUTED = "executed"  # the operator restricted the number
    REJECTED = "rejected"  # the operator refused, with its reason (e.g. not its number)
    LIFTED = "lifted"  # an appeal was granted: the restriction is lifted

    def can_move_to(self, target: NumberOrderState) -> bool:
        return target in _NEXT[self]


_NEXT = {
    NumberOrderState.SENT: {NumberOrderState.EXECUTED, NumberOrderState.REJECTED},
    NumberOrderState.EXECUTED: {NumberOrderState.LIFTED},
    NumberOrderState.REJECTED: set(),
    NumberOrderState.LIFTED: set(),
}


class AppealState(StrEnum):
    PENDING = "pending"
    GRANTED = "granted"  # the restriction is lifted
    REFUSED = "refused"  # with the reason given to the holder


def due_at(raised_at: datetime, basis: Basis) -> datetime:
    if raised_at.tzinfo is None:
        raise ValueError("raised_at must carry a zone")
    return raised_at + basis.limit


def is_overdue(state: str, due: datetime, now: datetime) -> bool:
    """An order still waiting in the queue past its limit."""
    return state == NumberOrderState.SENT.value and now > due
