"""Site visits on the stream: the visits handler stores each visit once (the file importer's key),
keeps malformed events as dead letters, screens new visits against the fraud sites, screens the
stored ones when a case names a new site, and acknowledges only after its commit — in process
and on a real NATS JetStream; a simulated world's visits load and replay (or are absent)."""
from __future__ import annotations

import asyncio
import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from fanzha.domain import clock
from fanzha.events import subjects
from fanzha.events.in_process_bus import InProcessBus
from fanzha.events.local_nats import LocalNats
from fanzha.events.nats_bus import NatsBus
from fanzha.events.publisher import publish_retrying
from fanzha.events.replay import replay, world_events
from fanzha.events.visit_event import VisitEvent
from fanzha.events.visit_handler import VisitHandler
from fanzha.events.worker import telecom_worker, visit_worker
from fanzha.services.importing.visits import import_visit_file
from fanzha.sim.load import load_world
from fanzha.store.db import Database
from fanzha.store.models import SiteVisit, StreamDeadLetter
from tests.stream_support import RecordingDelivery, require_nats_server
from tests.visit_support import (
    APP,
    HOST,
    NEIGHBOUR,
    URL,
    VICTIM,
    VISITOR,
    city,
    file_case,
    signal_count,
    url_leads,
    visit_event,
    visits_csv,
    write,
)

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")
FILED = clock.now().replace(microsecond=0) - timedelta(days=1)


def count(db: Database, model) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(model))


def handle(handler: VisitHandler, *payloads: bytes) -> list[RecordingDelivery]:
    deliveries = [RecordingDelivery(p, subjects.VISITS) for p in payloads]
    asyncio.run(handler(subjects.VISITS, deliveries))
    return deliveries


def test_the_in_process_stream_stores_once_dead_letters_and_raises_one_merged_lead(db: Database) -> None:
    stations = city(db)
    file_case(db, FILED)
    at = clock.now() - timedelta(seconds=30)
    payloads = [
        visit_event(VISITOR, at, "网址", URL, "v1", dest_ip="203.0.113.7"),
        visit_event(VISITOR, at, "网址", URL, "v1-again"),  # the same visit published twice
        visit_event(VISITOR, at + timedelta(seconds=5), "应用", APP, "v2"),
        visit_event(NEIGHBOUR, at, "网址", "https://www.baidu.com/", "v3"),
        visit_event(VISITOR, at, "短信", URL, "v4"),  # malformed: not a visit kind
        b'{"event_id": "v5", "msisdn": "13800000002"',  # not JSON
    ]

    async def run() -> VisitHandler:
        bus = InProcessBus()
        handler = visit_worker(bus, db, batch_size=10, max_wait=0.0)
        await bus.start()
        for payload in payloads:
            await bus.publish(subjects.VISITS, payload)
        await bus.drain(timeout=30)
        await bus.stop()
        assert bus.acked == len(payloads)
        return handler

    handler = asyncio.run(run())
    assert (handler.stats.stored, handler.stats.duplicates, handler.stats.dead_letters) == (3, 1, 2)
    assert handler.signals == 2 and count(db, SiteVisit) == 3
    with db.session() as s:
        reasons = sorted(letter.reason for letter in s.scalars(select(StreamDeadLetter)))
    assert any("visit_kind" in r and "网址/应用" in r for r in reasons) and any("JSON" in r for r in reasons)
    [lead] = url_leads(db)
    assert lead["phone"] == VISITOR and lead["station_id"] == stations["longqiao"]
    assert [s["host"] for s in lead["signals"]] == [HOST, APP] and lead["fraud_type"] == "order_brushing"


