"""Mass warning SMS to residents in contact with a flagged number, delivered by the operators;
and the demo's simulated operators working their order queues."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from fanzha.domain import clock
from fanzha.domain.actor import Actor
from fanzha.domain.fraud_type import FraudType
from fanzha.domain.number_order import Basis, NumberOrderKind
from fanzha.services.telecom.number_orders import raise_order
from fanzha.services.warning.mass_warning import list_broadcasts, send_mass_warning
from fanzha.sim.operator_desks import MAX_ANSWER, SimulatedOperators, undeliverable
from fanzha.store.db import Database
from fanzha.store.models import CallRecord, NumberOrder, Person, Phone, SmsRecord

SYSTEM = Actor.system("test")
FLAGGED = "17012345678"


def _city(db: Database) -> list[str]:
    now = clock.now()
    residents = [f"1380000{n:04d}" for n in range(60)]
    with db.session() as s:
        for i, number in enumerate(residents):
            person = Person(name=f"居民{i}", phone=number, age=40, district="城厢区")
            s.add(person)
            s.flush()
            s.add(Phone(number=number, operator="CMCC", person_id=person.id))
        for i, number in enumerate(residents[:40]):  # 40 were called, 5 of them texted too
            s.add(CallRecord(record_key=f"c{i}", msisdn=number, other=FLAGGED, call_type="called",
                             start_time=now - timedelta(days=2), duration_s=30, operator="CMCC"))
        for i, number in enumerate(residents[:5] + residents[40:45]):  # 5 more only texted
            s.add(SmsRecord(record_key=f"s{i}", msisdn=number, other=FLAGGED, direction="in",
                            time=now - timedelta(days=1), operator="CMCC"))
        s.add(CallRecord(record_key="old", msisdn=residents[59], other=FLAGGED, call_type="called",
                         start_time=now - timedelta(days=90), duration_s=30, operator="CMCC"))  # outside the window
    return residents


def test_everyone_in_contact_is_warned_once_and_deliveries_are_counted(db: Database) -> None:
    residents = _city(db)
    with db.session() as s:
        sent = send_mass_warning(s, SYSTEM, FLAGGED, FraudType.FAKE_POLICE)
        assert sent.recipients == 45 and sent.delivered == 0
        assert sent.text.startswith("【反诈中心】") and "170****5678" in sent.text and "安全账户" in sent.text
        again = send_mass_warning(s, SYSTEM, FLAGGED, FraudType.FAKE_POLICE)
        assert again.recipients == 45 and again.id == sent.id  # nobody twice
    done = SimulatedOperators(db).work(clock.now() + timedelta(minutes=1))
    failing = sum(1 for n in residents[:45] if undeliverable(n))
    assert done["delivered"] + done["failed"] == 45 and done["failed"] == failing
    with db.session() as s:
        (counts,) = list_broadcasts(s, SYSTEM)
        assert (counts.recipients, counts.delivered, counts.failed) == (45, 45 - failing, failing)


def test_simulated_operators_execute_orders_within_the_hour(db: Database) -> None:
    _city(db)
    with db.session() as s:
        order_id = raise_order(s, SYSTEM, "13912345678", NumberOrderKind.SHUTDOWN, Basis.REPORTED, source="manual",
                               reason="test").order.id
    operators = SimulatedOperators(db)
    assert operators.work(clock.now())["orders"] == 0
    assert operators.work(clock.now() + MAX_ANSWER + timedelta(seconds=1))["orders"] == 1
    with db.session() as s:
        order = s.get(NumberOrder, order_id)
        assert order.state == "executed" and order.events[-1].actor == "sim-operator:CMCC"
        assert s.scalars(select(NumberOrder).where(NumberOrder.state == "sent")).all() == []
