"""Following the money: the next level of orders from the statements in hand (资金续追)."""
from __future__ import annotations

import pytest
from sqlalchemy import select
from web_support import SYSTEM, add_user, api_client, make_app

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
    case_id = _case(db)
    _import(db, tmp_path, "a.csv", STATEMENT_A)
    _import(db, tmp_path, "b.csv", STATEMENT_B)
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