def test_a_visit_streamed_after_its_file_was_imported_is_stored_once(db: Database, tmp_path) -> None:
    city(db)
    file_case(db, FILED)
    at = FILED + timedelta(hours=2)
    import_visit_file(db, write(tmp_path / "visits.csv", visits_csv([(VISITOR, at, "网址", URL, "", "中国移动")])))
    handler = VisitHandler(db, commit_in_thread=False)
    deliveries = handle(handler, visit_event(VISITOR, at, "url", f"  {URL}  ", "again"))
    assert all(d.acked for d in deliveries)
    assert (handler.stats.stored, handler.stats.duplicates) == (0, 1)
    assert count(db, SiteVisit) == 1 and signal_count(db) == 1
    event = VisitEvent.model_validate_json(visit_event(VISITOR, at, "网址", URL, "x"))
    with db.session() as s:
        assert s.scalar(select(SiteVisit.record_key)) == event.record_key


def test_a_site_named_while_the_stream_runs_warns_its_stored_visitors_once(db: Database) -> None:
    """Filing the case takes the stored visits at once; the handler, re-reading the changed list, takes none twice."""
    city(db)
    handler = VisitHandler(db, sites_refresh_s=0.0, commit_in_thread=False)
    earlier = clock.now() - timedelta(hours=3)
    handle(handler, visit_event(NEIGHBOUR, earlier, "网址", URL, "before"),
           visit_event(VICTIM, earlier, "网址", URL, "victim"))
    assert url_leads(db) == [] and count(db, SiteVisit) == 2
    file_case(db, clock.now() - timedelta(hours=1))
    handle(handler, visit_event(VISITOR, clock.now(), "网址", "https://www.baidu.com/", "unrelated"))
    [lead] = url_leads(db)
    assert lead["phone"] == NEIGHBOUR and lead["signals"][0]["at"] == earlier
    assert handler.signals == 0 and signal_count(db) == 1
    handle(handler, visit_event(VISITOR, clock.now(), "网址", "https://www.qq.com/", "later"))
    assert signal_count(db) == 1 and handler.signals == 0  # nothing taken twice


def test_a_failed_commit_acknowledges_nothing_and_the_redelivery_counts_once(db: Database, monkeypatch) -> None:
    city(db)
    file_case(db, FILED)
    handler = VisitHandler(db, commit_in_thread=False)
    payload = visit_event(VISITOR, clock.now(), "网址", URL, "v1")

    def store_down(*_args, **_kwargs):
        raise ConnectionError("the store is away")

    with monkeypatch.context() as patched:
        patched.setattr("fanzha.events.visit_handler.store_visits", store_down)
        [refused] = handle(handler, payload)
    assert refused.nacked and not refused.acked and handler.stats.failed_batches == 1
    assert count(db, SiteVisit) == 0 and signal_count(db) == 0
    [again] = handle(handler, payload)
    assert again.acked and count(db, SiteVisit) == 1 and signal_count(db) == 1


@pytest.fixture
def nats(tmp_path):
    require_nats_server()
    server = LocalNats(tmp_path / "jetstream").start()
    yield server
    server.stop()


def test_the_same_handler_on_nats_stores_screens_and_acknowledges(nats, sqlite_db: Database) -> None:
    db = sqlite_db
    city(db)
    file_case(db, FILED)
    at = clock.now() - timedelta(seconds=10)

    async def run() -> VisitHandler:
        bus = NatsBus(nats.url, ack_wait=1.5)
        handler = visit_worker(bus, db, batch_size=50, max_wait=0.002)
        await bus.start()
        publisher = NatsBus(nats.url)
        await publisher.connect()
        for data, event_id in [(visit_event(VISITOR, at, "网址", URL, "n1"), "n1"),
                               (visit_event(VISITOR, at, "网址", URL, "n1"), "n1"),  # JetStream drops the repeat
                               (visit_event(VISITOR, at, "网址", URL, "n1b"), "n1b"),  # the store does
                               (visit_event(NEIGHBOUR, at, "应用", APP, "n2"), "n2"),
                               (b'{"event_id": "broken"', "broken")]:
            await publish_retrying(publisher, subjects.VISITS, data, event_id, give_up_after=30)
        async with asyncio.timeout(20):
            while handler.stats.received < 4:
                await asyncio.sleep(0.02)
        await asyncio.sleep(2.0)  # past the ack wait: anything unacknowledged would come again
        await publisher.stop()
        await bus.stop()
        return handler

    handler = asyncio.run(run())
    assert (handler.stats.received, handler.stats.stored, handler.stats.duplicates, handler.stats.dead_letters) \
        == (4, 2, 1, 1)
    assert count(db, SiteVisit) == 2 and count(db, StreamDeadLetter) == 1
    assert sorted(lead["phone"] for lead in url_leads(db)) == sorted([VISITOR, NEIGHBOUR])


