"""The flash warning (闪信) to a resident on the line with a flagged number, delivered by the simulated
operators; and a flag from the hourly rule reaching the running call screen."""
from __future__ import annotations

import asyncio
import time
from datetime import timedelta

from sqlalchemy import select

from fanzha.domain import clock
from fanzha.domain.fraud_type import FraudType
from fanzha.domain.number_rule import CALL_RULE_RESIDENTS
from fanzha.events import subjects
from fanzha.events.telecom_handler import TelecomHandler
from fanzha.services.organisations import seed_organisations
from fanzha.services.telecom.number_velocity import run_velocity_rule
from fanzha.services.warning.mass_warning import list_broadcasts, send_mass_warning
from fanzha.sim.operator_desks import DELIVERY, SimulatedOperators, undeliverable
from fanzha.store.db import Database
from fanzha.store.models import (
    CallRecord,
    Case,
    Person,
    TelecomAlert,
    WarningBroadcast,
    WarningLead,
    WarningMessage,
)
from tests.stream_support import (
    FRAUD,
    RESIDENT,
    SYSTEM,
    RecordingDelivery,
    add_residents,
    call,
    flag,
)

OTHER_RESIDENT = "13800000002"
REPORT = "JQ-2024-0530-001"


def handle(handler: TelecomHandler, *payloads: bytes) -> None:
    deliveries = [RecordingDelivery(p, subjects.CALLS) for p in payloads]
    asyncio.run(handler(subjects.CALLS, deliveries))
    assert all(d.acked for d in deliveries)


def messages(db: Database) -> list[tuple[str, str, str, str]]:
    with db.session() as s:
        return [tuple(r) for r in s.execute(
            select(WarningBroadcast.number, WarningMessage.recipient, WarningMessage.kind, WarningMessage.state)
            .join(WarningBroadcast).order_by(WarningMessage.id)).all()]


def _store(db: Database, *, fraud_type: FraudType | None = FraudType.FAKE_POLICE) -> TelecomHandler:
    ids = add_residents(db, [RESIDENT, OTHER_RESIDENT])
    with db.session() as s:
        seed_organisations(s)
        if fraud_type is not None:
            now = clock.now()
            s.add(Case(report_id=REPORT, reported_at=now, region="城厢区", fraud_type=fraud_type.value, status="open",
                       victim_id=ids[OTHER_RESIDENT], created_at=now, updated_at=now))
    flag(db, FRAUD, ref=REPORT)
    return TelecomHandler(db, flags_refresh_s=0.0, operators=frozenset({"CMCC"}), classify_sms=False)


def test_a_call_in_progress_sends_one_flash_warning_per_resident_and_number(db: Database) -> None:
    handler = _store(db)
    live = clock.now() - timedelta(seconds=3)
    handle(handler, call(RESIDENT, FRAUD, start=live), call(OTHER_RESIDENT, FRAUD, start=live))
    handle(handler, call(RESIDENT, FRAUD, start=live + timedelta(minutes=5), duration_s=80))  # a second call
    handle(handler, call(RESIDENT, FRAUD, start=live, event_id="redelivered"))
    with db.session() as s:
        assert len(s.scalars(select(TelecomAlert)).all()) == 3  # three calls, three alerts and signals
        assert len(s.scalars(select(WarningLead)).all()) == 2
        broadcast = s.scalar(select(WarningBroadcast))
        assert broadcast.number == FRAUD and broadcast.fraud_type == FraudType.FAKE_POLICE.value
        assert "安全账户" in broadcast.text and "170****0001" in broadcast.text  # the case's fraud type's template
    assert messages(db) == [(FRAUD, RESIDENT, "flash", "sent"), (FRAUD, OTHER_RESIDENT, "flash", "sent")]


