"""Following the money: the next level of orders from the statements in hand (资金续追)."""
from __future__ import annotations

import pytest
from sqlalchemy import select
from web_support import SYSTEM, add_user, api_client, make_app, signed_in

from fanzha.domain.access import AccessDenied
from fanzha.domain.report import VictimReport
from fanzha.services.funds.follow_money import follow_money
from fanzha.services.importing import import_file
from fanzha.services.intake import file_report
from fanzha.store.db import Database
from fanzha.store.models import OrderEvent, StatementRequest, StopPaymentOrder

A, B, C = "6222000000000001", "6217000000000002", "6228000000000003"
REPORT = {
    "report_id": "JQ-FM-001",
    "reported_at": "2024-05-30T16:40:00+08:00",
    "region": "城厢区",
    "victim": {"name": "陈某明", "id_number": "350302197901011234", "phone": "13812345678", "age": 45},
    "narrative": "刷单返利",
    "transfers": [{"time": "2024-05-30T15:02:00+08:00", "amount": "50000.00", "to_account": A,
                   "to_name": "李某", "to_bank": "工商银行"}],
    "contacts": [],
}
HEADER = "交易卡号,交易户名,开户行,交易时间,收付标志,交易金额,交易余额,对手账号,对手户名,对手开户行,摘要\n"
STATEMENT_A = HEADER + (
    f"{A},李某,工商银行,2024-05-30 15:03:00,进,50000.00,50000.00,,,,转入\n"
    f"{A},李某,工商银行,2024-05-30 15:30:00,出,30000.00,20000.00,{B},王某,建设银行,转账\n"
    f"{A},李某,工商银行,2024-05-30 15:40:00,出,10000.00,10000.00,,,,ATM取现\n"
    f"{A},李某,工商银行,2024-05-30 15:50:00,出,5000.00,5000.00,{C},赵某,农业银行,转账\n"
)
STATEMENT_B = HEADER + f"{B},王某,建设银行,2024-05-30 15:30:00,进,30000.00,30000.00,{A},李某,工商银行,转账\n"


def _case(db: Database) -> int:
    with db.session() as s:
        return file_report(s, SYSTEM, VictimReport.model_validate(REPORT)).case.id


