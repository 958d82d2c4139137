"""The telecom desk's pages and API: an operator works its queue, an officer raises an order by
hand and decides an appeal, the block list exports with provenance, and overdue orders show."""
from __future__ import annotations

import csv
import io
from datetime import timedelta

from sqlalchemy import select
from web_support import api_client, make_app, signed_in

from fanzha.domain import clock
from fanzha.store.models import NumberOrder, NumberScore, TelecomAlert

USERS = (("duty", "duty_officer", "city"), ("cmcc", "operator_liaison", "operator-CMCC"),
         ("ctcc", "operator_liaison", "operator-CTCC"), ("icbc", "bank_liaison", "bank-ICBC"))


def test_operator_works_its_queue_and_an_appeal_in_the_pages(tmp_path) -> None:
    app = make_app(tmp_path, users=USERS)
    duty = signed_in(app, "duty")
    raised = duty.post("/telecom/orders", data={"number": "13812345678", "kind": "shutdown", "basis": "reported",
                                                "reason": "冒充公检法诈骗电话"}, follow_redirects=True)
    assert "处置指令已发送" in raised.text and "13812345678" in raised.text
    duty.post("/telecom/orders", data={"number": "18912345678", "kind": "reverify", "basis": "associated",
                                       "reason": "关联号码"})
    bad = duty.post("/telecom/orders", data={"number": "12", "kind": "shutdown", "basis": "reported", "reason": ""},
                    follow_redirects=True)
    assert "未完成" in bad.text and "number" in bad.text
    with app.state.db.session() as s:
        order = s.scalar(select(NumberOrder).where(NumberOrder.number == "13812345678"))
        order.due_at = clock.now() - timedelta(minutes=1)
        order_id = order.id

    cmcc = signed_in(app, "cmcc")
    page = cmcc.get("/telecom/orders").text
    assert "13812345678" in page and "18912345678" not in page  # its own numbers only
    assert 'data-overdue="1"' in page and "已超时" in page
    assert cmcc.get("/telecom/orders?lang=en").text.count("overdue") >= 1
    cmcc.get("/telecom/orders?lang=zh")  # back to Chinese (the switch is remembered)
    assert signed_in(app, "ctcc").post(f"/telecom/orders/{order_id}/answer", data={"outcome": "executed"},
                                       follow_redirects=False).status_code == 403  # not its number
    with app.state.db.session() as s:
        assert s.get(NumberOrder, order_id).state == "sent"
    done = cmcc.post(f"/telecom/orders/{order_id}/answer", data={"outcome": "executed"}, follow_redirects=True)
    assert "处置结果已提交" in done.text
    filed = cmcc.post(f"/telecom/orders/{order_id}/appeals", data={"appellant": "王某", "grounds": "本人日常使用"},
                      follow_redirects=True)
    assert "申诉已登记" in filed.text and "王某" in filed.text
    assert "telecom/appeals/" not in filed.text  # the operator may not decide
    appeals = duty.get("/telecom/appeals").text
    appeal_id = int(appeals.split('data-appeal="')[1].split('"')[0])
    granted = duty.post(f"/telecom/appeals/{appeal_id}/decision", data={"decision": "grant", "reason": "核实无误"},
                        follow_redirects=True)
    assert "申诉决定已保存" in granted.text
    with app.state.db.session() as s:
        assert s.get(NumberOrder, order_id).state == "lifted"

    exported = duty.get("/telecom/block-list.csv")
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    by_number = {r[0]: r for r in rows[1:]}
    assert by_number["13812345678"][-1] == "lifted" and by_number["18912345678"][-1] == "live"
    assert by_number["13812345678"][3] == "manual"
    assert signed_in(app, "icbc").get("/telecom/orders", follow_redirects=False).status_code == 403
    assert "涉诈通话预警" in duty.get("/telecom/alerts").text
    with app.state.db.session() as s:  # an SMS's alert, graded below a call in progress
        s.add(TelecomAlert(dedup_key="sms-alert-page", grade="medium", resident_number="13912345678",
                           flagged_number="17312345679", call_record_key="k" * 40, call_start=clock.now(),
                           reason="涉诈号码短信 SMS from a flagged number", action="callback", state="open",
                           raised_at=clock.now()))
    alerts = duty.get("/telecom/alerts").text
    assert 'data-grade="medium"' in alerts and ">中</span>" in alerts
    with app.state.db.session() as s:
        s.add(NumberScore(number="17312345678", score=0.93, reasons=[
            {"feature": "callee_dispersion", "value": 0.98, "contribution": 2.1}], window_days=30.0,
            scored_at=clock.now(), state="pending"))
    flagged = duty.get("/telecom/candidates").text
    assert "17312345678" in flagged and "callee_dispersion" in flagged
    candidate_id = int(flagged.split('data-candidate="')[1].split('"')[0])
    reviewed = duty.post(f"/telecom/candidates/{candidate_id}/review", data={"decision": "order", "note": ""},
                         follow_redirects=True)
    assert "审核结果已保存" in reviewed.text and "17312345678" not in reviewed.text
    with app.state.db.session() as s:
        order = s.scalar(select(NumberOrder).where(NumberOrder.number == "17312345678"))
        assert (order.kind, order.source, order.operator) == ("reverify", "model", "CTCC")
    assert signed_in(app, "cmcc").get("/telecom/candidates", follow_redirects=False).status_code == 403
    app.state.db.dispose()


