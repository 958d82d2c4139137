"""The audit log on SQLite and PostgreSQL: entries chain by hash; a row changed, deleted or
re-hashed by hand is caught by `fanzha audit verify`, which names the first broken entry;
concurrent appends never fork the chain; a rolled-back change leaves no entry; auditors search
by user, object, action and time."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from fanzha.cli import app as cli
from fanzha.domain import clock
from fanzha.domain.access import AccessDenied
from fanzha.domain.actor import Actor
from fanzha.domain.audit_chain import GENESIS, entry_hash
from fanzha.domain.organisation import OrgKind
from fanzha.domain.role import Role
from fanzha.services import audit
from fanzha.services.audit import AuditQuery, search_audit, verify_chain
from fanzha.store.db import Database
from fanzha.store.models import AuditEntry

SYSTEM = Actor.system("test")
DUTY = Actor("duty", Role.DUTY_OFFICER, 1, "city", "莆田市反诈中心", OrgKind.CITY_CENTER, ip="10.0.0.7")


def _append(db: Database, n: int, actor: Actor = DUTY, action: str = "case.create") -> None:
    with db.session() as s:
        for i in range(n):
            audit.record(s, actor, action, object_type="case", object_id=i + 1, detail={"n": i, "报警": "是"})


def _verify(db: Database):
    with db.session() as s:
        return verify_chain(s, SYSTEM)


def test_entries_chain_and_verify(db: Database) -> None:
    assert str(_verify(db)) == "chain intact, 0 entries"
    _append(db, 5)
    report = _verify(db)
    assert report.intact and report.entries == 5
    with db.session() as s:
        rows = s.execute(text("SELECT seq, prev_hash, hash FROM audit_entries ORDER BY seq")).all()
    assert [r.seq for r in rows] == [1, 2, 3, 4, 5]
    assert rows[0].prev_hash == GENESIS and all(rows[i].prev_hash == rows[i - 1].hash for i in range(1, 5))


@pytest.mark.parametrize("tamper,seq,words", [
    ("UPDATE audit_entries SET actor = 'someone' WHERE seq = 3", 3, "content does not match"),
    ("UPDATE audit_entries SET outcome = 'denied' WHERE seq = 2", 2, "content does not match"),
    ("UPDATE audit_entries SET object_id = '99' WHERE seq = 4", 4, "content does not match"),
    ("DELETE FROM audit_entries WHERE seq = 3", 3, "missing"),
    ("DELETE FROM audit_entries WHERE seq >= 5", 5, "missing"),
    ("UPDATE audit_entries SET hash = prev_hash WHERE seq = 6", 6, "content does not match"),
])
def test_tampering_with_one_row_is_caught(db: Database, tamper: str, seq: int, words: str) -> None:
    _append(db, 6)
    with db.engine.begin() as conn:
        conn.execute(text(tamper))
    report = _verify(db)
    assert not report.intact and report.broken_seq == seq and words in report.problem


def test_a_changed_row_given_a_fresh_hash_breaks_the_next_link(db: Database) -> None:
    _append(db, 4)
    with db.session() as s:
        row = s.get(AuditEntry, 2)
        entry = {column: getattr(row, column) for column in AuditEntry.__table__.columns.keys()}
    entry["actor"] = "forger"  # the forger recomputes the row's own hash ...
    forged = entry_hash(entry, entry["prev_hash"])
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_entries SET actor = 'forger', hash = :h WHERE seq = 2"), {"h": forged})
    report = _verify(db)
    assert report.broken_seq == 3 and "prev_hash" in report.problem


def test_fanzha_audit_verify_exits_0_then_1_naming_the_entry(db: Database, monkeypatch) -> None:
    monkeypatch.setenv("FANZHA_DATABASE_URL", db.engine.url.render_as_string(hide_password=False))
    _append(db, 3)
    runner = CliRunner()
    good = runner.invoke(cli, ["audit", "verify"])
    assert good.exit_code == 0 and "chain intact, 3 entries" in good.output
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_entries SET detail = :d WHERE seq = 2"), {"d": '{"n": 1}'})
    bad = runner.invoke(cli, ["audit", "verify"])
    assert bad.exit_code == 1 and "chain broken at entry 2" in bad.stderr
    listed = runner.invoke(cli, ["audit", "list", "--action", "case.create", "--limit", "2"])
    assert listed.exit_code == 0 and "case.create" in listed.output


def test_concurrent_appends_never_fork_the_chain(db: Database) -> None:
    errors = []

    def worker(k: int) -> None:
        try:
            for i in range(8):
                with db.session() as s:
                    audit.record(s, DUTY, "case.classify", object_type="case", object_id=f"{k}-{i}")
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    report = _verify(db)
    assert report.intact and report.entries == 48


def test_a_rolled_back_change_leaves_no_entry(db: Database) -> None:
    with pytest.raises(RuntimeError), db.session() as s:
        audit.record(s, DUTY, "case.create", object_type="case", object_id=1)
        raise RuntimeError("the change failed")
    _append(db, 1)
    report = _verify(db)
    assert report.intact and report.entries == 1


def test_the_chain_continues_when_its_head_row_was_emptied(db: Database) -> None:
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_chain_head"))
    _append(db, 2)
    assert _verify(db).intact
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_chain_head"))
    report = _verify(db)
    assert not report.intact and "head" in report.problem


def test_auditors_search_by_user_object_action_and_time(db: Database) -> None:
    _append(db, 3)
    _append(db, 2, actor=Actor("bank", Role.BANK_LIAISON, 2, "bank-ICBC", "工商银行", OrgKind.BANK), action="reveal")
    auditor = Actor("auditor", Role.AUDITOR, 1, "city", "莆田市反诈中心", OrgKind.CITY_CENTER)
    with db.session() as s:
        assert search_audit(s, auditor, AuditQuery()).total == 5
        assert [e.seq for e in search_audit(s, auditor, AuditQuery(actor="bank")).rows] == [5, 4]
        assert search_audit(s, auditor, AuditQuery(object_type="case", object_id="2")).total == 2
        assert search_audit(s, auditor, AuditQuery(action="case.")).total == 3
        assert search_audit(s, auditor, AuditQuery(outcome="denied")).total == 0
        now = clock.now()
        assert search_audit(s, auditor, AuditQuery(since=now - timedelta(minutes=5))).total == 5
        assert search_audit(s, auditor, AuditQuery(until=now - timedelta(minutes=5))).total == 0
        page = search_audit(s, auditor, AuditQuery(per_page=2, page=3))
        assert [e.seq for e in page.rows] == [1] and page.pages == 3
        with pytest.raises(AccessDenied):
            search_audit(s, DUTY, AuditQuery())
        with pytest.raises(AccessDenied):
            verify_chain(s, DUTY)
