"""Helpers for the web tests: an app on a fresh SQLite store with the city's organisations and a
few users, a signed-in client (with the session's CSRF token on every request), API tokens, and
a victim report to file."""
from __future__ import annotations

import copy
import re
from pathlib import Path

from fastapi.testclient import TestClient

from fanzha.domain.actor import Actor
from fanzha.services.accounts import create_user
from fanzha.services.api_tokens import create_token
from fanzha.services.organisations import seed_organisations
from fanzha.web.app import create_app
from fanzha.web.rate_limit import RateLimits

PASSWORD = "correct-horse-9"
SYSTEM = Actor.system("test")
GENEROUS = RateLimits(login_per_account=10_000, login_per_address=10_000, public_per_address=10_000)

REPORT = {
    "report_id": "JQ-2024-0530-001",
    "reported_at": "2024-05-30T15:40:00+08:00",
    "region": "城厢区",
    "victim": {"name": "陈某明", "id_number": "350302197901011234", "phone": "13812345678", "age": 45},
    "fraud_type": None,
    "narrative": "对方自称淘宝客服，以刷单返利为由让我转账",
    "transfers": [
        {"time": "2024-05-30T15:02:00+08:00", "amount": "50000.00", "from_account": "6222000000000001",
         "from_bank": "工商银行", "to_account": "6217000000000002", "to_name": "李某", "to_bank": "建设银行",
         "channel": "手机银行"},
        {"time": "2024-05-30T15:20:00+08:00", "amount": "1234.50", "to_account": "6217000000000003"},
    ],
    "contacts": [{"kind": "phone", "value": "17000000000"}, {"kind": "url", "value": "http://example.invalid/app"}],
}

# script/link/img/iframe tags that load something from another host
EXTERNAL = re.compile(r"<(?:script|link|img|iframe)\b[^>]*(?:src|href)\s*=\s*[\"']?(?:https?:)?//", re.I)
CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


def report(**changes) -> dict:
    data = copy.deepcopy(REPORT)
    data.update(changes)
    return data


def make_app(folder: Path, users: tuple[tuple[str, str, str], ...] = (("duty", "duty_officer", "city"),),
             rate_limits: RateLimits = GENEROUS, must_change: bool = False):
    app = create_app(f"sqlite:///{folder / 'web.sqlite'}", secret_key="test-secret", cookie_secure=False,
                     rate_limits=rate_limits)
    with app.state.db.session() as session:
        seed_organisations(session)
        for username, role, org in users:
            add_user(session, username, role, org, must_change=must_change)
    return app


def add_user(session, username: str, role: str, org: str, must_change: bool = False):
    return create_user(session, SYSTEM, username, role, org, f"{username} 警官", PASSWORD,
                       must_change_password=must_change).user


def csrf_from(html: str) -> str:
    found = CSRF_INPUT.search(html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def login(client: TestClient, username: str, password: str = PASSWORD, next_url: str = "/", **headers):
    """Post the sign-in form as a browser does: with the login page's CSRF token."""
    token = csrf_from(client.get("/login").text)
    return client.post("/login", data={"username": username, "password": password, "next": next_url,
                                       "csrf_token": token}, follow_redirects=False, headers=headers)


def signed_in(app, username: str = "duty", password: str = PASSWORD) -> TestClient:
    """A client signed in as ``username`` that sends the session's CSRF token on every request."""
    client = TestClient(app)
    response = login(client, username, password)
    assert response.status_code == 303, response.text
    client.headers["X-CSRF-Token"] = csrf_from(client.get("/account/password").text)
    return client


def api_client(app, org: str, role: str, name: str = "test client") -> TestClient:
    """A client holding a fresh API token of ``org`` and ``role`` (no cookies, no CSRF)."""
    with app.state.db.session() as session:
        secret = create_token(session, SYSTEM, org, role, name).secret
    client = TestClient(app)
    client.headers["Authorization"] = f"Bearer {secret}"
    return client
