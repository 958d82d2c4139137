"""Orders to operators on fraud numbers: raised from reports, by hand and from the model; the
operator's queue and answer; the 1-hour and 24-hour limits; appeals that lift the restriction."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from web_support import SYSTEM, report

from fanzha.domain import clock
from fanzha.domain.access import AccessDenied
from fanzha.domain.actor import Actor
from fanzha.domain.errors import InputRejected
from fanzha.domain.number_order import Basis, NumberOrderKind
from fanzha.domain.organisation import OrgKind
from fanzha.domain.report import VictimReport
from fanzha.domain.role import Role
from fanzha.services.intake import file_report
from fanzha.services.telecom.block_list import entry_state
from fanzha.services.telecom.number_orders import (
    answer_order,
    decide_appeal,
    file_appeal,
    list_orders,
    raise_from_model,
    raise_order,
)
from fanzha.store.db import Database
from fanzha.store.models import BlockListEntry, CaseEvent, NumberOrder, NumberOrderEvent

DUTY = Actor(username="duty", role=Role.DUTY_OFFICER, org_code="city", org_kind=OrgKind.CITY_CENTER, via="session")


def operator(code: str) -> Actor:
    return Actor(username=f"{code.lower()}-liaison", role=Role.OPERATOR_LIAISON, org_code=f"operator-{code}",
                 org_name=code, org_kind=OrgKind.OPERATOR, via="session")


def test_a_report_shuts_down_the_numbers_the_victim_names_within_the_hour(db: Database) -> None:
    contacts = [{"kind": "phone", "value": "+86 138-1234-5678"}, {"kind": "phone", "value": "17000000000"},
                {"kind": "url", "value": "http://example.invalid/app"}]
    with db.session() as s:
        case = file_report(s, SYSTEM, VictimReport.model_validate(report(contacts=contacts))).case
        (order,) = s.scalars(select(NumberOrder)).all()
        assert (order.number, order.operator, order.kind, order.basis, order.source, order.state) == (
            "13812345678", "CMCC", "shutdown", "reported", "case", "sent")
        assert order.due_at - order.raised_at == timedelta(hours=1) and order.case_id == case.id
        entry = s.get(BlockListEntry, order.block_entry_id)  # screened from this moment
        assert entry.number == "13812345678" and entry.provenance == "case" and entry_state(entry) == "live"
        assert entry.appeal_channel and order.appeal_channel
        (note,) = s.scalars(select(CaseEvent).where(CaseEvent.kind == "number_order_not_sent")).all()
        assert note.detail["number"] == "17000000000" and "operator is unknown" in note.detail["reason"]
    with db.session() as s:  # a second report naming the number finds the same order
        file_report(s, SYSTEM, VictimReport.model_validate(report(report_id="JQ-2", contacts=contacts[:1])))
        assert len(s.scalars(select(NumberOrder)).all()) == 1


def test_operator_queue_answer_and_overdue(db: Database) -> None:
    with db.session() as s:
        cmcc = raise_order(s, DUTY, "13912345678", NumberOrderKind.INTERCEPT, Basis.REPORTED, source="manual",
                           reason="多名群众举报").order
        ctcc = raise_from_model(s, DUTY, "18912345678", 0.97, ["callee_count", "short_call_share"]).order
        assert ctcc.kind == "reverify" and ctcc.due_at - ctcc.raised_at == timedelta(hours=24)
        cmcc.due_at = clock.now() - timedelta(minutes=5)  # an hour has passed
    with db.session() as s:
        mine = list_orders(s, operator("CMCC"))
        assert [(o.number, o.overdue) for o in mine] == [("13912345678", True)]
        assert [o.number for o in list_orders(s, operator("CMCC"), overdue_only=True)] == ["13912345678"]
        assert len(list_orders(s, DUTY)) == 2
        with pytest.raises(AccessDenied):
            answer_order(s, operator("CTCC"), cmcc.id, "executed")
        with pytest.raises(InputRejected, match="reason"):
            answer_order(s, operator("CMCC"), cmcc.id, "rejected")
        done = answer_order(s, operator("CMCC"), cmcc.id, "executed")
        assert done.state == "executed" and not done.overdue
        with pytest.raises(InputRejected, match="only a sent order"):
            answer_order(s, operator("CMCC"), cmcc.id, "executed")
        events = s.scalars(select(NumberOrderEvent).where(NumberOrderEvent.order_id == cmcc.id)).all()
        assert [(e.to_state, e.detail.get("late")) for e in events] == [("sent", None), ("executed", True)]


def test_appeal_granted_lifts_the_restriction_and_refused_keeps_it(db: Database) -> None:
    with db.session() as s:
        order = raise_order(s, DUTY, "13712345678", NumberOrderKind.SHUTDOWN, Basis.REPORTED, source="manual",
                            reason="冒充客服").order
        with pytest.raises(InputRejected, match="only an executed"):
            file_appeal(s, operator("CMCC"), order.id, "王某", "本人号码")
        answer_order(s, operator("CMCC"), order.id, "executed")
        first = file_appeal(s, operator("CMCC"), order.id, "王某", "号码为本人日常使用")
        with pytest.raises(InputRejected, match="still pending"):
            file_appeal(s, DUTY, order.id, "王某", "again")
        with pytest.raises(AccessDenied):
            decide_appeal(s, operator("CMCC"), first.id, True, "ok")
        with pytest.raises(InputRejected, match="reason"):
            decide_appeal(s, DUTY, first.id, False, " ")
        decide_appeal(s, DUTY, first.id, False, "通话记录显示大量外呼")
        assert s.get(NumberOrder, order.id).state == "executed"
        assert entry_state(s.get(BlockListEntry, order.block_entry_id)) == "live"
        second = file_appeal(s, DUTY, order.id, "王某", "补充材料：工作证明")
        decide_appeal(s, DUTY, second.id, True, "核实为本人正常使用")
        assert s.get(NumberOrder, order.id).state == "lifted"
        assert entry_state(s.get(BlockListEntry, order.block_entry_id)) == "lifted"
        with pytest.raises(InputRejected, match="already granted"):
            decide_appeal(s, DUTY, second.id, True, "again")
        again = raise_order(s, DUTY, "13712345678", NumberOrderKind.SHUTDOWN, Basis.REPORTED, source="manual",
                            reason="再次被举报")
        assert again.created and again.order.id != order.id  # a new flag after a lift is a new order


def test_bad_numbers_and_reasons_are_refused(db: Database) -> None:
    with db.session() as s:
        with pytest.raises(InputRejected) as refused:
            raise_order(s, DUTY, "12345", NumberOrderKind.SHUTDOWN, Basis.REPORTED, source="manual", reason="")
        assert {p.place for p in refused.value.problems} == {"number", "reason"}
        with pytest.raises(AccessDenied):
            raise_order(s, operator("CMCC"), "13812345678", NumberOrderKind.SHUTDOWN, Basis.REPORTED,
                        source="manual", reason="x")
        assert s.scalars(select(NumberOrder)).all() == []
