"""The gangs' cards in the drill, with the replacements a gang brings in for a card it knows is stopped (换卡).

The truth has each gang use the same cards all month. In the drill a card can be stopped, and a
gang that knows it (a movement out of it failed, or ``NOTICE_S`` after the stop at the latest:
mule cards' holders watch their cards, and a stop shows in the banking app) sends no more money
into it: it brings in a fresh card that does what the old one would have done. So from then on
the truth's movements into and out of that account number are the replacement card's, a new
account as far as the banks are concerned (its own stops and statement), while the old card keeps
what it holds, stopped.

Without replacements a stop early in the month would catch every later victim's money paid into
the same card and the drill would credit the center with money it never chased; dropping that
money instead would leave most victims out of the drill. With them, every victim's money is
replayed and each replacement card has to be found and stopped again, from the victim's report
(which names the card the victim paid) or from the statements.

A card is named by its account number; replacement ``g`` of account ``N`` is ``N#g``, and its
statement is the account's rows from the moment it came in until the next replacement.
"""
from __future__ import annotations

from fanzha.sim.drill.stops import StopBook

NOTICE_S = 2 * 3600  # a gang knows a card is stopped this long after the stop at the latest
NEVER = 1 << 62


def card_name(account: str, generation: int) -> str:
    return account if generation == 0 else f"{account}#{generation}"


def account_of(card: str) -> str:
    return card.split("#", 1)[0]


class CardBook:
    """Which card stands behind each account number at each moment."""

    def __init__(self, stops: StopBook) -> None:
        self.stops = stops
        self._generation: dict[str, int] = {}
        self._start: dict[str, int] = {}  # card → when it came in (replacements only)
        self.noticed: set[str] = set()  # cards a movement out of failed
        self.replacements = 0

    def current(self, account: str) -> str:
        """The card now in use for ``account`` (no replacement made)."""
        return card_name(account, self._generation.get(account, 0))

    def receiving(self, account: str, t: int) -> str:
        """The card money sent to ``account`` at ``t`` lands in: a replacement if the gang knows the current is stopped."""
        card = self.current(account)
        if self.known_stopped(card, t):
            generation = self._generation.get(account, 0) + 1
            self._generation[account] = generation
            card = card_name(account, generation)
            self._start[card] = t
            self.replacements += 1
        return card

    def known_stopped(self, card: str, t: int) -> bool:
        if card in self.noticed:
            return True
        since = self.stops.blocked_since(card, t)
        return since is not None and t - since >= NOTICE_S

    def period(self, card: str) -> tuple[int, int]:
        """[from, until) of the account's rows that are this card's."""
        account, _, g = card.partition("#")
        generation = int(g) if g else 0
        start = self._start.get(card, -NEVER)
        until = self._start.get(card_name(account, generation + 1), NEVER)
        return start, until
