"""Access control in the services themselves (not only hidden in pages), on SQLite and
PostgreSQL: a county sees its county, a station its own cases, the city all; banks, operators,
leadership and auditors read no case; reveals and exports are masked, reasoned and audited."""
from __future__ import annotations

import csv
import io
import json
from dataclasses import replace

import pytest
from sqlalchemy import select

from fanzha.domain.access import AccessDenied
from fanzha.domain.actor import Actor
from fanzha.domain.errors import InputRejected
from fanzha.domain.report import VictimReport
from fanzha.domain.role import Role
from fanzha.services.accounts import actor_of, create_user
from fanzha.services.case_edit import classify_case
from fanzha.services.case_export import export_cases
from fanzha.services.case_search import CaseQuery, case_detail, search_cases
from fanzha.services.dashboard import intake_figures
from fanzha.services.importing import import_bytes
from fanzha.services.intake import change_status, file_report
from fanzha.services.organisations import seed_organisations
from fanzha.services.reveal import reveal_field
from fanzha.store.db import Database
from fanzha.store.models import AuditEntry, Case, Person

SYSTEM = Actor.system("test")
PLACES = {
    "city_duty": ("duty_officer", "city"),
    "chengxiang_duty": ("duty_officer", "county-chengxiang"),
    "licheng_duty": ("duty_officer", "county-licheng"),
    "longqiao": ("station_officer", "station-chengxiang-1"),
    "fenghuang": ("station_officer", "station-chengxiang-2"),
    "icbc": ("bank_liaison", "bank-ICBC"),
    "cmcc": ("operator_liaison", "operator-CMCC"),
    "leader": ("leadership", "city"),
    "county_leader": ("leadership", "county-chengxiang"),
    "auditor": ("auditor", "city"),
    "admin": ("center_admin", "city"),
}


def _report(report_id: str, region: str, station: str | None, name: str, id_number: str, phone: str) -> VictimReport:
    return VictimReport.model_validate({
        "report_id": report_id, "reported_at": "2024-05-30T15:40:00+08:00", "region": region, "station": station,
        "victim": {"name": name, "id_number": id_number, "phone": phone},
        "transfers": [{"time": "2024-05-30T15:02:00+08:00", "amount": "1000.00", "to_account": "6217000000009999",
                       "to_name": "李四"}],
    })


@pytest.fixture
def world(db: Database):
    """Three cases: 龙桥 and 凤凰山 (both 城厢区) and one in 荔城区; an actor per place."""
    with db.session() as s:
        seed_organisations(s)
        actors = {}
        for username, (role, org) in PLACES.items():
            actors[username] = actor_of(create_user(s, SYSTEM, username, role, org, username, "pass-word-123",
                                                    must_change_password=False).user)
        ids = {
            "longqiao": file_report(s, SYSTEM, _report("A-1", "城厢区", "龙桥派出所", "陈某明", "350302197901011234",
                                                       "13812345678")).case.id,
            "fenghuang": file_report(s, SYSTEM, _report("A-2", "城厢区", "凤凰山派出所", "林芳", "350302198002022345",
                                                        "13912345678")).case.id,
            "licheng": file_report(s, SYSTEM, _report("A-3", "荔城区", None, "黄伟", "350304199003033456",
                                                      "13712345678")).case.id,
        }
    return db, actors, ids


def _found(db, actor, **query) -> set[str]:
    with db.session() as s:
        return {r.report_id for r in search_cases(s, actor, CaseQuery(**query)).rows}


def test_the_city_sees_all_a_county_its_county_a_station_its_own(world) -> None:
    db, a, _ = world
    assert _found(db, a["city_duty"]) == {"A-1", "A-2", "A-3"}
    assert _found(db, a["chengxiang_duty"]) == {"A-1", "A-2"}
    assert _found(db, a["licheng_duty"]) == {"A-3"}
    assert _found(db, a["longqiao"]) == {"A-1"}
    assert _found(db, a["fenghuang"]) == {"A-2"}
    assert _found(db, a["longqiao"], text="13912345678") == set()  # another station's victim by phone
    assert _found(db, a["chengxiang_duty"], text="黄伟") == set()  # another county's victim by name


def test_another_countys_cases_are_refused_not_just_hidden(world) -> None:
    db, a, ids = world
    with db.session() as s, pytest.raises(AccessDenied) as refused:
        search_cases(s, a["chengxiang_duty"], CaseQuery(region="荔城区"))
    assert refused.value.reason == "scope" and "城厢区" in refused.value.message_zh
    for who, case in (("chengxiang_duty", "licheng"), ("longqiao", "fenghuang"), ("fenghuang", "longqiao"),
                      ("licheng_duty", "longqiao")):
        with db.session() as s, pytest.raises(AccessDenied) as refused:
            case_detail(s, a[who], ids[case])
        assert refused.value.reason == "scope" and refused.value.object_id == str(ids[case])
    with db.session() as s:
        assert case_detail(s, a["longqiao"], ids["longqiao"]).report_id == "A-1"
        assert case_detail(s, a["chengxiang_duty"], ids["fenghuang"]).report_id == "A-2"


@pytest.mark.parametrize("who", ["icbc", "cmcc", "leader", "county_leader", "auditor", "admin"])
def test_roles_without_case_read_read_no_case(world, who: str) -> None:
    db, a, ids = world
    with db.session() as s:
        with pytest.raises(AccessDenied) as refused:
            case_detail(s, a[who], ids["longqiao"])
        assert refused.value.reason == "role" and refused.value.permission.value == "case.read"
        assert "管理员" in refused.value.message_zh and "administrator" in refused.value.message_en
        with pytest.raises(AccessDenied):
            search_cases(s, a[who], CaseQuery())


