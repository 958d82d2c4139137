"""Attribution rules (资金归属规则): which part of an account's outgoing money is the victims'.

When stolen money lands in an account that also holds other money, a rule has to say how much of
each later outflow carries it. Two rules are supported, always in integer fen:

* ``proportional`` (按比例): every outflow carries the account's tainted share of the balance just
  before it. The tainted part of an outflow of ``a`` fen from a balance ``B`` holding ``T`` tainted
  fen is ``floor(T * a / B)``, but never less than ``T - (B - a)`` (what stays cannot hold more
  taint than money) and never more than ``min(a, T)``. The fraction of a fen that the floor leaves
  stays in the account, so nothing is created or lost; it leaves with later outflows.
* ``fifo`` (先进先出): outflows spend the oldest money first; the balance held before the first
  tainted arrival is the oldest money of all.

Several victims' money in one outflow is split among them by the largest remainder
(``split_by_largest_remainder``): each gets the floor of their share, the fen left over go to the
largest fractional parts, ties to the lower key. Every fen is handed out and no part gets more
than it holds.

Tracing stops where money leaves the banking system or the statements in hand: cash (取现/现金,
ATM, no counterparty), purchases (消费, POS) and accounts whose statements are not in yet.
"""
from __future__ import annotations

from collections.abc import Hashable
from enum import StrEnum
from typing import TypeVar

from fanzha.domain.posting import CASH_MARKERS


class AttributionRule(StrEnum):
    PROPORTIONAL = "proportional"
    FIFO = "fifo"

    @classmethod
    def parse(cls, text: str) -> AttributionRule:
        key = str(text).strip().lower()
        for rule in cls:
            if key in (rule.value, rule.label_zh):
                return rule
        raise ValueError(f"attribution rule {text!r} is not one of: proportional (按比例), fifo (先进先出)")

    @property
    def label_zh(self) -> str:
        return {AttributionRule.PROPORTIONAL: "按比例", AttributionRule.FIFO: "先进先出"}[self]

    @property
    def statement(self) -> str:
        """The rule in one sentence, for the result a person reads."""
        if self is AttributionRule.PROPORTIONAL:
            return ("proportional (按比例): each outflow after tainted money arrived carries the account's "
                    "tainted share of the balance just before it, floor(T*a/B) fen (the fraction stays in the "
                    "account), split among victims by largest remainder")
        return ("fifo (先进先出): outflows spend the oldest money first, the balance held before the tainted "
                "money arrived being the oldest; a partly spent inflow is split among victims by largest "
                "remainder")


class Action(StrEnum):
    """What the funds desk does about an account the money reached."""

    STOP_PAYMENT = "stop_payment"  # 止付: the statement shows tainted money still in it
    REQUEST_STATEMENT = "request_statement"  # 调证: no statement in hand, or it does not show the money
    NONE = "none"  # the tainted money has left it

    @property
    def label_zh(self) -> str:
        return {Action.STOP_PAYMENT: "止付", Action.REQUEST_STATEMENT: "调证", Action.NONE: "无"}[self]


class ExitKind(StrEnum):
    """Where traced money leaves the trail."""

    CASH = "cash"  # 取现
    PURCHASE = "purchase"  # 消费
    UNTRACED = "untraced"  # 未能追踪: no statement, not found, or beyond the level limit

    @property
    def label_zh(self) -> str:
        return {ExitKind.CASH: "取现", ExitKind.PURCHASE: "消费", ExitKind.UNTRACED: "未能追踪"}[self]


PURCHASE_MARKERS = ("消费", "购物", "购买", "POS")
PURCHASE_CHANNELS = ("POS",)


def is_purchase(memo: str | None, channel: str | None) -> bool:
    """A posting is a purchase when its memo says so (消费/购物) or it went through a POS terminal."""
    text = f"{memo or ''}"
    return any(m in text for m in PURCHASE_MARKERS) or (channel or "").strip().upper() in PURCHASE_CHANNELS


def is_cash_exit(memo: str | None, channel: str | None, counterparty_account: str | None) -> bool:
    """An outflow is cash when its memo or channel says 取现/现金/取款, or it names no counterparty."""
    text = f"{memo or ''}{channel or ''}"
    return not counterparty_account or any(marker in text for marker in CASH_MARKERS)


def tainted_part(taint: int, amount: int, balance: int) -> int:
    """The proportional rule's tainted fen in an outflow of ``amount`` from ``balance`` holding ``taint``.

    ``floor(taint * amount / balance)`` bounded so that what stays never holds more taint than
    money, and the outflow never carries more than itself or than the taint there is. A balance
    below the outflow (the statements miss money that came in) counts as the outflow itself: all
    the known money leaves.
    """
    if taint <= 0 or amount <= 0:
        return 0
    balance = max(balance, amount, taint)
    return min(amount, taint, max(taint * amount // balance, taint - (balance - amount)))


K = TypeVar("K", bound=Hashable)


def split_by_largest_remainder(total: int, parts: dict[K, int]) -> dict[K, int]:
    """Split ``total`` fen over ``parts`` in proportion to their sizes, by the largest remainder.

    ``total`` must not exceed the sum of the parts. Each part gets ``floor(total * part / sum)``;
    the fen left over go one each to the largest fractional remainders, ties to the lower key.
    The shares add up to ``total`` exactly and none exceeds its part. Zero shares are left out.
    """
    whole = sum(parts.values())
    if total < 0 or total > whole:
        raise ValueError(f"cannot split {total} fen over parts holding {whole}")
    if total == 0:
        return {}
    if total == whole:
        return {k: v for k, v in parts.items() if v}
    if len(parts) == 1:
        (key,) = parts
        return {key: total}
    shares = {k: v * total // whole for k, v in parts.items()}
    left = total - sum(shares.values())
    if left:
        for k in sorted(parts, key=lambda k: (-(parts[k] * total % whole), k))[:left]:
            shares[k] += 1
    return {k: v for k, v in shares.items() if v}
