"""What the visit tests share: a small city (a victim, two residents), filing a case that names
fraud sites, writing an operator's visits file, and reading back the fraud_url leads."""
from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from fanzha.domain import clock
from fanzha.domain.actor import Actor
from fanzha.domain.report import VictimReport
from fanzha.domain.warning_lead import LeadSource
from fanzha.services.intake import file_report
from fanzha.services.organisations import seed_organisations, station_org_id
from fanzha.store.db import Database
from fanzha.store.models import LeadSignal, Person, Phone, WarningLead

SYSTEM = Actor.system("test")
VICTIM = "13800000001"
VISITOR = "13800000002"
NEIGHBOUR = "13900000003"  # lives under another station
URL = "https://dl.bz5pzm.top/6v8z"
HOST = "dl.bz5pzm.top"
APP = "聚财宝"
HEADER = ["本机号码", "访问时间", "访问类型", "访问目标", "目的IP", "运营商"]


def city(db: Database) -> dict[str, int]:
    """Seeded organisations and three residents with their phones; the stations' ids."""
    people = [(VICTIM, "陈某明", "城厢区", "龙桥派出所", 45), (VISITOR, "林某", "城厢区", "龙桥派出所", 68),
              (NEIGHBOUR, "黄某", "城厢区", "凤凰山派出所", 30)]
    with db.session() as s:
        seed_organisations(s)
        for number, name, district, station, age in people:
            person = Person(name=name, phone=number, district=district, station=station, age=age)
            s.add(person)
            s.flush()
            s.add(Phone(number=number, operator="CMCC", person_id=person.id))
        return {"longqiao": station_org_id(s, "城厢区", "龙桥派出所"),
                "fenghuang": station_org_id(s, "城厢区", "凤凰山派出所")}


def file_case(db: Database, reported_at: datetime, *, report_id: str = "JQ-20240530-000001",
              contacts: tuple[tuple[str, str], ...] = (("url", URL), ("app", APP)),
              fraud_type: str | None = "刷单返利") -> int:
    """File a victim's report naming ``contacts``; the case's id."""
    report = VictimReport.model_validate({
        "report_id": report_id, "reported_at": reported_at.isoformat(), "region": "城厢区",
        "victim": {"name": "陈某明", "phone": VICTIM}, "fraud_type": fraud_type,
        "narrative": "对方以刷单返利为由让我下载聚财宝APP做任务",
        "contacts": [{"kind": k, "value": v} for k, v in contacts]})
    with db.session() as s:
        return file_report(s, SYSTEM, report).case.id


def visits_csv(rows: list[tuple], header: list[str] = HEADER) -> bytes:
    """A visits file as an operator sends it (times without a zone are the center's)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([clock.local(v).strftime("%Y-%m-%d %H:%M:%S") if isinstance(v, datetime) else v
                         for v in row])
    return out.getvalue().encode()


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def url_leads(db: Database) -> list[dict]:
    """Every lead with a fraud_url signal: its phone, station, fraud type and those signals."""
    with db.session() as s:
        found = []
        for lead in s.scalars(select(WarningLead).order_by(WarningLead.id)):
            signals = [sig for sig in lead.signals if sig.source == LeadSource.FRAUD_URL.value]
            if signals:
                found.append({"id": lead.id, "phone": lead.phone, "station_id": lead.station_id,
                              "fraud_type": lead.fraud_type, "stage": lead.stage,
                              "signals": [{"ref": sig.dedup_key, "at": sig.at, **sig.evidence} for sig in signals]})
        return found


def signal_count(db: Database) -> int:
    with db.session() as s:
        return len(s.scalars(select(LeadSignal.id).where(LeadSignal.source == LeadSource.FRAUD_URL.value)).all())


def visit_event(msisdn: str, at: datetime, kind: str, target: str, event_id: str, **extra) -> bytes:
    return json.dumps({"event_id": event_id, "msisdn": msisdn, "visit_time": at.isoformat(), "visit_kind": kind,
                       "target": target, "operator": "中国移动", **extra}, ensure_ascii=False).encode()
