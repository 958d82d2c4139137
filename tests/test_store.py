"""The store behaves the same on SQLite and PostgreSQL: migrations, zones, money, idempotent intake."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, inspect, select

from fanzha.domain.actor import Actor
from fanzha.domain.case_status import CaseStatus
from fanzha.domain.errors import InputRejected
from fanzha.domain.report import VictimReport
from fanzha.services.intake import DuplicateReport, change_status, file_report
from fanzha.services.organisations import seed_organisations
from fanzha.store.db import Database
from fanzha.store.models import Case, Organisation, Person

SYSTEM = Actor.system("test")

REPORT = {
    "report_id": "JQ-2024-0530-001",
    "reported_at": "2024-05-30T15:40:00+08:00",
    "region": "城厢区",
    "victim": {"name": "陈某明", "id_number": "350302197901011234", "phone": "13800000000", "age": 45},
    "fraud_type": None,
    "narrative": "对方自称客服",
    "transfers": [
        {"time": "2024-05-30T15:02:00+08:00", "amount": "50000.00", "from_account": "6222000000000001",
         "from_bank": "工商银行", "to_account": "6217000000000002", "to_name": "李某", "to_bank": "建设银行",
         "channel": "手机银行"},
        {"time": "2024-05-30 15:10:00", "amount": "84100.5", "to_account": "6217000000000003"},
    ],
    "contacts": [{"kind": "phone", "value": "17000000000"}, {"kind": "url", "value": "http://example.invalid/app"}],
}


def test_migrations_create_every_table(db: Database) -> None:
    tables = set(inspect(db.engine).get_table_names())
    assert {"organisations", "users", "persons", "phones", "accounts", "cases", "case_transfers",
            "case_contacts", "case_events", "statement_postings", "call_records", "sms_records",
            "alembic_version"} <= tables
    Database(db.url).dispose()  # running the migrations again is a no-op


def test_organisation_hierarchy_is_seeded_once(db: Database) -> None:
    for _ in range(2):
        with db.session() as s:
            seed_organisations(s)
    with db.session() as s:
        kinds = dict(s.execute(select(Organisation.kind, func.count()).group_by(Organisation.kind)).all())
        assert kinds == {"city_center": 1, "county_center": 5, "police_station": 13, "bank": 6, "operator": 3}
        station = s.scalar(select(Organisation).where(Organisation.kind == "police_station").limit(1))
        assert station.parent.kind == "county_center" and station.parent.parent.kind == "city_center"


def test_case_keeps_money_in_fen_and_times_with_zone(db: Database) -> None:
    with db.session() as s:
        seed_organisations(s)
        filed = file_report(s, SYSTEM, VictimReport.model_validate(REPORT))
        assert filed.created
    with db.session() as s:
        case = s.scalar(select(Case).where(Case.report_id == "JQ-2024-0530-001"))
        assert case.loss_fen == 5_000_000 + 8_410_050
        assert [t.amount_fen for t in case.transfers] == [5_000_000, 8_410_050]
        assert case.reported_at == datetime(2024, 5, 30, 7, 40, tzinfo=UTC)
        assert case.transfers[1].time == datetime(2024, 5, 30, 7, 10, tzinfo=UTC)  # naive = Asia/Shanghai
        assert case.status == CaseStatus.REPORTED
        owner = s.get(Organisation, case.organisation_id)
        assert owner.kind == "county_center" and owner.region == "城厢区"
        assert {c.kind for c in case.contacts} == {"phone", "url"}
        assert case.events[0].kind == "reported"
        assert case.events[0].detail["warnings"] == ["id_number_check_digit"]


def test_filing_twice_is_idempotent_and_conflicts_are_refused(db: Database) -> None:
    report = VictimReport.model_validate(REPORT)
    with db.session() as s:
        seed_organisations(s)
        first = file_report(s, SYSTEM, report).case.id
    with db.session() as s:
        again = file_report(s, SYSTEM, report)
        assert not again.created and again.case.id == first
    changed = dict(REPORT, transfers=REPORT["transfers"][:1])
    with pytest.raises(DuplicateReport) as info, db.session() as s:
        file_report(s, SYSTEM, VictimReport.model_validate(changed))
    assert "already case" in str(info.value)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Case)) == 1
        assert s.scalar(select(func.count()).select_from(Person)) == 1


def test_unknown_region_is_refused_and_nothing_written(db: Database) -> None:
    with db.session() as s:
        seed_organisations(s)
    with pytest.raises(InputRejected, match="not a county"), db.session() as s:
        file_report(s, SYSTEM, VictimReport.model_validate(dict(REPORT, region="火星区")))
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Person)) == 0


def test_status_moves_one_step_at_a_time(db: Database) -> None:
    with db.session() as s:
        seed_organisations(s)
        case = file_report(s, SYSTEM, VictimReport.model_validate(REPORT)).case
        with pytest.raises(InputRejected, match="cannot move"):
            change_status(s, SYSTEM, case, CaseStatus.SOLVED)
        change_status(s, SYSTEM, case, CaseStatus.FILED)
    with db.session() as s:
        case = s.scalar(select(Case))
        assert case.status == "filed"
        assert [e.kind for e in case.events if "order_" not in e.kind] == ["reported", "status_changed"]


def test_naive_times_are_refused_by_the_store(db: Database) -> None:
    with pytest.raises(Exception, match="naive"), db.session() as s:
        s.add(Person(name="x"))
        s.flush()
        s.add(Organisation(code="x", name="x", kind="bank"))
        from fanzha.store.models import CaseEvent
        s.add(CaseEvent(case_id=1, at=datetime(2024, 1, 1), kind="x"))
        s.flush()
