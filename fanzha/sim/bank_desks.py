"""The demo's simulated bank liaisons (模拟银行): they work their queues by themselves.

Each bank answers each order after its own delay (lognormal, median two minutes, capped at
fifteen: a liaison sitting in the center who checks the order in the bank's system), from the
bank's ledger, which in the demo is the statements the simulated city produced:

- the four fields are checked as the bank would: the account must be the bank's, the holder's
  name must match when the order gives one, and a payment into the account must exist near the
  order's transfer time; any mismatch is a rejection that says which field and why;
- otherwise the account is stopped with what it still holds (its last balance, at most the
  order's sum; an empty account is stopped with 0 — what arrives later cannot move on);
- and the bank sends the account's statement back, so the platform follows the money on.

They answer through the same services a real liaison uses (answer_order, follow_money), as a
system actor per bank, so every answer is in the orders' timelines and the audit log.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from fanzha.domain import clock
from fanzha.domain.actor import Actor
from fanzha.domain.organisation import bank_by_name
from fanzha.domain.stop_payment import TIME_TOLERANCE, OrderState, may_stop_again
from fanzha.services.funds.bank_answers import answer_order, expire_orders
from fanzha.services.funds.follow_money import follow_money
from fanzha.services.funds.freezes import expire_freezes
from fanzha.services.funds.orders import previous_stops
from fanzha.sim.background import BackgroundParty
from fanzha.sim.keyed_draw import keyed_units, lognormal_delay
from fanzha.store.db import Database
from fanzha.store.models import StatementPosting, StopPaymentOrder

MEDIAN_DELAY = timedelta(minutes=2)
DELAY_SPREAD = 0.8  # sigma of the log-delay: most answers within 1–5 minutes
MAX_DELAY = timedelta(minutes=15)


def answer_delay(order_no: str, seed: int = 7) -> timedelta:
    """The liaison's delay for one order, the same on every run (seeded by the order number)."""
    u1, u2 = keyed_units(f"{seed}|{order_no}", 2)
    return lognormal_delay(u1, u2, MEDIAN_DELAY, DELAY_SPREAD, MAX_DELAY)


@dataclass(frozen=True)
class BankAnswer:
    outcome: str  # stopped / rejected
    stopped_fen: int | None = None
    reason: str | None = None


def check_in_ledger(session: Session, order: StopPaymentOrder) -> BankAnswer:
    """What the bank answers, from its ledger (the stored statements of its accounts)."""
    postings = list(session.scalars(select(StatementPosting).where(
        StatementPosting.account == order.account_number).order_by(StatementPosting.time, StatementPosting.id)))
    ours = [p for p in postings if (bank := bank_by_name(p.bank or "")) is not None and bank.code == order.bank]
    if not ours:
        return BankAnswer("rejected", reason=f"account_number: {order.account_number} is not an account of this bank")
    holder = next((p.account_name for p in ours if p.account_name), "")
    if order.account_name and "".join(order.account_name.split()) != "".join(holder.split()):
        return BankAnswer("rejected", reason="account_name: does not match the account holder")
    arrived = [p for p in ours if p.direction == "in" and abs(p.time - order.transfer_time) <= TIME_TOLERANCE]
    if not arrived:
        return BankAnswer("rejected", reason="transfer_time: no payment into the account at that time")
    balance = next((p.balance_fen for p in reversed(ours) if p.balance_fen is not None), 0)
    return BankAnswer("stopped", stopped_fen=max(0, min(order.amount_fen, balance)))


class SimulatedBanks(BackgroundParty):
    """All six banks' liaisons; ``work(now)`` answers what is due, ``run`` does so every few seconds."""

    name = "simulated banks"

    def __init__(self, db: Database, seed: int = 7) -> None:
        self.db, self.seed = db, seed
        super().__init__()

    def due(self, now: datetime) -> list[int]:
        with self.db.session() as session:
            sent = session.execute(select(StopPaymentOrder.id, StopPaymentOrder.order_no, StopPaymentOrder.sent_at)
                                   .where(StopPaymentOrder.state == OrderState.SENT.value)
                                   .order_by(StopPaymentOrder.sent_at, StopPaymentOrder.id)).all()
        return [oid for oid, no, sent_at in sent if sent_at + answer_delay(no, self.seed) <= now]

    def work(self, now: datetime | None = None) -> list[tuple[str, str]]:
        """Answer every order whose delay has passed, send the statement back, expire old stops.

        Returns (order number, outcome) for each answer given.
        """
        now = now or clock.now()
        answered: list[tuple[str, str]] = []
        for order_id in self.due(now):
            with self.db.session() as session:
                order = session.get(StopPaymentOrder, order_id)
                if order is None or order.state != OrderState.SENT.value:
                    continue
                liaison = Actor.system(f"sim-bank:{order.bank}")
                answer = check_in_ledger(session, order)
                stops = previous_stops(session, order.account_number)
                if answer.outcome == "stopped" and not may_stop_again(stops):
                    answer = BankAnswer("rejected", reason=f"account already stopped {stops} times (the limit); "
                                                           "ask for a freeze (冻结) instead")
                answer_order(session, liaison, order.id, answer.outcome, answer.stopped_fen, answer.reason)
                answered.append((order.order_no, answer.outcome))
                case_id, answer_bank = order.case_id, order.bank
            if answer.outcome == "stopped":  # the statement goes back with the stop
                with self.db.session() as session:
                    follow_money(session, Actor.system(f"statement-upload:sim-bank-{answer_bank}"), case_id)
        with self.db.session() as session:
            expire_orders(session, now)
            expire_freezes(session, now)
        return answered
