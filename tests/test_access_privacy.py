"""Privacy and refusals as people meet them in the web app and the API: masked by default,
revealed one value at a time with a reason (audited), leadership never sees a person, and the
"new user" attempts (a bank liaison opening a case by URL, a station officer another station's
case, leadership an identity number) are refused with a clear message and found by the auditor."""
from __future__ import annotations

import re

import pytest
from access_walk import fill, route_rules
from fastapi.testclient import TestClient
from web_support import SYSTEM, api_client, make_app, report, signed_in

from fanzha.domain.report import VictimReport
from fanzha.services.intake import file_report

ID_NUMBER, PHONE, NAME, ACCOUNT = "350302197901011234", "13812345678", "陈某明", "6217000000000002"
USERS = (("duty", "duty_officer", "city"), ("leader", "leadership", "city"), ("icbc", "bank_liaison", "bank-ICBC"),
         ("longqiao", "station_officer", "station-chengxiang-1"), ("fenghuang", "station_officer", "station-chengxiang-2"),
         ("warning", "warning_officer", "city"), ("auditor", "auditor", "city"))


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    app = make_app(tmp_path_factory.mktemp("privacy"), users=USERS)
    with app.state.db.session() as session:
        longqiao = file_report(session, SYSTEM, VictimReport.model_validate(report(station="龙桥派出所"))).case.id
        fenghuang = file_report(session, SYSTEM, VictimReport.model_validate(report(
            report_id="JQ-FH-1", station="凤凰山派出所",
            victim={"name": "林芳", "id_number": "350302198002022345", "phone": "13912345678"}))).case.id
    yield app, {"longqiao": longqiao, "fenghuang": fenghuang}
    app.state.db.dispose()


def _no_person(text: str, where) -> None:
    for value in (ID_NUMBER, PHONE, NAME, ACCOUNT, "3503**********1234", "138****5678", "陈*明", "350302198002022345"):
        assert value not in text, (where, value)


def test_leadership_sees_figures_and_never_a_person(world) -> None:
    app, ids = world
    rules, _ = route_rules(app)
    for client, who in ((signed_in(app, "leader"), "session"), (api_client(app, "city", "leadership"), "token")):
        for r in rules:
            if "GET" not in r.methods:
                continue
            path = fill(r.path, {"case_id": ids["longqiao"], "username": "duty", "token_id": 1, "kind": "reports",
                                  "order_id": 1, "lead_id": 1, "appeal_id": 1, "candidate_id": 1,
                                  "series_id": 1, "entity_id": 1, "other_id": 2, "suspect_id": 1,
                                  "campaign_id": 1, "activity_id": 1, "account": "6222000000000099",
                                  "period": "2024-05"})
            response = client.get(path, follow_redirects=True)
            _no_person(response.text, (who, path))
        figures = client.get("/api/dashboard/intake", params={"start": "2024-05-01", "end": "2024-05-31"}).json()
        assert figures["cases"] == 2
        refused = client.get(f"/api/cases/{ids['longqiao']}", params={"reveal": "领导查看身份证号"})
        assert refused.status_code == 403 and "case.read" in refused.json()["message"]
    page = signed_in(app, "leader").get("/", params={"start": "2024-05-01", "end": "2024-05-31"}).text
    assert 'data-kpi="cases">2<' in page and "/intake/cases" not in page  # figures, no links into cases


def test_bank_liaison_opening_a_case_by_url_is_refused_and_audited(world) -> None:
    app, ids = world
    bank = signed_in(app, "icbc")
    page = bank.get(f"/intake/cases/{ids['longqiao']}")
    assert page.status_code == 403
    assert "无权操作" in page.text and "银行驻场人员不能查看警情" in page.text and "系统管理员" in page.text
    assert "本次访问已记入审计日志" in page.text
    assert bank.get("/intake/cases").status_code == 403
    api = bank.get(f"/api/cases/{ids['longqiao']}")
    assert api.status_code == 403 and api.json()["problems"] == [{"place": "permission", "reason": "case.read"}]
    assert bank.get("/funds").status_code == 200  # their own desk opens
    auditor = signed_in(app, "auditor")
    denied = auditor.get("/api/audit", params={"actor": "icbc", "outcome": "denied"}).json()["rows"]
    assert {(e["action"], e["object_id"], e["detail"]["path"]) for e in denied} >= {
        ("case.read", str(ids["longqiao"]), f"/intake/cases/{ids['longqiao']}"),
        ("case.read", str(ids["longqiao"]), f"/api/cases/{ids['longqiao']}")}
    by_object = auditor.get("/api/audit", params={"object_type": "case", "object_id": ids["longqiao"]}).json()
    assert "icbc" in {e["actor"] for e in by_object["rows"]}


