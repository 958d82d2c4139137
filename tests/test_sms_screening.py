"""SMS screened as they arrive, through the same handler as calls: a flagged sender texting a
resident (中), a text that reads like fraud from anyone (低, with the classifier's confidence),
handed to the warning desk below a live call; once per message."""
from __future__ import annotations

import asyncio

import numpy as np
import pytest
from sqlalchemy import select

from fanzha.events import subjects
from fanzha.events.in_process_bus import InProcessBus
from fanzha.events.telecom_handler import TelecomHandler
from fanzha.events.worker import attach
from fanzha.services.organisations import seed_organisations
from fanzha.store.models import TelecomAlert, WarningLead
from tests.stream_support import FRAUD, RESIDENT, RecordingDelivery, add_residents, flag, sms

FRAUD_TEXT = "【公安局】您涉嫌洗钱，请立即将资金转入安全账户 http://x.cn"
STRANGER = "17200000009"


def fake_classifier(texts: list[str]) -> np.ndarray:
    """Hand-set probabilities: a text with 转账 is 0.95 fraud, one with 可疑 0.85, others 0.05."""
    return np.array([0.95 if "转账" in t else 0.85 if "可疑" in t else 0.05 for t in texts])


@pytest.fixture
def handler(db) -> TelecomHandler:
    with db.session() as s:
        seed_organisations(s)
    add_residents(db, [RESIDENT, "13800000002"])
    return TelecomHandler(db, flags_refresh_s=0.0, operators=frozenset({"CMCC"}), classify_sms=fake_classifier)


def handle(handler: TelecomHandler, *payloads: bytes) -> list[RecordingDelivery]:
    deliveries = [RecordingDelivery(p, subjects.SMS) for p in payloads]
    asyncio.run(handler(subjects.SMS, deliveries))
    assert all(d.acked for d in deliveries)
    return deliveries


def alerts(db) -> list[TelecomAlert]:
    with db.session() as s:
        return list(s.scalars(select(TelecomAlert).order_by(TelecomAlert.id)))


def test_a_flagged_sender_texting_a_resident_raises_one_medium_alert_and_a_lead_below_a_call(db, handler) -> None:
    entry = flag(db)
    message = sms(RESIDENT, FRAUD, direction="收", content="明天见")
    handle(handler, message)
    handle(handler, message.replace(b'"sms-', b'"again-'))  # redelivered under another id: nothing new
    [alert] = alerts(db)
    assert (alert.grade, alert.action, alert.resident_number, alert.flagged_number, alert.block_entry_id,
            alert.state) == ("medium", "callback", RESIDENT, FRAUD, entry, "handed_over")
    assert "received an SMS from 17000000001" in alert.reason and "reads like fraud" not in alert.reason
    with db.session() as s:
        (lead,) = s.scalars(select(WarningLead)).all()
        assert lead.grade != "high" and lead.phone == RESIDENT
        [signal] = lead.signals
        assert (signal.source, signal.evidence["number"], signal.evidence["channel"]) == ("fraud_contact", FRAUD, "sms")
        assert signal.evidence["text_fraud_probability"] == 0.05
    assert handler.stats.alerts == 1


def test_the_senders_record_of_the_message_screens_the_same(db, handler) -> None:
    flag(db)
    handle(handler, sms(FRAUD, "13800000002", direction="发", content=None))
    handle(handler, sms(RESIDENT, FRAUD, direction="发", content="转账"))  # the resident texting a flagged number
    [alert] = alerts(db)
    assert (alert.resident_number, alert.flagged_number, alert.grade) == ("13800000002", FRAUD, "medium")


def test_a_text_that_reads_like_fraud_alerts_even_from_an_unflagged_sender(db, handler) -> None:
    handle(handler, sms(RESIDENT, STRANGER, content="请尽快转账到安全账户"),  # 0.95 >= 0.9
           sms(RESIDENT, STRANGER, content="有点可疑"),  # 0.85: below the threshold
           sms("13900000000", STRANGER, content="请尽快转账"),  # not a resident
           sms(RESIDENT, STRANGER, content="晚上吃什么"))
    [alert] = alerts(db)
    assert (alert.grade, alert.action, alert.flagged_number, alert.block_entry_id) == ("low", "callback", STRANGER, None)
    assert "not flagged" in alert.reason and "probability 0.95" in alert.reason
    with db.session() as s:
        [signal] = s.scalars(select(WarningLead)).one().signals
    assert signal.evidence["text_fraud_probability"] == 0.95 and signal.evidence["content"] == "请尽快转账到安全账户"


def test_the_shipped_model_flags_a_fraud_text_on_the_in_process_broker(db) -> None:
    add_residents(db, [RESIDENT])
    handler = TelecomHandler(db, flags_refresh_s=0.0)  # the default text model

    async def run() -> None:
        bus = InProcessBus()
        attach(bus, handler, batch_size=10, max_wait=0.0)
        await bus.start()
        for payload in (sms(RESIDENT, STRANGER, content=FRAUD_TEXT), sms(RESIDENT, STRANGER, content="妈我今晚不回家吃饭")):
            await bus.publish(subjects.SMS, payload)
        await bus.drain(timeout=30)
        await bus.stop()

    asyncio.run(run())
    [alert] = alerts(db)
    assert alert.grade == "low" and alert.flagged_number == STRANGER
    p = float(alert.reason.split("probability ")[1].split(";")[0])
    assert p >= 0.9 and handler.stats.stored == 2
