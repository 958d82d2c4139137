"""A bank statement posting (交易流水): its direction and what marks cash."""
from __future__ import annotations

from enum import StrEnum


class Direction(StrEnum):
    IN = "in"  # 进 / 收 / 贷
    OUT = "out"  # 出 / 付 / 借

    @classmethod
    def parse(cls, text: str) -> Direction:
        key = str(text).strip().lower()
        if key in _IN:
            return cls.IN
        if key in _OUT:
            return cls.OUT
        raise ValueError(f"direction {text!r} is not one of 进/出, 收/付, 贷/借, in/out")


_IN = {"进", "收", "贷", "in", "入", "收入", "c", "credit", "+"}
_OUT = {"出", "付", "借", "out", "支", "支出", "d", "debit", "-"}

CASH_MARKERS = ("取现", "现金", "ATM取款", "取款")


def is_cash(memo: str | None, channel: str | None, counterparty_account: str | None) -> bool:
    """A posting is cash when its memo says so (取现/现金) or it has no counterparty at an ATM."""
    text = f"{memo or ''}{channel or ''}"
    if any(marker in text for marker in CASH_MARKERS):
        return True
    return not counterparty_account and (channel or "").upper() == "ATM"
