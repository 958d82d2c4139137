"""Level-1 stop-payment orders raised with the report, the bank's answer, the 48 hours, expiry."""
from __future__ import annotations

import copy
from datetime import timedelta

import pytest
from sqlalchemy import select
from web_support import SYSTEM, add_user, api_client, make_app, signed_in

from fanzha.domain import clock
from fanzha.domain.access import AccessDenied
from fanzha.domain.actor import Actor
from fanzha.domain.errors import InputRejected
from fanzha.domain.organisation import OrgKind
from fanzha.domain.report import VictimReport
from fanzha.domain.role import Role
from fanzha.services.funds.bank_answers import (
    answer_order,
    expire_orders,
    get_order,
    list_bank_queue,
)
from fanzha.services.funds.orders import raise_level1_orders
from fanzha.services.intake import file_report
from fanzha.store.db import Database
from fanzha.store.models import AuditEntry, CaseEvent, OrderEvent, StopPaymentOrder

REPORT = {
    "report_id": "JQ-ZF-001",
    "reported_at": "2024-05-30T15:40:00+08:00",
    "region": "城厢区",
    "victim": {"name": "陈某明", "id_number": "350302197901011234", "phone": "13812345678", "age": 45},
    "narrative": "刷单返利",
    "transfers": [
        {"time": "2024-05-30T15:02:00+08:00", "amount": "500.00", "to_account": "6222000000000001",
         "to_name": "李某", "to_bank": "工商银行"},
        {"time": "2024-05-30T15:10:00+08:00", "amount": "300.00", "to_account": "6222000000000001",
         "to_name": "李某", "to_bank": "工商银行"},
        {"time": "2024-05-30T15:20:00+08:00", "amount": "1234.50", "to_account": "6217000000000002",
         "to_bank": "建设银行"},
    ],
    "contacts": [],
}


def _report(report_id: str = "JQ-ZF-001", transfers=None) -> VictimReport:
    data = copy.deepcopy(REPORT)
    data["report_id"] = report_id
    if transfers is not None:
        data["transfers"] = transfers
    return VictimReport.model_validate(data)


def liaison(bank: str) -> Actor:
    return Actor(username=f"{bank.lower()}-liaison", role=Role.BANK_LIAISON, org_code=f"bank-{bank}",
                 org_name=bank, org_kind=OrgKind.BANK, via="session")


FUNDS = Actor(username="funds", role=Role.FUNDS_OFFICER, org_code="city", org_kind=OrgKind.CITY_CENTER, via="session")


def _orders(session, case_id=None):
    q = select(StopPaymentOrder).order_by(StopPaymentOrder.id)
    if case_id is not None:
        q = q.where(StopPaymentOrder.case_id == case_id)
    return list(session.scalars(q))


def test_filing_raises_one_sent_order_per_account(db: Database) -> None:
    with db.session() as s:
        case = file_report(s, SYSTEM, _report()).case
        orders = _orders(s, case.id)
        assert [(o.bank, o.account_number, o.account_name, o.amount_fen, o.level, o.state) for o in orders] == [
            ("ICBC", "6222000000000001", "李某", 80000, 1, "sent"),
            ("CCB", "6217000000000002", "", 123450, 1, "sent"),
        ]
        first = orders[0]
        assert first.transfer_time == clock.parse_time("2024-05-30T15:02:00+08:00")  # the first payment
        assert first.sent_at is not None and first.order_no.startswith("ZF-") and first.source == "report"
        assert [(e.from_state, e.to_state) for e in first.events] == [(None, "drafted"), ("drafted", "sent")]
        raises = s.scalars(select(AuditEntry).where(AuditEntry.action == "order.raise")).all()
        assert len(raises) == 2
        # filing the same report again (a retry) raises nothing, nor does raising again
        assert file_report(s, SYSTEM, _report()).created is False
        assert raise_level1_orders(s, case, SYSTEM) == []
        assert len(_orders(s)) == 2
        assert s.scalar(select(OrderEvent.id).where(OrderEvent.order_id == first.id).order_by(OrderEvent.id.desc()))


def test_a_transfer_to_an_unknown_bank_is_recorded_not_failed(db: Database) -> None:
    with db.session() as s:
        case = file_report(s, SYSTEM, _report(transfers=[
            {"time": "2024-05-30T15:02:00+08:00", "amount": "10.00", "to_account": "6299000000000001",
             "to_bank": "火星银行"},
            {"time": "2024-05-30T15:03:00+08:00", "amount": "20.00", "to_account": "6299000000000002"},
            {"time": "2024-05-30T15:04:00+08:00", "amount": "30.00", "to_account": "6222000000000003",
             "to_bank": "ICBC"}])).case
        assert [o.account_number for o in _orders(s, case.id)] == ["6222000000000003"]
        events = s.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id,
                                                  CaseEvent.kind == "order_not_sent")).all()
        assert sorted(e.detail["account"] for e in events) == ["6299000000000001", "6299000000000002"]
        assert all("bank unknown, order not sent" in e.detail["reason"] for e in events)


def test_bank_liaison_sees_and_answers_only_its_bank(db: Database) -> None:
    with db.session() as s:
        file_report(s, SYSTEM, _report())
        icbc, ccb = _orders(s)
    with db.session() as s:
        queue = list_bank_queue(s, liaison("ICBC"))
        assert [o.bank for o in queue] == ["ICBC"]
        assert not hasattr(queue[0], "case_id") and not hasattr(queue[0], "victim")
        assert len(list_bank_queue(s, FUNDS)) == 2
        assert get_order(s, liaison("ICBC"), icbc.id).order_no == icbc.order_no
        with pytest.raises(AccessDenied):
            get_order(s, liaison("ICBC"), ccb.id)
        with pytest.raises(AccessDenied):
            answer_order(s, liaison("ICBC"), ccb.id, "stopped", stopped_fen=100)
        with pytest.raises(AccessDenied):  # the funds desk issues orders, it does not answer for a bank
            answer_order(s, FUNDS, icbc.id, "stopped", stopped_fen=100)


