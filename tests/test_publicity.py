"""Publicity (宣传): records are validated field by field, taken once per client key, kept in the
recorder's area and audited; the picture of publicity next to the case trends matches hand counts
(by week and by district, the flag and the rising fraud types); events import from a file."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from web_support import SYSTEM, make_app, report, signed_in

from fanzha.domain.access import AccessDenied
from fanzha.domain.actor import Actor
from fanzha.domain.errors import InputRejected
from fanzha.domain.organisation import OrgKind
from fanzha.domain.publicity import Rise, rising
from fanzha.domain.report import VictimReport
from fanzha.domain.role import Role
from fanzha.services.intake import file_report
from fanzha.services.organisations import seed_organisations
from fanzha.services.publicity.events_import import import_events
from fanzha.services.publicity.picture import publicity_picture, sms_suggestions
from fanzha.services.publicity.records import record_consultation, record_event, record_sms
from fanzha.store.models import AuditEntry, Organisation, PublicityEvent

WARNING = Actor("warning", Role.WARNING_OFFICER, org_kind=OrgKind.CITY_CENTER, display_name="预警")
LEADER = Actor("leader", Role.LEADERSHIP, org_kind=OrgKind.CITY_CENTER, display_name="领导")
ANALYST = Actor("analyst", Role.ANALYST, org_kind=OrgKind.CITY_CENTER)
DUTY = Actor("duty", Role.DUTY_OFFICER, org_kind=OrgKind.CITY_CENTER)

# Cases (local time): region, reported at, fraud type. The window ends Sunday 2024-06-30:
# last 4 weeks from 2024-06-03, the 4 before from 2024-05-06, 12 weeks of charts from 2024-04-08.
CASES = [
    ("城厢区", "2024-06-05T10:00:00+08:00", "order_brushing"),
    ("城厢区", "2024-06-10T00:30:00+08:00", "order_brushing"),  # Monday 00:30 local (Sunday in UTC)
    ("城厢区", "2024-06-20T15:00:00+08:00", "order_brushing"),
    ("城厢区", "2024-05-10T09:00:00+08:00", "order_brushing"),
    ("荔城区", "2024-06-04T09:00:00+08:00", "fake_police"),
    ("荔城区", "2024-05-07T09:00:00+08:00", "fake_police"),
    ("荔城区", "2024-05-20T09:00:00+08:00", "fake_police"),
    ("涵江区", "2024-03-01T09:00:00+08:00", "fake_loan"),  # before the window
]
EVENTS = [("荔城区", "2024-05-15", 200), ("荔城区", "2024-06-01", 100), ("荔城区", "2024-06-15", 50),
          ("城厢区", "2024-04-10", 100)]
END = date(2024, 6, 30)


def _event(n: int, region: str, day: str, people: int, **more) -> dict:
    return {"client_key": f"event-{n:04d}", "kind": "school", "title": f"反诈进校园 {n}", "place": "第一中学",
            "region": region, "held_on": day, "people_reached": str(people), "materials": "10", **more}


@pytest.fixture
def city(db):
    with db.session() as session:
        seed_organisations(session)
        for i, (region, at, fraud_type) in enumerate(CASES):
            data = report(report_id=f"JQ-PUB-{i}", region=region, reported_at=at, fraud_type=fraud_type,
                          victim={"name": f"受害{i}", "id_number": None, "phone": f"1380000{i:04d}", "age": 30},
                          transfers=[{"time": at, "amount": "100.00", "to_account": f"62170000000{i:05d}"}],
                          contacts=[])
            file_report(session, SYSTEM, VictimReport.model_validate(data))
        for n, (region, day, people) in enumerate(EVENTS):
            record_event(session, WARNING, _event(n, region, day, people))
        record_sms(session, WARNING, {"client_key": "sms-0001", "sent_on": "2024-06-02", "region": "城厢区",
                                      "age_group": "young", "text": "警惕刷单返利", "sent": "1000"})
        record_sms(session, WARNING, {"client_key": "sms-0002", "sent_on": "2024-06-03", "region": "",
                                      "age_group": "all", "text": "全民反诈", "sent": "5000"})
    return db


def test_the_picture_by_week_matches_hand_counts(city) -> None:
    with city.session() as session:
        picture = publicity_picture(session, LEADER, end=END)
    assert picture.start == date(2024, 4, 8) and len(picture.weeks) == 12
    weeks = {w.start.isoformat(): w for w in picture.weeks}
    assert {k: w.cases for k, w in weeks.items() if w.cases} == {
        "2024-05-06": 2, "2024-05-20": 1, "2024-06-03": 2, "2024-06-10": 1, "2024-06-17": 1}
    assert {k: (w.events, w.people_reached) for k, w in weeks.items() if w.events} == {
        "2024-04-08": (1, 100), "2024-05-13": (1, 200), "2024-05-27": (1, 100), "2024-06-10": (1, 50)}
    assert weeks["2024-05-27"].sms_sent == 1000 and weeks["2024-06-03"].sms_sent == 5000
    assert picture.totals["cases"] == 7 and picture.totals["events"] == 4
    assert picture.totals["people_reached"] == 450 and picture.totals["materials"] == 40
    assert picture.totals["sms_sent"] == 6000


def test_the_picture_by_district_flags_rising_cases_with_little_publicity(city) -> None:
    with city.session() as session:
        picture = publicity_picture(session, ANALYST, end=END)
    by = {d.region: d for d in picture.districts}
    assert set(by) == {"城厢区", "荔城区", "涵江区", "秀屿区", "仙游县"}
    cx, lc = by["城厢区"], by["荔城区"]
    assert (cx.cases_before, cx.cases_recent, cx.events_8w, cx.events, cx.sms_sent) == (1, 3, 0, 1, 1000)
    assert (lc.cases_before, lc.cases_recent, lc.events_8w, lc.people_reached) == (2, 1, 3, 350)
    # average events in 8 weeks: 3 / 5 = 0.6; 城厢区 rose with 0 events, 荔城区 fell
    assert [d.region for d in picture.districts if d.flagged] == ["城厢区"]
    assert picture.districts[0].region == "城厢区"  # flagged first
    assert cx.rising == [Rise("order_brushing", 3, 1)] and lc.rising == []
    assert by["涵江区"].cases == 0  # its case lies before the window
    assert sms_suggestions(picture) == [("城厢区", [Rise("order_brushing", 3, 1)])]


def test_rising_rule() -> None:
    assert rising({"a": 2}, {}) == [Rise("a", 2, 0)]
    assert rising({"a": 11}, {"a": 10}) == []  # +1 only
    assert rising({"a": 7}, {"a": 5}) == []  # +2 but below 1.5 times
    assert rising({"a": 6, "b": 3}, {"a": 4, "b": 0}) == [Rise("b", 3, 0), Rise("a", 6, 4)]


def test_a_station_sees_and_records_only_its_county(city) -> None:
    with city.session() as session:
        station = session.scalar(select(Organisation).where(Organisation.code == "station-chengxiang-1"))
        officer = Actor("st", Role.STATION_OFFICER, org_id=station.id, org_kind=OrgKind.POLICE_STATION,
                        region=station.region, org_name=station.name)
        picture = publicity_picture(session, officer, end=END)
        assert [d.region for d in picture.districts] == ["城厢区"]
        assert picture.totals["cases"] == 4 and picture.totals["events"] == 1
        with pytest.raises(AccessDenied):
            record_event(session, officer, _event(90, "荔城区", "2024-06-01", 10))
        made = record_event(session, officer, _event(91, "城厢区", "2024-06-01", 10, station="凤凰山派出所"))
        assert made.record.station_id == station.id  # a station's event is its own


def test_records_are_validated_with_every_bad_field_named(city) -> None:
    with city.session() as session:
        with pytest.raises(InputRejected) as bad:
            record_event(session, WARNING, {"client_key": "event-bad-1", "kind": "school", "title": "",
                                            "place": "礼堂", "region": "城厢区", "held_on": "2024-02-30",
                                            "people_reached": "-3", "fraud_types": "刷单返利、不存在的类型"})
        places = {p.place for p in bad.value.problems}
        assert places == {"title", "held_on", "people_reached", "fraud_types"}
        with pytest.raises(InputRejected) as unknown:
            record_event(session, WARNING, _event(92, "火星区", "2024-06-01", 10))
        assert unknown.value.problems[0].place == "region" and "城厢区" in unknown.value.problems[0].reason
        with pytest.raises(InputRejected) as sms:
            record_sms(session, WARNING, {"client_key": "sms-bad-01", "sent_on": "2024-06-02", "text": "反诈",
                                          "sent": "10", "delivered": "20", "age_group": "babies"})
        assert {p.place for p in sms.value.problems} == {"text", "age_group"}
        with pytest.raises(AccessDenied):
            record_consultation(session, DUTY, {"client_key": "consult-1", "at": "2024-06-01 10:00",
                                                "channel": "hotline", "topic": "刷单返利"})
        assert session.scalar(select(func.count(PublicityEvent.id))) == len(EVENTS)


def test_recording_twice_with_one_key_records_once_and_audits_once(city) -> None:
    with city.session() as session:
        first = record_event(session, WARNING, _event(77, "秀屿区", "2024-06-20", 40))
        again = record_event(session, WARNING, _event(77, "秀屿区", "2024-06-20", 40))
        assert first.created and not again.created and again.record.id == first.record.id
        audited = session.scalar(select(func.count(AuditEntry.seq)).where(
            AuditEntry.action == "publicity.event", AuditEntry.object_id == str(first.record.id)))
        assert audited == 1
        answered = record_consultation(session, WARNING, {"client_key": "consult-2", "at": "2024-06-01 10:00",
                                                          "channel": "walk_in", "topic": "冒充公检法",
                                                          "answered": True})
        assert answered.record.topic == "fake_police" and answered.record.answered


CSV = ("日期,类型,活动名称,地点,区县,覆盖人数,发放资料,诈骗类型,多余列\n"
       "2024-06-11,进社区,社区反诈讲座,拱辰街道,城厢区,120,300,刷单返利,x\n"
       "2024-06-12,进企业,企业反诈培训,工业园,荔城区,80,100,,y\n")


def test_events_import_from_a_gb18030_file_once(city) -> None:
    with city.session() as session:
        result = import_events(session, WARNING, CSV.encode("gb18030"), "台账.csv")
        assert (result.rows, result.created, result.repeated, result.ignored_columns) == (2, 2, 0, ["多余列"])
        again = import_events(session, WARNING, CSV.encode("gb18030"), "台账.csv")
        assert (again.created, again.repeated) == (0, 2)
        bad = CSV + "2024-06-13,进月球,讲座,某地,城厢区,十,0,,\n"
        with pytest.raises(InputRejected) as refused:
            import_events(session, WARNING, bad.encode(), "bad.csv")
        assert {p.place for p in refused.value.problems} == {"bad.csv line 4, 类型", "bad.csv line 4, 覆盖人数"}
        assert session.scalar(select(func.count(PublicityEvent.id))) == len(EVENTS) + 2


def test_the_page_records_and_shows_the_picture(tmp_path) -> None:
    app = make_app(tmp_path, users=(("warning", "warning_officer", "city"), ("leader", "leadership", "city"),
                                    ("duty", "duty_officer", "city")))
    officer = signed_in(app, "warning")
    form = {**_event(1, "城厢区", "2024-06-20", 300), "fraud_types": ["order_brushing", "fake_police"]}
    assert officer.post("/command/publicity/events", data=form, follow_redirects=False).status_code == 303
    assert officer.post("/command/publicity/events", data=form, follow_redirects=False).status_code == 303
    bad = officer.post("/command/publicity/events", data={**form, "client_key": "event-9999", "people_reached": "很多"})
    assert bad.status_code == 422 and 'data-field="people_reached"' in bad.text
    assert 'value="第一中学"' in bad.text  # what was typed is kept
    page = signed_in(app, "leader").get("/command/publicity", params={"end": "2024-06-30"})
    assert page.status_code == 200
    assert 'data-kpi="events">1<' in page.text and 'data-kpi="people">300<' in page.text
    assert 'id="chart-weeks"' in page.text and "/static/js/publicity.js" in page.text
    assert "/command/publicity/new?what=events" in page.text  # leadership records publicity too
    assert signed_in(app, "duty").get("/command/publicity").status_code == 403
    english = signed_in(app, "leader").get("/command/publicity", params={"lang": "en"})
    assert "Where publicity went and what followed" in english.text
    app.state.db.dispose()


def test_a_suggestion_fills_in_the_sms_form(tmp_path) -> None:
    app = make_app(tmp_path, users=(("warning", "warning_officer", "city"),))
    page = signed_in(app, "warning").get("/command/publicity/new", params=[
        ("what", "sms"), ("region", "城厢区"), ("fraud_types", "order_brushing"), ("fraud_types", "fake_police")])
    assert page.status_code == 200
    assert '<option value="城厢区" selected>' in page.text
    assert 'value="order_brushing" checked' in page.text and 'value="fake_police" checked' in page.text
    assert 'value="fake_loan" checked' not in page.text
    app.state.db.dispose()


def test_with_no_publicity_anywhere_a_rising_district_is_flagged(db) -> None:
    with db.session() as session:
        seed_organisations(session)
        for i, at in enumerate(("2024-06-05T10:00:00+08:00", "2024-06-12T10:00:00+08:00")):
            data = report(report_id=f"JQ-NONE-{i}", reported_at=at, region="仙游县", fraud_type="romance",
                          victim={"name": "某", "id_number": None, "phone": f"1390000000{i}", "age": 50},
                          transfers=[{"time": at, "amount": "1.00", "to_account": f"62170000000000{i}"}], contacts=[])
            file_report(session, SYSTEM, VictimReport.model_validate(data))
        picture = publicity_picture(session, LEADER, end=END)
    assert [d.region for d in picture.districts if d.flagged] == ["仙游县"]
    assert picture.districts[0].rising == [Rise("romance", 2, 0)]
