"""What the stream tests share: residents and flags in the store, events, a recording delivery,
and a private NATS server (with CI set, a missing nats-server fails the NATS tests instead of
skipping them)."""
from __future__ import annotations

import itertools
import json
import os
from datetime import datetime, timedelta

import pytest

from fanzha.domain import clock
from fanzha.domain.actor import Actor
from fanzha.events.local_nats import nats_server_binary
from fanzha.services.telecom.block_list import NewEntry, add_entry
from fanzha.store.db import Database
from fanzha.store.models import Person, Phone

IN_CI = bool(os.environ.get("CI"))
SYSTEM = Actor.system("test")
FRAUD = "17000000001"
RESIDENT = "13800000001"
_ids = itertools.count(1)


def require_nats_server() -> str:
    binary = nats_server_binary()
    if binary is None:
        reason = "nats-server is not installed"
        if IN_CI:
            pytest.fail(reason + " (CI must run the NATS suite; install the Debian package nats-server)")
        pytest.skip(reason + "; install it with: apt-get install nats-server")
    return binary


def add_residents(db: Database, numbers: list[str], operator: str = "CMCC") -> dict[str, int]:
    ids = {}
    with db.session() as s:
        for n, number in enumerate(numbers):
            person = Person(name=f"居民{n}", phone=number, district="城厢区", station="龙桥派出所")
            s.add(person)
            s.flush()
            s.add(Phone(number=number, operator=operator, person_id=person.id))
            ids[number] = person.id
    return ids


def flag(db: Database, number: str = FRAUD, *, expires_at: datetime | None = None, provenance: str = "case",
         ref: str | None = "JQ-2024-0530-001") -> int:
    with db.session() as s:
        return add_entry(s, SYSTEM, NewEntry(number=number, reason="reported by a victim", provenance=provenance,
                                             provenance_ref=ref, expires_at=expires_at)).id


def call(msisdn: str = RESIDENT, other: str = FRAUD, *, start: datetime | None = None, duration_s: int = 0,
         call_type: str = "被叫", operator: str | None = "中国移动", event_id: str | None = None,
         sent: bool = True, **extra) -> bytes:
    start = start or clock.now() - timedelta(seconds=5)
    body = {"event_id": event_id or f"ev-{next(_ids)}", "msisdn": msisdn, "other": other, "call_type": call_type,
            "start_time": start.isoformat(), "duration_s": duration_s, "operator": operator, **extra}
    if sent:
        body["sent_at"] = clock.now().isoformat()
    return json.dumps(body, ensure_ascii=False).encode()


class RecordingDelivery:
    """A delivery that remembers whether (and when) it was acknowledged or refused."""

    def __init__(self, data: bytes, subject: str = "fanzha.telecom.calls", on_ack=None) -> None:
        self.data, self.subject, self.attempt = data, subject, 1
        self.acked = self.nacked = False
        self.on_ack = on_ack

    async def ack(self) -> None:
        if self.on_ack:
            self.on_ack(self)
        self.acked = True

    async def nack(self, delay: float | None = None) -> None:
        self.nacked = True


def sms(msisdn: str = RESIDENT, other: str = FRAUD, *, direction: str = "收", content: str | None = "你好",
        at: datetime | None = None, event_id: str | None = None, sent: bool = True) -> bytes:
    """An SMS event: by default the resident's record of a message received from FRAUD."""
    body = {"event_id": event_id or f"sms-{next(_ids)}", "msisdn": msisdn, "other": other, "direction": direction,
            "time": (at or clock.now() - timedelta(seconds=2)).isoformat(), "content": content}
    if sent:
        body["sent_at"] = clock.now().isoformat()
    return json.dumps(body, ensure_ascii=False).encode()
