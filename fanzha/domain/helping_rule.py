"""The 帮信 rule (帮助信息网络犯罪活动罪, "helping information-network crime"): when helping a gang
with one's cards is serious (情节严重).

As DESIGN.md states it, after the judicial interpretation: the help is serious when **any** of
these holds — the person's cards served 3 or more parties (为三个以上对象提供帮助), settled
200,000 yuan or more (支付结算金额二十万元以上), or earned the person 10,000 yuan or more
(违法所得一万元以上). Each threshold is reached at the figure itself ("or more"). Money is fen.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

PARTIES_MIN = 3
SETTLED_MIN_FEN = 200_000_00
EARNED_MIN_FEN = 10_000_00


class HelpingCriterion(StrEnum):
    """One of the three ways the help is serious."""

    PARTIES = "parties"  # served 3+ parties
    SETTLED = "settled"  # settled 200,000+ yuan
    EARNED = "earned"  # earned 10,000+ yuan

    @property
    def label_zh(self) -> str:
        return {HelpingCriterion.PARTIES: "为三个以上对象提供帮助",
                HelpingCriterion.SETTLED: "支付结算金额二十万元以上",
                HelpingCriterion.EARNED: "违法所得一万元以上"}[self]


@dataclass(frozen=True)
class HelpingAssessment:
    """The figures for one person and which criteria they meet."""

    parties: int
    settled_fen: int
    earned_fen: int
    criteria: tuple[HelpingCriterion, ...]

    @property
    def serious(self) -> bool:
        return bool(self.criteria)

    def explanation(self) -> list[str]:
        """One line per criterion, met or not, with the figure and the threshold (English)."""
        return [
            f"{'met' if HelpingCriterion.PARTIES in self.criteria else 'not met'}: served {self.parties} "
            f"part{'y' if self.parties == 1 else 'ies'} (threshold {PARTIES_MIN})",
            f"{'met' if HelpingCriterion.SETTLED in self.criteria else 'not met'}: settled "
            f"{_yuan(self.settled_fen)} yuan (threshold {_yuan(SETTLED_MIN_FEN)})",
            f"{'met' if HelpingCriterion.EARNED in self.criteria else 'not met'}: earned about "
            f"{_yuan(self.earned_fen)} yuan (threshold {_yuan(EARNED_MIN_FEN)})",
        ]


def assess_helping(parties: int, settled_fen: int, earned_fen: int) -> HelpingAssessment:
    """Which of the three criteria the figures meet. Raises ValueError on negative figures."""
    for name, value in (("parties", parties), ("settled_fen", settled_fen), ("earned_fen", earned_fen)):
        if not isinstance(value, int) or isinstance(value, bool):
            raise ValueError(f"{name} must be a whole number (money in fen), got {value!r}")
        if value < 0:
            raise ValueError(f"{name} cannot be negative, got {value}")
    met = []
    if parties >= PARTIES_MIN:
        met.append(HelpingCriterion.PARTIES)
    if settled_fen >= SETTLED_MIN_FEN:
        met.append(HelpingCriterion.SETTLED)
    if earned_fen >= EARNED_MIN_FEN:
        met.append(HelpingCriterion.EARNED)
    return HelpingAssessment(parties, settled_fen, earned_fen, tuple(met))


def _yuan(fen: int) -> str:
    return f"{fen // 100:,}.{fen % 100:02d}"
