"""Freezes, second stops, releases, what expires soon, and returning frozen money to victims."""
from __future__ import annotations

import copy
from datetime import timedelta

import pytest
from sqlalchemy import select
from web_support import SYSTEM

from fanzha.domain.access import AccessDenied
from fanzha.domain.actor import Actor
from fanzha.domain.errors import InputRejected
from fanzha.domain.organisation import OrgKind
from fanzha.domain.report import VictimReport
from fanzha.domain.role import Role
from fanzha.services.funds.bank_answers import answer_order
from fanzha.services.funds.freezes import (
    convert_to_freeze,
    expire_freezes,
    expiring,
    get_freeze,
    list_freezes,
    release_freeze,
    release_order,
    renew_freeze,
    restop,
)
from fanzha.services.funds.restitution import publish_notice, return_money, return_plan
from fanzha.services.intake import file_report
from fanzha.store.db import Database
from fanzha.store.models import AuditEntry, Freeze, OrderEvent, Restitution, StopPaymentOrder

A = "6222000000000001"
REPORT = {
    "report_id": "JQ-DJ-001",
    "reported_at": "2024-05-30T15:40:00+08:00",
    "region": "城厢区",
    "victim": {"name": "陈某明", "id_number": "350302197901011234", "phone": "13812345678", "age": 45},
    "narrative": "刷单返利",
    "transfers": [{"time": "2024-05-30T15:02:00+08:00", "amount": "1000.00", "to_account": A,
                   "to_name": "李某", "to_bank": "工商银行"}],
    "contacts": [],
}
FUNDS = Actor(username="funds", role=Role.FUNDS_OFFICER, org_code="city", org_kind=OrgKind.CITY_CENTER, via="session")
COUNTY = Actor(username="lc-funds", role=Role.FUNDS_OFFICER, org_code="county-lc", org_kind=OrgKind.COUNTY_CENTER,
               region="荔城区", via="session")
DOC, DOC2, DOC3 = "莆公(刑)冻字〔2024〕101号", "莆公(刑)续冻字〔2024〕7号", "莆公(刑)续冻字〔2025〕3号"


def liaison(bank: str) -> Actor:
    return Actor(username=f"{bank.lower()}-liaison", role=Role.BANK_LIAISON, org_code=f"bank-{bank}",
                 org_name=bank, org_kind=OrgKind.BANK, via="session")


def _file(session, report_id: str = "JQ-DJ-001", amount: str = "1000.00", account: str = A,
          bank: str = "工商银行", id_number: str = "350302197901011234"):
    data = copy.deepcopy(REPORT)
    data["report_id"] = report_id
    data["victim"]["id_number"] = id_number
    data["transfers"][0].update(amount=amount, to_account=account, to_bank=bank)
    case = file_report(session, SYSTEM, VictimReport.model_validate(data)).case
    (order,) = session.scalars(select(StopPaymentOrder).where(StopPaymentOrder.case_id == case.id)).all()
    return case, order


def _stopped(db: Database, stopped_fen: int = 100000):
    with db.session() as s:
        case, order = _file(s)
        answer_order(s, liaison("ICBC"), order.id, "stopped", stopped_fen=stopped_fen)
        return case.id, order.id


