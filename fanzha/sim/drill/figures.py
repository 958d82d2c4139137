"""The drill's figures (演练结果): money stolen, stopped or frozen, cashed out, not recovered, and how fast.

Money is summed in integer fen. Times are seconds from the victim's report; the median and the 90th
percentile are taken over the victims that got a stop (a victim with no stop has no time). Shares
are ratios of fen sums, rounded for reading only.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from fanzha.sim.drill.replay import DrillOutcome


def _spread(values: list[int]) -> dict:
    if not values:
        return {"victims": 0, "median_s": None, "p90_s": None}
    return {"victims": len(values), "median_s": int(np.median(values)), "p90_s": int(np.percentile(values, 90))}


@dataclass
class DrillFigures:
    practice: str
    label_zh: str
    victims: int  # victims with stolen money in the drill
    victims_reported: int  # of them, those the center acted on
    stolen_fen: int
    stopped_fen: int  # stopped or frozen
    cashed_out_fen: int  # cash and purchases
    cash_fen: int
    purchase_fen: int
    not_recovered_fen: int
    not_paid_fen: int  # payments victims did not make because they had reported
    first_stop: dict
    levels: list[dict] = field(default_factory=list)
    orders: int = 0
    answers: dict = field(default_factory=dict)
    freezes: int = 0
    lapsed: int = 0
    statements: int = 0
    refreshes: int = 0
    traces: int = 0
    blocked_movements: int = 0
    replacement_cards: int = 0  # cards the gangs brought in for cards they knew were stopped

    @property
    def share_stopped(self) -> float:
        return self.stopped_fen / self.stolen_fen if self.stolen_fen else 0.0

    @classmethod
    def of(cls, outcome: DrillOutcome) -> DrillFigures:
        victims = [v for v in outcome.victims if v.paid_fen > 0]
        by_level: dict[int, list[int]] = {}
        for v in victims:
            for level, s in v.level_stop_s.items():
                by_level.setdefault(level, []).append(s)
        return cls(
            practice=outcome.practice.name, label_zh=outcome.practice.label_zh, victims=len(victims),
            victims_reported=sum(v.reported_at is not None for v in victims),
            stolen_fen=sum(v.paid_fen for v in victims), stopped_fen=sum(v.stopped_fen for v in victims),
            cashed_out_fen=sum(v.cashed_out_fen for v in victims), cash_fen=sum(v.cash_fen for v in victims),
            purchase_fen=sum(v.purchase_fen for v in victims),
            not_recovered_fen=sum(v.not_recovered_fen for v in victims),
            not_paid_fen=sum(v.not_paid_fen for v in outcome.victims),
            first_stop=_spread([s for v in victims if (s := v.first_stop_s) is not None]),
            levels=[{"level": level, **_spread(values)} for level, values in sorted(by_level.items())],
            orders=outcome.orders, answers=dict(sorted(outcome.answers.items())), freezes=outcome.freezes,
            lapsed=outcome.lapsed, statements=outcome.statements, refreshes=outcome.refreshes, traces=outcome.traces,
            blocked_movements=outcome.blocked_movements, replacement_cards=outcome.replacement_cards)

    @property
    def conserved(self) -> bool:
        return self.stolen_fen == self.stopped_fen + self.cashed_out_fen + self.not_recovered_fen

    def as_dict(self) -> dict:
        return {
            "practice": self.practice, "label_zh": self.label_zh, "victims": self.victims,
            "victims_reported": self.victims_reported, "stolen_fen": self.stolen_fen, "stopped_fen": self.stopped_fen,
            "cashed_out_fen": self.cashed_out_fen, "cash_fen": self.cash_fen, "purchase_fen": self.purchase_fen,
            "not_recovered_fen": self.not_recovered_fen,
            "not_paid_fen": self.not_paid_fen,
            "share_stopped": round(self.share_stopped, 4), "conserved": self.conserved,
            "time_to_first_stop": self.first_stop, "time_to_level_stop": self.levels,
            "orders": self.orders, "answers": self.answers, "freezes": self.freezes, "lapsed_stops": self.lapsed,
            "statements": self.statements, "statement_refreshes": self.refreshes, "traces": self.traces,
            "blocked_movements": self.blocked_movements, "replacement_cards": self.replacement_cards,
        }


def compare(platform: DrillFigures, manual: DrillFigures) -> dict:
    """How the platform does against the manual practice on the same city."""
    ratio = platform.stopped_fen / manual.stopped_fen if manual.stopped_fen else None
    return {
        "stopped_ratio_platform_to_manual": round(ratio, 3) if ratio is not None else None,
        "extra_stopped_fen": platform.stopped_fen - manual.stopped_fen,
    }
