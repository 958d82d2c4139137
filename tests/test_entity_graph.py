"""The entity graph (关系图谱): keys normalised, edges unique per (source, target, relation) with
distinct evidence counted once, kept current by the hooks where data arrives (a filed report, an
import, an order), and a full rebuild that gives the same graph, on SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from fanzha.domain.access import AccessDenied
from fanzha.domain.actor import Actor
from fanzha.domain.organisation import OrgKind
from fanzha.domain.report import VictimReport
from fanzha.domain.role import Role
from fanzha.services.analysis.graph_build import (
    graph_after_batch,
    graph_after_report,
    rebuild_graph,
)
from fanzha.services.analysis.graph_keys import entity_key
from fanzha.services.importing import import_bytes
from fanzha.services.intake import file_report
from fanzha.services.organisations import seed_organisations
from fanzha.store.db import Database
from fanzha.store.models import Account, GraphEntity, GraphRelation, Person, StopPaymentOrder

SYSTEM = Actor.system("test")
WARNING = Actor(username="warning", role=Role.WARNING_OFFICER, org_code="city", org_kind=OrgKind.CITY_CENTER)
T0 = datetime(2024, 5, 10, 9, 0, tzinfo=timezone(timedelta(hours=8)))
VICTIM_CARD = "6222000000000001"
MULE = "6217000000000002"
LEVEL2 = "6228000000000003"

STATEMENTS = (
    "交易卡号,交易户名,开户行,交易时间,收付标志,交易金额,交易余额,对手账号,对手户名,对手开户行,交易渠道,摘要,交易流水号,IP地址,MAC地址\n"
    f"{MULE},李某,建设银行,2024-05-10 09:00:00,进,500.00,,{VICTIM_CARD},陈某明,工商银行,手机银行,,T1,,\n"
    f"{MULE},李某,建设银行,2024-05-10 09:30:00,出,400.00,,{LEVEL2},王某,农业银行,网银,,T2,10.1.2.3,9c-2e-a1-df-52-ab\n"
    f"{MULE},李某,建设银行,2024-05-10 10:30:00,出,50.00,,{LEVEL2},王某,农业银行,网银,,T3,10.1.2.3,\n"
).encode()
LEVEL2_STATEMENT = (
    "交易卡号,交易户名,开户行,交易时间,收付标志,交易金额,交易余额,对手账号,对手户名,对手开户行,交易渠道,摘要,交易流水号\n"
    f"{LEVEL2},王某,农业银行,2024-05-10 09:30:00,进,400.00,,{MULE},李某,建设银行,网银,,T2\n"
).encode()
CALLS = (
    "本机号码,对方号码,呼叫类型,开始时间,通话时长,基站,IMEI,运营商\n"
    "17000000001,13800000001,主叫,2024-05-10 08:00:00,120,1-1,860000000000001,中国移动\n"
    "17000000001,13800000001,主叫,2024-05-10 08:30:00,60,1-1,860000000000001,中国移动\n"
    "13800000001,17000000001,被叫,2024-05-10 08:30:00,60,1-2,,中国移动\n"
).encode()


def victim_report(rid: str = "JQ-20240510-001") -> VictimReport:
    return VictimReport.model_validate({
        "report_id": rid, "reported_at": (T0 + timedelta(hours=3)).isoformat(), "region": "荔城区",
        "victim": {"name": "陈某明", "phone": "13800000001"},
        "transfers": [{"time": T0.isoformat(), "amount": "500.00", "from_account": VICTIM_CARD, "from_bank": "工商银行",
                       "to_account": MULE, "to_name": "李某", "to_bank": "建设银行"}],
        "contacts": [{"kind": "phone", "value": "+86 170-0000-0001"}, {"kind": "url", "value": "HTTP://Fake.Example/App/"},
                     {"kind": "app", "value": "易兼职"}],
    })


def edges(db: Database) -> dict[tuple, tuple]:
    """(source kind:key, target kind:key, relation) → (count, amount, evidence)."""
    with db.session() as s:
        ent = {e.id: f"{e.kind}:{e.key}" for e in s.scalars(select(GraphEntity))}
        return {(ent[r.src_id], ent[r.dst_id], r.kind): (r.count, r.amount_fen, sorted(r.evidence))
                for r in s.scalars(select(GraphRelation))}


def test_keys_are_normalised() -> None:
    assert entity_key("phone", "+86 170-0000-0001") == ("phone", "17000000001")
    assert entity_key("account", "6222 0000-0000 0001") == ("account", "6222000000000001")
    assert entity_key("url", " HTTP://Fake.Example/App/ ") == ("url", "http://fake.example/app")
    assert entity_key("device", "860000000000001") == ("imei", "860000000000001")
    assert entity_key("device", "9c-2e-a1-df-52-ab") == ("mac", "9C:2E:A1:DF:52:AB")
    assert entity_key("wechat", "WxId_AB") == ("wechat", "wxid_ab")
    assert entity_key("phone", "  ") is None


def test_a_filed_report_is_in_the_graph_at_once(db: Database) -> None:
    with db.session() as s:
        seed_organisations(s)
        case = file_report(s, SYSTEM, victim_report()).case
        case_id, victim_id = case.id, case.victim_id
        order_id = s.scalar(select(StopPaymentOrder.id).where(StopPaymentOrder.case_id == case_id))
    g = edges(db)
    case_node = "case:JQ-20240510-001"
    assert g[(case_node, f"person:{victim_id}", "involves")] == (1, 0, [f"case:{case_id}"])
    assert g[(case_node, "phone:17000000001", "involves")][0] == 1
    assert (case_node, "url:http://fake.example/app", "involves") in g
    assert (case_node, "app:易兼职", "involves") in g
    # the card paid: named by the transfer and by the stop-payment order raised with the report
    transfer_ref = g[(case_node, f"account:{MULE}", "involves")][2][0]
    assert g[(case_node, f"account:{MULE}", "involves")] == (2, 50000, sorted([transfer_ref, f"order:{order_id}"]))
    assert g[(f"account:{VICTIM_CARD}", f"account:{MULE}", "paid")] == (1, 50000, [transfer_ref])
    with db.session() as s:
        case_entity = s.scalar(select(GraphEntity).where(GraphEntity.kind == "case"))
        assert (case_entity.case_id, case_entity.label) == (case_id, "JQ-20240510-001")
        person = s.scalar(select(GraphEntity).where(GraphEntity.kind == "person"))
        assert (person.person_id, person.label) == (victim_id, "陈*明")
    # the same evidence again changes nothing; a retried filing adds nothing either
    with db.session() as s:
        graph_after_report(s, case_id, victim_id)
        assert file_report(s, SYSTEM, victim_report()).created is False
    assert edges(db) == g


def test_imports_join_the_graph_and_both_sides_of_a_transfer_count_once(db: Database) -> None:
    with db.session() as s:
        seed_organisations(s)
    assert import_bytes(db, "statements", STATEMENTS, "mule.csv", actor=SYSTEM).rows_imported == 3
    assert import_bytes(db, "statements", LEVEL2_STATEMENT, "level2.csv", actor=SYSTEM).rows_imported == 1
    result = import_bytes(db, "calls", CALLS, "calls.csv", actor=SYSTEM)
    assert result.rows_imported == 3
    g = edges(db)
    count, amount, evidence = g[(f"account:{MULE}", f"account:{LEVEL2}", "paid")]
    assert (count, amount, len(evidence)) == (2, 45000, 2)  # T2 on both statements is one transfer; T3
    assert g[(f"account:{VICTIM_CARD}", f"account:{MULE}", "paid")][:2] == (1, 50000)
    assert g[(f"account:{MULE}", "ip:10.1.2.3", "logged_in_from")][0] == 2
    assert g[(f"account:{MULE}", "mac:9C:2E:A1:DF:52:AB", "used")][0] == 1
    # each operator's record is a piece of evidence: two caller records and the callee's record
    assert g[("phone:17000000001", "phone:13800000001", "called")][0] == 3
    assert g[("phone:17000000001", "imei:860000000000001", "used")][0] == 2
    # the same file again adds nothing; the hook run twice for a batch counts nothing twice
    assert import_bytes(db, "calls", CALLS, "calls.csv", actor=SYSTEM).rows_imported == 0
    with db.engine.begin() as conn:
        graph_after_batch(conn, "calls", result.batch_id)
    assert edges(db) == g


def test_rebuild_gives_the_same_graph_and_adds_ownership(db: Database) -> None:
    with db.session() as s:
        seed_organisations(s)
        file_report(s, SYSTEM, victim_report())
    import_bytes(db, "statements", STATEMENTS, "mule.csv", actor=SYSTEM)
    import_bytes(db, "statements", LEVEL2_STATEMENT, "level2.csv", actor=SYSTEM)
    import_bytes(db, "calls", CALLS, "calls.csv", actor=SYSTEM)
    with db.session() as s:
        holder = Person(name="李某", id_number="350302199001011234")
        s.add(holder)
        s.flush()
        s.add(Account(number=MULE, bank="CCB", holder_name="李某", person_id=holder.id))
        holder_id = holder.id
        ids_before = {(e.kind, e.key): e.id for e in s.scalars(select(GraphEntity))}
    live = edges(db)
    build = rebuild_graph(db, SYSTEM)
    rebuilt = edges(db)
    assert rebuilt[(f"person:{holder_id}", f"account:{MULE}", "owns")][0] == 1
    only_rebuild = {k: v for k, v in rebuilt.items() if k[2] == "owns"}
    assert {k: v for k, v in rebuilt.items() if k not in only_rebuild} == {k: v for k, v in live.items()
                                                                          if k[2] != "owns"}
    assert build.relations == len(rebuilt)
    assert rebuild_graph(db, SYSTEM).relations == build.relations
    assert edges(db) == rebuilt
    with db.session() as s:
        ids_after = {(e.kind, e.key): e.id for e in s.scalars(select(GraphEntity))}
    assert {k: ids_after[k] for k in ids_before} == ids_before  # series and charts keep pointing right


def test_rebuild_needs_analysis_work(db: Database) -> None:
    with pytest.raises(AccessDenied):
        rebuild_graph(db, WARNING)


def test_refresh_tops_up_the_registry_and_detects(db: Database) -> None:
    from fanzha.services.analysis.series_refresh import refresh_graph_and_series

    with db.session() as s:
        seed_organisations(s)
        file_report(s, SYSTEM, victim_report("JQ-A"))
        file_report(s, SYSTEM, victim_report("JQ-B").model_copy(update={"victim": victim_report().victim.model_copy(
            update={"name": "林某", "phone": "13900000009"})}))
        holder = Person(name="李某", id_number="350302199001011234")
        s.add(holder)
        s.flush()
        s.add(Account(number=MULE, bank="CCB", holder_name="李某", person_id=holder.id))
        holder_id = holder.id
    out = refresh_graph_and_series(db, SYSTEM)
    assert out["series"]["created"] == 1  # both reports paid the same card
    assert (f"person:{holder_id}", f"account:{MULE}", "owns") in edges(db)
    assert refresh_graph_and_series(db, SYSTEM)["series"]["created"] == 0
    with pytest.raises(AccessDenied):
        refresh_graph_and_series(db, WARNING)


def test_an_edge_stored_meanwhile_is_merged_not_doubled(db: Database) -> None:
    """Two writers adding the same edge: the insert that finds it there folds its evidence in."""
    import polars as pl

    from fanzha.services.analysis.graph_sources import FACT_SCHEMA
    from fanzha.services.analysis.graph_store import merge_facts

    def fact(ref: str, amount: int) -> pl.DataFrame:
        return pl.DataFrame([("account", VICTIM_CARD, "account", MULE, "paid", ref, amount, T0)],
                            schema=FACT_SCHEMA, orient="row")

    with db.engine.begin() as conn:
        merge_facts(conn, fact("posting:1", 100))
    with db.engine.begin() as conn:  # as if it had not seen the stored edge (a concurrent writer)
        merge_facts(conn, pl.concat([fact("posting:1", 100), fact("posting:2", 250)]), fresh=True)
    assert edges(db)[(f"account:{VICTIM_CARD}", f"account:{MULE}", "paid")] == (2, 350, ["posting:1", "posting:2"])
