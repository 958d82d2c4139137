"""The drill's replay (演练回放): the gangs move stolen money as the truth says, the center chases it, in time.

One event-driven run in simulated time over the whole city, since a gang's cards carry many
victims' money and a stop on one card holds all of it:

- The gangs' movements are the truth's stolen movements, in time order. A movement out of a card
  whose outgoing payments are blocked at that time (stopped_at ≤ t < stopped_at + 48 h, or frozen)
  does not happen: each victim's money stays in that card. Otherwise it carries, per victim, what
  the truth says it carried, but at most what that card still holds of that victim's money (a
  stop upstream means less arrives downstream).
- The gangs learn: a gang that knows one of its cards is stopped brings in a replacement card that
  does what the old one would have done (see ``cards``); the old card keeps what it holds,
  stopped. The center has to find and stop the replacement too, from the victim's report (which
  names the card the victim paid) or from the statements.
- A victim who has reported pays no more: payments after the report time are not replayed (the
  money is counted as ``not_paid_fen``, not as stolen). Victims who never report get no orders,
  but a card stopped for another victim holds their money too.
- The center (``Practice``): at report time plus the first-order delay, level-1 orders to every
  card the victim paid; each bank answers after its delay (stops the card, says it is already
  stopped, or refuses when it was stopped twice); the statement arrives after a further delay, cut
  at that moment, and is traced (``Investigation``); the next level is ordered after the
  next-order delay; statements are asked for again while the money can still move.
- At a stop's end a stop that holds stolen money is converted to a freeze (see ``stops``).

At the end every victim's stolen money is in exactly one place, to the fen: stopped or frozen
(in a card blocked at the end), cashed out (cash or purchases), or not recovered (in a card that
is not blocked). ``replay`` checks it before it returns.
"""
from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from fanzha.sim.drill.cards import CardBook
from fanzha.sim.drill.investigation import Investigation, Payment, StatementDesk
from fanzha.sim.drill.practice import Delay, Practice
from fanzha.sim.drill.stops import STOP_S, Answer, StopBook
from fanzha.sim.drill.world import DrillWorld, Movement

# event kinds, in the order they act at the same second: the bank's act before the gang's movement
# (a stop at t blocks a payment at t), the report after the payments made in that second
_EXPIRY, _ANSWER, _STATEMENT, _ORDER, _MOVE, _REPORT = 0, 1, 2, 3, 4, 5


@dataclass
class VictimOutcome:
    """What became of one victim's money under one practice."""

    person_id: str
    reported_at: int | None  # s since the epoch; None: never reported (no orders)
    paid_fen: int = 0  # stolen: the payments replayed
    not_paid_fen: int = 0  # payments after the report, not made
    stopped_fen: int = 0  # in a card stopped or frozen at the end
    cash_fen: int = 0
    purchase_fen: int = 0
    not_recovered_fen: int = 0  # in cards not blocked at the end
    level_stop_s: dict[int, int] = field(default_factory=dict)  # level → seconds from the report to its first stop
    orders: int = 0

    @property
    def cashed_out_fen(self) -> int:
        return self.cash_fen + self.purchase_fen

    @property
    def first_stop_s(self) -> int | None:
        return min(self.level_stop_s.values()) if self.level_stop_s else None

    @property
    def conserved(self) -> bool:
        return self.paid_fen == self.stopped_fen + self.cashed_out_fen + self.not_recovered_fen


@dataclass
class DrillOutcome:
    practice: Practice
    report_within_s: int | None
    seed: int
    victims: list[VictimOutcome]
    held: dict[str, dict[int, int]]  # card → victim index → fen at the end (a card: an account, or ``N#g``)
    orders: int = 0
    answers: dict[str, int] = field(default_factory=dict)  # Answer value → count
    freezes: int = 0
    lapsed: int = 0
    statements: int = 0
    refreshes: int = 0
    traces: int = 0
    blocked_movements: int = 0
    replacement_cards: int = 0


