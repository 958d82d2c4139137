"""The hourly number rule on a hand-built store: who it flags, who it leaves, and that it runs once."""
from __future__ import annotations

import json
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from fanzha.cli import app
from fanzha.domain import clock
from fanzha.domain.actor import Actor
from fanzha.domain.number_rule import CALL_RULE_RESIDENTS, FLAG_DAYS, SMS_RULE_RESIDENTS
from fanzha.services.telecom.block_list import NewEntry, add_entry, lift_entry
from fanzha.services.telecom.number_velocity import (
    RuleSchedule,
    latest_record_time,
    run_velocity_rule,
    stream_position,
)
from fanzha.store.db import Database
from fanzha.store.models import (
    AuditEntry,
    BlockListEntry,
    CallRecord,
    NumberOrder,
    NumberScore,
    Person,
    Phone,
    SmsRecord,
    WarningMessage,
)

SYSTEM = Actor.system("test")
NOW = clock.parse_time("2024-05-30 15:00")
RESIDENTS = [f"1380000{n:04d}" for n in range(30)]
DIALER = "17100000001"  # 8 residents, every call short: flagged
FEW = "17100000002"  # 7 residents in the window (more a day earlier): not flagged
TALKER = "17100000003"  # 8 residents, long calls: not flagged
HALF = "17100000004"  # 8 residents, half the calls short: flagged (at the rule's edge)
SERVICE = "1069055512345"  # texts 12 residents, but a service number: not flagged
TEXTER = "17100000006"  # texts 10 residents from a mobile: flagged
QUIET_TEXTER = "17100000007"  # texts 9: not flagged
SIM_SWAP = "17200000008"  # its calls used DIALER's handset: flagged
DISMISSED = "17100000009"  # meets the rule, but an officer dismissed it
GANG_PHONE = "860000000000001"
_keys = iter(range(1_000_000))


def _call(s, src: str, dst: str, minutes_ago: float, duration_s: int, *, both_sides: bool = False,
          imei: str | None = None, now=NOW) -> None:
    """The resident's record of a call from ``src``; with ``both_sides`` the caller's record too (the
    same call twice in the store, counted once)."""
    start = now - timedelta(minutes=minutes_ago)
    s.add(CallRecord(record_key=f"k{next(_keys)}", msisdn=dst, other=src, call_type="called", start_time=start,
                     duration_s=duration_s, operator="CMCC"))
    if both_sides:
        s.add(CallRecord(record_key=f"k{next(_keys)}", msisdn=src, other=dst, call_type="caller", start_time=start,
                         duration_s=duration_s, imei=imei, operator="CUCC"))


def _text(s, src: str, dst: str, minutes_ago: float, now=NOW) -> None:
    s.add(SmsRecord(record_key=f"k{next(_keys)}", msisdn=dst, other=src, direction="in",
                    time=now - timedelta(minutes=minutes_ago), operator="CMCC"))


def _city(db: Database, now=NOW) -> None:
    """The numbers above, their calls and texts in the day before ``now``."""
    with db.session() as s:
        for i, number in enumerate(RESIDENTS):
            person = Person(name=f"居民{i}", phone=number, district="城厢区")
            s.add(person)
            s.flush()
            s.add(Phone(number=number, operator="CMCC", person_id=person.id))
        for i in range(CALL_RULE_RESIDENTS):
            _call(s, DIALER, RESIDENTS[i], 60 + i, 0, both_sides=i < 4, imei=GANG_PHONE, now=now)
            _call(s, TALKER, RESIDENTS[i], 120 + i, 300, now=now)
            _call(s, HALF, RESIDENTS[i], 180 + i, 5 if i % 2 else 90, now=now)
            _call(s, DISMISSED, RESIDENTS[i], 200 + i, 0, now=now)
        _call(s, DISMISSED, RESIDENTS[9], 30, 0, now=now)
        for i in range(CALL_RULE_RESIDENTS - 1):
            _call(s, FEW, RESIDENTS[i], 240 + i, 0, now=now)
        _call(s, FEW, RESIDENTS[20], 25 * 60, 0, now=now)  # a day and an hour ago: outside the window
        _call(s, FEW, "13999999999", 10, 0, now=now)  # not a resident: does not count
        for i in range(12):
            _text(s, SERVICE, RESIDENTS[i], 30 + i, now=now)
        for i in range(SMS_RULE_RESIDENTS):
            _text(s, TEXTER, RESIDENTS[10 + i], 40 + i, now=now)
        for i in range(SMS_RULE_RESIDENTS - 1):
            _text(s, QUIET_TEXTER, RESIDENTS[i], 50 + i, now=now)
        s.add(CallRecord(record_key="swap", msisdn=SIM_SWAP, other="13999999999", call_type="caller",
                         start_time=now - timedelta(days=3), duration_s=40, imei=GANG_PHONE, operator="CUCC"))
        s.add(NumberScore(number=DISMISSED, score=0.9, reasons=[], window_days=30.0, scored_at=now, state="dismissed",
                          review_note="a clinic's reminder line"))


