"""The telecom events' handler on the in-process broker: store once, screen, alert, dead letters,
acknowledgement only after the commit, a consumer restart mid-stream."""
from __future__ import annotations

import asyncio
import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from fanzha.domain import clock
from fanzha.events import subjects
from fanzha.events.call_event import CallEvent
from fanzha.events.in_process_bus import InProcessBus
from fanzha.events.telecom_handler import TelecomHandler
from fanzha.events.worker import attach
from fanzha.services.importing import import_bytes
from fanzha.services.telecom import stream_records
from fanzha.services.telecom.alerts import list_alerts
from fanzha.services.telecom.block_list import lift_entry
from fanzha.store.db import Database
from fanzha.store.models import CallRecord, SmsRecord, StreamDeadLetter, TelecomAlert
from tests.stream_support import (
    FRAUD,
    RESIDENT,
    SYSTEM,
    RecordingDelivery,
    add_residents,
    call,
    flag,
)


def count(db: Database, model) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(model))


def alerts(db: Database) -> list[TelecomAlert]:
    with db.session() as s:
        return list(s.scalars(select(TelecomAlert).order_by(TelecomAlert.id)))


def handle(handler: TelecomHandler, *payloads: bytes, subject: str = subjects.CALLS) -> list[RecordingDelivery]:
    deliveries = [RecordingDelivery(p, subject) for p in payloads]
    asyncio.run(handler(subject, deliveries))
    return deliveries


@pytest.fixture
def handler(db: Database) -> TelecomHandler:
    add_residents(db, [RESIDENT, "13800000002"])
    return TelecomHandler(db, flags_refresh_s=0.0, operators=frozenset({"CMCC"}))


def test_a_call_from_a_blocked_number_to_a_resident_raises_one_top_alert_blocked(db, handler) -> None:
    entry = flag(db)
    live = clock.now() - timedelta(seconds=3)
    both_sides = [call(RESIDENT, FRAUD, start=live, call_type="被叫"),
                  call(FRAUD, RESIDENT, start=live, call_type="主叫", operator="中国联通")]
    deliveries = handle(handler, *both_sides, call(RESIDENT, FRAUD, start=live, event_id="again"))
    assert all(d.acked for d in deliveries)
    [alert] = alerts(db)  # one call seen by two operators and once more: one alert
    assert (alert.grade, alert.action, alert.resident_number, alert.flagged_number, alert.block_entry_id,
            alert.operator, alert.state) == ("high", "blocked", RESIDENT, FRAUD, entry, "CMCC", "open")
    assert "reported by a victim" in alert.reason
    assert handler.stats.alerts == 1 and handler.stats.stored == 2 and handler.stats.duplicates == 1
    with db.session() as s:
        assert [a.id for a in list_alerts(s, SYSTEM)] == [alert.id]


def test_a_call_already_over_or_at_an_operator_without_blocking_gets_a_callback(db, handler) -> None:
    flag(db)
    add_residents(db, ["18600000003"], operator="CUCC")
    handle(handler, call(RESIDENT, FRAUD, start=clock.now() - timedelta(hours=2), duration_s=120),
           call("18600000003", FRAUD))
    assert [(a.resident_number, a.action) for a in alerts(db)] == [(RESIDENT, "callback"), ("18600000003", "callback")]


def test_expired_or_lifted_entries_do_not_alert(db, handler) -> None:
    flag(db, expires_at=clock.now() + timedelta(seconds=1))
    lifted = flag(db, "17000000009")
    with db.session() as s:
        lift_entry(s, SYSTEM, lifted, "申诉成功: the number was reassigned to a new owner")
    handle(handler, call(RESIDENT, FRAUD, start=clock.now() + timedelta(seconds=2)),  # after its expiry
           call(RESIDENT, "17000000009"))
    assert alerts(db) == [] and count(db, CallRecord) == 2


def test_unknown_numbers_and_non_residents_are_stored_without_alerts(db, handler) -> None:
    flag(db)
    handle(handler, call("13900000000", FRAUD), call("13900000000", "13900000001"))
    assert count(db, CallRecord) == 2 and alerts(db) == []


def test_a_malformed_event_is_dead_lettered_with_its_reason_and_acknowledged(db, handler) -> None:
    good = call()
    bad = [b"not json", call(duration_s=1.5), call(msisdn="call me"), json.dumps({"event_id": "x1"}).encode(),
           call(start=clock.now()).replace(b'"operator"', b'"start_time": "yesterday", "operator"')]
    deliveries = handle(handler, good, *bad)
    assert all(d.acked for d in deliveries)
    assert count(db, CallRecord) == 1
    with db.session() as s:
        letters = list(s.scalars(select(StreamDeadLetter).order_by(StreamDeadLetter.id)))
    assert len(letters) == 5 and all(dl.subject == subjects.CALLS for dl in letters)
    assert "JSON" in letters[0].reason and letters[0].payload == "not json"
    assert "duration_s" in letters[1].reason and "integer" in letters[1].reason
    assert "msisdn" in letters[2].reason and "not a phone number" in letters[2].reason
    assert letters[3].event_id == "x1" and "msisdn" in letters[3].reason
    assert handler.stats.dead_letters == 5


