"""Signing in: strangers go to /login (pages) or get 401 (API); passwords are checked with a
lockout after five failures; an initial password must be changed first; sessions live on the
server (sign-out and a password change end them); cookies are HttpOnly, SameSite=Lax and Secure
off the local demo; every form carries a CSRF token; API tokens are hashed, scoped and
revocable; the sign-in and the public endpoints are rate-limited."""
from __future__ import annotations

import hashlib
from datetime import timedelta
from urllib.parse import unquote

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update
from web_support import PASSWORD, SYSTEM, api_client, csrf_from, login, make_app, signed_in

from fanzha.domain import clock
from fanzha.domain.permissions import ROLE_ORG_KINDS, fits
from fanzha.domain.role import Role
from fanzha.services.accounts import DEMO_PASSWORD, DEMO_USERS, authenticate, seed_demo_users
from fanzha.services.api_tokens import create_token, revoke_token
from fanzha.store.models import ApiToken, AuditEntry, User, UserSession
from fanzha.web.app import create_app
from fanzha.web.rate_limit import RateLimits, TokenBucket

USERS = (("duty", "duty_officer", "city"), ("newbie", "duty_officer", "county-chengxiang"),
         ("locky", "analyst", "city"), ("bank", "bank_liaison", "bank-ICBC"), ("admin", "center_admin", "city"))


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    app = make_app(tmp_path_factory.mktemp("auth"), users=USERS)
    yield app
    app.state.db.dispose()


def audit_rows(app, **where) -> list[AuditEntry]:
    with app.state.db.session() as session:
        stmt = select(AuditEntry).order_by(AuditEntry.seq)
        for key, value in where.items():
            stmt = stmt.where(getattr(AuditEntry, key) == value)
        return list(session.scalars(stmt))


@pytest.mark.parametrize("path", ["/", "/intake/new", "/intake/cases", "/intake/cases/1", "/imports", "/funds", "/desks/funds",
                                  "/audit", "/admin/users", "/account/password"])