def _world(tmp_path, *, visits: bool):
    """A tiny world folder: the registry, one report naming the sites, one operator's visits."""
    world = tmp_path / "world"
    people = [("1", "陈某明", "350302197901011230", VICTIM, "45"), ("2", "林某", "350302195601011231", VISITOR, "68")]
    write(world / "registry" / "residents.csv", ("person_id,name,id_number,phone,age,district,station\n" + "".join(
        f"{pid},{name},{idn},{phone},{age},城厢区,龙桥派出所\n" for pid, name, idn, phone, age in people)).encode())
    write(world / "registry" / "phones.csv", ("number,operator,person_id\n" + "".join(
        f"{phone},CMCC,{pid}\n" for pid, _, _, phone, _ in people)).encode())
    write(world / "registry" / "accounts.csv", b"number,bank,holder_name,person_id\n")
    report = {"report_id": "JQ-20240530-000009", "reported_at": FILED.isoformat(), "region": "城厢区",
              "victim": {"name": "陈某明", "phone": VICTIM}, "fraud_type": "刷单返利", "narrative": "刷单",
              "contacts": [{"kind": "url", "value": URL}, {"kind": "app", "value": APP}]}
    write(world / "reports" / "reports.json", json.dumps([report], ensure_ascii=False).encode())
    (world / "operators" / "CUCC").mkdir(parents=True)  # an operator without visits.csv
    if visits:
        write(world / "operators" / "CMCC" / "visits.csv", visits_csv([
            (VISITOR, FILED + timedelta(hours=1), "网址", URL, "203.0.113.7", "中国移动"),
            (VISITOR, FILED + timedelta(hours=2), "应用", APP, "", "中国移动"),
            (VICTIM, FILED - timedelta(hours=1), "网址", URL, "", "中国移动")]))
    return world


def test_a_world_loads_its_visits_into_leads_and_replays_them(db: Database, tmp_path) -> None:
    world = _world(tmp_path, visits=True)
    counts = load_world(db, world, progress=False)
    assert counts["visits"] == 3 and counts["visit_signals"] == 2
    [lead] = url_leads(db)
    assert lead["phone"] == VISITOR and len(lead["signals"]) == 2

    events = [e for e in world_events(world) if e.subject == subjects.VISITS]
    assert [e.fields["msisdn"] for e in events] == [VICTIM, VISITOR, VISITOR]
    payloads = [e.payload(timedelta(0), None) for e in events]
    assert payloads == [e.payload(timedelta(0), None) for e in events]  # the same ids each time
    replayed = [VisitEvent.model_validate_json(data) for data, _ in payloads]
    with db.session() as s:  # unshifted, a replayed visit is the very visit the file stored
        assert {v.record_key for v in replayed} == set(s.scalars(select(SiteVisit.record_key)))

    async def replay_shifted() -> None:  # shifted to now, the same handler code screens them live
        bus = InProcessBus()
        handler = telecom_worker(bus, db)
        await bus.start()
        await replay(bus, events, shift_to=clock.now())
        await bus.drain(timeout=30)
        await bus.stop()
        assert handler.stats.received == 0  # calls and SMS: none in this world

    asyncio.run(replay_shifted())
    assert count(db, SiteVisit) == 6 and signal_count(db) == 4  # two more for the visitor, none for the victim


def test_a_world_without_visits_loads_and_replays(db: Database, tmp_path) -> None:
    world = _world(tmp_path, visits=False)
    counts = load_world(db, world, progress=False)
    assert "visits" not in counts and counts["reports"] == 1
    assert [e for e in world_events(world) if e.subject == subjects.VISITS] == []