def test_station_officer_opening_another_stations_case_is_refused_and_audited(world) -> None:
    app, ids = world
    own = signed_in(app, "longqiao")
    assert own.get(f"/intake/cases/{ids['longqiao']}").status_code == 200
    other = own.get(f"/intake/cases/{ids['fenghuang']}")
    assert other.status_code == 403
    assert "不在您的数据范围内" in other.text and "龙桥派出所" in other.text
    assert "林芳" not in other.text and "林*" not in other.text
    listed = own.get("/intake/cases").text
    assert "JQ-2024-0530-001" in listed and "JQ-FH-1" not in listed
    denied = signed_in(app, "auditor").get("/api/audit", params={"actor": "longqiao", "outcome": "denied"}).json()
    assert [(e["object_type"], e["object_id"], e["detail"]["reason"]) for e in denied["rows"]] == \
        [("case", str(ids["fenghuang"]), "scope")]


def test_a_reveal_on_the_case_page_shows_one_value_and_is_audited(world) -> None:
    app, ids = world
    duty = signed_in(app, "duty")
    page = duty.get(f"/intake/cases/{ids['longqiao']}").text
    assert ID_NUMBER not in page and page.count('name="reason"') >= 5  # each masked value offers a reveal
    short = duty.post(f"/intake/cases/{ids['longqiao']}/reveal", data={"field": "victim.id_number", "reason": "看"})
    assert short.status_code == 422 and ID_NUMBER not in short.text and "至少 4 个字" in short.text
    shown = duty.post(f"/intake/cases/{ids['longqiao']}/reveal",
                      data={"field": "victim.id_number", "reason": "回访受害人核实身份"})
    assert shown.status_code == 200 and ID_NUMBER in shown.text
    assert PHONE not in shown.text  # only the value asked for
    fragment = duty.post(f"/intake/cases/{ids['longqiao']}/reveal", headers={"HX-Request": "true"},
                         data={"field": "victim.phone", "reason": "电话回访受害人"})
    assert PHONE in fragment.text and "<html" not in fragment.text and "已记入审计日志" in fragment.text
    entries = signed_in(app, "auditor").get("/api/audit", params={"action": "reveal", "actor": "duty"}).json()["rows"]
    assert [(e["detail"]["field"], e["detail"]["reason"]) for e in entries][:2] == [
        ("victim.phone", "电话回访受害人"), ("victim.id_number", "回访受害人核实身份")]
    warning = signed_in(app, "warning")  # reads cases, may not reveal: no form, and a POST is refused
    assert 'name="reason"' not in warning.get(f"/intake/cases/{ids['longqiao']}").text
    assert warning.post(f"/intake/cases/{ids['longqiao']}/reveal",
                        data={"field": "victim.id_number", "reason": "想看一下号码"}).status_code == 403


def test_the_api_masks_unless_a_reason_reveals(world) -> None:
    app, ids = world
    client = api_client(app, "city", "duty_officer")
    masked = client.get(f"/api/cases/{ids['longqiao']}").json()
    assert masked["victim"] == {"name": "陈*明", "id_number": "3503**********1234", "phone": "138****5678", "age": 45}
    assert masked["transfers"][0]["to_account"] == "6217********0002" and masked["revealed"] is False
    listed = {r["report_id"]: r for r in client.get("/api/cases").json()["rows"]}["JQ-2024-0530-001"]
    assert listed["victim_name_masked"] == "陈*明" and listed["victim_phone_masked"] == "138****5678"
    assert client.get(f"/api/cases/{ids['longqiao']}", params={"reveal": "x"}).status_code == 422
    whole = client.get(f"/api/cases/{ids['longqiao']}", params={"reveal": "止付核对收款账户"}).json()
    assert whole["victim"]["id_number"] == ID_NUMBER and whole["transfers"][0]["to_account"] == ACCOUNT
    assert whole["revealed"] is True
    csv_masked = client.get("/api/cases/export")
    assert csv_masked.status_code == 200 and csv_masked.headers["content-type"].startswith("text/csv")
    assert "陈*明" in csv_masked.text and NAME not in csv_masked.text
    assert NAME in client.get("/api/cases/export", params={"reveal": "移交经侦核查"}).text
    assert api_client(app, "city", "warning_officer").get(
        f"/api/cases/{ids['longqiao']}", params={"reveal": "核实一下身份"}).status_code == 403


def test_the_page_list_and_export_link_follow_the_role(world) -> None:
    app, _ = world
    duty = signed_in(app, "duty").get("/intake/cases").text
    assert "/api/cases/export" in duty and "/intake/new" in duty
    station = signed_in(app, "longqiao").get("/intake/cases").text
    assert "/api/cases/export" not in station
    nav = re.findall(r'<nav class="nav".*?</nav>', signed_in(app, "icbc").get("/funds").text, re.S)[0]
    assert 'href="/funds"' in nav and "/intake/cases" not in nav and "/analysis/series" not in nav


def test_refusals_answer_in_english_too(world) -> None:
    app, ids = world
    page = signed_in(app, "icbc").get(f"/intake/cases/{ids['longqiao']}?lang=en").text
    assert "Not allowed: the Bank liaison role may not read cases (permission case.read)" in page
    assert "ask your center administrator" in page


def test_strangers_get_no_personal_data_either(world) -> None:
    app, ids = world
    client = TestClient(app)
    for path in (f"/api/cases/{ids['longqiao']}", "/api/cases", "/api/cases/export"):
        response = client.get(path)
        assert response.status_code == 401
        _no_person(response.text, path)
