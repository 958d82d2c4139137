"""Sign-in: pages send strangers to /login, the API answers 401 JSON, passwords are checked,
HTTP Basic works for scripts, and the demo users cover every role."""
from __future__ import annotations

from urllib.parse import unquote

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from web_support import PASSWORD, make_app, signed_in

from fanzha.domain.role import Role
from fanzha.services.accounts import DEMO_PASSWORD, authenticate, seed_demo_users
from fanzha.store.models import User


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    app = make_app(tmp_path_factory.mktemp("auth"))
    yield app
    app.state.db.dispose()


@pytest.mark.parametrize("path", ["/", "/intake/new", "/intake/cases", "/intake/cases/1", "/imports", "/desks/funds"])
def test_pages_send_strangers_to_login(app, path: str) -> None:
    response = TestClient(app).get(path, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=" + path)


def test_htmx_requests_are_redirected_with_a_header(app) -> None:
    response = TestClient(app).get("/intake/cases?text=x", headers={"HX-Request": "true"})
    assert response.headers["HX-Redirect"].startswith("/login?next=/intake/cases")


@pytest.mark.parametrize("method,path", [("get", "/api/cases"), ("get", "/api/cases/1"),
                                         ("post", "/api/cases"), ("get", "/api/dashboard/intake")])
def test_api_answers_401_json(app, method: str, path: str) -> None:
    response = getattr(TestClient(app), method)(path)
    assert response.status_code == 401
    body = response.json()
    assert "sign in at /login" in body["message"] and body["problems"] == []
    assert response.headers["www-authenticate"].startswith("Basic")


def test_wrong_password_is_refused_without_saying_which_part(app) -> None:
    client = TestClient(app)
    for username, password in [("duty", "wrong-password"), ("nobody", PASSWORD)]:
        response = client.post("/login", data={"username": username, "password": password}, follow_redirects=False)
        assert response.status_code == 401
        assert "用户名或密码不正确" in response.text
        assert 'value="' + username + '"' in response.text  # the username is kept, the password not
    assert client.get("/", follow_redirects=False).status_code == 303


def test_sign_in_goes_back_to_the_page_asked_for_and_sign_out_ends_it(app) -> None:
    client = TestClient(app)
    response = client.post("/login", data={"username": "duty", "password": PASSWORD, "next": "/intake/cases?region=城厢区"},
                           follow_redirects=False)
    assert response.status_code == 303 and unquote(response.headers["location"]) == "/intake/cases?region=城厢区"
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    page = client.get("/")
    assert page.status_code == 200 and "duty 警官" in page.text
    assert client.get("/login", follow_redirects=False).headers["location"] == "/"
    client.post("/logout")
    assert client.get("/", follow_redirects=False).status_code == 303


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example"])
def test_sign_in_never_sends_anyone_to_another_site(app, target: str) -> None:
    response = TestClient(app).post("/login", data={"username": "duty", "password": PASSWORD, "next": target},
                                    follow_redirects=False)
    assert response.headers["location"] == "/"


def test_http_basic_for_scripts(app) -> None:
    client = TestClient(app)
    assert client.get("/api/cases", auth=("duty", PASSWORD)).status_code == 200
    wrong = client.get("/api/cases", auth=("duty", "nope"))
    assert wrong.status_code == 401 and "wrong" in wrong.json()["message"]


def test_the_session_cookie_also_opens_the_api(app) -> None:
    assert signed_in(app).get("/api/cases").status_code == 200


def test_demo_users_one_per_role_idempotent(tmp_path) -> None:
    app = make_app(tmp_path, users=())
    db = app.state.db
    with db.session() as session:
        logins = seed_demo_users(session)
    with db.session() as session:
        again = seed_demo_users(session)
        assert session.scalar(select(func.count()).select_from(User)) == len(Role)
        by_name = {u.username: u for u in session.scalars(select(User))}
        assert by_name["bank_icbc"].organisation.code == "bank-ICBC"
        assert by_name["operator_cmcc"].organisation.code == "operator-CMCC"
        assert by_name["station"].organisation.kind == "police_station"
        assert authenticate(session, "duty", DEMO_PASSWORD).role == Role.DUTY_OFFICER
    assert logins == again
    assert {login["role"] for login in logins} == {r.value for r in Role}
    assert all(login["password"] == DEMO_PASSWORD for login in logins)
    db.dispose()


def test_roles_have_labels() -> None:
    assert Role.DUTY_OFFICER.label_zh == "值班民警"
    assert all(r.label_zh and r.label_en for r in Role)