def test_pages_send_strangers_to_login(app, path: str) -> None:
    response = TestClient(app).get(path, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=" + path)


def test_htmx_requests_are_redirected_with_a_header(app) -> None:
    response = TestClient(app).get("/intake/cases?text=x", headers={"HX-Request": "true"})
    assert response.headers["HX-Redirect"].startswith("/login?next=/intake/cases")


@pytest.mark.parametrize("method,path", [("get", "/api/cases"), ("get", "/api/cases/1"), ("post", "/api/cases"),
                                         ("get", "/api/dashboard/intake"), ("get", "/api/me"), ("get", "/api/audit")])
def test_api_answers_401_json(app, method: str, path: str) -> None:
    response = getattr(TestClient(app), method)(path)
    assert response.status_code == 401
    body = response.json()
    assert "Bearer" in body["message"] and body["problems"] == []
    assert response.headers["www-authenticate"] == "Bearer"


def test_wrong_password_is_refused_without_saying_which_part(app) -> None:
    client = TestClient(app)
    for username, password in [("duty", "wrong-password"), ("nobody", PASSWORD)]:
        response = login(client, username, password)
        assert response.status_code == 401
        assert "用户名或密码不正确" in response.text
        assert 'value="' + username + '"' in response.text  # the username is kept, the password not
    assert client.get("/", follow_redirects=False).status_code == 303
    failures = audit_rows(app, action="sign_in", outcome="denied")
    assert {(e.actor, e.detail["reason"]) for e in failures} >= {("duty", "wrong password"), ("nobody", "unknown user")}


def test_sign_in_goes_back_and_sign_out_ends_the_session_on_the_server(app) -> None:
    client = TestClient(app)
    response = login(client, "duty", next_url="/intake/cases?region=城厢区")
    assert response.status_code == 303 and unquote(response.headers["location"]) == "/intake/cases?region=城厢区"
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie  # cookie_secure=False
    page = client.get("/")
    assert page.status_code == 200 and "duty 警官" in page.text
    assert client.get("/login", follow_redirects=False).headers["location"] == "/"
    stolen = dict(client.cookies)
    token = csrf_from(client.get("/account/password").text)
    assert client.post("/logout", data={"csrf_token": token}, follow_redirects=False).status_code == 303
    assert client.get("/", follow_redirects=False).status_code == 303
    replay = TestClient(app, cookies=stolen)  # the cookie from before sign-out opens nothing
    assert replay.get("/", follow_redirects=False).status_code == 303
    assert [e.action for e in audit_rows(app, actor="duty") if e.action in ("sign_in", "sign_out")][-2:] == \
        ["sign_in", "sign_out"]


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example"])
def test_sign_in_never_sends_anyone_to_another_site(app, target: str) -> None:
    assert login(TestClient(app), "duty", next_url=target).headers["location"] == "/"


def test_secure_cookie_off_only_for_the_local_demo(tmp_path) -> None:
    auto = create_app(f"sqlite:///{tmp_path / 'auto.sqlite'}", secret_key="s", cookie_secure=None)
    assert "secure" not in TestClient(auto, base_url="http://127.0.0.1:8000").get("/login").headers["set-cookie"].lower()
    assert "secure" in TestClient(auto, base_url="http://fanzha.center.example").get("/login").headers["set-cookie"].lower()
    assert "secure" in TestClient(auto, base_url="https://127.0.0.1").get("/login").headers["set-cookie"].lower()
    forced = create_app(f"sqlite:///{tmp_path / 'on.sqlite'}", secret_key="s", cookie_secure=True)
    page = TestClient(forced, base_url="http://10.0.0.5").get("/login")
    assert "secure" in page.headers["set-cookie"].lower() and "HTTPS" in page.text  # the login page says why
    auto.state.db.dispose()
    forced.state.db.dispose()


def test_csrf_token_is_required_on_every_form(app) -> None:
    anonymous = TestClient(app)
    anonymous.get("/login")
    stale = anonymous.post("/login", data={"username": "duty", "password": PASSWORD}, follow_redirects=False)
    assert stale.status_code == 403 and "登录页面已过期" in stale.text
    client = signed_in(app)
    good = client.headers.pop("X-CSRF-Token")
    missing = client.post("/intake/new", data={"region": "城厢区"})
    assert missing.status_code == 403 and "安全令牌" in missing.text
    wrong = client.post("/api/cases", json={}, headers={"X-CSRF-Token": "x" * 43})
    assert wrong.status_code == 403 and "CSRF" in wrong.json()["message"]
    in_form = client.post("/intake/new", data={"region": "城厢区", "csrf_token": good})
    assert in_form.status_code == 422  # past the CSRF check: the form's own errors
    assert len(audit_rows(app, action="csrf", outcome="denied")) >= 2


def test_lockout_after_five_failures_and_it_ends(app) -> None:
    client = TestClient(app)
    for _ in range(4):
        assert login(client, "locky", "wrong-password").status_code == 401
    fifth = login(client, "locky", "wrong-password")
    assert fifth.status_code == 403 and "账号已锁定" in fifth.text
    right = login(client, "locky")  # even the right password waits out the lock
    assert right.status_code == 403 and "账号已锁定" in right.text
    assert audit_rows(app, action="sign_in", actor="locky")[-1].detail["reason"] == "locked"
    with app.state.db.session() as session:
        user = session.scalar(select(User).where(User.username == "locky"))
        assert user.locked_until > clock.now() + timedelta(minutes=14)
        user.locked_until = clock.now() - timedelta(seconds=1)  # fifteen minutes later
    assert login(client, "locky").status_code == 303
    with app.state.db.session() as session:
        assert session.scalar(select(User.failed_logins).where(User.username == "locky")) == 0


def test_an_initial_password_must_be_changed_first(app) -> None:
    with app.state.db.session() as session:
        session.execute(update(User).where(User.username == "newbie").values(must_change_password=True))
    client = TestClient(app)
    response = login(client, "newbie", next_url="/intake/cases")
    assert response.status_code == 303 and response.headers["location"].startswith("/account/password")
    for path in ("/", "/intake/cases", "/intake/new"):
        assert client.get(path, follow_redirects=False).headers["location"] == "/account/password"
    assert client.get("/api/me").status_code == 403
    page = client.get("/account/password")
    assert "初始密码" in page.text
    token = csrf_from(page.text)
    other = TestClient(app)  # a second session of the same user, ended by the change
    login(other, "newbie")
    short = client.post("/account/password", data={"current_password": PASSWORD, "new_password": "short",
                                                    "confirm_password": "short", "csrf_token": token})
    assert short.status_code == 422
    done = client.post("/account/password", data={"current_password": PASSWORD, "new_password": "Longer-pass-2024",
                                                   "confirm_password": "Longer-pass-2024", "csrf_token": token,
                                                   "next": "/intake/cases"}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/intake/cases"
    assert client.get("/intake/cases").status_code == 200
    assert other.get("/", follow_redirects=False).status_code == 303  # signed out
    assert login(TestClient(app), "newbie").status_code == 401  # the old password is gone
    assert login(TestClient(app), "newbie", "Longer-pass-2024").status_code == 303
    assert audit_rows(app, action="user.change_password", actor="newbie")


def test_disabling_a_user_ends_their_sessions_at_once(app) -> None:
    victim = signed_in(app, "bank")
    assert victim.get("/funds").status_code == 200
    admin = signed_in(app, "admin")
    assert admin.post("/admin/users/bank/disable", follow_redirects=False).status_code == 303
    assert victim.get("/funds", follow_redirects=False).status_code == 303
    assert login(TestClient(app), "bank").status_code == 403  # disabled: the page says so
    assert admin.post("/admin/users/bank/enable", follow_redirects=False).status_code == 303
    assert login(TestClient(app), "bank").status_code == 303


def test_sessions_end_after_two_idle_hours(app) -> None:
    client = signed_in(app)
    with app.state.db.session() as session:
        session.execute(update(UserSession).values(last_seen_at=clock.now() - timedelta(hours=2, seconds=1)))
    assert client.get("/", follow_redirects=False).status_code == 303


def test_api_tokens_are_hashed_scoped_and_revocable(app) -> None:
    with app.state.db.session() as session:
        created = create_token(session, SYSTEM, "bank-ICBC", "bank_liaison", "工行止付接口")
        token_id, secret = created.token.id, created.secret
        stored = session.get(ApiToken, token_id)
        assert stored.token_hash == hashlib.sha256(secret.encode()).hexdigest() and secret not in stored.prefix + "…"
    client = TestClient(app, headers={"Authorization": f"Bearer {secret}"})
    me = client.get("/api/me").json()
    assert (me["username"], me["role"], me["organisation"]["code"], me["scope"], me["via"]) == \
        (f"token:{token_id}", "bank_liaison", "bank-ICBC", "own_bank", "token")
    assert "case.read" not in me["permissions"] and "orders.answer" in me["permissions"]
    assert client.get("/api/cases").status_code == 403  # the table, not the token, decides
    with app.state.db.session() as session:
        assert session.get(ApiToken, token_id).last_used_at is not None
        revoke_token(session, SYSTEM, token_id)
    refused = client.get("/api/me")
    assert refused.status_code == 401 and "revoked" in refused.json()["message"]
    assert TestClient(app, headers={"Authorization": "Bearer fz_nonsense"}).get("/api/me").status_code == 401


def test_token_clients_need_no_csrf_token(app) -> None:
    client = api_client(app, "city", "duty_officer")
    response = client.post("/api/cases", json={"report_id": "X"})
    assert response.status_code == 422  # through to validation: no CSRF for Bearer requests


def test_tokens_cannot_carry_admin_roles_and_must_fit_the_organisation(app) -> None:
    from fanzha.domain.errors import InputRejected

    with app.state.db.session() as session:
        for org, role in (("city", "center_admin"), ("city", "auditor"), ("city", "bank_liaison"),
                          ("bank-ICBC", "duty_officer")):
            with pytest.raises(InputRejected):
                create_token(session, SYSTEM, org, role, "x")


def test_login_is_rate_limited_per_account_and_per_address(tmp_path) -> None:
    app = make_app(tmp_path, rate_limits=RateLimits(login_per_account=3, login_per_address=6))
    client = TestClient(app)
    statuses = [login(client, "duty", "wrong-password").status_code for _ in range(4)]
    assert statuses == [401, 401, 401, 429]
    limited = login(client, "duty", "wrong-password")
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1 and "过于频繁" in limited.text
    assert login(client, "someone-else", "x").status_code == 401  # another account: the address still has room
    assert login(client, "third", "x").status_code == 429  # ... until the address is over its limit
    app.state.db.dispose()


def test_public_endpoints_are_rate_limited_per_client(tmp_path) -> None:
    app = make_app(tmp_path, rate_limits=RateLimits(public_per_address=3))
    client = TestClient(app)
    assert [client.get("/api/public/ping").status_code for _ in range(3)] == [200, 200, 200]
    limited = client.get("/api/public/ping")
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
    assert "try again" in limited.json()["message"]
    page = client.get("/desks/public")
    assert page.status_code == 429 and page.headers["retry-after"]
    other = TestClient(app, client=("10.9.9.9", 5000))
    assert other.get("/api/public/ping").status_code == 200
    app.state.db.dispose()


def test_token_bucket_refills() -> None:
    now = [0.0]
    bucket = TokenBucket(2, 1.0, clock=lambda: now[0])
    assert [bucket.hit("k"), bucket.hit("k")] == [0.0, 0.0]
    assert bucket.hit("k") == pytest.approx(1.0)
    now[0] = 0.5
    assert bucket.hit("k") == pytest.approx(0.5)
    now[0] = 1.0
    assert bucket.hit("k") == 0.0 and bucket.hit("other") == 0.0


def test_demo_users_cover_every_role_and_are_usable_at_once(tmp_path) -> None:
    app = make_app(tmp_path, users=())
    db = app.state.db
    with db.session() as session:
        logins = seed_demo_users(session)
    with db.session() as session:
        again = seed_demo_users(session)
        assert session.scalar(select(func.count()).select_from(User)) == len(DEMO_USERS)
        by_name = {u.username: u for u in session.scalars(select(User))}
        assert not any(u.must_change_password for u in by_name.values())
        assert by_name["bank_icbc"].organisation.code == "bank-ICBC" and by_name["bank_ccb"].organisation.code == "bank-CCB"
        assert {by_name[n].organisation.code for n in ("station_longqiao", "station_fenghuang")} == \
            {"station-chengxiang-1", "station-chengxiang-2"}
        assert by_name["duty_chengxiang"].organisation.kind == "county_center"
        assert authenticate(session, "duty", DEMO_PASSWORD).user.role == Role.DUTY_OFFICER
        assert all(fits(u.role, u.organisation.kind) for u in by_name.values())
    assert logins == again
    assert {login["role"] for login in logins} == {r.value for r in Role}
    assert all(login["password"] == DEMO_PASSWORD for login in logins)
    assert login(TestClient(app), "leader", DEMO_PASSWORD).headers["location"] == "/"
    db.dispose()


def test_roles_have_labels_and_places() -> None:
    assert Role.DUTY_OFFICER.label_zh == "值班民警"
    assert all(r.label_zh and r.label_en for r in Role)
    assert set(ROLE_ORG_KINDS) == set(Role)