def test_times_without_a_zone_are_shanghai_and_out_of_order_events_are_taken(db, handler) -> None:
    later = call(start=clock.now() - timedelta(minutes=1))
    earlier = json.loads(call())
    earlier["start_time"] = "2024-05-30 15:02:00"
    handle(handler, later, json.dumps(earlier).encode())
    with db.session() as s:
        times = sorted(r.start_time for r in s.scalars(select(CallRecord)))
    assert times[0].isoformat() == "2024-05-30T07:02:00+00:00"


def test_sms_events_are_stored_once(db, handler) -> None:
    body = {"event_id": "s1", "msisdn": RESIDENT, "other": "10690000", "direction": "收",
            "time": "2024-05-30T15:02:00+08:00", "content": "您的验证码是 1234"}
    payload = json.dumps(body, ensure_ascii=False).encode()
    handle(handler, payload, payload, subject=subjects.SMS)
    assert count(db, SmsRecord) == 1 and handler.stats.duplicates == 1


def test_a_call_in_the_operators_file_and_on_the_stream_is_stored_once(db, handler) -> None:
    csv = "本机号码,对方号码,呼叫类型,开始时间,通话时长\n13800000001,17000000001,被叫,2024-05-30 15:02:00,65\n"
    import_bytes(db, "calls", csv.encode(), "calls.csv")
    event = call(start=clock.parse_time("2024-05-30 15:02:00"), duration_s=65, operator=None)
    assert CallEvent.model_validate_json(event).record_key == _stored_key(db)
    handle(handler, event)
    assert count(db, CallRecord) == 1 and handler.stats.duplicates == 1


def _stored_key(db: Database) -> str:
    with db.session() as s:
        return s.scalar(select(CallRecord.record_key))


def test_acknowledged_only_after_the_commit_and_refused_when_the_store_fails(db, handler, monkeypatch) -> None:
    flag(db)
    seen_at_ack = []
    failing = {"on": True}

    def flaky(session, rows):
        if failing["on"]:
            raise ConnectionError("the store went away")
        return stream_records.store_calls(session, rows)

    monkeypatch.setattr("fanzha.events.telecom_handler.store_calls", flaky)
    payload = call()
    first = RecordingDelivery(payload, on_ack=lambda d: seen_at_ack.append(count(db, CallRecord)))
    asyncio.run(handler(subjects.CALLS, [first]))
    assert first.nacked and not first.acked and count(db, CallRecord) == 0 and handler.stats.failed_batches == 1
    failing["on"] = False
    again = RecordingDelivery(payload, on_ack=lambda d: seen_at_ack.append((count(db, CallRecord),
                                                                            len(alerts(db)))))
    asyncio.run(handler(subjects.CALLS, [again]))
    assert again.acked and seen_at_ack == [(1, 1)]  # at the ack, the record and its alert are committed


def test_the_in_process_broker_redelivers_until_stored_and_survives_a_consumer_restart(db, handler) -> None:
    flag(db)

    async def run() -> InProcessBus:
        bus = InProcessBus()
        attach(bus, handler, batch_size=50, max_wait=0.0)
        await bus.start()
        payloads = [call(f"13900{i:06d}", "13900999999") for i in range(400)]
        payloads += [call(RESIDENT, FRAUD, start=clock.now() - timedelta(seconds=1))]
        for p in payloads[:200]:
            await bus.publish(subjects.CALLS, p)
        await asyncio.sleep(0)  # the consumer takes a batch
        await bus.stop()  # mid-stream: what it held unacknowledged goes back
        for p in payloads[200:] + payloads[:50]:  # and a few duplicates
            await bus.publish(subjects.CALLS, p)
        await bus.start()
        await bus.drain(timeout=30)
        await bus.stop()
        return bus

    bus = asyncio.run(run())
    assert count(db, CallRecord) == 401 and len(alerts(db)) == 1
    # A batch committed just as the consumer stopped was not acknowledged: it came again and was
    # counted as a duplicate, not stored twice.
    assert bus.pending() == 0 and bus.acked >= 451
    assert handler.stats.stored + handler.stats.duplicates == handler.stats.received