def test_a_stopped_order_becomes_a_six_month_freeze_once(db: Database) -> None:
    case_id, order_id = _stopped(db, 90000)
    with db.session() as s:
        with pytest.raises(InputRejected, match="legal document"):
            convert_to_freeze(s, FUNDS, order_id, "  ")
        with pytest.raises(InputRejected, match="at most the 90000 fen"):
            convert_to_freeze(s, FUNDS, order_id, DOC, 90001)
        with pytest.raises(AccessDenied):  # a bank's liaison answers orders, it does not freeze
            convert_to_freeze(s, liaison("ICBC"), order_id, DOC)
        with pytest.raises(AccessDenied):  # a county's officer only for its county's cases
            convert_to_freeze(s, COUNTY, order_id, DOC)
    with db.session() as s:
        view = convert_to_freeze(s, FUNDS, order_id, DOC)
        assert (view.amount_fen, view.state, view.legal_document_no, view.renewals) == (90000, "active", DOC, 0)
        frozen_at = view.frozen_at
        local = view.expires_at.astimezone(frozen_at.tzinfo)
        assert (local - frozen_at) >= timedelta(days=181) and (local - frozen_at) <= timedelta(days=184)
        assert (local.day, local.hour, local.minute) == (frozen_at.day, frozen_at.hour, frozen_at.minute) or \
            local.day < frozen_at.day  # clipped at a month's end
        order = s.get(StopPaymentOrder, order_id)
        assert order.state == "frozen"
        assert [e.to_state for e in order.events][-1] == "frozen"
        assert s.scalar(select(AuditEntry).where(AuditEntry.action == "freeze.create")).object_id == str(view.id)
    with db.session() as s:
        with pytest.raises(InputRejected, match=f"converted to freeze #{view.id} already"):
            convert_to_freeze(s, FUNDS, order_id, DOC)
        assert len(s.scalars(select(Freeze)).all()) == 1


def test_only_a_stopped_order_can_be_frozen_and_a_smaller_sum_may_be(db: Database) -> None:
    with db.session() as s:
        _, sent = _file(s)
        with pytest.raises(InputRejected, match="only a stopped order"):
            convert_to_freeze(s, FUNDS, sent.id, DOC)
    with db.session() as s:
        answer_order(s, liaison("ICBC"), sent.id, "stopped", stopped_fen=100000)
        stopped = s.get(StopPaymentOrder, sent.id)
        with pytest.raises(InputRejected, match="ran out"):
            convert_to_freeze(s, FUNDS, sent.id, DOC, at=stopped.expires_at + timedelta(seconds=1))
        assert convert_to_freeze(s, FUNDS, sent.id, DOC, 40000).amount_fen == 40000


def test_renewal_runs_six_months_from_the_current_expiry(db: Database) -> None:
    _, order_id = _stopped(db)
    with db.session() as s:
        view = convert_to_freeze(s, FUNDS, order_id, DOC)
        first_expiry = view.expires_at
    with db.session() as s:
        with pytest.raises(InputRejected, match="legal document"):
            renew_freeze(s, FUNDS, view.id, "")
        with pytest.raises(InputRejected, match="its own legal document"):
            renew_freeze(s, FUNDS, view.id, DOC)
        renewed = renew_freeze(s, FUNDS, view.id, DOC2, at=first_expiry - timedelta(days=3))
        assert renewed.renewals == 1 and renewed.renewal_document_no == DOC2
        months = (renewed.expires_at.year - first_expiry.year) * 12 + renewed.expires_at.month - first_expiry.month
        assert months == 6 and renewed.expires_at.time() == first_expiry.time()
        with pytest.raises(InputRejected, match="used for freeze"):  # a double submit renews once
            renew_freeze(s, FUNDS, view.id, DOC2)
        again = renew_freeze(s, FUNDS, view.id, DOC3)
        assert again.renewals == 2 and again.expires_at > renewed.expires_at
        events = s.scalars(select(OrderEvent).where(OrderEvent.order_id == order_id).order_by(OrderEvent.id)).all()
        assert [e.detail.get("renewal") for e in events if "renewal" in e.detail] == [1, 2]
    with db.session() as s:
        with pytest.raises(InputRejected, match="ran out"):
            renew_freeze(s, FUNDS, view.id, "莆公(刑)续冻字〔2099〕1号", at=again.expires_at + timedelta(days=1))