def test_the_simulated_operators_deliver_flash_warnings_and_the_desk_counts_them(db: Database) -> None:
    handler = _store(db, fraud_type=None)
    handle(handler, call(RESIDENT, FRAUD), call(OTHER_RESIDENT, FRAUD))
    operators = SimulatedOperators(db)
    assert operators.work(clock.now())["delivered"] == 0  # not yet: delivery takes a moment
    done = operators.work(clock.now() + DELIVERY + timedelta(seconds=1))
    failing = sum(undeliverable(n) for n in (RESIDENT, OTHER_RESIDENT))
    assert (done["delivered"], done["failed"]) == (2 - failing, failing)
    with db.session() as s:
        (counts,) = list_broadcasts(s, SYSTEM)
        assert (counts.recipients, counts.flash, counts.delivered, counts.failed) == (2, 2, 2 - failing, failing)
        assert "陌生来电" in counts.text  # no fraud type known: the general template


def test_a_flashed_resident_is_not_mass_warned_again_but_a_mass_warned_one_is_flashed(db: Database) -> None:
    handler = _store(db)
    now = clock.now()
    with db.session() as s:
        for i, number in enumerate((RESIDENT, OTHER_RESIDENT)):
            s.add(CallRecord(record_key=f"old{i}", msisdn=number, other=FRAUD, call_type="called",
                             start_time=now - timedelta(days=1), duration_s=30, operator="CMCC"))
    handle(handler, call(RESIDENT, FRAUD, start=now - timedelta(days=1, seconds=-1), event_id="x"))
    with db.session() as s:
        sent = send_mass_warning(s, SYSTEM, FRAUD, None)
    assert sent.added == 1  # the other resident only: the first was flashed about this number already
    handle(handler, call(OTHER_RESIDENT, FRAUD))
    assert sorted(messages(db)) == sorted([(FRAUD, RESIDENT, "flash", "sent"), (FRAUD, OTHER_RESIDENT, "mass", "sent"),
                                           (FRAUD, OTHER_RESIDENT, "flash", "sent")])


def test_a_flag_from_the_hourly_rule_reaches_the_running_screen(db: Database) -> None:
    """The worker's handler reloads its flags once a second (its default): a number the rule flags is
    screened from the next batch on, with no restart."""
    dialer = "17100000001"
    residents = [f"1380001{n:04d}" for n in range(CALL_RULE_RESIDENTS)]
    add_residents(db, residents + [RESIDENT])
    with db.session() as s:
        seed_organisations(s)
    handler = TelecomHandler(db, operators=frozenset({"CMCC"}), classify_sms=False)
    assert handler.flags_refresh_s <= 60
    now = clock.now()
    handle(handler, *(call(r, dialer, start=now - timedelta(minutes=30 + i), duration_s=0)
                      for i, r in enumerate(residents)))
    handle(handler, call(RESIDENT, dialer, start=now - timedelta(minutes=1)))
    with db.session() as s:
        assert s.scalars(select(TelecomAlert)).all() == []  # not flagged yet
    run = run_velocity_rule(db, clock.now(), warn=False)
    assert [f.number for f in run.flagged] == [dialer]
    time.sleep(handler.flags_refresh_s + 0.1)
    handle(handler, call(RESIDENT, dialer, start=clock.now() - timedelta(seconds=3)))
    with db.session() as s:
        [alert] = s.scalars(select(TelecomAlert)).all()
        assert (alert.resident_number, alert.flagged_number, alert.block_entry_id) == (
            RESIDENT, dialer, run.flagged[0].entry_id)
        assert "suspected" in alert.reason and "短呼" in alert.reason
        assert alert.action == "callback"  # a suspicion is not an order: the live call is not cut, the resident is warned
        person = s.scalar(select(Person.id).where(Person.phone == RESIDENT))
        assert s.scalar(select(WarningLead.person_id)) == person
    assert messages(db) == [(dialer, RESIDENT, "flash", "sent")]
    with db.session() as s:  # a rule's flag is not a finding: the text says suspected, not established
        text = s.scalar(select(WarningBroadcast.text).where(WarningBroadcast.number == dialer))
    assert "疑似涉诈号码" in text and "已被认定" not in text


def test_a_number_from_a_case_is_called_established_in_the_flash_text(db: Database) -> None:
    handler = _store(db)
    handle(handler, call(RESIDENT, FRAUD, start=clock.now() - timedelta(seconds=3)))
    with db.session() as s:
        text = s.scalar(select(WarningBroadcast.text).where(WarningBroadcast.number == FRAUD))
    assert "已被认定为涉诈号码" in text and "疑似" not in text
