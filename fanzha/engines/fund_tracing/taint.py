"""The stolen money inside one account while it is traced (账户内的涉案资金), under each rule.

Taint is kept per victim, as a dict victim → fen, so several victims' money through one account
stays apart. Under the proportional rule an account holds one such dict. Under FIFO it holds lots:
the money in the order it came in, each lot ``[amount, taint]`` where ``taint`` is None for clean
money or the victims' fen in it (the rest of the lot is clean). All integer fen.
"""
from __future__ import annotations

from collections import deque

from fanzha.domain.attribution import split_by_largest_remainder, tainted_part

CLEAN = -1  # the clean part of a lot, when a lot is split; ranks before every victim on ties

Taint = dict[int, int]


def add(into: Taint, shares: Taint) -> None:
    for victim, fen in shares.items():
        into[victim] = into.get(victim, 0) + fen


def take(source: Taint, shares: Taint) -> None:
    """Remove ``shares`` from ``source``; victims left with nothing are dropped."""
    for victim, fen in shares.items():
        left = source[victim] - fen
        if left:
            source[victim] = left
        else:
            del source[victim]


def proportional_out(taint: Taint, total: int, amount: int, balance: int) -> Taint:
    """The victims' fen in an outflow under the proportional rule (removed from ``taint``)."""
    part = tainted_part(total, amount, balance)
    if not part:
        return {}
    if len(taint) == 1:
        (victim,) = taint
        shares = {victim: part}
    else:
        shares = split_by_largest_remainder(part, taint)
    take(taint, shares)
    return shares


class Lots:
    """An account's money oldest first (FIFO), with the victims' fen in each lot."""

    __slots__ = ("lots", "tainted")

    def __init__(self, opening: int) -> None:
        self.lots: deque[list] = deque()
        self.tainted = 0
        if opening > 0:
            self.lots.append([opening, None])

    def money_in(self, amount: int, shares: Taint | None) -> None:
        if shares:
            self.lots.append([amount, dict(shares)])
            self.tainted += sum(shares.values())
        elif self.lots and self.lots[-1][1] is None:
            self.lots[-1][0] += amount
        else:
            self.lots.append([amount, None])

    def money_out(self, amount: int) -> tuple[Taint, int]:
        """Spend ``amount`` oldest first; the victims' fen in it, and what the lots could not cover.

        A lot spent in part gives up its victims' and clean money in proportion (largest
        remainder). What the lots cannot cover is money the statements do not show coming in.
        """
        need = amount
        out: Taint = {}
        lots = self.lots
        while need and lots:
            lot = lots[0]
            size, taint = lot
            if size <= need:
                need -= size
                lots.popleft()
                if taint:
                    add(out, taint)
                continue
            if taint:
                parts = dict(taint)
                clean = size - sum(taint.values())
                if clean:
                    parts[CLEAN] = clean
                shares = split_by_largest_remainder(need, parts)
                shares.pop(CLEAN, None)
                if shares:
                    take(taint, shares)
                    add(out, shares)
                if not taint:
                    lot[1] = None
            lot[0] = size - need
            need = 0
        if out:
            self.tainted -= sum(out.values())
        return out, need

    def held(self) -> Taint:
        held: Taint = {}
        for _size, taint in self.lots:
            if taint:
                add(held, taint)
        return held

    def clean(self) -> int:
        return sum(size for size, _ in self.lots) - self.tainted

    def taint_newest(self, shares: Taint) -> None:
        """Tainted money found late (time order inverted): it replaces the newest clean money."""
        need = sum(shares.values())
        for lot in reversed(self.lots):
            if not need:
                break
            size, taint = lot
            clean = size - (sum(taint.values()) if taint else 0)
            cut = min(clean, need)
            lot[0] = size - cut
            need -= cut
        self.lots = deque(lot for lot in self.lots if lot[0] > 0)
        self.lots.append([sum(shares.values()), dict(shares)])
        self.tainted += sum(shares.values())