def test_operator_api_queue_answer_and_appeal(tmp_path) -> None:
    app = make_app(tmp_path, users=USERS)
    officer = api_client(app, "city", "duty_officer")
    created = officer.post("/api/number-orders", json={"number": "13912345678", "kind": "intercept",
                                                       "basis": "reported", "reason": "群众举报"})
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["operator"] == "CMCC" and body["state"] == "sent" and body["overdue"] is False
    again = officer.post("/api/number-orders", json={"number": "139 1234 5678", "kind": "intercept",
                                                     "basis": "reported", "reason": "again"})
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    assert officer.post("/api/number-orders", json={"number": "123", "kind": "intercept", "basis": "reported",
                                                    "reason": "x"}).status_code == 422
    cmcc = api_client(app, "operator-CMCC", "operator_liaison")
    ctcc = api_client(app, "operator-CTCC", "operator_liaison")
    assert [r["id"] for r in cmcc.get("/api/number-orders").json()["rows"]] == [body["id"]]
    assert ctcc.get("/api/number-orders").json()["rows"] == []
    assert ctcc.post(f"/api/number-orders/{body['id']}/answer", json={"outcome": "executed"}).status_code == 403
    assert cmcc.post(f"/api/number-orders/{body['id']}/answer", json={"outcome": "rejected"}).status_code == 422
    assert cmcc.post(f"/api/number-orders/{body['id']}/answer", json={"outcome": "executed"}).json()["state"] == "executed"
    assert cmcc.post(f"/api/number-orders/{body['id']}/answer", json={"outcome": "executed"}).status_code == 409
    appeal = cmcc.post(f"/api/number-orders/{body['id']}/appeals", json={"appellant": "李某", "grounds": "本人号码"})
    assert appeal.status_code == 201 and appeal.json()["state"] == "pending"
    assert cmcc.post(f"/api/number-appeals/{appeal.json()['id']}/decision",
                     json={"grant": True, "reason": "x"}).status_code == 403
    refused = officer.post(f"/api/number-appeals/{appeal.json()['id']}/decision",
                           json={"grant": False, "reason": "外呼记录异常"})
    assert refused.json()["state"] == "refused"
    assert officer.post("/api/number-appeals/999999/decision", json={"grant": True, "reason": "x"}).status_code == 404
    app.state.db.dispose()
