"""The center's side of one victim's case in the drill: what it knows and whom it orders next (资金穿透).

The case knows the victim's payments up to the report (the sources) and the statements that have
come back, each cut at the moment the bank sent it. After every statement the case is traced with
the real tracing engine (``fanzha.engines.fund_tracing``, proportional rule) on exactly those
rows: the accounts the engine asks statements for (调证) are where the money went and are ordered
next, at the level the engine gives them.

What a statement shows is the drill's world, not the simulator's: an outgoing payment the drill
blocked (the account was stopped) is not in it, on either side. Rows up to a statement's cut are
final when it is cut (the replay runs in time order), so each cut statement is built once and kept.
A replacement card's statement is its account's rows from when it came in (see ``cards``); the
engine sees the old and the new card's rows as one account's, which they are to the center until
it orders the new card.

A statement is asked for again (a refresh) when the trace shows the case's money still able to
move: it sits in an account that is not stopped (stopped twice already, or its stop lapsed), or it
went to an account whose statement was cut before the money showed in it.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import polars as pl

from fanzha.domain.attribution import AttributionRule
from fanzha.engines.fund_tracing import LedgerIndex, Source, trace
from fanzha.sim.drill.cards import CardBook, account_of
from fanzha.sim.drill.stops import StopBook

US = 1_000_000


@dataclass
class Payment:
    time: int
    account: str  # the account number the victim paid
    card: str  # the card behind it then (the account, or the gang's replacement for it)
    amount_fen: int
    from_account: str


@dataclass
class NextSteps:
    orders: list[tuple[str, int]]  # (card, level) to order now
    refreshes: list[str]  # cards whose statement to ask for again


class StatementDesk:
    """Cut statements of the world's cards, shared by every case of one replay."""

    def __init__(self, statements: pl.DataFrame) -> None:
        self._by_account = {key[0]: frame for key, frame in statements.partition_by("account", as_dict=True).items()}
        self._cut: dict[tuple[str, int], pl.DataFrame] = {}

    def cut(self, card: str, at: int, cards: CardBook, stops: StopBook, blocked_txn: set[str]) -> pl.DataFrame | None:
        """``card``'s statement as the bank prints it at ``at``, in the drill's world; None when it has none."""
        key = (card, at)
        if key in self._cut:
            return self._cut[key]
        rows = self._by_account.get(account_of(card))
        if rows is None:
            return None
        start, until = cards.period(card)
        rows = rows.filter((pl.col("time") <= at * US) & (pl.col("time") >= start * US) & (pl.col("time") < until * US))
        if blocked_txn:
            rows = rows.filter(~pl.col("txn_id").is_in(pl.Series(list(blocked_txn), dtype=pl.String).implode()))
        for start, until in stops.windows(card):
            if start <= at:
                rows = rows.filter(~((pl.col("direction") == "out") & (pl.col("time") >= start * US)
                                     & (pl.col("time") < until * US)))
        self._cut[key] = rows
        return rows


@dataclass
class Investigation:
    """One victim's case (案件): payments reported, orders sent, statements in hand, stops by level."""

    victim: str
    reported_at: int
    payments: list[Payment]
    ordered: dict[str, int] = field(default_factory=dict)  # card → level
    in_hand: dict[str, int] = field(default_factory=dict)  # card → the cut of its newest statement
    refreshes: dict[str, int] = field(default_factory=dict)
    level_stop: dict[int, int] = field(default_factory=dict)  # level → first time a card there was stopped
    traces: int = 0
    last_seen: tuple = ()  # what the last trace read: (card, rows) of each statement

    def sources(self) -> list[Source]:
        return [Source(victim=self.victim, account=p.account, amount_fen=p.amount_fen,
                       time=datetime.fromtimestamp(p.time, UTC), from_account=p.from_account)
                for p in self.payments]

    def first_orders(self) -> list[tuple[str, int]]:
        """Level 1: every card the victim paid before reporting (the report names them)."""
        return [(c, 1) for c in dict.fromkeys(p.card for p in self.payments)]

    def next_steps(self, now: int, desk: StatementDesk, cards: CardBook, stops: StopBook, blocked_txn: set[str],
                   card_for: Callable[[str], str], max_refreshes: int) -> NextSteps:
        """Trace the statements in hand; the cards to order next and the statements to ask for again.

        ``card_for`` names the card behind an account number for this victim (the one their money
        went to, else the one in use): a replacement card is a new order. It stands in for the new
        card's own number, which the payer's statement would show; it may name a replacement a
        little before the statements in hand show money going to it.
        """
        statements = {c: f for c, cut in self.in_hand.items()
                      if (f := desk.cut(c, cut, cards, stops, blocked_txn)) is not None and f.height}
        frames = list(statements.values())
        if not frames or not self.payments:
            return NextSteps([], [])
        seen = tuple(sorted((c, f.height) for c, f in statements.items()))
        if seen == self.last_seen:
            return NextSteps([], [])  # the new statement shows nothing the last trace did not see
        self.last_seen = seen
        index = LedgerIndex.from_postings(pl.concat(frames, how="vertical"))
        result = trace(index, self.sources(), AttributionRule.PROPORTIONAL)
        self.traces += 1
        orders: dict[str, int] = {}
        again: set[str] = set()
        for request in result.statement_requests:
            card = card_for(request.account)
            if card not in self.ordered:
                orders.setdefault(card, request.level)
            elif card in self.in_hand:
                again.add(card)  # cut before the money showed in it
        held_in = {account_of(c) for c in self.in_hand}
        for account in result.accounts:
            if account.account not in held_in:
                continue
            card = card_for(account.account)
            if card not in self.ordered:
                if account.tainted_held_fen > 0 or account.untraced_fen > 0:
                    orders.setdefault(card, account.level)  # the gang replaced the card: order the new one
            elif card in self.in_hand and (account.untraced_fen > 0 or (
                    account.tainted_held_fen > 0 and not stops.blocked(card, now))):
                again.add(card)
        refreshes = []
        for card in sorted(again):
            if self.refreshes.get(card, 0) < max_refreshes:
                self.refreshes[card] = self.refreshes.get(card, 0) + 1
                refreshes.append(card)
        return NextSteps(sorted(orders.items()), refreshes)