def test_release_a_freeze_and_a_stopped_order_with_a_reason(db: Database) -> None:
    _, order_id = _stopped(db)
    with db.session() as s:
        freeze = convert_to_freeze(s, FUNDS, order_id, DOC)
        with pytest.raises(InputRejected, match="needs a reason"):
            release_freeze(s, FUNDS, freeze.id, " ")
        released = release_freeze(s, FUNDS, freeze.id, "经核实为正常交易")
        assert released.state == "released" and released.release_reason == "经核实为正常交易"
        with pytest.raises(InputRejected, match="only an active freeze"):
            release_freeze(s, FUNDS, freeze.id, "again")
        with pytest.raises(InputRejected, match="only an active freeze"):
            renew_freeze(s, FUNDS, freeze.id, DOC2)
    with db.session() as s:
        _, other = _file(s, "JQ-DJ-002", account="6222000000000099", id_number="350302198001011234")
        with pytest.raises(InputRejected, match="only a stopped order"):
            release_order(s, FUNDS, other.id, "误报")
        answer_order(s, liaison("ICBC"), other.id, "stopped", stopped_fen=100000)
        order = release_order(s, FUNDS, other.id, "误报")
        assert order.state == "released" and order.events[-1].detail == {"reason": "误报"}
        assert s.scalar(select(AuditEntry).where(AuditEntry.action == "order.release")) is not None


def test_a_second_stop_near_the_end_and_no_third(db: Database) -> None:
    _, order_id = _stopped(db)
    with db.session() as s:
        parent = s.get(StopPaymentOrder, order_id)
        with pytest.raises(InputRejected, match="last 6 hours"):
            restop(s, FUNDS, order_id)  # 48 hours to go
        near = parent.expires_at - timedelta(hours=1)
        child = restop(s, FUNDS, order_id, at=near)
        assert (child.parent_id, child.account_number, child.amount_fen, child.state, child.source) == (
            order_id, A, parent.amount_fen, "sent", "restop")
        assert child.order_no.startswith("ZF-") and [e.to_state for e in child.events] == ["drafted", "sent"]
        with pytest.raises(InputRejected, match="stopped again already"):
            restop(s, FUNDS, order_id, at=near)
    with db.session() as s:
        answer_order(s, liaison("ICBC"), child.id, "stopped", stopped_fen=100000)  # the second stop
        second = s.get(StopPaymentOrder, child.id)
        with pytest.raises(InputRejected, match="stopped 2 times already.*freeze"):
            restop(s, FUNDS, child.id, at=second.expires_at - timedelta(hours=2))
        with pytest.raises(InputRejected, match="stopped 2 times already.*freeze"):  # said at once, not at the end
            restop(s, FUNDS, child.id)
        assert len(s.scalars(select(StopPaymentOrder)).all()) == 2


def test_expiring_lists_stops_and_freezes_soonest_first(db: Database) -> None:
    _, order_id = _stopped(db)
    with db.session() as s:
        _, other = _file(s, "JQ-DJ-003", account="6217000000000002", bank="建设银行",
                         id_number="350302198101011234")
        answer_order(s, liaison("CCB"), other.id, "stopped", stopped_fen=50000)
        freeze = convert_to_freeze(s, FUNDS, other.id, DOC)
        stop_end = s.get(StopPaymentOrder, order_id).expires_at
    with db.session() as s:
        soon = stop_end - timedelta(hours=2)
        items = expiring(s, FUNDS, timedelta(hours=6), at=soon)
        assert [(i.kind, i.id, i.near_expiry) for i in items] == [("stop", order_id, True)]
        assert items[0].left == timedelta(hours=2)
        assert expiring(s, FUNDS, timedelta(hours=6), at=stop_end - timedelta(hours=7)) == []
        later = expiring(s, FUNDS, timedelta(days=200), at=stop_end - timedelta(hours=7))
        assert [(i.kind, i.near_expiry) for i in later] == [("stop", False), ("freeze", False)]
        month = expiring(s, FUNDS, timedelta(days=30), at=freeze.expires_at - timedelta(days=10))
        assert [(i.kind, i.id, i.near_expiry) for i in month] == [("freeze", freeze.id, True)]
        # a bank's liaison sees its own bank's, without the case
        ccb = expiring(s, liaison("CCB"), timedelta(days=200), at=stop_end - timedelta(hours=7))
        assert [(i.kind, i.bank, i.case_id) for i in ccb] == [("freeze", "CCB", None)]
        assert [f.bank for f in list_freezes(s, liaison("CCB"))] == ["CCB"]
        assert list_freezes(s, liaison("ICBC")) == []
        with pytest.raises(AccessDenied):
            get_freeze(s, liaison("ICBC"), freeze.id)
        assert list_freezes(s, COUNTY) == []