def _entries(db: Database) -> dict[str, BlockListEntry]:
    with db.session() as s:
        rows = s.scalars(select(BlockListEntry)).all()
        s.expunge_all()
        return {r.number: r for r in rows}


def test_the_rule_flags_list_callers_texters_and_shared_handsets_as_suspected(db: Database) -> None:
    _city(db)
    run = run_velocity_rule(db, NOW)
    assert sorted(f.number for f in run.flagged) == sorted([DIALER, HALF, TEXTER, SIM_SWAP])
    assert run.dismissed == 1 and run.already_listed == 0
    by_number = {f.number: f for f in run.flagged}
    assert by_number[DIALER].basis == "calls" and by_number[DIALER].residents == 8
    assert by_number[SIM_SWAP].basis == "handset" and by_number[SIM_SWAP].via == DIALER
    entries = _entries(db)
    assert set(entries) == {DIALER, HALF, TEXTER, SIM_SWAP}
    dialer = entries[DIALER]
    assert (dialer.list_kind, dialer.provenance, dialer.lifted_at) == ("suspected", "rule", None)
    assert "24小时内呼叫 8 名居民, 100% 短呼" in dialer.reason and "8 of 8" in dialer.reason  # both records: one call
    assert "50% 短呼" in entries[HALF].reason and "10 名居民" in entries[TEXTER].reason
    assert GANG_PHONE in entries[SIM_SWAP].reason and DIALER in entries[SIM_SWAP].reason
    lasts = dialer.expires_at - dialer.created_at
    assert timedelta(days=FLAG_DAYS) - timedelta(minutes=1) < lasts <= timedelta(days=FLAG_DAYS)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(NumberOrder)) == 0  # no restriction without an officer
        audits = s.scalars(select(AuditEntry).where(AuditEntry.action == "numbers.rule")).all()
        assert len(audits) == 1 and audits[0].detail["count"] == 4
        warned = s.execute(select(WarningMessage.recipient, WarningMessage.kind)).all()
    assert {r for r, _ in warned} == set(RESIDENTS[:8]) | set(RESIDENTS[10:20])  # the mass warning SMS
    assert run.warned == len(warned) == 8 + 8 + 10 and {k for _, k in warned} == {"mass"}


def test_a_rerun_adds_nothing_and_a_lifted_entry_is_not_flagged_again(db: Database) -> None:
    _city(db)
    first = run_velocity_rule(db, NOW)
    again = run_velocity_rule(db, NOW + timedelta(minutes=5))
    assert again.flagged == [] and again.already_listed == 3 and again.warned == 0
    with db.session() as s:
        entry = s.scalar(select(BlockListEntry).where(BlockListEntry.number == HALF))
        lift_entry(s, SYSTEM, entry.id, "申诉成功: a courier's number")
    later = run_velocity_rule(db, NOW + timedelta(hours=1))
    assert later.flagged == [] and later.dismissed == 2
    assert len(_entries(db)) == len(first.flagged)


def test_a_number_already_on_a_list_keeps_its_entry(db: Database) -> None:
    _city(db)
    with db.session() as s:
        add_entry(s, SYSTEM, NewEntry(number=DIALER, reason="reported by a victim", provenance="case",
                                      provenance_ref="JQ-1"))
    run = run_velocity_rule(db, NOW, warn=False)
    assert DIALER not in {f.number for f in run.flagged} and run.already_listed == 1
    assert SIM_SWAP in {f.number for f in run.flagged}  # the case's number's handset counts too
    assert _entries(db)[DIALER].provenance == "case"


def test_the_window_ends_at_the_runs_time(db: Database) -> None:
    _city(db)
    assert run_velocity_rule(db, NOW - timedelta(hours=5), warn=False).flagged == []
    assert run_velocity_rule(db, NOW + timedelta(days=2), warn=False).flagged == []


