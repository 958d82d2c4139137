"""Every route of the web app and the API, as every role at every kind of organisation the role
may belong to, and as a stranger, against the declarative table (domain/permissions.py).

A route without a declared rule fails here. Allowed means: not refused (whatever else the
route answers to an empty request); denied means: 403 with a message naming the permission and
what to do, and one "denied" entry in the audit log per refusal.
"""
from __future__ import annotations

import pytest
from access_walk import fill, route_rules
from fastapi.testclient import TestClient
from sqlalchemy import select
from web_support import SYSTEM, add_user, api_client, make_app, report, signed_in

from fanzha.domain.organisation import OrgKind
from fanzha.domain.permissions import ROLE_ORG_KINDS, TOKEN_FORBIDDEN_ROLES
from fanzha.domain.report import VictimReport
from fanzha.domain.role import Role
from fanzha.services.api_tokens import create_token
from fanzha.services.intake import file_report
from fanzha.store.models import AuditEntry, StopPaymentOrder


def raise_orders(session, actor, report) -> int:
    case_id = file_report(session, actor, report).case.id
    return session.scalars(select(StopPaymentOrder.id).where(StopPaymentOrder.case_id == case_id)).one()

# One organisation of each kind; the case below lies in all their areas (城厢区, 龙桥派出所).
ORG_OF_KIND = {
    OrgKind.CITY_CENTER: "city", OrgKind.COUNTY_CENTER: "county-chengxiang",
    OrgKind.POLICE_STATION: "station-chengxiang-1", OrgKind.BANK: "bank-ICBC", OrgKind.OPERATOR: "operator-CMCC",
}
PLACEMENTS = [(role, kind) for role in Role for kind in ROLE_ORG_KINDS[role]]
LAST = ("/logout",)  # walked last: it ends the session


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    users = tuple((f"{role.value}-{kind.value}", role.value, ORG_OF_KIND[kind]) for role, kind in PLACEMENTS)
    app = make_app(tmp_path_factory.mktemp("walk"), users=users)
    with app.state.db.session() as session:
        add_user(session, "target", "duty_officer", "station-chengxiang-1")
        case_id = file_report(session, SYSTEM, VictimReport.model_validate(report(station="龙桥派出所"))).case.id
        token_id = create_token(session, SYSTEM, "station-chengxiang-1", "station_officer", "walk").token.id
        # An order to ICBC (the walk's bank) on a case in every walked area, for /api/orders/{order_id}.
        icbc = report(report_id="JQ-WALK-ICBC", station="龙桥派出所", transfers=[
            {"time": "2024-05-30T15:02:00+08:00", "amount": "100.00", "to_account": "6222000000000099",
             "to_name": "王某", "to_bank": "工商银行"}])
        order_id = raise_orders(session, SYSTEM, VictimReport.model_validate(icbc))
    params = {"case_id": case_id, "username": "target", "token_id": token_id, "kind": "reports",
              "order_id": order_id, "appeal_id": 1, "lead_id": 1,
              "candidate_id": 1, "series_id": 1, "entity_id": 1, "other_id": 2, "suspect_id": 1,
              "campaign_id": 1, "activity_id": 1, "account": "6222000000000099", "period": "2024-05"}
    yield app, params
    app.state.db.dispose()


def _call(client: TestClient, method: str, path: str):
    if method == "GET":
        return client.get(path, follow_redirects=False)
    if path.startswith("/api/"):
        return client.request(method, path, json={}, follow_redirects=False)
    return client.request(method, path, data={}, follow_redirects=False)


def _refused_by_access(response) -> bool:
    """A refusal by the permission table or the area: 403 with the table's message."""
    if response.status_code != 403:
        return False
    text = response.text
    return "Not allowed" in text or "无权" in text


def _signed_out(response, path: str) -> bool:
    if path.startswith("/api/"):
        return response.status_code == 401 and "not signed in" in response.json()["message"]
    return response.status_code == 303 and response.headers["location"].startswith("/login?next=")


def _ordered(rules):
    return sorted(rules, key=lambda r: (r.path in LAST, r.path))


def test_every_route_declares_an_access_rule(world) -> None:
    app, _ = world
    rules, missing = route_rules(app)
    assert not missing, "routes without an access rule:\n" + "\n".join(missing)
    assert len(rules) > 30


def test_a_route_added_without_a_rule_is_caught(tmp_path) -> None:
    app = make_app(tmp_path, users=())

    @app.get("/api/forgotten")
    def forgotten() -> dict:
        return {"secret": "anyone may read this"}

    _, missing = route_rules(app)
    assert missing == ["['GET'] /api/forgotten: 0 access rules declared"]
    app.state.db.dispose()


def test_strangers_are_sent_to_sign_in_except_on_public_routes(world) -> None:
    app, params = world
    rules, _ = route_rules(app)
    client = TestClient(app)
    for r in _ordered(rules):
        for method in r.methods:
            path = fill(r.path, params)
            response = _call(client, method, path)
            if r.rule.kind == "public":
                assert not _signed_out(response, path) and not _refused_by_access(response), (method, path)
            else:
                assert _signed_out(response, path), (method, path, response.status_code, response.text[:200])


def _denied_entries(app, actor: str) -> int:
    with app.state.db.session() as session:
        return len(list(session.scalars(select(AuditEntry.seq).where(AuditEntry.actor == actor,
                                                                      AuditEntry.outcome == "denied"))))


def _walk(app, params, client: TestClient, role: Role, who: str, only_api: bool = False) -> int:
    """Request every route; check each outcome against the table; return how many were denied."""
    rules, _ = route_rules(app)
    denied = 0
    for r in _ordered(rules):
        if only_api and not r.path.startswith("/api/"):
            continue
        for method in r.methods:
            path = fill(r.path, params)
            response = _call(client, method, path)
            where = (who, method, path, response.status_code, response.text[:300])
            if r.rule.allows(role):
                assert not _refused_by_access(response) and not _signed_out(response, path), where
                assert response.status_code < 500, where
            else:
                denied += 1
                assert _refused_by_access(response), where
                permission = r.rule.permissions[0].value
                assert permission in response.text, where  # which permission
                assert "系统管理员" in response.text or "administrator" in response.text, where  # what to do
    return denied


@pytest.mark.parametrize("role,kind", PLACEMENTS, ids=[f"{r.value}@{k.value}" for r, k in PLACEMENTS])
def test_every_route_as_every_role_of_every_organisation_kind(world, role: Role, kind: OrgKind) -> None:
    app, params = world
    username = f"{role.value}-{kind.value}"
    before = _denied_entries(app, username)
    denied = _walk(app, params, signed_in(app, username), role, username)
    assert _denied_entries(app, username) - before == denied  # every refusal is in the audit log


TOKEN_PLACEMENTS = [(r, k) for r, k in PLACEMENTS if r not in TOKEN_FORBIDDEN_ROLES]


@pytest.mark.parametrize("role,kind", TOKEN_PLACEMENTS, ids=[f"{r.value}@{k.value}" for r, k in TOKEN_PLACEMENTS])
def test_every_api_route_with_a_token_of_every_role(world, role: Role, kind: OrgKind) -> None:
    app, params = world
    client = api_client(app, ORG_OF_KIND[kind], role.value, name=f"walk {role.value}")
    actor = client.get("/api/me").json()["username"]
    before = _denied_entries(app, actor)
    denied = _walk(app, params, client, role, actor, only_api=True)
    assert _denied_entries(app, actor) - before == denied
