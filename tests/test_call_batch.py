"""Reading call events as a batch: the plain-event path (msgspec) gives exactly what ``CallEvent``
gives (or hands the event to it), and the rows are stored as SQLAlchemy stores them."""
from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from sqlalchemy import select

from fanzha.events.call_batch import read_calls
from fanzha.events.call_event import CallEvent
from fanzha.services.telecom.stream_records import store_calls
from fanzha.store.models import CallRecord

SUBJECT = "fanzha.telecom.calls"


def test_payloads_that_are_not_one_json_object_are_dead_letters_not_failures() -> None:
    good = {"event_id": "e1", "msisdn": "13800000001", "other": "17000000001", "call_type": "主叫",
            "start_time": "2024-05-30T15:02:00+08:00", "duration_s": 5}
    text = json.dumps(good).encode()
    payloads = [text, text + b" trailing", text[:-1], b"", b"\xff\xfe{", b"  " + text + b"\n",
                json.dumps({**good, "cell_id": "\ud800"}).encode(),  # a lone surrogate: CallEvent refuses it
                json.dumps({**good, "event_id": "e2", "start_time": "0001-01-01T00:30:00+08:00"}).encode()]
    batch = read_calls(SUBJECT, payloads)
    assert len(batch.rows) == 2 and batch.rows[0] == batch.rows[1]  # the padded copy reads as the same call
    assert [event_id for _, event_id, *_ in batch.dead] == [None, None, None, None, "e1", "e2"]
    assert "before year 1" in batch.dead[-1][3]  # in UTC it would fall in year 0: refused, not a failed batch


def _expected(payload: bytes) -> tuple | None:
    try:
        e = CallEvent.model_validate_json(payload)
    except ValidationError:
        return None
    utc = e.start_time.astimezone(UTC).replace(tzinfo=None)
    return ((e.record_key, e.msisdn, e.other, e.call_type, utc, e.duration_s, e.cell_id, e.imei, e.operator),
            e.sent_at.timestamp() if e.sent_at else None)


def test_plain_and_unusual_events_read_as_call_event_reads_them() -> None:
    base = {"event_id": "e1", "msisdn": "13800000001", "other": "17000000001", "call_type": "被叫",
            "start_time": "2024-05-30T15:02:00+08:00", "duration_s": 65, "operator": "中国移动",
            "sent_at": "2024-05-30T07:02:01Z", "cell_id": "460-00-1", "imei": "86000000000001"}
    variants = [base, {**base, "operator": None}, {**base, "operator": "CMCC"}, {**base, "operator": "某虚拟运营商"},
                {**base, "start_time": "2024-05-30 15:02:00"}, {**base, "start_time": "2024-05-30T07:02:00Z"},
                {**base, "msisdn": "+86 138-0000-0001"}, {**base, "other": "0086170000001"},
                {**base, "call_type": " Caller "}, {**base, "call_type": "呼叫转移"}, {**base, "cell_id": "基站1"},
                {**base, "duration_s": 0}, {**base, "duration_s": True}, {**base, "duration_s": "65"},
                {**base, "duration_s": -1}, {**base, "duration_s": 7 * 24 * 3600 + 1}, {**base, "event_id": ""},
                {**base, "event_id": "x" * 65}, {**base, "msisdn": 13800000001}, {**base, "call_type": ["主叫"]},
                {**base, "start_time": "yesterday"}, {**base, "sent_at": None}, {**base, "imei": "1" * 21},
                {k: v for k, v in base.items() if k not in ("cell_id", "imei", "operator", "sent_at")}]
    payloads = [json.dumps(v, ensure_ascii=False).encode() for v in variants] + [b"[]", b"not json"]
    batch = read_calls(SUBJECT, payloads)
    expected = [_expected(p) for p in payloads]
    assert list(zip(batch.rows, batch.sent_at, strict=True)) == [e for e in expected if e is not None]
    assert len(batch.dead) == sum(e is None for e in expected) == 12
    assert batch.rows[0][0] == CallEvent.model_validate_json(payloads[0]).record_key
    assert batch.rows[0][4] == datetime(2024, 5, 30, 7, 2)  # stored in UTC
    dead = {reason.split(":")[0] for *_, reason in batch.dead}
    assert any("duration_s" in r for r in dead) and any("start_time" in r for r in dead)


_numbers = st.one_of(st.from_regex(r"\A1[3-9]\d{9}\Z"), st.from_regex(r"\A\+86 ?1\d{10}\Z"), st.text(max_size=8),
                     st.integers(), st.none())
_times = st.one_of(st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1),
                                timezones=st.sampled_from([UTC, timezone(timedelta(hours=8)), None]))
                   .map(lambda d: d.isoformat()), st.text(max_size=12), st.none())


@settings(max_examples=300, deadline=None)
@given(st.fixed_dictionaries({
    "event_id": st.one_of(st.text(min_size=0, max_size=70), st.integers()), "msisdn": _numbers, "other": _numbers,
    "call_type": st.sampled_from(["主叫", "被叫", "呼转", "caller", "CALLED", " 主叫", "other", ""]),
    "start_time": _times, "duration_s": st.one_of(st.integers(-5, 700_000), st.floats(0, 10), st.booleans()),
}, optional={"operator": st.sampled_from([None, "", "CMCC", "中国联通", "电信", "mvno", 3]),
             "cell_id": st.one_of(st.none(), st.text(max_size=40)), "imei": st.one_of(st.none(), st.text(max_size=25)),
             "sent_at": _times}))
def test_any_event_reads_as_call_event_reads_it(body) -> None:
    payload = json.dumps(body, ensure_ascii=False).encode()
    batch = read_calls(SUBJECT, [payload])
    expected = _expected(payload)
    if expected is None:
        assert batch.rows == [] and len(batch.dead) == 1
    else:
        assert (batch.rows, batch.sent_at, batch.dead) == ([expected[0]], [expected[1]], [])


def test_rows_are_stored_as_the_orm_stores_and_reads_them(db) -> None:
    starts = [datetime(2024, 5, 30, 7, 2, tzinfo=UTC), datetime(2024, 5, 30, 7, 2, 0, 5, tzinfo=UTC),
              datetime(999, 1, 2, 3, 4, 5, tzinfo=UTC)]
    payloads = [json.dumps({"event_id": f"e{i}", "msisdn": "13800000001", "other": "17000000001",
                            "call_type": "主叫", "start_time": s.isoformat(), "duration_s": 5}).encode()
                for i, s in enumerate(starts)]
    batch = read_calls(SUBJECT, payloads + payloads[:1])
    with db.session() as s:
        assert store_calls(s, batch.rows) == 3  # the repeat inside the batch is stored once
    with db.session() as s:
        assert store_calls(s, batch.rows) == 0
        stored = {r.record_key: r.start_time for r in s.scalars(select(CallRecord))}
        # The ORM finds them by time as it would its own rows.
        found = s.scalars(select(CallRecord.record_key).where(CallRecord.start_time == starts[1])).all()
    assert stored == {row[0]: start for row, start in zip(batch.rows, starts, strict=False)}
    assert found == [batch.rows[1][0]]