def test_one_victim_gets_the_money_back_directly_once(db: Database) -> None:
    case_id, order_id = _stopped(db, 80000)
    with db.session() as s:
        freeze = convert_to_freeze(s, FUNDS, order_id, DOC)
        plan = return_plan(s, FUNDS, freeze.id)
        assert plan.mode == "direct" and plan.blocked is None and plan.share_total_fen == 80000
        (row,) = return_money(s, FUNDS, freeze.id)
        assert (row.case_id, row.amount_fen, row.mode) == (case_id, 80000, "direct")
        assert get_freeze(s, FUNDS, freeze.id).state == "returned"
    with db.session() as s:
        with pytest.raises(InputRejected, match="returned already"):
            return_money(s, FUNDS, freeze.id)
        assert len(s.scalars(select(Restitution)).all()) == 1
        assert get_freeze(s, FUNDS, freeze.id).returned_fen == 80000


def test_many_victims_wait_for_the_notice_then_share_to_the_fen(db: Database) -> None:
    with db.session() as s:
        first, order = _file(s, "JQ-DJ-011", "1000.01")
        second, _ = _file(s, "JQ-DJ-012", "300.00", id_number="350302198201011234")
        third, _ = _file(s, "JQ-DJ-013", "333.33", id_number="350302198301011234")
        answer_order(s, liaison("ICBC"), order.id, "stopped", stopped_fen=100001)  # odd fen on purpose
        assert return_plan(s, FUNDS, convert_to_freeze(s, FUNDS, order.id, DOC).id).mode == "proportional"
        freeze = get_freeze(s, FUNDS, s.scalar(select(Freeze.id)))
        with pytest.raises(InputRejected, match="publish the 30-day notice"):
            return_money(s, FUNDS, freeze.id)
        plan = publish_notice(s, FUNDS, freeze.id)
        published, ends = plan.notice_published_at, plan.notice_ends_at
        assert ends - published == timedelta(days=30) and plan.mode == "proportional"
        with pytest.raises(InputRejected, match="published already"):
            publish_notice(s, FUNDS, freeze.id)
    with db.session() as s:
        with pytest.raises(InputRejected, match="ends " + f"{ends.astimezone(first.reported_at.tzinfo):%Y}"):
            return_money(s, FUNDS, freeze.id, at=ends - timedelta(minutes=1))
        rows = return_money(s, FUNDS, freeze.id, at=ends)
        got = {r.case_id: r.amount_fen for r in rows}
        assert sum(got.values()) == 100001 and all(isinstance(v, int) for v in got.values())
        # 100001 fen split by losses 100001 : 30000 : 33333 (of 163334), largest remainder
        assert got == {first.id: 61226, second.id: 18367, third.id: 20408}
        assert {r.mode for r in rows} == {"proportional"} and all(r.notice_published_at == published for r in rows)
    with db.session() as s:
        with pytest.raises(InputRejected, match="returned already"):
            return_money(s, FUNDS, freeze.id, at=ends + timedelta(days=1))
        assert sum(s.scalars(select(Restitution.amount_fen))) == 100001


def test_a_freeze_not_renewed_expires(db: Database) -> None:
    _, order_id = _stopped(db)
    with db.session() as s:
        freeze = convert_to_freeze(s, FUNDS, order_id, DOC)
    with db.session() as s:
        assert expire_freezes(s, freeze.expires_at - timedelta(seconds=1)) == []
        assert expire_freezes(s, freeze.expires_at) == [freeze.id]
        assert get_freeze(s, FUNDS, freeze.id).state == "expired"
        with pytest.raises(InputRejected, match="only an active freeze"):
            renew_freeze(s, FUNDS, freeze.id, DOC2)
        assert expire_freezes(s, freeze.expires_at + timedelta(days=1)) == []


def test_nothing_to_freeze_when_the_bank_stopped_nothing(db: Database) -> None:
    with db.session() as s:
        _, order = _file(s)
        answer_order(s, liaison("ICBC"), order.id, "stopped", stopped_fen=0)
        with pytest.raises(InputRejected, match="nothing to freeze"):
            convert_to_freeze(s, FUNDS, order.id, DOC)
