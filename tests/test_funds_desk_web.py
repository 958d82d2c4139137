"""The funds desk's money picture, pages and API: a case's money level by level, freezing from
the page, the freezes and returns lists, and what a bank's liaison may not do."""
from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from test_follow_money import REPORT, STATEMENT_A, STATEMENT_B, A, B, C
from web_support import EXTERNAL, SYSTEM, add_user, api_client, make_app, signed_in

from fanzha.domain import clock
from fanzha.domain.access import AccessDenied
from fanzha.domain.actor import Actor
from fanzha.domain.organisation import OrgKind
from fanzha.domain.report import VictimReport
from fanzha.domain.role import Role
from fanzha.services.funds.bank_answers import answer_order
from fanzha.services.funds.follow_money import follow_money
from fanzha.services.funds.freezes import FREEZE_STATES, restop
from fanzha.services.funds.money_picture import money_picture
from fanzha.services.importing import import_file
from fanzha.services.intake import file_report
from fanzha.store.db import Database
from fanzha.store.models import Freeze, Restitution, StopPaymentOrder
from fanzha.web.routers.api_freezes import FreezeState

ICBC = Actor(username="icbc-liaison", role=Role.BANK_LIAISON, org_code="bank-ICBC", org_name="ICBC",
             org_kind=OrgKind.BANK, via="session")
DOC = "莆公(刑)冻字〔2024〕201号"
REPORT_TZ = clock.CENTER_TZ
FUNDS = Actor(username="funds", role=Role.FUNDS_OFFICER, org_code="city", org_kind=OrgKind.CITY_CENTER, via="session")


def _world(db: Database, tmp_path) -> tuple[int, int]:
    """The case of test_follow_money: A (level 1) got 50,000; 30,000 went on to B, 10,000 out in
    cash, 5,000 to C (no statement); A holds 5,000 and B 30,000. A's order is stopped."""
    for name, text in (("a.csv", STATEMENT_A), ("b.csv", STATEMENT_B)):
        (tmp_path / name).write_text(text, encoding="utf-8")
        assert not import_file(db, "statements", tmp_path / name, actor=SYSTEM).rejected
    with db.session() as s:
        case_id = file_report(s, SYSTEM, VictimReport.model_validate(REPORT)).case.id
    with db.session() as s:
        follow_money(s, SYSTEM, case_id)
        order_a = s.scalar(select(StopPaymentOrder).where(StopPaymentOrder.account_number == A))
        answer_order(s, ICBC, order_a.id, "stopped", stopped_fen=500000)
        return case_id, order_a.id


def test_the_money_picture_adds_up_level_by_level(db: Database, tmp_path) -> None:
    case_id, order_id = _world(db, tmp_path)
    with db.session() as s:
        picture = money_picture(s, SYSTEM, case_id)
    nodes = {n.id: n for n in picture.nodes}
    assert [(n.kind, n.level) for n in picture.nodes] == [
        ("victim", 0), ("account", 1), ("account", 2), ("account", 2), ("cash", 3), ("untraced", 3), ("held", 3)]
    a, b, c = nodes[f"acct:{A}"], nodes[f"acct:{B}"], nodes[f"acct:{C}"]
    assert (a.in_fen, a.out_fen, a.held_fen, a.bank) == (5_000_000, 4_500_000, 500_000, "工商银行")
    assert (b.held_fen, c.untraced_fen, c.in_hand) == (3_000_000, 500_000, False)
    assert (a.order.state, a.order.stopped_fen, a.order.id) == ("stopped", 500000, order_id)
    assert 47 * 3600 < a.order.seconds_left <= 48 * 3600 and not a.order.near_expiry and not a.order.may_restop
    assert (b.order.state, b.order.level, b.order.seconds_left) == ("sent", 2, None) and c.order is None
    links = {(link.source, link.target): link.fen for link in picture.links}
    assert links == {("victim", a.id): 5_000_000, (a.id, b.id): 3_000_000, (a.id, c.id): 500_000,
                     (a.id, "exit:cash"): 1_000_000, (a.id, "exit:held"): 500_000, (b.id, "exit:held"): 3_000_000,
                     (c.id, "exit:untraced"): 500_000}
    for node in picture.accounts():  # in = out + held + untraced, and the links say the same
        assert node.in_fen == node.out_fen + node.held_fen + node.untraced_fen
        assert node.in_fen == sum(f for (_, t), f in links.items() if t == node.id)
        assert node.in_fen == sum(f for (s_, _), f in links.items() if s_ == node.id)
    assert picture.totals["conserved"] and picture.stolen_fen == 5_000_000
    assert [e["kind"] for e in picture.exits] == ["cash", "untraced"]
    when = a.order.expires_at - timedelta(hours=2)
    with db.session() as s:
        near = money_picture(s, SYSTEM, case_id, at=when)
        assert next(n for n in near.nodes if n.id == a.id).order.may_restop
        second = restop(s, FUNDS, order_id, at=when)
        # the second stop on its way does not hide the stop that still holds the money
        shown = next(n for n in money_picture(s, SYSTEM, case_id, at=when).nodes if n.id == a.id).order
        assert (shown.id, shown.state, shown.may_restop) == (order_id, "stopped", False) and second.parent_id == order_id
    with db.session() as s, pytest.raises(AccessDenied):
        money_picture(s, ICBC, case_id)  # a bank's liaison never sees the case