def test_alerts_are_listed_by_scope(db, handler) -> None:
    from fanzha.domain.access import AccessDenied
    from fanzha.domain.actor import Actor
    from fanzha.domain.organisation import OrgKind
    from fanzha.domain.role import Role

    flag(db)
    handle(handler, call(RESIDENT, FRAUD))
    cmcc = Actor(username="op", role=Role.OPERATOR_LIAISON, org_kind=OrgKind.OPERATOR, org_code="operator-CMCC")
    ctcc = Actor(username="op2", role=Role.OPERATOR_LIAISON, org_kind=OrgKind.OPERATOR, org_code="operator-CTCC")
    county = Actor(username="w", role=Role.WARNING_OFFICER, org_kind=OrgKind.COUNTY_CENTER, region="城厢区")
    other = Actor(username="w2", role=Role.WARNING_OFFICER, org_kind=OrgKind.COUNTY_CENTER, region="荔城区")
    bank = Actor(username="b", role=Role.BANK_LIAISON, org_kind=OrgKind.BANK, org_code="bank-ICBC")
    with db.session() as s:
        assert [len(list_alerts(s, a)) for a in (cmcc, ctcc, county, other)] == [1, 0, 1, 0]
        with pytest.raises(AccessDenied):
            list_alerts(s, bank)


def test_the_number_models_candidates_alert_unless_dismissed_or_cleared_on_appeal(db, handler) -> None:
    from fanzha.store.models import NumberScore

    with db.session() as s:
        for number, state in [("17100000001", "pending"), ("17100000002", "dismissed"), ("17100000003", "pending")]:
            s.add(NumberScore(number=number, score=0.93, reasons=[], window_days=30.0, scored_at=clock.now(),
                              state=state))
    cleared = flag(db, "17100000003")
    with db.session() as s:
        lift_entry(s, SYSTEM, cleared, "申诉成功")
    handle(handler, call(RESIDENT, "17100000001"), call(RESIDENT, "17100000002"), call(RESIDENT, "17100000003"))
    [alert] = alerts(db)
    assert (alert.flagged_number, alert.block_entry_id) == ("17100000001", None)
    assert "number model score 0.930" in alert.reason


def test_the_call_in_progress_becomes_a_high_lead_on_the_residents_station(db, handler) -> None:
    from fanzha.services.organisations import seed_organisations, station_org_id
    from fanzha.store.models import WarningLead

    with db.session() as s:
        seed_organisations(s)
        longqiao = station_org_id(s, "城厢区", "龙桥派出所")
    flag(db)
    live = clock.now() - timedelta(seconds=3)
    handle(handler, call(RESIDENT, FRAUD, start=live, call_type="被叫"))
    handle(handler, call(RESIDENT, FRAUD, start=live, call_type="被叫", event_id="redelivered"))
    [alert] = alerts(db)
    assert alert.state == "handed_over"
    with db.session() as s:
        (lead,) = s.scalars(select(WarningLead)).all()
        assert (lead.grade, lead.station_id, lead.level, lead.phone) == ("high", longqiao, "station", RESIDENT)
        assert [(sig.source, sig.evidence["number"]) for sig in lead.signals] == [("call_in_progress", FRAUD)]
        assert lead.sign_by - lead.raised_at == timedelta(minutes=10)


def test_the_flags_are_read_again_only_when_they_changed(db, handler, monkeypatch) -> None:
    """Reading a city's block list takes seconds; the stream checks a fingerprint every second and
    reads the flags only after an entry is added or lifted or a model candidate changes."""
    from fanzha.events import telecom_handler
    from fanzha.store.models import NumberScore

    reads = []
    real = telecom_handler.load_flags
    monkeypatch.setattr(telecom_handler, "load_flags", lambda session: reads.append(1) or real(session))
    assert handler.refresh().flagged_count == 0 and len(reads) == 1
    handler.refresh()
    handler.refresh()
    assert len(reads) == 1  # nothing changed: nothing read

    entry = flag(db)
    assert FRAUD in handler.refresh().flags and len(reads) == 2
    with db.session() as s:
        lift_entry(s, SYSTEM, entry, "申诉成功")
    assert FRAUD not in handler.refresh().flags and len(reads) == 3

    model_number = "17100000009"
    with db.session() as s:
        s.add(NumberScore(number=model_number, score=0.91, reasons=[], window_days=7.0, scored_at=clock.now(),
                          state="pending"))
    assert handler.refresh().flags[model_number].score == pytest.approx(0.91) and len(reads) == 4
    with db.session() as s:
        s.scalar(select(NumberScore)).score = 0.97  # scored again
    assert handler.refresh().flags[model_number].score == pytest.approx(0.97) and len(reads) == 5
    with db.session() as s:
        s.scalar(select(NumberScore)).state = "dismissed"  # an officer dismissed the candidate
    assert model_number not in handler.refresh().flags and len(reads) == 6
    handler.refresh()
    assert len(reads) == 6

    monkeypatch.setattr(telecom_handler, "FLAGS_RELOAD_S", 0.0)  # and now and then whatever the fingerprint says
    handler.refresh()
    assert len(reads) == 7