def test_changes_outside_the_area_are_refused(world) -> None:
    db, a, ids = world
    with db.session() as s:
        case = s.get(Case, ids["licheng"])
        with pytest.raises(AccessDenied):
            change_status(s, a["chengxiang_duty"], case, case.status.__class__("filed"))
        with pytest.raises(AccessDenied):
            classify_case(s, a["chengxiang_duty"], case, "order_brushing")
        with pytest.raises(AccessDenied):  # a station officer may move its own cases, not classify them
            classify_case(s, a["longqiao"], s.get(Case, ids["longqiao"]), "order_brushing")
    with db.session() as s, pytest.raises(AccessDenied):
        file_report(s, a["chengxiang_duty"], _report("A-9", "荔城区", None, "某人", "350304199003039999", "13700000000"))


def test_a_station_files_its_own_reports_and_keeps_them(world) -> None:
    db, a, _ = world
    with db.session() as s:
        case = file_report(s, a["longqiao"], _report("S-1", "城厢区", None, "张某", "350302197001011111",
                                                     "13600000000")).case
        assert case.station_id == a["longqiao"].org_id
        entry = s.scalar(select(AuditEntry).where(AuditEntry.action == "case.create",
                                                  AuditEntry.object_id == str(case.id)))
        assert entry.actor == "longqiao" and entry.organisation == "station-chengxiang-1"
    assert "S-1" in _found(db, a["longqiao"]) and "S-1" not in _found(db, a["fenghuang"])


def test_the_victims_registered_station_is_used_when_the_report_names_none(world) -> None:
    db, a, _ = world
    with db.session() as s:
        s.add(Person(name="郑某", id_number="350302196501015555", district="城厢区", station="凤凰山派出所"))
    with db.session() as s:
        case = file_report(s, a["city_duty"], _report("R-1", "城厢区", None, "郑某", "350302196501015555",
                                                      "13500000000")).case
        assert case.station_id == a["fenghuang"].org_id
        with pytest.raises(InputRejected):
            file_report(s, a["city_duty"], _report("R-2", "城厢区", "镇海派出所", "某", "350302196501016666",
                                                   "13500000001"))  # 镇海 is a station of 荔城区


def test_dashboard_figures_follow_the_area(world) -> None:
    db, a, _ = world
    with db.session() as s:
        assert intake_figures(s, a["leader"]).cases == 3
        assert intake_figures(s, a["county_leader"]).cases == 2
        assert intake_figures(s, a["longqiao"]).cases == 1
        for who in ("icbc", "auditor", "admin"):
            with pytest.raises(AccessDenied):
                intake_figures(s, a[who])


def test_an_import_files_only_the_countys_reports(world) -> None:
    db, a, _ = world
    reports = [_report(f"I-{n}", region, None, "某某", f"35030219900101{n:04d}", "13400000000").model_dump(mode="json")
               for n, region in enumerate(("城厢区", "荔城区"))]
    result = import_bytes(db, "reports", json.dumps(reports, ensure_ascii=False).encode(), "r.json",
                          skip_bad=True, actor=a["chengxiang_duty"])
    assert (result.rows_imported, result.rows_bad) == (1, 1)
    assert "outside your area" in result.problems[0].reason
    with pytest.raises(AccessDenied):
        import_bytes(db, "reports", b"[]", "r.json", actor=a["icbc"])


def test_a_reveal_needs_the_permission_a_reason_and_is_audited(world) -> None:
    db, a, ids = world
    with db.session() as s:
        with pytest.raises(InputRejected):
            reveal_field(s, a["longqiao"], ids["longqiao"], "victim.id_number", "看看")  # no reason given
        with pytest.raises(AccessDenied):
            reveal_field(s, replace(a["longqiao"], role=Role.WARNING_OFFICER),  # reads cases, may not reveal
                         ids["longqiao"], "victim.id_number", "回访受害人核实")
        with pytest.raises(AccessDenied):
            reveal_field(s, a["longqiao"], ids["fenghuang"], "victim.id_number", "回访受害人核实")
    with db.session() as s:
        value = reveal_field(s, a["longqiao"], ids["longqiao"], "victim.id_number", "回访受害人核实身份")
        assert value == "350302197901011234"
    with db.session() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "reveal")).all()[-1]
        assert (entry.actor, entry.object_id, entry.outcome) == ("longqiao", str(ids["longqiao"]), "allowed")
        assert entry.detail == {"field": "victim.id_number", "reason": "回访受害人核实身份", "report_id": "A-1"}


def test_exports_are_masked_unless_revealed_and_always_audited(world) -> None:
    db, a, _ = world
    with db.session() as s:
        text, rows = export_cases(s, a["city_duty"], CaseQuery())
    assert rows == 3
    table = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(table) == 4 and "陈*明" in text and "138****5678" in text and "13812345678" not in text
    with db.session() as s:
        whole, _ = export_cases(s, a["city_duty"], CaseQuery(), reveal_reason="移送经侦核查名单")
        assert "13812345678" in whole and "陈某明" in whole
        with pytest.raises(AccessDenied):
            export_cases(s, a["longqiao"], CaseQuery())  # station officers do not export
    with db.session() as s:
        exports = s.scalars(select(AuditEntry).where(AuditEntry.action == "export").order_by(AuditEntry.seq)).all()
        assert [(e.detail["rows"], e.detail["revealed"]) for e in exports] == [(3, False), (3, True)]
        assert exports[1].detail["reason"] == "移送经侦核查名单"
