"""`fanzha users` from the server's command line: add (with a generated initial password that
must be changed), list, disable, enable, reset a password, and make, list and revoke API tokens;
each change is audited under cli:<login>."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from fanzha.cli import app
from fanzha.config import Settings
from fanzha.services.accounts import SignIn, authenticate
from fanzha.services.api_tokens import actor_for_token
from fanzha.services.organisations import seed_organisations
from fanzha.store.db import Database
from fanzha.store.models import AuditEntry, User

runner = CliRunner()


@pytest.fixture
def db(tmp_path, monkeypatch) -> Database:
    monkeypatch.setenv("FANZHA_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite'}")
    db = Database(Settings.from_env().database_url)
    with db.session() as session:
        seed_organisations(session)
    yield db
    db.dispose()


def test_users_add_list_disable_enable_reset(db: Database) -> None:
    added = runner.invoke(app, ["users", "add", "wang", "--role", "duty_officer", "--org", "county-chengxiang",
                                "--name", "王警官"])
    assert added.exit_code == 0, added.output
    password = re.search(r"initial password \(shown once\): (\S+)", added.output).group(1)
    with db.session() as session:
        result = authenticate(session, "wang", password)
        assert result.outcome is SignIn.OK and result.user.must_change_password
    listed = runner.invoke(app, ["users", "list"])
    assert "wang" in listed.output and "county-chengxiang" in listed.output and "must change password" in listed.output
    assert runner.invoke(app, ["users", "disable", "wang"]).exit_code == 0
    with db.session() as session:
        assert authenticate(session, "wang", password).outcome is SignIn.DISABLED
    assert runner.invoke(app, ["users", "enable", "wang"]).exit_code == 0
    reset = runner.invoke(app, ["users", "reset-password", "wang"])
    fresh = re.search(r"\(shown once\): (\S+)", reset.output).group(1)
    with db.session() as session:
        assert authenticate(session, "wang", fresh).ok and not authenticate(session, "wang", password).ok
        actions = [e.action for e in session.scalars(select(AuditEntry).where(AuditEntry.actor.like("cli:%")))]
    assert actions == ["user.create", "user.disable", "user.enable", "user.reset_password"]


@pytest.mark.parametrize("args,words", [
    (["users", "add", "x1", "--role", "bank_liaison", "--org", "city"], "works at a bank"),
    (["users", "add", "x2", "--role", "station_officer", "--org", "county-licheng"], "police_station"),
    (["users", "add", "x3", "--role", "pilot", "--org", "city"], "unknown role"),
    (["users", "add", "x4", "--role", "duty_officer", "--org", "nowhere"], "no organisation"),
    (["users", "add", "x5", "--role", "duty_officer", "--org", "city", "--password", "short"], "at least 10"),
    (["users", "disable", "nobody"], "no user"),
    (["users", "token", "revoke", "999"], "no token"),
])
def test_refusals_say_what_to_fix(db: Database, args, words) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 1 and words in result.stderr


def test_tokens_create_list_revoke(db: Database) -> None:
    made = runner.invoke(app, ["users", "token", "create", "--org", "bank-ICBC", "--role", "bank_liaison",
                               "--name", "工行止付接口"])
    assert made.exit_code == 0, made.output
    secret = re.search(r"^(fz_\S+)$", made.output, re.M).group(1)
    with db.session() as session:
        assert actor_for_token(session, secret, None).actor.bank_code == "ICBC"
        assert secret not in {u.password_hash for u in session.scalars(select(User))}
    listed = runner.invoke(app, ["users", "token", "list"])
    assert "工行止付接口" in listed.output and secret not in listed.output and secret[:10] in listed.output
    assert runner.invoke(app, ["users", "token", "revoke", "1"]).exit_code == 0
    with db.session() as session:
        assert actor_for_token(session, secret, None).actor is None
    revoked = runner.invoke(app, ["users", "token", "list"]).output.splitlines()[1]
    assert revoked.rstrip().endswith(tuple("0123456789"))  # the revoked column carries a time now


def test_organisation_codes_are_listed(db: Database) -> None:
    result = runner.invoke(app, ["users", "orgs"])
    assert result.exit_code == 0 and "station-chengxiang-1" in result.output and "bank-ICBC" in result.output
