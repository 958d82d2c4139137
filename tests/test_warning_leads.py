"""Warning leads: every signal about one person is one lead, graded and routed to their station,
signed for by that station only, worked step by step and closed with its result; unsigned leads
escalate; bad signals are refused with reasons and nothing is half-written."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from fanzha.domain import clock
from fanzha.domain.access import AccessDenied
from fanzha.domain.actor import Actor
from fanzha.domain.dissuasion import LocateMethod, Result, Step
from fanzha.domain.errors import InputRejected
from fanzha.domain.fraud_type import FraudType
from fanzha.domain.organisation import OrgKind
from fanzha.domain.role import Role
from fanzha.domain.warning_lead import LeadSource, Stage
from fanzha.services.organisations import seed_organisations, station_org_id
from fanzha.services.warning.signals import SignalIn, take_signal
from fanzha.services.warning.work import board, close, escalate_overdue, record_step, sign
from fanzha.store.db import Database
from fanzha.store.models import LeadSignal, Person, Phone, WarningLead

SYSTEM = Actor.system("test")
NOW = clock.now()


def _city(db: Database) -> dict:
    with db.session() as s:
        seed_organisations(s)
        elder = Person(name="林某", id_number="350302195501011234", phone="13800000001", age=69,
                       district="城厢区", station="龙桥派出所")
        s.add(elder)
        s.flush()
        s.add(Phone(number="13800000001", operator="CMCC", person_id=elder.id))
        return {"elder": elder.id, "longqiao": station_org_id(s, "城厢区", "龙桥派出所"),
                "fenghuang": station_org_id(s, "城厢区", "凤凰山派出所")}


def station(org_id: int, name: str = "longqiao") -> Actor:
    return Actor(username=f"{name}-officer", role=Role.STATION_OFFICER, org_id=org_id, org_kind=OrgKind.POLICE_STATION,
                 region="城厢区")


WARNING_CITY = Actor(username="warning", role=Role.WARNING_OFFICER, org_code="city", org_kind=OrgKind.CITY_CENTER)


def contact(ref: str, **changes) -> SignalIn:
    base = dict(source=LeadSource.FRAUD_CONTACT, ref=ref, at=NOW, phone="13800000001",
                evidence={"number": "17012345678"})
    base.update(changes)
    return SignalIn(**base)


def test_signals_about_one_person_make_one_lead_routed_to_their_station(db: Database) -> None:
    ids = _city(db)
    with db.session() as s:
        first = take_signal(s, SYSTEM, contact("call-1"))
        assert first.created and first.lead.station_id == ids["longqiao"] and first.lead.level == "station"
        assert first.lead.grade == "low" and first.lead.lead_no.startswith("YJ-")
        assert first.lead.person_id == ids["elder"]
        again = take_signal(s, SYSTEM, contact("call-1"))
        assert again.repeat and again.lead.id == first.lead.id
        paid = take_signal(s, SYSTEM, SignalIn(source=LeadSource.RISKY_TRANSFER, ref="txn-9", at=NOW,
                                               account="6222000000000001", phone="13800000001",
                                               amount_fen=3_000_000, fraud_type=FraudType.FAKE_INVESTMENT,
                                               stage=Stage.PAYING))
        assert not paid.created and paid.lead.id == first.lead.id
        lead = paid.lead
        assert lead.grade == "high" and lead.amount_at_stake_fen == 3_000_000 and lead.stage == "paying"
        assert lead.sign_by <= clock.now() + timedelta(minutes=10)  # the limit tightened with the grade
        assert any("老年人" in r[1] and "elderly" in r[2] for r in lead.reasons)
        assert len(s.scalars(select(LeadSignal).where(LeadSignal.lead_id == lead.id)).all()) == 2
        assert len(s.scalars(select(WarningLead)).all()) == 1


def test_only_the_right_station_signs_and_the_work_closes_the_lead(db: Database) -> None:
    ids = _city(db)
    with db.session() as s:
        lead_id = take_signal(s, SYSTEM, contact("call-2")).lead.id
    longqiao, fenghuang = station(ids["longqiao"]), station(ids["fenghuang"], "fenghuang")
    with db.session() as s:
        assert [r.lead.id for r in board(s, longqiao)] == [lead_id]
        assert board(s, fenghuang) == []
        with pytest.raises(AccessDenied):
            sign(s, fenghuang, lead_id)
        with pytest.raises(InputRejected, match="sign for the lead first"):
            record_step(s, longqiao, lead_id, Step.LOCATE, "reached", method=LocateMethod.CALL)
        sign(s, longqiao, lead_id)
        with pytest.raises(InputRejected, match="signed for already"):
            sign(s, longqiao, lead_id)
        with pytest.raises(InputRejected, match="call, sms or visit"):
            record_step(s, longqiao, lead_id, Step.LOCATE, "reached")
        with pytest.raises(InputRejected) as early:
            close(s, longqiao, lead_id, Result.DISSUADED, None)
        assert len(early.value.problems) == 3
        record_step(s, longqiao, lead_id, Step.LOCATE, "reached", method=LocateMethod.VISIT)
        record_step(s, longqiao, lead_id, Step.DISSUADE, "dissuaded", note="已讲解刷单诈骗手法")
        closed = close(s, longqiao, lead_id, Result.DISSUADED, 500_000)
        assert closed.state == "closed" and closed.loss_avoided_fen == 500_000 and closed.open_key is None
    with db.session() as s:  # a new signal after the close opens a new lead
        assert take_signal(s, SYSTEM, contact("call-3")).created


def test_unsigned_leads_escalate_and_unknown_places_are_refused(db: Database) -> None:
    ids = _city(db)
    with db.session() as s:
        lead = take_signal(s, SYSTEM, contact("call-4")).lead
        lead.sign_by = clock.now() - timedelta(minutes=1)
        unknown = take_signal(s, SYSTEM, contact("push-1", phone="13999999999")).lead
        assert unknown.level == "city" and unknown.person_id is None
        with pytest.raises(InputRejected, match="not a district"):
            take_signal(s, SYSTEM, contact("push-2", phone="13999999998", district="火星区"))
        with pytest.raises(InputRejected) as bad:
            take_signal(s, SYSTEM, SignalIn(source=LeadSource.PUSHED_DOWN, ref=" ", at=NOW, amount_fen=-1))
        assert {p.place for p in bad.value.problems} == {"subject", "ref", "amount_fen"}
    with db.session() as s:
        assert escalate_overdue(s) == [lead.id]
        escalated = s.get(WarningLead, lead.id)
        assert escalated.level == "county" and escalated.escalations == 1 and escalated.sign_by > clock.now()
        with pytest.raises(InputRejected, match="county center"):
            sign(s, station(ids["longqiao"]), lead.id)
        assert [r.lead.id for r in board(s, WARNING_CITY)] == [unknown.id, lead.id] or \
            {r.lead.id for r in board(s, WARNING_CITY)} == {unknown.id, lead.id}
        assert len(s.scalars(select(WarningLead)).all()) == 2  # the refused signals wrote nothing


def test_money_already_gone_goes_to_the_funds_desk_as_a_case(db: Database) -> None:
    from fanzha.services.warning.handoff import hand_to_funds
    from fanzha.store.models import StopPaymentOrder

    ids = _city(db)
    officer = station(ids["longqiao"])
    with db.session() as s:
        lead_id = take_signal(s, SYSTEM, contact("call-5", fraud_type=FraudType.ORDER_BRUSHING)).lead.id
        sign(s, officer, lead_id)
        paid = [{"time": (clock.now() - timedelta(minutes=20)).isoformat(), "amount": "8000.00",
                 "to_account": "6217000000000002", "to_name": "李某", "to_bank": "建设银行"}]
        with pytest.raises(InputRejected) as bad:
            hand_to_funds(s, officer, lead_id, [{**paid[0], "amount": "-1"}])
        assert bad.value.problems[0].place.startswith("transfers.0.amount")
        case_id = hand_to_funds(s, officer, lead_id, paid)
        (order,) = s.scalars(select(StopPaymentOrder).where(StopPaymentOrder.case_id == case_id)).all()
        assert (order.bank, order.amount_fen, order.state) == ("CCB", 800_000, "sent")
        lead = s.get(WarningLead, lead_id)
        assert lead.case_id == case_id and lead.steps[-1].step == "stop_payment"
        with pytest.raises(InputRejected, match="handed over already"):
            hand_to_funds(s, officer, lead_id, paid)


PUSH = """线索编号,预警时间,手机号码,身份证号,所属区县,诈骗类型,涉及金额,线索内容
SJ-001,2024-05-30 10:00:00,13800000001,,城厢区,冒充公检法,20000,省厅下发：疑似冒充公检法
SJ-002,2024-05-30 10:05:00,,,城厢区,,,
SJ-003,2024-05-30 10:06:00,13900000009,,火星区,,,
SJ-004,not a time,13900000008,,荔城区,刷单返利,abc,
"""


def test_a_pushed_file_is_all_or_nothing_with_every_bad_row_named(db: Database, tmp_path) -> None:
    from fanzha.services.importing import import_file

    ids = _city(db)
    path = tmp_path / "push.csv"
    path.write_text(PUSH, encoding="utf-8")
    refused = import_file(db, "leads", path, actor=SYSTEM)
    assert refused.rejected and refused.rows_bad == 3
    places = {p.place for p in refused.problems}
    assert {"push.csv:line 3", "push.csv:line 4", "push.csv:line 5, column 预警时间",
            "push.csv:line 5, column 涉及金额"} <= places
    with db.session() as s:
        assert s.scalars(select(WarningLead)).all() == []
    taken = import_file(db, "leads", path, actor=SYSTEM, skip_bad=True)
    assert (taken.rows_imported, taken.rows_bad) == (1, 3)
    with db.session() as s:
        (lead,) = s.scalars(select(WarningLead)).all()
        assert lead.station_id == ids["longqiao"] and lead.fraud_type == "fake_police"
        assert lead.amount_at_stake_fen == 2_000_000 and lead.signals[0].source == "pushed_down"
        assert lead.signals[0].evidence["note"].startswith("省厅下发")
    again = import_file(db, "leads", path, actor=SYSTEM, skip_bad=True)
    assert (again.rows_imported, again.rows_duplicate) == (0, 1)


def test_warning_pages_board_lead_and_push(tmp_path) -> None:
    from web_support import make_app, signed_in

    app = make_app(tmp_path, users=(("warning", "warning_officer", "city"),
                                    ("longqiao", "station_officer", "station-chengxiang-1")))
    with app.state.db.session() as s:
        elder = Person(name="林某", id_number="350302195501011234", phone="13800000001", age=69,
                       district="城厢区", station="龙桥派出所")
        s.add(elder)
    desk = signed_in(app, "warning")
    assert "导入上级下发线索" in desk.get("/warning/push").text
    pushed = desk.post("/warning/push", files={"file": ("push.csv", PUSH.encode("utf-8"), "text/csv")})
    assert pushed.status_code == 422 and "line 3" in pushed.text
    pushed = desk.post("/warning/push", data={"skip_bad": "1"},
                       files={"file": ("push.csv", PUSH.encode("utf-8"), "text/csv")})
    assert pushed.status_code == 200 and 'data-count="imported">1<' in pushed.text.replace(" ", "")
    station_page = signed_in(app, "longqiao")
    board_html = station_page.get("/warning/leads").text
    lead_id = int(board_html.split('href="/warning/leads/')[1].split('"')[0])
    page = station_page.get(f"/warning/leads/{lead_id}").text
    assert "冒充公检法" in page and f'action="/warning/leads/{lead_id}/sign"' in page
    assert "高损失" in page or "high-loss" in page
    signed = station_page.post(f"/warning/leads/{lead_id}/sign", follow_redirects=True)
    assert "已签收" in signed.text
    refused = station_page.post(f"/warning/leads/{lead_id}/close", data={"result": "dissuaded"}, follow_redirects=True)
    assert "未完成" in refused.text
    assert station_page.get("/warning/leads/999999").status_code == 404
    station_page.post(f"/warning/leads/{lead_id}/steps", data={"step": "locate", "method": "call", "outcome": "reached"})
    station_page.post(f"/warning/leads/{lead_id}/steps", data={"step": "dissuade", "outcome": "ok"})
    done = station_page.post(f"/warning/leads/{lead_id}/close", data={"result": "dissuaded", "loss_avoided": "20000"},
                             follow_redirects=True)
    assert "线索已办结" in done.text
    figures = desk.get("/warning/figures").text
    assert 'data-kpi="rate">100.0%' in figures and "20,000.00" in figures and "龙桥派出所" in figures
    assert 'id="warning-data"' in figures
    sent = desk.post("/warning/broadcasts", data={"number": "17012345678", "fraud_type": "fake_police"},
                     follow_redirects=True)
    assert "预警短信已发给 0 位居民" in sent.text and 'data-number="17012345678"' in sent.text
    assert "其中闪信" in sent.text and 'data-flash="0"' in sent.text
    assert station_page.post("/warning/broadcasts", data={"number": "x"}, follow_redirects=True).status_code == 200
    english = station_page.get(f"/warning/leads/{lead_id}?lang=en").text
    assert "Why this grade" in english
    app.state.db.dispose()


def test_leads_api_push_all_or_nothing_and_board(tmp_path) -> None:
    from web_support import api_client, make_app

    app = make_app(tmp_path, users=())
    with app.state.db.session() as s:
        s.add(Person(name="林某", id_number="350302195501011234", phone="13800000001", age=69,
                     district="城厢区", station="龙桥派出所"))
    desk = api_client(app, "city", "warning_officer")
    good = {"ref": "SJ-1", "time": "2024-05-30T10:00:00+08:00", "phone": "13800000001", "fraud_type": "fake_police",
            "amount_fen": 2_000_000}
    refused = desk.post("/api/leads/push", json={"leads": [good, {"ref": "SJ-2", "time": "2024-05-30T10:00:00+08:00",
                                                                  "phone": "13900000009", "district": "火星区"}]})
    assert refused.status_code == 422
    assert [p["place"] for p in refused.json()["problems"]] == ["leads.1.district"]
    assert desk.get("/api/leads").json()["rows"] == []  # nothing taken
    pushed = desk.post("/api/leads/push", json={"leads": [good]})
    assert pushed.status_code == 200 and pushed.json()["taken"] == 1
    again = desk.post("/api/leads/push", json={"leads": [good]}).json()
    assert (again["taken"], again["repeated"]) == (0, 1)
    (row,) = desk.get("/api/leads").json()["rows"]
    assert row["grade"] == "medium" and row["points"] == 5 and row["level"] == "station"
    assert desk.get(f"/api/leads/{row['id']}").json()["lead_no"] == row["lead_no"]
    assert desk.get("/api/leads/999999").status_code == 404
    station = api_client(app, "station-chengxiang-2", "station_officer")
    assert station.get("/api/leads").json()["rows"] == []  # another station's resident
    app.state.db.dispose()
