"""Replaying a simulated world as a live stream (回放): its operators' calls, SMS and site visits.

Reads ``operators/<OP>/calls.csv``, ``sms.csv`` and ``visits.csv`` (as ``fanzha simulate`` writes
them, Chinese or English headers; a world without visits.csv has none), merges them by time and
publishes each row as an event, at a given rate or as fast as the broker takes them. Event ids
derive from the record's content, so replaying the same world twice publishes the same ids
(JetStream drops the repeats; the store would anyway). ``shift_to`` moves every time so the first
event happens then (a world replayed "live").
"""
from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl

from fanzha.domain.clock import CENTER_TZ
from fanzha.events import subjects
from fanzha.events.event_bus import EventBus
from fanzha.events.publisher import publish_retrying
from fanzha.events.record_keys import content_key

CALL_COLUMNS = {"本机号码": "msisdn", "对方号码": "other", "呼叫类型": "call_type", "开始时间": "start_time",
                "通话时长": "duration_s", "基站": "cell_id", "小区": "cell_id", "IMEI": "imei", "运营商": "operator"}
SMS_COLUMNS = {"本机号码": "msisdn", "对方号码": "other", "收发标志": "direction", "时间": "time",
               "短信内容": "content", "运营商": "operator"}
VISIT_COLUMNS = {"本机号码": "msisdn", "访问时间": "visit_time", "访问类型": "visit_kind", "访问目标": "target",
                 "目的IP": "dest_ip", "运营商": "operator"}
_CALL_TYPES = {"主叫": "caller", "被叫": "called", "呼转": "forwarded"}
_DIRECTIONS = {"发": "out", "收": "in"}
_VISIT_KINDS = {"网址": "url", "应用": "app"}


@dataclass(frozen=True)
class ReplayEvent:
    subject: str
    at: datetime  # the event's own time (zone-aware)
    fields: dict  # the event's fields, without event_id, sent_at and the time field

    def payload(self, shift: timedelta, sent_at: float | None) -> tuple[bytes, str]:
        body = dict(self.fields)
        when = self.at + shift
        if self.subject == subjects.CALLS:
            body["start_time"] = when.isoformat()
            key = content_key("call", body["msisdn"], body["other"], body["call_type"], when, body["duration_s"])
        elif self.subject == subjects.VISITS:
            body["visit_time"] = when.isoformat()
            key = content_key("visit", body["msisdn"], when, body["visit_kind"], body["target"])
        else:
            body["time"] = when.isoformat()
            key = content_key("sms", body["msisdn"], body["other"], body["direction"], when, body.get("content"))
        body["event_id"] = f"{body.get('operator') or 'op'}-{key[:32]}"
        if sent_at is not None:
            body["sent_at"] = datetime.fromtimestamp(sent_at, UTC).isoformat()
        return json.dumps(body, ensure_ascii=False).encode(), body["event_id"]


def _read(path: Path, names: dict[str, str]) -> pl.DataFrame:
    frame = pl.read_csv(path, infer_schema=False)
    return frame.rename({c: names[c] for c in frame.columns if c in names})


def _times(column: pl.Series) -> list[datetime]:
    parsed = column.str.strptime(pl.Datetime("us"), "%Y-%m-%d %H:%M:%S", strict=False)
    return [t.replace(tzinfo=CENTER_TZ) if t is not None else None for t in parsed.to_list()]


def world_events(world: Path, kinds: tuple[str, ...] = ("calls", "sms", "visits")) -> list[ReplayEvent]:
    """Every call, SMS and site visit (of ``kinds``) of a simulated world, in time order."""
    events: list[ReplayEvent] = []
    operators = sorted((world / "operators").glob("*"))
    if not operators:
        raise FileNotFoundError(f"{world} has no operators/<OP>/ folders; make a world with: fanzha simulate --out {world}")
    for folder in operators:
        op = folder.name
        if "calls" in kinds and (folder / "calls.csv").exists():
            frame = _read(folder / "calls.csv", CALL_COLUMNS)
            for row, at in zip(frame.iter_rows(named=True), _times(frame["start_time"]), strict=True):
                if at is None:
                    continue
                events.append(ReplayEvent(subjects.CALLS, at, {
                    "msisdn": row["msisdn"], "other": row["other"],
                    "call_type": _CALL_TYPES.get(row["call_type"], row["call_type"]),
                    "duration_s": int(row["duration_s"]), "cell_id": row.get("cell_id") or None,
                    "imei": row.get("imei") or None, "operator": op}))
        if "sms" in kinds and (folder / "sms.csv").exists():
            frame = _read(folder / "sms.csv", SMS_COLUMNS)
            for row, at in zip(frame.iter_rows(named=True), _times(frame["time"]), strict=True):
                if at is None:
                    continue
                events.append(ReplayEvent(subjects.SMS, at, {
                    "msisdn": row["msisdn"], "other": row["other"],
                    "direction": _DIRECTIONS.get(row["direction"], row["direction"]),
                    "content": row.get("content") or None, "operator": op}))
        if "visits" in kinds and (folder / "visits.csv").exists():
            frame = _read(folder / "visits.csv", VISIT_COLUMNS)
            for row, at in zip(frame.iter_rows(named=True), _times(frame["visit_time"]), strict=True):
                if at is None:
                    continue
                events.append(ReplayEvent(subjects.VISITS, at, {
                    "msisdn": row["msisdn"], "visit_kind": _VISIT_KINDS.get(row["visit_kind"], row["visit_kind"]),
                    "target": (row["target"] or "").strip(), "dest_ip": row.get("dest_ip") or None,
                    "operator": op}))
    events.sort(key=lambda e: e.at)
    return events


def _ticks(events: list, rate: float | None, tick: float) -> Iterator[list]:
    if not rate:
        step = 1000
        for i in range(0, len(events), step):
            yield events[i:i + step]
        return
    per_tick = rate * tick
    sent = 0.0
    i = 0
    while i < len(events):
        sent += per_tick
        n = int(sent) - i
        yield events[i:i + max(n, 0)]
        i += max(n, 0)


async def replay(bus: EventBus, events: list[ReplayEvent], *, rate: float | None = None,
                 shift_to: datetime | None = None, progress: Callable[[int], None] | None = None,
                 tick: float = 0.01) -> int:
    """Publish ``events`` at ``rate`` per second (None: as fast as the broker takes them)."""
    if not events:
        return 0
    shift = (shift_to - events[0].at) if shift_to else timedelta(0)
    published = 0
    start = time.perf_counter()
    for n, chunk in enumerate(_ticks(events, rate, tick)):
        if chunk:
            now = time.time()
            payloads = [e.payload(shift, now) for e in chunk]
            await asyncio.gather(*(publish_retrying(bus, e.subject, data, event_id)
                                   for e, (data, event_id) in zip(chunk, payloads, strict=True)))
            published += len(chunk)
            if progress:
                progress(len(chunk))
        if rate:
            ahead = start + (n + 1) * tick - time.perf_counter()
            if ahead > 0:
                await asyncio.sleep(ahead)
        else:
            await asyncio.sleep(0)
    return published
