"""Stop-payment orders (紧急止付): the four fields the bank checks, the 48 hours, the two-stop limit.

Rules as the center works them: the bank compares account name, account number, amount and
transfer time; if they match it stops outgoing payments at once for 48 hours from the moment it
stopped, otherwise it rejects, and either way it answers. An account may be stopped at most twice.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

STOP_DURATION = timedelta(hours=48)
MAX_STOPS_PER_ACCOUNT = 2
FIRST_ORDER_LIMIT = timedelta(minutes=30)  # officially, the first order goes out within 30 minutes
TIME_TOLERANCE = timedelta(minutes=5)  # a reported transfer time matches a posting within this
NEAR_EXPIRY = timedelta(hours=6)  # orders this close to expiry are flagged for renewal or freeze


class OrderState(StrEnum):
    DRAFTED = "drafted"
    SENT = "sent"
    STOPPED = "stopped"
    REJECTED = "rejected"
    EXPIRED = "expired"
    FROZEN = "frozen"  # converted to a freeze
    RELEASED = "released"

    @property
    def label_zh(self) -> str:
        return _LABELS_ZH[self]

    @property
    def is_open(self) -> bool:
        return self in (OrderState.DRAFTED, OrderState.SENT, OrderState.STOPPED)

    def can_move_to(self, target: OrderState) -> bool:
        return target in _NEXT[self]


_LABELS_ZH = {
    OrderState.DRAFTED: "草拟",
    OrderState.SENT: "已发送",
    OrderState.STOPPED: "已止付",
    OrderState.REJECTED: "已拒绝",
    OrderState.EXPIRED: "已到期",
    OrderState.FROZEN: "已转冻结",
    OrderState.RELEASED: "已解除",
}

_NEXT = {
    OrderState.DRAFTED: {OrderState.SENT},
    OrderState.SENT: {OrderState.STOPPED, OrderState.REJECTED},
    OrderState.STOPPED: {OrderState.EXPIRED, OrderState.FROZEN, OrderState.RELEASED},
    OrderState.REJECTED: set(),
    OrderState.EXPIRED: set(),
    OrderState.FROZEN: set(),
    OrderState.RELEASED: set(),
}


@dataclass(frozen=True)
class FourFields:
    """What the order names and the bank checks (止付四要素)."""

    account_name: str
    account_number: str
    amount_fen: int
    transfer_time: datetime


@dataclass(frozen=True)
class CheckResult:
    matches: bool
    mismatches: tuple[str, ...]  # which of the four fields did not match, and how


def check_four_fields(order: FourFields, held: FourFields) -> CheckResult:
    """Compare the order with what the bank holds for the transfer; names ignore spaces."""
    problems = []
    if order.account_number.strip() != held.account_number.strip():
        problems.append("account_number: no such account at this bank")
    if "".join(order.account_name.split()) != "".join(held.account_name.split()):
        problems.append("account_name: does not match the account holder")
    if order.amount_fen != held.amount_fen:
        problems.append(f"amount: the bank holds a transfer of {held.amount_fen} fen, not {order.amount_fen}")
    if abs(order.transfer_time - held.transfer_time) > TIME_TOLERANCE:
        problems.append("transfer_time: no transfer at that time")
    return CheckResult(not problems, tuple(problems))


def stop_expires_at(stopped_at: datetime) -> datetime:
    """A stop lasts 48 hours from the moment the bank stopped the account, not from the order."""
    if stopped_at.tzinfo is None:
        raise ValueError("stopped_at must carry a zone")
    return stopped_at + STOP_DURATION


def may_stop_again(previous_stops: int) -> bool:
    """The same account may be stopped at most twice."""
    return previous_stops < MAX_STOPS_PER_ACCOUNT


def is_near_expiry(expires_at: datetime, now: datetime) -> bool:
    return now < expires_at <= now + NEAR_EXPIRY
