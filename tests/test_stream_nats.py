"""The same handler on real NATS JetStream (a private nats-server per test): store once, dead
letters, alerts; a consumer restart and a server restart mid-stream lose nothing and duplicate
nothing."""
from __future__ import annotations

import asyncio
import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from fanzha.domain import clock
from fanzha.events import subjects
from fanzha.events.local_nats import LocalNats
from fanzha.events.nats_bus import NatsBus
from fanzha.events.publisher import publish_retrying
from fanzha.events.telecom_handler import TelecomHandler
from fanzha.events.worker import attach
from fanzha.store.db import Database
from fanzha.store.models import CallRecord, StreamDeadLetter, TelecomAlert
from tests.stream_support import (
    FRAUD,
    RESIDENT,
    add_residents,
    call,
    flag,
    require_nats_server,
    sms,
)

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")


@pytest.fixture
def nats(tmp_path):
    require_nats_server()
    server = LocalNats(tmp_path / "jetstream").start()
    yield server
    server.stop()


@pytest.fixture
def store(sqlite_db: Database) -> Database:
    add_residents(sqlite_db, [RESIDENT])
    flag(sqlite_db)
    return sqlite_db


def count(db: Database, model) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(model))


async def until(check, timeout: float = 20.0) -> None:
    async with asyncio.timeout(timeout):
        while not check():
            await asyncio.sleep(0.02)


def worker(url: str, db: Database, handler: TelecomHandler | None = None) -> tuple[NatsBus, TelecomHandler]:
    bus = NatsBus(url, ack_wait=1.5)
    handler = handler or TelecomHandler(db, flags_refresh_s=0.0, operators=frozenset({"CMCC"}))
    attach(bus, handler, batch_size=100, max_wait=0.002)
    return bus, handler


def test_the_same_handler_on_nats_stores_once_dead_letters_and_alerts(nats, store) -> None:
    async def run() -> TelecomHandler:
        bus, handler = worker(nats.url, store)
        await asyncio.to_thread(handler.ready)  # the SMS text model, loaded in the background
        await bus.start()
        publisher = NatsBus(nats.url)
        await publisher.connect()
        alarm = call(RESIDENT, FRAUD, start=clock.now() - timedelta(seconds=1), event_id="alarm")
        for data, event_id in [(alarm, "alarm"), (alarm, "alarm"),  # JetStream drops the repeat
                               (alarm.replace(b'"alarm"', b'"alarm-2"'), "alarm-2"),  # the store does
                               (b'{"event_id": "broken"', "broken"),
                               (call("13900000001", "13900000002"), "plain")]:
            await publisher.publish(subjects.CALLS, data, event_id)
        await publisher.publish(subjects.SMS, sms(RESIDENT, FRAUD, content="明天见", event_id="text"), "text")
        await until(lambda: count(store, CallRecord) == 2 and count(store, StreamDeadLetter) == 1
                    and handler.stats.received == 5)
        await publisher.stop()
        await bus.stop()
        return handler

    handler = asyncio.run(run())
    with store.session() as s:
        alerts = {(a.action, a.resident_number, a.grade) for a in s.scalars(select(TelecomAlert))}
        [letter] = s.scalars(select(StreamDeadLetter)).all()
    # the call's and the SMS's alerts (their subjects are consumed side by side, in either order)
    assert alerts == {("blocked", RESIDENT, "high"), ("callback", RESIDENT, "medium")}
    assert "JSON" in letter.reason and letter.event_id is None
    assert (handler.stats.stored, handler.stats.duplicates, handler.stats.dead_letters) == (3, 1, 1)


def test_a_consumer_restart_and_a_server_restart_mid_stream_lose_nothing_and_duplicate_nothing(nats, store) -> None:
    total = 1500
    alarms = {200, 700, 1300}  # events from the flagged number to the resident

    def payload(i: int) -> bytes:
        if i in alarms:
            return call(RESIDENT, FRAUD, start=clock.now() - timedelta(minutes=i), event_id=f"e{i}")
        return call(f"139{i:08d}", "13900000000", event_id=f"e{i}")

    async def publish_all(publisher: NatsBus, stage: asyncio.Event, at: int) -> None:
        for i in range(total):
            if i == at:
                stage.set()
            await publish_retrying(publisher, subjects.CALLS, payload(i), f"e{i}", give_up_after=30)
            if i % 50 == 0:
                await asyncio.sleep(0.01)  # a steady stream, not one burst

    async def run() -> tuple[TelecomHandler, TelecomHandler]:
        first, handler_a = worker(nats.url, store)
        await first.start()
        publisher = NatsBus(nats.url, publish_timeout=1.0)
        await publisher.connect()
        halfway = asyncio.Event()
        publishing = asyncio.create_task(publish_all(publisher, halfway, total // 3))
        await halfway.wait()
        await first.stop()  # the consumer goes away mid-stream, holding unacknowledged events
        second, handler_b = worker(nats.url, store)
        await second.start()
        await until(lambda: handler_b.stats.received > 0)
        nats.stop(kill=True)  # and then the server itself dies mid-stream
        await asyncio.sleep(1.0)
        nats.start()
        await publishing
        await until(lambda: count(store, CallRecord) == total, timeout=40)
        await asyncio.sleep(2.0)  # anything redelivered late must still count once
        await publisher.stop()
        await second.stop()
        return handler_a, handler_b

    handler_a, handler_b = asyncio.run(run())
    assert count(store, CallRecord) == total
    with store.session() as s:
        keys = s.scalars(select(TelecomAlert.call_start)).all()
    assert len(keys) == len(alarms) and count(store, StreamDeadLetter) == 0
    stored = handler_a.stats.stored + handler_b.stats.stored
    assert stored <= total  # a batch committed just before a stop is redelivered and counted once
    assert json.dumps(handler_b.stats.as_dict())
