"""Helpers for the web tests: an app on a fresh SQLite store with the city's organisations and a
few users, a signed-in client, and a victim report to file."""
from __future__ import annotations

import copy
import re
from pathlib import Path

from fastapi.testclient import TestClient

from fanzha.services.accounts import create_user
from fanzha.services.organisations import seed_organisations
from fanzha.web.app import create_app

PASSWORD = "correct-horse-9"

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


def report(**changes) -> dict:
    data = copy.deepcopy(REPORT)
    data.update(changes)
    return data


def make_app(folder: Path, users: tuple[tuple[str, str, str], ...] = (("duty", "duty_officer", "city"),)):
    app = create_app(f"sqlite:///{folder / 'web.sqlite'}", secret_key="test-secret")
    with app.state.db.session() as session:
        seed_organisations(session)
        for username, role, org in users:
            create_user(session, username, PASSWORD, role, org, f"{username} 警官")
    return app


def signed_in(app, username: str = "duty") -> TestClient:
    client = TestClient(app)
    response = client.post("/login", data={"username": username, "password": PASSWORD}, follow_redirects=False)
    assert response.status_code == 303, response.text
    return client


def basic(username: str = "duty", password: str = PASSWORD) -> tuple[str, str]:
    return (username, password)