def _import(db: Database, tmp_path, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = import_file(db, "statements", path, actor=SYSTEM)
    assert not result.rejected, result.problems


def test_follow_money_raises_the_next_level_and_requests_statements(db: Database, tmp_path) -> None:
    _import(db, tmp_path, "a.csv", STATEMENT_A)  # in hand before the report: nothing to follow yet
    _import(db, tmp_path, "b.csv", STATEMENT_B)
    case_id = _case(db)
    with db.session() as s:
        result = follow_money(s, SYSTEM, case_id)
        assert [(o.level, o.bank, o.account_number, o.account_name, o.amount_fen, o.source, o.state)
                for o in result.orders] == [(2, "CCB", B, "王某", 3_000_000, "trace", "sent")]
        (level1,) = s.scalars(select(StopPaymentOrder).where(StopPaymentOrder.case_id == case_id,
                                                             StopPaymentOrder.level == 1)).all()
        order = result.orders[0]
        assert order.parent_id == level1.id and order.order_no.startswith("ZF-")
        assert [e.to_state for e in s.scalars(select(OrderEvent).where(OrderEvent.order_id == order.id))] == [
            "drafted", "sent"]
        assert [(r.account_number, r.bank, r.level, r.state) for r in result.requests] == [(C, "ABC", 2, "requested")]
        held = {a["account"]: a["tainted_held_fen"] for a in result.trace["accounts"]}
        assert held[B] == 3_000_000 and held[A] == 500_000
        assert result.as_dict()["orders_raised"][0]["amount_fen"] == 3_000_000
    with db.session() as s:  # again: nothing new
        again = follow_money(s, SYSTEM, case_id)
        assert again.orders == [] and again.requests == []
        assert len(s.scalars(select(StopPaymentOrder).where(StopPaymentOrder.case_id == case_id)).all()) == 2
        assert len(s.scalars(select(StatementRequest)).all()) == 1


STATEMENT_C = HEADER + (
    f"{C},赵某,农业银行,2024-05-30 15:50:00,进,5000.00,5000.00,{A},李某,工商银行,转账\n"
    f"{C},赵某,农业银行,2024-05-30 16:10:00,出,5000.00,0.00,,,,ATM取现\n"
)


def test_statements_arriving_later_answer_requests_and_follow_on_their_own(db: Database, tmp_path) -> None:
    case_id = _case(db)
    path = tmp_path / "a.csv"
    path.write_text(STATEMENT_A, encoding="utf-8")
    first = import_file(db, "statements", path, actor=SYSTEM)
    assert first.funds is not None and first.funds["cases_followed"] == [case_id]
    assert first.funds["orders_raised"] == []  # B and C have no statements yet: both are asked for
    assert sorted(r["account_number"] for r in first.funds["statement_requests"]) == [B, C]
    second = import_file(db, "statements", _write(tmp_path, "b.csv", STATEMENT_B), actor=SYSTEM)
    assert [(o["level"], o["account_number"], o["amount_fen"]) for o in second.funds["orders_raised"]] == [
        (2, B, 3_000_000)]
    third = import_file(db, "statements", _write(tmp_path, "c.csv", STATEMENT_C), actor=SYSTEM)
    assert third.funds["orders_raised"] == []  # C cashed out: nothing to stop
    with db.session() as s:
        requests = {r.account_number: r for r in s.scalars(select(StatementRequest))}
        assert {a: (r.state, r.import_batch_id is not None, r.answered_at is not None)
                for a, r in requests.items()} == {B: ("answered", True, True), C: ("answered", True, True)}
        assert requests[B].import_batch_id == second.batch_id and requests[C].import_batch_id == third.batch_id
    again = import_file(db, "statements", _write(tmp_path, "c2.csv", STATEMENT_C), actor=SYSTEM)
    assert again.rows_imported == 0 and again.funds is None  # nothing new, nothing followed


def _write(folder, name: str, text: str):
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_follow_money_needs_orders_issue(db: Database) -> None:
    from test_stop_payment_orders import liaison
    case_id = _case(db)
    with db.session() as s, pytest.raises(AccessDenied):
        follow_money(s, liaison("ICBC"), case_id)


def test_statement_upload_follows_the_money(tmp_path) -> None:
    app = make_app(tmp_path, users=(("icbc", "bank_liaison", "bank-ICBC"),))
    with app.state.db.session() as session:
        add_user(session, "ccb", "bank_liaison", "bank-CCB")
    case_id = _case(app.state.db)
    _import(app.state.db, tmp_path, "b.csv", STATEMENT_B)
    with app.state.db.session() as session:
        (order,) = session.scalars(select(StopPaymentOrder).where(StopPaymentOrder.case_id == case_id)).all()
    files = {"file": ("a.csv", STATEMENT_A.encode("utf-8"), "text/csv")}
    ccb = api_client(app, "bank-CCB", "bank_liaison")
    assert ccb.post(f"/api/orders/{order.id}/statement", files=files).status_code == 403
    icbc = api_client(app, "bank-ICBC", "bank_liaison")
    answer = icbc.post(f"/api/orders/{order.id}/statement", files=files)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["imported"]["rows_imported"] == 4
    assert [(o["level"], o["bank"], o["account_number"], o["amount_fen"]) for o in body["orders_raised"]] == [
        (2, "CCB", B, 3_000_000)]
    assert [(r["account_number"], r["bank"]) for r in body["statement_requests"]] == [(C, "ABC")]
    assert icbc.post("/api/orders/999999/statement", files=files).status_code == 404
    app.state.db.dispose()


def test_liaison_uploads_the_statement_from_the_queue_page(tmp_path) -> None:
    app = make_app(tmp_path, users=(("icbc", "bank_liaison", "bank-ICBC"), ("ccb", "bank_liaison", "bank-CCB")))
    case_id = _case(app.state.db)
    _import(app.state.db, tmp_path, "b.csv", STATEMENT_B)
    with app.state.db.session() as session:
        (order,) = session.scalars(select(StopPaymentOrder).where(StopPaymentOrder.case_id == case_id)).all()
    page = signed_in(app, "icbc")
    html = page.get("/funds/queue").text
    assert f'action="/funds/queue/{order.id}/statement"' in html and 'enctype="multipart/form-data"' in html
    bad = page.post(f"/funds/queue/{order.id}/statement",
                    files={"file": ("a.csv", (HEADER + f"{A},李某,工商银行,not a time,进,1.00,1.00,,,,\n").encode(),
                                    "text/csv")}, follow_redirects=True)
    assert "流水未导入" in bad.text
    with app.state.db.session() as session:
        assert session.scalars(select(StopPaymentOrder).where(StopPaymentOrder.level == 2)).all() == []
    done = page.post(f"/funds/queue/{order.id}/statement",
                     files={"file": ("a.csv", STATEMENT_A.encode("utf-8"), "text/csv")}, follow_redirects=True)
    assert "流水已导入 4 行；据此发起下一级止付 1 条、调证 1 条" in done.text
    other = signed_in(app, "ccb").post(f"/funds/queue/{order.id}/statement",
                                        files={"file": ("a.csv", STATEMENT_A.encode("utf-8"), "text/csv")},
                                        follow_redirects=False)
    assert other.status_code == 403
    app.state.db.dispose()
