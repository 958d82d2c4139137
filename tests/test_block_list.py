"""Block lists (拦截名单): reason, provenance, appeal channel and expiry required; lifting on appeal;
the CSV export; who may do what."""
from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from fanzha.domain import clock
from fanzha.domain.access import AccessDenied
from fanzha.domain.actor import Actor
from fanzha.domain.errors import InputRejected
from fanzha.domain.organisation import OrgKind
from fanzha.domain.role import Role
from fanzha.services.telecom.block_list import (
    NewEntry,
    add_entries,
    entry_state,
    export_csv,
    lift_entry,
    live_flags,
)
from tests.stream_support import SYSTEM


def test_entries_need_a_reason_a_known_provenance_a_reference_and_a_future_expiry(db) -> None:
    bad = [NewEntry(number="17000000001", reason=" ", provenance="case"),
           NewEntry(number="phone", reason="x", provenance="rumour", list_kind="maybe",
                    expires_at=clock.now() - timedelta(days=1))]
    with db.session() as s, pytest.raises(InputRejected) as caught:
        add_entries(s, SYSTEM, bad)
    places = {p.place for p in caught.value.problems}
    assert {"entries.0.reason", "entries.0.provenance_ref", "entries.1.number", "entries.1.provenance",
            "entries.1.list_kind", "entries.1.expires_at"} <= places
    with db.session() as s:
        assert live_flags(s) == []  # a refused lot adds nothing


def test_lifting_on_appeal_takes_the_number_off_the_screen_and_the_export_shows_it_all(db) -> None:
    with db.session() as s:
        kept, lifted = add_entries(s, SYSTEM, [
            NewEntry(number="17000000001", reason="victim report", provenance="case", provenance_ref="JQ-1"),
            NewEntry(number="17000000002", reason="model", provenance="model", provenance_ref="lgbm-2024-06",
                     list_kind="suspected", score=0.97)])
    with db.session() as s:
        lift_entry(s, SYSTEM, lifted.id, "申诉成功: the subscriber proved the number is theirs")
        with pytest.raises(InputRejected):
            lift_entry(s, SYSTEM, lifted.id, "again")
    with db.session() as s:
        assert [f.number for f in live_flags(s)] == ["17000000001"]
        assert [f.number for f in live_flags(s, at=kept.expires_at + timedelta(seconds=1))] == []
        text, rows = export_csv(s, SYSTEM)
    table = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows == 2 and table[0][0] == "号码 number"
    assert table[1][3:5] == ["case", "JQ-1"] and table[1][-1] == "live" and table[1][9]
    assert table[2][5] == "0.9700" and table[2][-1] == "lifted" and "申诉成功" in table[2][12]
    assert entry_state(kept, kept.expires_at) == "expired"


def test_only_the_telecom_desk_adds_and_an_operator_reads(db) -> None:
    operator = Actor(username="op", role=Role.OPERATOR_LIAISON, org_kind=OrgKind.OPERATOR, org_code="operator-CMCC")
    with db.session() as s, pytest.raises(AccessDenied):
        add_entries(s, operator, [NewEntry(number="17000000001", reason="x", provenance="manual")])
    with db.session() as s:
        assert export_csv(s, operator)[1] == 0
