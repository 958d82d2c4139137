"""Moving stolen money through a gang's mule cards (洗钱), with the truth of whose money it is.

Each card waits minutes to hours after money arrives, then passes what arrived on (less what it
keeps) to the next level, withdraws it at an ATM, or buys goods. Whose money each movement carries
is followed proportionally: an outflow takes every victim's share of the card's balance at that
moment. Movements due after the simulated period never happen, so that money stays in the cards.
"""
from __future__ import annotations

import heapq
from dataclasses import dataclass, field

import numpy as np

from fanzha.sim import ledger as lg
from fanzha.sim.mule_network import MuleCard

ATM_CHUNK_YUAN = (2_000, 20_000)  # one withdrawal; several in a row for larger sums


@dataclass
class Movement:
    """One money movement of a fraud, with each victim's share (fen) of it."""

    t_out: int
    t_in: int
    src: int  # account index
    dst: int  # account index, -1 for cash
    amount: int
    channel: int
    memo: int
    level: int  # the card the money moved into; for cash and purchases the card that spent it
    shares: dict[int, int] = field(default_factory=dict)  # victim index → fen


class Laundering:
    """The money flow through one gang's cards."""

    def __init__(self, rng: np.random.Generator, cards: list[MuleCard], account: np.ndarray, bank: np.ndarray,
                 opening: np.ndarray, merchants: np.ndarray, merchant_bank: np.ndarray, end: int) -> None:
        self.rng, self.cards, self.account, self.bank = rng, cards, account, bank
        self.merchants, self.merchant_bank, self.end = merchants, merchant_bank, end
        self.balance = [int(x) for x in opening]
        self.taint: list[dict[int, int]] = [{} for _ in cards]
        self.pending = [0] * len(cards)
        self.scheduled = [False] * len(cards)
        self.cycle_used = [False] * len(cards)
        self.movements: list[Movement] = []
        self._events: list[tuple[int, int, int, int, int, dict[int, int]]] = []
        self._order = 0

    def _push(self, time: int, kind: int, card: int, amount: int = 0, shares: dict[int, int] | None = None) -> None:
        self._order += 1
        heapq.heappush(self._events, (time, self._order, kind, card, amount, shares or {}))

    def receive(self, card: int, time: int, amount: int, shares: dict[int, int]) -> None:
        """Money credited to a card at ``time`` (a victim's payment or a movement inside the gang)."""
        self._push(time, 0, card, amount, shares)

    def run(self) -> list[Movement]:
        while self._events:
            time, _, kind, card, amount, shares = heapq.heappop(self._events)
            if kind == 0:
                self.balance[card] += amount
                for v, s in shares.items():
                    self.taint[card][v] = self.taint[card].get(v, 0) + s
                self.pending[card] += amount
                if not self.scheduled[card]:
                    self.scheduled[card] = True
                    self._push(time + self._wait(), 1, card)
            elif time < self.end:
                self.scheduled[card] = False
                self._pass_on(card, time)
        return self.movements

    def held(self) -> list[dict[int, int]]:
        """Each card's stolen money still in it at the end, by victim."""
        return self.taint

    def _wait(self) -> int:
        return int(np.clip(self.rng.lognormal(np.log(900), 1.0), 60, 6 * 3600))

    def _pass_on(self, c: int, time: int) -> None:
        card = self.cards[c]
        amount = self.pending[c] - int(self.pending[c] * card.hold)
        self.pending[c] = 0
        clock = time
        if card.side_cash:
            clock = self._cash(c, amount * card.side_cash, clock)
            amount -= int(amount * card.side_cash)
        if card.action == "cash":
            self._cash(c, amount, clock)
            return
        if card.action == "purchase":
            self._purchase(c, amount, clock)
            return
        targets = list(card.children)
        weights = self.rng.dirichlet(np.ones(len(targets)) * 3)
        if card.cycle_to >= 0 and not self.cycle_used[c]:
            self.cycle_used[c] = True
            targets.append(card.cycle_to)
            weights = np.append(weights * 0.6, 0.4)
        round_to = 10_000 if self.rng.random() < 0.5 else 100  # whole hundreds of yuan, or whole yuan
        for target, w in zip(targets, weights, strict=True):
            part = int(amount * w) // round_to * round_to
            clock += int(self.rng.integers(20, 300))
            if part <= 0 or self._too_late(clock):
                continue
            channel = int(self.rng.choice([lg.MOBILE, lg.ONLINE], p=[0.8, 0.2]))
            lag = int(lg.payee_lag(self.rng, self.bank[c:c + 1], self.bank[target:target + 1])[0])
            shares = self._move(c, part)
            self.movements.append(Movement(clock, clock + lag, int(self.account[c]), int(self.account[target]), part,
                                           channel, lg.TRANSFER, self.cards[target].level, shares))
            self.receive(target, clock + lag, part, shares)

    def _cash(self, c: int, amount: float, clock: int) -> int:
        left = int(amount) // 10_000 * 10_000
        level = self.cards[c].level
        if left >= 5_000_000 and self.rng.random() < 0.3:  # 50,000+ yuan over the counter in one go
            clock += int(self.rng.integers(600, 3600))
            if self._too_late(clock):
                return clock
            self.movements.append(Movement(clock, clock, int(self.account[c]), -1, left, lg.COUNTER, lg.CASH, level,
                                           self._move(c, left)))
            return clock
        while left >= 10_000:
            chunk = min(left, int(self.rng.integers(*ATM_CHUNK_YUAN)) * 100 // 10_000 * 10_000)
            clock += int(self.rng.integers(40, 400))
            if self._too_late(clock):
                break
            self.movements.append(Movement(clock, clock, int(self.account[c]), -1, chunk, lg.ATM, lg.CASH, level,
                                           self._move(c, chunk)))
            left -= chunk
        return clock

    def _purchase(self, c: int, amount: int, clock: int) -> None:
        parts = self.rng.dirichlet(np.ones(int(self.rng.integers(1, 4))) * 2)
        for w in parts:
            fen = int(amount * w) // 100 * 100
            if fen <= 0:
                continue
            m = int(self.rng.integers(0, len(self.merchants)))
            clock += int(self.rng.integers(60, 1800))
            if self._too_late(clock):
                break
            channel = int(self.rng.choice([lg.QUICK_PAY, lg.POS]))
            lag = int(lg.payee_lag(self.rng, self.bank[c:c + 1], self.merchant_bank[m:m + 1])[0])
            self.movements.append(Movement(clock, clock + lag, int(self.account[c]), int(self.merchants[m]), fen,
                                           channel, lg.PURCHASE, self.cards[c].level, self._move(c, fen)))

    def _too_late(self, clock: int) -> bool:
        """Nothing is posted after the period ends (allowing for an inter-bank lag)."""
        return clock + 120 >= self.end

    def _move(self, c: int, amount: int) -> dict[int, int]:
        """Take ``amount`` out of card ``c``; the stolen part is the card's stolen share of it, split among
        victims by largest remainder, so no fen is lost and what stays never exceeds the balance."""
        before = self.balance[c]
        if amount > before:
            raise AssertionError("a mule card would go below zero")
        taint = self.taint[c]
        stolen = sum(taint.values())
        shares: dict[int, int] = {}
        if stolen:
            total = min(amount, stolen, max(stolen * amount // before, stolen - (before - amount)))
            shares = {v: s * total // stolen for v, s in taint.items()}
            rest = total - sum(shares.values())
            for v in sorted(taint, key=lambda v: (-(taint[v] * total % stolen), v))[:rest]:
                shares[v] += 1
            shares = {v: s for v, s in shares.items() if s > 0}
            for v, s in shares.items():
                taint[v] -= s
            self.taint[c] = {v: s for v, s in taint.items() if s > 0}
        self.balance[c] = before - amount
        return shares