class _Replay:
    def __init__(self, world: DrillWorld, practice: Practice | None, report_within_s: int | None, seed: int) -> None:
        self.world = world
        self.practice = practice
        self.rng = np.random.default_rng([seed, 0x5D111])
        self.stops = StopBook()
        self.cards = CardBook(self.stops)
        self.desk = StatementDesk(world.statements) if practice is not None else None
        self.held: dict[str, dict[int, int]] = {}
        self.blocked_txn: set[str] = set()
        self.victim_card: dict[tuple[int, str], str] = {}  # (victim, account) → the card their money last went to
        self.events: list[tuple] = []
        self.seq = 0
        self.report_at: list[int | None] = [
            None if practice is None else
            (v.first_payment + report_within_s if report_within_s is not None else v.reported_at)
            for v in world.victims]
        self.outcomes = [VictimOutcome(v.person_id, self.report_at[i]) for i, v in enumerate(world.victims)]
        self.cases: dict[int, Investigation] = {}
        self.payments: dict[int, list[Payment]] = {}
        self.outcome = DrillOutcome(practice or _NO_ONE, report_within_s, seed, self.outcomes, self.held)

    def _push(self, t: int, kind: int, *data) -> None:
        self.seq += 1
        heapq.heappush(self.events, (t, kind, self.seq, data))

    def run(self, advance: Callable[[int], None] | None) -> DrillOutcome:
        if self.practice is not None:
            for i, t in enumerate(self.report_at):
                if t is not None and t < self.world.end:
                    self._push(t, _REPORT, i)
        moves = self.world.movements
        k, n, end = 0, len(moves), self.world.end
        done = 0
        while k < n or self.events:
            if self.events and (k >= n or (self.events[0][0], self.events[0][1]) < (moves[k].time, _MOVE)):
                t, kind, _, data = heapq.heappop(self.events)
                if t >= end:
                    self.events.clear()
                    continue
                self._act(t, kind, data)
                continue
            self._move(moves[k])
            k += 1
            if advance is not None and k - done >= 500:
                advance(k - done)
                done = k
        if advance is not None:
            advance(n - done)
        self._settle()
        return self.outcome

    # --- the gangs -------------------------------------------------------------------------

    def _move(self, m: Movement) -> None:
        cards = self.cards
        if m.payment:
            for v, fen in m.shares:
                report = self.report_at[v]
                if report is not None and m.time > report:
                    self.outcomes[v].not_paid_fen += fen
                    continue
                self.outcomes[v].paid_fen += fen
                assert m.dst is not None
                card = cards.receiving(m.dst, m.time)
                self._credit(card, m.dst, v, fen)
                self.payments.setdefault(v, []).append(Payment(m.time, m.dst, card, fen, m.src))
            return
        src = cards.current(m.src)
        if self.stops.blocked(src, m.time):
            self.blocked_txn.add(m.txn_id)
            cards.noticed.add(src)
            self.outcome.blocked_movements += 1
            return
        there = self.held.get(src)
        if not there:
            return
        dst: str | None = None
        for v, fen in m.shares:
            have = there.get(v, 0)
            carried = min(fen, have)
            if carried <= 0:
                continue
            if carried == have:
                del there[v]
            else:
                there[v] = have - carried
            if m.exit == "cash":
                self.outcomes[v].cash_fen += carried
            elif m.exit == "purchase":
                self.outcomes[v].purchase_fen += carried
            else:
                assert m.dst is not None
                dst = dst or cards.receiving(m.dst, m.time)
                self._credit(dst, m.dst, v, carried)

    def _credit(self, card: str, account: str, v: int, fen: int) -> None:
        there = self.held.setdefault(card, {})
        there[v] = there.get(v, 0) + fen
        self.victim_card[(v, account)] = card

    def _card_for(self, v: int, account: str) -> str:
        """The card behind ``account`` for victim ``v``: where their money went last, else the one in use."""
        return self.victim_card.get((v, account)) or self.cards.current(account)

    # --- the center and the banks ----------------------------------------------------------

    def _act(self, t: int, kind: int, data: tuple) -> None:
        practice = self.practice
        assert practice is not None
        if kind == _REPORT:
            (v,) = data
            case = Investigation(self.world.victims[v].person_id, t, list(self.payments.get(v, [])))
            self.cases[v] = case
            self._order(case, v, case.first_orders(), t + practice.first_order.draw(self.rng))
        elif kind == _ORDER:
            v, card, level = data
            self.outcome.orders += 1
            self.outcomes[v].orders += 1
            self._push(t + practice.answer.draw(self.rng), _ANSWER, v, card, level)
        elif kind == _ANSWER:
            v, card, level = data
            answer = self.stops.stop(card, t)
            self.outcome.answers[answer.value] = self.outcome.answers.get(answer.value, 0) + 1
            if answer is Answer.STOPPED:
                self._push(t + STOP_S, _EXPIRY, card)
            if answer is not Answer.REFUSED:
                self.cases[v].level_stop.setdefault(level, t)
            self._push(t + practice.statement.draw(self.rng), _STATEMENT, v, card)
        elif kind == _STATEMENT:
            v, card = data
            case = self.cases[v]
            case.in_hand[card] = t
            self.outcome.statements += 1
            assert self.desk is not None
            steps = case.next_steps(t, self.desk, self.cards, self.stops, self.blocked_txn,
                                    lambda account: self._card_for(v, account), practice.max_refreshes)
            if steps.orders:
                self._order(case, v, steps.orders, t + practice.next_order.draw(self.rng))
            for again in steps.refreshes:
                self.outcome.refreshes += 1
                self._push(t + practice.statement.draw(self.rng), _STATEMENT, v, again)
        elif kind == _EXPIRY:
            (card,) = data
            if self.stops.expires_at(card) == t:
                self.stops.expire(card, t, bool(self.held.get(card)))

    def _order(self, case: Investigation, v: int, orders: list[tuple[str, int]], at: int) -> None:
        for card, level in orders:
            if card in case.ordered:
                continue
            case.ordered[card] = level
            self._push(at, _ORDER, v, card, level)

    # --- the end ---------------------------------------------------------------------------

    def _settle(self) -> None:
        end = self.world.end
        for card, there in self.held.items():
            blocked = self.stops.blocked(card, end - 1)
            for v, fen in there.items():
                if blocked:
                    self.outcomes[v].stopped_fen += fen
                else:
                    self.outcomes[v].not_recovered_fen += fen
        for v, case in self.cases.items():
            self.outcomes[v].level_stop_s = {lv: t - case.reported_at for lv, t in sorted(case.level_stop.items())}
            self.outcome.traces += case.traces
        self.outcome.freezes, self.outcome.lapsed = self.stops.freezes, self.stops.lapsed
        self.outcome.replacement_cards = self.cards.replacements
        for o in self.outcomes:
            if not o.conserved:
                raise AssertionError(f"the drill did not conserve {o.person_id}'s money: paid {o.paid_fen} fen, "
                                     f"stopped {o.stopped_fen} + cashed out {o.cashed_out_fen} + not recovered "
                                     f"{o.not_recovered_fen}")


_NO_ONE = Practice("none", "无人处置", Delay(0), Delay(0), Delay(0), Delay(0), 0)  # nobody acts


def replay(world: DrillWorld, practice: Practice | None, *, report_within_s: int | None = None,
           seed: int | None = None, advance: Callable[[int], None] | None = None) -> DrillOutcome:
    """Replay the world's fraud with ``practice`` answering the reports (None: nobody acts, the truth as it was).

    ``report_within_s`` makes every victim, including those who never reported, report that many
    seconds after their first payment; without it the world's own reports count. ``seed`` (default:
    the world's) drives the banks' and the center's delays. ``advance(n)`` is told of movements done.
    """
    if report_within_s is not None and report_within_s < 0:
        raise ValueError("report_within_s must be 0 or more")
    return _Replay(world, practice, report_within_s, world.seed if seed is None else seed).run(advance)