def test_stop_lasts_48_hours_from_the_stop_and_is_answered_once(db: Database) -> None:
    with db.session() as s:
        file_report(s, SYSTEM, _report())
        icbc, ccb = _orders(s)
    with db.session() as s:
        with pytest.raises(InputRejected, match="stopped sum"):
            answer_order(s, liaison("ICBC"), icbc.id, "stopped", stopped_fen=80001)
        view = answer_order(s, liaison("ICBC"), icbc.id, "stopped", stopped_fen=60000)
        assert view.state == "stopped" and view.stopped_fen == 60000
        assert view.expires_at - view.stopped_at == timedelta(hours=48)
        assert s.scalar(select(AuditEntry).where(AuditEntry.action == "order.answer")).detail["outcome"] == "stopped"
    with db.session() as s:
        with pytest.raises(InputRejected, match="already answered"):
            answer_order(s, liaison("ICBC"), icbc.id, "rejected", reason="again")
        with pytest.raises(InputRejected, match="reason"):
            answer_order(s, liaison("CCB"), ccb.id, "rejected")
        view = answer_order(s, liaison("CCB"), ccb.id, "rejected", reason="户名不符")
        assert view.state == "rejected" and view.reject_reason == "户名不符" and view.expires_at is None
        with pytest.raises(InputRejected, match="unknown order"):
            answer_order(s, liaison("CCB"), 999_999, "rejected", reason="x")


def test_expire_orders(db: Database) -> None:
    with db.session() as s:
        file_report(s, SYSTEM, _report())
        icbc, _ = _orders(s)
        view = answer_order(s, liaison("ICBC"), icbc.id, "stopped", stopped_fen=80000)
    with db.session() as s:
        assert expire_orders(s, view.expires_at - timedelta(seconds=1)) == []
        assert expire_orders(s, view.expires_at + timedelta(seconds=1)) == [icbc.id]
    with db.session() as s:
        assert s.get(StopPaymentOrder, icbc.id).state == "expired"
        with pytest.raises(InputRejected, match="expired"):
            answer_order(s, liaison("ICBC"), icbc.id, "stopped", stopped_fen=1)


def test_a_third_stop_on_the_same_account_is_refused(db: Database) -> None:
    one = [{"time": "2024-05-30T15:02:00+08:00", "amount": "10.00", "to_account": "6222000000000777",
            "to_name": "赵某", "to_bank": "工商银行"}]
    with db.session() as s:
        for n in (1, 2):
            case = file_report(s, SYSTEM, _report(f"JQ-ZF-10{n}", one)).case
            (order,) = _orders(s, case.id)
            answer_order(s, liaison("ICBC"), order.id, "stopped", stopped_fen=1000)
        third = file_report(s, SYSTEM, _report("JQ-ZF-103", one)).case
        assert _orders(s, third.id) == []
        (event,) = s.scalars(select(CaseEvent).where(CaseEvent.case_id == third.id,
                                                    CaseEvent.kind == "order_refused")).all()
        assert "stopped 2 times" in event.detail["reason"]
        assert s.scalar(select(AuditEntry).where(AuditEntry.action == "order.refused")) is not None


def test_orders_api_and_queue_page(tmp_path) -> None:
    app = make_app(tmp_path, users=(("icbc", "bank_liaison", "bank-ICBC"), ("funds", "funds_officer", "city")))
    with app.state.db.session() as session:
        add_user(session, "ccb", "bank_liaison", "bank-CCB")
        file_report(session, SYSTEM, _report())
        icbc, ccb = _orders(session)
    client = api_client(app, "bank-ICBC", "bank_liaison")
    rows = client.get("/api/orders").json()["rows"]
    assert [r["bank"] for r in rows] == ["ICBC"] and "case_id" not in rows[0]
    assert client.get(f"/api/orders/{ccb.id}").status_code == 403
    refused = client.post(f"/api/orders/{ccb.id}/answer", json={"outcome": "stopped", "stopped_fen": 100})
    assert refused.status_code == 403 and "orders.answer" in refused.text
    with app.state.db.session() as session:
        denied = session.scalars(select(AuditEntry).where(AuditEntry.outcome == "denied",
                                                          AuditEntry.object_type == "order")).all()
        assert [e.object_id for e in denied][-1] == str(ccb.id)
    assert client.post(f"/api/orders/{icbc.id}/answer", json={"outcome": "rejected"}).status_code == 422
    done = client.post(f"/api/orders/{icbc.id}/answer", json={"outcome": "stopped", "stopped_fen": 80000})
    assert done.status_code == 200 and done.json()["state"] == "stopped"
    assert client.post(f"/api/orders/{icbc.id}/answer",
                       json={"outcome": "stopped", "stopped_fen": 1}).status_code == 409
    assert client.get("/api/orders/999999").status_code == 404
    assert len(signed_in(app, "funds").get("/api/orders").json()["rows"]) == 2

    page = signed_in(app, "ccb")
    html = page.get("/funds/queue").text
    assert ccb.order_no in html and icbc.order_no not in html and 'name="csrf_token"' in html
    answered = page.post(f"/funds/queue/{ccb.id}/answer", data={"outcome": "stopped", "stopped_yuan": "1,234.50"},
                         follow_redirects=False)
    assert answered.status_code == 303
    assert "已止付" in page.get("/funds/queue").text
    with app.state.db.session() as session:
        assert session.get(StopPaymentOrder, ccb.id).stopped_fen == 123450
    app.state.db.dispose()
