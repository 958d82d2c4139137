"""Working a warning lead (劝阻): the steps in order, and how a lead ends.

快速找人、全力劝阻、及时止付、深入教育: find the person, dissuade them, stop the payment if money
already left, educate. Each step is recorded with its time and outcome; the lead closes with a
result and, when dissuaded, the loss avoided. A callback (回访) checks later.
"""
from __future__ import annotations

from enum import StrEnum


class Step(StrEnum):
    LOCATE = "locate"  # 快速找人: call, SMS, visit
    DISSUADE = "dissuade"  # 全力劝阻
    STOP_PAYMENT = "stop_payment"  # 及时止付: hand to the funds desk's orders
    EDUCATE = "educate"  # 深入教育
    CALLBACK = "callback"  # 回访


class LocateMethod(StrEnum):
    CALL = "call"
    SMS = "sms"
    VISIT = "visit"


class Result(StrEnum):
    """How a lead ends."""

    DISSUADED = "dissuaded"  # reached in time, nothing (more) lost
    DEFRAUDED = "defrauded"  # already defrauded: the case goes to intake and funds
    UNREACHABLE = "unreachable"  # could not be found in time
    FALSE_ALARM = "false_alarm"  # not a fraud after all

    @property
    def label_zh(self) -> str:
        return {"dissuaded": "劝阻成功", "defrauded": "已被骗", "unreachable": "无法联系",
                "false_alarm": "误报"}[self.value]


STEP_ORDER = (Step.LOCATE, Step.DISSUADE, Step.STOP_PAYMENT, Step.EDUCATE)


def may_close(result: Result, steps_done: set[Step], loss_avoided_fen: int | None) -> list[str]:
    """What is missing before a lead may close with ``result`` (empty: it may)."""
    missing = []
    if result is not Result.FALSE_ALARM and Step.LOCATE not in steps_done and result is not Result.UNREACHABLE:
        missing.append("record how the person was located (快速找人) first")
    if result is Result.DISSUADED:
        if Step.DISSUADE not in steps_done:
            missing.append("record the dissuasion (全力劝阻) first")
        if loss_avoided_fen is None or loss_avoided_fen < 0:
            missing.append("give the loss avoided in yuan (0 if nothing was at stake)")
    if result is Result.UNREACHABLE and Step.LOCATE not in steps_done:
        missing.append("record the attempts to locate the person (call, SMS or visit)")
    return missing
