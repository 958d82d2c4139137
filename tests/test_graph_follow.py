"""Streamed calls and SMS join the entity graph a step after they are stored, once each; records
stored before the follower started are left to the rebuild."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from fanzha.domain import clock
from fanzha.services.analysis.graph_follow import StreamFollower
from fanzha.store.db import Database
from fanzha.store.models import CallRecord, GraphEntity, GraphRelation, SmsRecord


def _call(key: str, a: str, b: str, at, imei: str | None = None) -> CallRecord:
    return CallRecord(record_key=key, msisdn=a, other=b, call_type="caller", start_time=at, duration_s=30,
                      imei=imei)


def _edges(db: Database) -> dict[tuple[str, str, str], tuple[int, list]]:
    with db.session() as s:
        node = {e.id: e.key for e in s.scalars(select(GraphEntity))}
        return {(node[r.src_id], node[r.dst_id], r.kind): (r.count, sorted(r.evidence))
                for r in s.scalars(select(GraphRelation))}


def test_streamed_records_join_the_graph_once_each(db: Database) -> None:
    now = clock.now()
    with db.session() as s:
        s.add(_call("before", "13800000001", "17000000001", now - timedelta(minutes=5)))
    follower = StreamFollower(db)
    assert follower.step() == 0  # what was stored before it started is the rebuild's
    with db.session() as s:
        s.add_all([_call("c1", "17000000001", "13800000002", now, imei="861234567890123"),
                   _call("c2", "17000000001", "13800000002", now + timedelta(minutes=1))])
        s.add(SmsRecord(record_key="s1", msisdn="17000000001", other="13800000003", direction="out", time=now))
    follower.step()
    edges = _edges(db)
    called = edges[("17000000001", "13800000002", "called")]
    assert called[0] == 2 and len(called[1]) == 2 and all(ref.startswith("call:") for ref in called[1])
    assert edges[("17000000001", "861234567890123", "used")][0] == 1
    assert edges[("17000000001", "13800000003", "texted")][0] == 1
    assert ("13800000001", "17000000001", "called") not in edges
    assert follower.step() == 0 and _edges(db) == edges  # a second pass adds nothing