def test_the_runs_time_is_the_newest_record_or_the_streams_position(db: Database) -> None:
    with db.session() as s:
        assert latest_record_time(s) is None and stream_position(s) is None
    _city(db)
    with db.session() as s:
        latest = latest_record_time(s)
        position = stream_position(s)
    assert latest == NOW - timedelta(minutes=10) + timedelta(microseconds=1)  # just after it: the window holds it
    assert position == NOW - timedelta(days=3)  # the call stored last (SIM_SWAP's)


def test_the_schedule_runs_each_hour_of_a_replayed_stream_once(db: Database) -> None:
    _city(db)
    position = [NOW + timedelta(minutes=20)]
    runs = []
    schedule = RuleSchedule(db, 60, at=lambda s: position[0], whole_hours=True, on_run=runs.append)
    first = schedule.step()
    assert first.window_end == NOW and len(first.flagged) == 4  # floored to the hour: 15:00
    position[0] = NOW + timedelta(minutes=50)
    assert schedule.step() is None  # the same hour: not again
    position[0] = NOW + timedelta(hours=1, minutes=1)
    assert schedule.step().flagged == [] and len(runs) == 2
    with pytest.raises(ValueError, match="positive"):
        RuleSchedule(db, 0)


def test_the_schedule_thread_runs_until_stopped(db: Database) -> None:
    _city(db)
    runs = []
    schedule = RuleSchedule(db, 0.05, at=lambda s: NOW, on_run=runs.append).start()
    deadline = clock.now() + timedelta(seconds=20)
    while not runs and clock.now() < deadline:
        time.sleep(0.05)
    schedule.stop()
    assert len(runs) == 1 and len(runs[0].flagged) == 4  # the same time again is not run twice


def test_a_zoneless_time_or_empty_window_is_refused(db: Database) -> None:
    with pytest.raises(ValueError, match="zone"):
        run_velocity_rule(db, NOW.replace(tzinfo=None))
    with pytest.raises(ValueError, match="positive"):
        run_velocity_rule(db, NOW, timedelta(0))


def test_the_cli_prints_what_it_flagged(tmp_path, monkeypatch) -> None:
    url = f"sqlite:///{tmp_path / 'f.sqlite'}"
    monkeypatch.setenv("FANZHA_DATABASE_URL", url)
    db = Database(url)
    _city(db)
    db.dispose()
    runner = CliRunner()
    result = runner.invoke(app, ["numbers", "rule", "--at", "latest", "--json", "--no-warn"])
    assert result.exit_code == 0, result.output
    run = json.loads(result.stdout)
    assert sorted(f["number"] for f in run["flagged"]) == sorted([DIALER, HALF, TEXTER, SIM_SWAP])
    assert all(f["entry_id"] for f in run["flagged"])
    again = runner.invoke(app, ["numbers", "rule", "--at", "2024-05-30 15:00", "--window-hours", "24"])
    assert again.exit_code == 0, again.output
    assert "0 numbers flagged" in again.stdout and "3 already listed" in again.stdout
    bad = runner.invoke(app, ["numbers", "rule", "--at", "yesterday-ish"])
    assert bad.exit_code != 0 and "--at" in bad.output


def test_the_stream_worker_runs_the_rule_on_its_timer(tmp_path) -> None:
    """``fanzha stream worker --rule-every`` runs the rule beside the consumer (over the wall clock's
    last day: the records here are from the last hours) and stops with the worker."""
    import os
    import signal
    import subprocess
    import sys

    from fanzha.events.local_nats import LocalNats
    from tests.stream_support import require_nats_server

    require_nats_server()
    url = f"sqlite:///{tmp_path / 'f.sqlite'}"
    db = Database(url)
    _city(db, clock.now())
    server = LocalNats(tmp_path / "jetstream").start()
    env = {**os.environ, "FANZHA_DATABASE_URL": url, "FANZHA_BROKER_URL": server.url}
    fanzha = str(Path(sys.executable).parent / "fanzha")
    worker = subprocess.Popen([fanzha, "stream", "worker", "--rule-every", "1",
                               "--stats-every", "60"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True)
    try:
        deadline = time.monotonic() + 60
        flagged: dict = {}
        while time.monotonic() < deadline and len(flagged) < 4 and worker.poll() is None:
            time.sleep(0.5)
            flagged = _entries(db)
    finally:
        worker.send_signal(signal.SIGINT)
        out, errors = worker.communicate(timeout=30)
        server.stop()
        db.dispose()
    assert set(flagged) == {DIALER, HALF, TEXTER, SIM_SWAP}, errors
    assert {e.provenance for e in flagged.values()} == {"rule"}
    assert '"number_rule"' in out