def test_desk_pages_forms_and_a_bank_liaisons_limits(tmp_path) -> None:
    app = make_app(tmp_path, users=(("funds", "funds_officer", "city"), ("icbc", "bank_liaison", "bank-ICBC")))
    with app.state.db.session() as session:
        add_user(session, "ccb", "bank_liaison", "bank-CCB")
    case_id, order_id = _world(app.state.db, tmp_path)
    funds = signed_in(app, "funds")

    for lang, words in (("zh", ("资金流向", "转冻结", "被骗金额")), ("en", ("Money of", "Freeze", "Stolen"))):
        html = funds.get(f"/funds/cases/{case_id}?lang={lang}").text
        assert all(w in html for w in words), lang
        assert 'id="money-sankey"' in html and "/static/vendor/echarts.min.js" in html and not EXTERNAL.search(html)
        data = json.loads(re.search(r'<script type="application/json" id="money-data">(.*?)</script>', html, re.S)[1])
        assert {(link["source"], link["fen"]) for link in data["links"]} >= {("victim", 5_000_000)}
        assert f'action="/funds/orders/{order_id}/freeze"' in html and A in html and B in html
    for path in ("/funds", "/funds/freezes", "/funds/returns", "/funds/queue"):
        for lang in ("zh", "en"):
            response = funds.get(f"{path}?lang={lang}")
            assert response.status_code == 200, (path, lang, response.text[:300])
    home = funds.get("/funds").text
    assert 'data-state="stopped"' in home and "ZF-" in home and 'id="stops-soon"' in home

    # the freeze form: refused without a legal document, done with one, refused the second time
    refused = funds.post(f"/funds/orders/{order_id}/freeze", data={"legal_document_no": "", "next": f"/funds/cases/{case_id}"},
                         follow_redirects=False)
    assert refused.status_code == 303 and refused.headers["location"] == f"/funds/cases/{case_id}"
    assert "legal document" in funds.get(f"/funds/cases/{case_id}").text
    done = funds.post(f"/funds/orders/{order_id}/freeze", data={"legal_document_no": DOC, "amount_yuan": "4,000.50",
                                                                 "next": "https://evil.example/"}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/funds"
    with app.state.db.session() as session:
        freeze = session.scalar(select(Freeze))
        assert (freeze.amount_fen, freeze.legal_document_no, freeze.order_id) == (400050, DOC, order_id)
        assert session.get(StopPaymentOrder, order_id).state == "frozen"
    again = funds.post(f"/funds/orders/{order_id}/freeze", data={"legal_document_no": DOC}, follow_redirects=True)
    assert "already" in again.text
    with app.state.db.session() as session:
        assert session.scalar(select(Freeze.id).where(Freeze.id != freeze.id)) is None

    freezes = funds.get("/funds/freezes").text
    assert DOC in freezes and f'action="/funds/orders/{order_id}/freeze/renew"' in freezes
    renewed = funds.post(f"/funds/orders/{order_id}/freeze/renew", data={"legal_document_no": "莆公续冻〔2024〕9号"},
                         follow_redirects=True)
    assert "莆公续冻〔2024〕9号" in renewed.text
    returns = funds.get("/funds/returns?lang=zh").text
    assert "直接返还" in returns and f'action="/funds/orders/{order_id}/freeze/return"' in returns
    funds.post(f"/funds/orders/{order_id}/freeze/return", data={}, follow_redirects=False)
    with app.state.db.session() as session:
        assert [(r.case_id, r.amount_fen, r.mode) for r in session.scalars(select(Restitution))] == [
            (case_id, 400050, "direct")]
    case_page = funds.get(f"/intake/cases/{case_id}").text
    assert f'href="/funds/cases/{case_id}"' in case_page and "case-orders-table" in case_page

    # a form without the session's CSRF token is refused
    bare = TestClient(app)
    bare.cookies = funds.cookies
    assert bare.post(f"/funds/orders/{order_id}/restop", data={}, follow_redirects=False).status_code == 403

    # a bank's liaison: its bank's freezes (no forms, no case), no converting, no money page
    icbc = signed_in(app, "icbc")
    page = icbc.get("/funds/freezes").text
    assert DOC in page and "/freeze/renew" not in page and f"/funds/cases/{case_id}" not in page
    assert DOC not in signed_in(app, "ccb").get("/funds/freezes").text
    assert icbc.get(f"/funds/cases/{case_id}").status_code == 403
    with app.state.db.session() as session:
        order_b = session.scalar(select(StopPaymentOrder).where(StopPaymentOrder.account_number == B))
    denied = icbc.post(f"/funds/orders/{order_b.id}/freeze", data={"legal_document_no": DOC}, follow_redirects=False)
    assert denied.status_code == 403 and "orders.issue" in denied.text
    assert icbc.get("/funds").status_code == 200 and icbc.get("/funds/returns").status_code == 403
    app.state.db.dispose()


def test_freezes_api(tmp_path) -> None:
    assert set(FreezeState.__args__) == set(FREEZE_STATES)
    app = make_app(tmp_path, users=())
    case_id, order_id = _world(app.state.db, tmp_path)
    funds = api_client(app, "city", "funds_officer")
    assert funds.post(f"/api/orders/{order_id}/freeze", json={"legal_document_no": ""}).status_code == 422
    made = funds.post(f"/api/orders/{order_id}/freeze", json={"legal_document_no": DOC})
    assert made.status_code == 201 and made.json()["amount_fen"] == 500000 and made.json()["case_id"] == case_id
    assert funds.post(f"/api/orders/{order_id}/freeze", json={"legal_document_no": DOC}).status_code == 409
    assert funds.get(f"/api/orders/{order_id}/freeze").json()["legal_document_no"] == DOC
    plan = funds.get(f"/api/orders/{order_id}/freeze/return").json()
    assert plan["mode"] == "direct" and plan["blocked"] is None
    assert funds.get(f"/api/orders/{order_id}/freeze").json()["state"] == "active"
    returned = funds.post(f"/api/orders/{order_id}/freeze/return")
    assert returned.status_code == 200 and [(r["case_id"], r["amount_fen"]) for r in returned.json()] == [
        (case_id, 500000)]
    assert funds.post(f"/api/orders/{order_id}/freeze/return").status_code == 409
    assert funds.get("/api/orders/999999/freeze").status_code == 404
    money = funds.get(f"/api/funds/cases/{case_id}/money").json()
    assert money["stolen_fen"] == 5_000_000 and {n["kind"] for n in money["nodes"]} >= {"victim", "account", "held"}
    assert funds.get("/api/funds/expiring?within_hours=49").status_code == 200

    icbc, ccb = api_client(app, "bank-ICBC", "bank_liaison"), api_client(app, "bank-CCB", "bank_liaison")
    rows = icbc.get("/api/freezes").json()["rows"]
    assert [(r["bank"], r["case_id"]) for r in rows] == [("ICBC", None)]
    assert ccb.get("/api/freezes").json()["rows"] == []
    assert ccb.get(f"/api/orders/{order_id}/freeze").status_code == 403
    assert icbc.post(f"/api/orders/{order_id}/freeze", json={"legal_document_no": DOC}).status_code == 403
    assert icbc.get(f"/api/funds/cases/{case_id}/money").status_code == 403
    app.state.db.dispose()


def test_returns_page_shows_the_notice_and_its_end(tmp_path) -> None:
    """Two victims' money in one frozen account: the page asks for the notice, then shows when it
    ends and refuses to return before, saying the date."""
    app = make_app(tmp_path, users=(("funds", "funds_officer", "city"),))
    case_id, order_id = _world(app.state.db, tmp_path)
    other = dict(REPORT, report_id="JQ-FM-002",
                 victim=dict(REPORT["victim"], id_number="350302198001011234", name="林某"),
                 transfers=[dict(REPORT["transfers"][0], amount="20000.00", time="2024-05-30T15:05:00+08:00")])
    with app.state.db.session() as session:
        second = file_report(session, SYSTEM, VictimReport.model_validate(other)).case.id
    funds = signed_in(app, "funds")
    restop_refused = funds.post(f"/funds/orders/{order_id}/restop", data={}, follow_redirects=True)
    assert "last 6 hours" in restop_refused.text  # 48 hours to go
    funds.post(f"/funds/orders/{order_id}/freeze", data={"legal_document_no": DOC})
    page = funds.get("/funds/returns?lang=zh").text
    assert "按比例返还" in page and "未发布" in page and "/freeze/notice" in page and "/freeze/return" not in page
    assert "JQ-FM-001" in page and "JQ-FM-002" in page
    funds.post(f"/funds/orders/{order_id}/freeze/notice", data={})
    page = funds.get("/funds/returns?lang=en").text
    with app.state.db.session() as session:
        freeze = session.scalar(select(Freeze))
        end = (freeze.notice_published_at + timedelta(days=30)).astimezone(REPORT_TZ)
    assert f"ends {end:%Y-%m-%d %H:%M}" in page and "(30 days)" in page and "/freeze/notice" not in page
    refused = funds.post(f"/funds/orders/{order_id}/freeze/return", data={}, follow_redirects=True).text
    assert f"ends {end:%Y-%m-%d %H:%M}" in refused and "Not done" in refused
    with app.state.db.session() as session:
        assert session.scalars(select(Restitution)).all() == []
        plan_cases = {case_id, second}
        assert plan_cases == set(session.scalars(select(StopPaymentOrder.case_id).where(
            StopPaymentOrder.account_number == A)))
    app.state.db.dispose()
