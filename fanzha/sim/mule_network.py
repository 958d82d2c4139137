"""A gang's mule cards (两卡) and how money moves through them, level by level.

Level 1 holds the collectors (一级卡) the victims pay; each further level is reached by one
step: a chain (one card to one), a fan-out (one to several), a fan-in (several to one) or a
scatter-gather (one to several and back to one, over two levels); sometimes a deeper card sends
part of the money back up (a cycle). The last level cashes out at ATMs or buys goods.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

TYPOLOGIES = ("fan_in", "fan_out", "chain", "cycle", "scatter_gather")
COLLECTOR, MULE, CASHOUT = "collector", "mule", "cashout"


@dataclass
class MuleCard:
    level: int
    typology: str
    role: str = MULE
    children: list[int] = field(default_factory=list)
    parent: int = -1
    action: str = "forward"  # forward, cash or purchase
    hold: float = 0.0  # share of what arrives that stays in the card
    side_cash: float = 0.0  # share withdrawn at an ATM before forwarding
    cycle_to: int = -1  # a card higher up that gets part of the money back, once


def build_network(rng: np.random.Generator, depth: int) -> list[MuleCard]:
    """A gang's cards, ``depth`` levels deep."""
    cards: list[MuleCard] = []

    def new(level: int, typology: str, parent: int = -1) -> int:
        held = rng.random() < 0.15
        cards.append(MuleCard(level, typology, parent=parent, hold=float(rng.uniform(0.02, 0.15)) if held else 0.0))
        return len(cards) - 1

    current = [new(1, "chain") for _ in range(int(rng.integers(1, 4)))]
    gather_groups: list[list[int]] | None = None
    for level in range(2, depth + 1):
        width = len(current)
        if gather_groups is not None:
            step = "gather"
        else:
            options = ["chain"] + ["fan_out"] * (width <= 4) + ["fan_in"] * (width >= 2) + ["scatter"] * (width <= 3 and level < depth)
            step = str(rng.choice(options))
        nxt: list[int] = []
        if step == "chain":
            for c in current:
                cards[c].children = [new(level, "chain", c)]
                nxt += cards[c].children
        elif step in ("fan_out", "scatter"):
            typology = "fan_out" if step == "fan_out" else "scatter_gather"
            gather_groups = [] if step == "scatter" else None
            for c in current:
                kids = [new(level, typology, c) for _ in range(int(rng.integers(2, 4)))]
                cards[c].children = kids
                if level == 2 or step == "scatter":
                    cards[c].typology = typology
                nxt += kids
                if gather_groups is not None:
                    gather_groups.append(kids)
        elif step == "gather":
            for group in gather_groups:
                sink = new(level, "scatter_gather", group[0])
                for c in group:
                    cards[c].children = [sink]
                nxt.append(sink)
            gather_groups = None
        else:  # fan_in
            i = 0
            while i < width:
                group = current[i:i + int(rng.integers(2, 4))]
                sink = new(level, "fan_in", group[0])
                for c in group:
                    cards[c].children = [sink]
                    if level == 2:
                        cards[c].typology = "fan_in"
                nxt.append(sink)
                i += len(group)
        current = nxt
    for card in cards:
        if card.level == 1:
            card.role = COLLECTOR
        elif not card.children:
            card.role = CASHOUT
        if not card.children:
            card.action = "cash" if rng.random() < 0.65 else "purchase"
            card.hold = 0.0 if rng.random() < 0.7 else card.hold
        elif card.level > 1 and rng.random() < 0.1:
            card.side_cash = float(rng.uniform(0.1, 0.3))
    if depth >= 4 and rng.random() < 0.35:
        _add_cycle(rng, cards)
    return cards


def _add_cycle(rng: np.random.Generator, cards: list[MuleCard]) -> None:
    """One deeper card sends part of its money back to its grandparent, which passes it on again."""
    candidates = [i for i, c in enumerate(cards) if c.level >= 3 and c.children]
    if not candidates:
        return
    low = int(rng.choice(candidates))
    up = cards[cards[low].parent].parent
    if up < 0:
        return
    cards[low].cycle_to = up
    for i in (low, cards[low].parent, up):
        cards[i].typology = "cycle"
