"""The demo's simulated operators (模拟运营商): they work their order queues and deliver SMS.

Each operator's system answers each number order after its own delay (lognormal, median ten
minutes, always inside the hour the rules allow for reported numbers), executing it — the demo's
orders name real gang numbers. Warning SMS are delivered within a minute; a few fail as phones
that are switched off do (the same ones every run). They act through the same services a real
operator's system uses, as a system actor per operator, so it all shows in the timelines.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from fanzha.domain import clock
from fanzha.domain.actor import Actor
from fanzha.domain.number_order import NumberOrderState
from fanzha.services.telecom.number_orders import answer_order
from fanzha.services.warning.mass_warning import SENT, record_delivery
from fanzha.sim.background import BackgroundParty
from fanzha.sim.keyed_draw import keyed_units, lognormal_delay
from fanzha.store.db import Database
from fanzha.store.models import NumberOrder, WarningMessage

MEDIAN_ANSWER = timedelta(minutes=10)
MAX_ANSWER = timedelta(minutes=50)
DELIVERY = timedelta(seconds=20)
FAIL_ONE_IN = 40  # phones switched off or out of service


def answer_delay(order_no: str, seed: int = 7) -> timedelta:
    (u1,), (u2,) = keyed_units(f"{seed}a|{order_no}"), keyed_units(f"{seed}b|{order_no}")
    return lognormal_delay(u1, u2, MEDIAN_ANSWER, 0.7, MAX_ANSWER)


def undeliverable(recipient: str, seed: int = 7) -> bool:
    return int(keyed_units(f"{seed}sms|{recipient}")[0] * FAIL_ONE_IN) == 0


class SimulatedOperators(BackgroundParty):
    """The three operators' systems; ``work(now)`` answers and delivers what is due."""

    name = "simulated operators"

    def __init__(self, db: Database, seed: int = 7) -> None:
        self.db, self.seed = db, seed
        super().__init__()

    def work(self, now: datetime | None = None) -> dict[str, int]:
        now = now or clock.now()
        done = {"orders": 0, "delivered": 0, "failed": 0}
        with self.db.session() as session:
            due = [(o.id, o.operator) for o in session.scalars(select(NumberOrder).where(
                NumberOrder.state == NumberOrderState.SENT.value).order_by(NumberOrder.id))
                if o.raised_at + answer_delay(o.order_no, self.seed) <= now]
        for order_id, operator in due:
            with self.db.session() as session:
                answer_order(session, Actor.system(f"sim-operator:{operator}"), order_id, "executed")
                done["orders"] += 1
        with self.db.session() as session:
            waiting = session.execute(select(WarningMessage.id, WarningMessage.recipient).where(
                WarningMessage.state == SENT, WarningMessage.sent_at <= now - DELIVERY)).all()
            failed = [i for i, r in waiting if undeliverable(r, self.seed)]
            delivered = [i for i, r in waiting if not undeliverable(r, self.seed)]
            done["delivered"] = record_delivery(session, delivered, at=now)
            done["failed"] = record_delivery(session, failed, delivered=False, failure="用户关机或停机 phone off", at=now)
        return done
