"""The demo's simulated banks answer their queues from their ledgers, and the money is followed."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from test_follow_money import HEADER, REPORT, STATEMENT_A, STATEMENT_B, A, B, _import
from web_support import SYSTEM

from fanzha.domain import clock
from fanzha.domain.report import VictimReport
from fanzha.services.intake import file_report
from fanzha.sim.bank_desks import MAX_DELAY, SimulatedBanks, answer_delay
from fanzha.store.db import Database
from fanzha.store.models import AuditEntry, OrderEvent, StopPaymentOrder


def _orders(db: Database) -> dict[tuple[str, int], StopPaymentOrder]:
    with db.session() as s:
        return {(o.account_number, o.level): o for o in s.scalars(select(StopPaymentOrder))}


def test_delays_are_realistic_and_the_same_every_run() -> None:
    delays = [answer_delay(f"ZF-20240530-{n:06d}") for n in range(400)]
    assert delays == [answer_delay(f"ZF-20240530-{n:06d}") for n in range(400)]
    assert all(timedelta(0) < d <= MAX_DELAY for d in delays)
    median = sorted(delays)[200]
    assert timedelta(minutes=1) < median < timedelta(minutes=4)


def test_banks_stop_from_the_ledger_and_the_platform_follows(db: Database, tmp_path) -> None:
    _import(db, tmp_path, "a.csv", STATEMENT_A)
    _import(db, tmp_path, "b.csv", STATEMENT_B)
    with db.session() as s:
        file_report(s, SYSTEM, VictimReport.model_validate(REPORT))
    banks = SimulatedBanks(db)
    assert banks.work(clock.now()) == []  # nobody answers in the first second
    later = clock.now() + MAX_DELAY + timedelta(seconds=1)
    first = banks.work(later)
    assert [outcome for _, outcome in first] == ["stopped"]
    orders = _orders(db)
    level1 = orders[(A, 1)]
    assert level1.state == "stopped" and level1.stopped_fen == 500_000  # A's last balance, 5,000.00
    level2 = orders[(B, 2)]  # the statement went back with the stop: B holds 30,000.00
    assert level2.state == "sent" and level2.amount_fen == 3_000_000 and level2.parent_id == level1.id
    second = banks.work(later + MAX_DELAY + timedelta(seconds=1))
    assert second == [(level2.order_no, "stopped")]
    assert _orders(db)[(B, 2)].stopped_fen == 3_000_000
    with db.session() as s:
        actors = {e.actor for e in s.scalars(select(OrderEvent).where(OrderEvent.to_state == "stopped"))}
        assert actors == {"sim-bank:ICBC", "sim-bank:CCB"}
        assert s.scalars(select(AuditEntry).where(AuditEntry.action == "order.answer")).all()
    assert banks.work(later + 2 * MAX_DELAY) == []  # answered once


def test_banks_reject_what_their_ledger_does_not_hold(db: Database, tmp_path) -> None:
    wrong_name = HEADER + f"{A},张某,工商银行,2024-05-30 15:03:00,进,50000.00,50000.00,,,,转入\n"
    _import(db, tmp_path, "a.csv", wrong_name)
    with db.session() as s:
        file_report(s, SYSTEM, VictimReport.model_validate(REPORT))
    answered = SimulatedBanks(db).work(clock.now() + MAX_DELAY + timedelta(seconds=1))
    assert [outcome for _, outcome in answered] == ["rejected"]
    order = _orders(db)[(A, 1)]
    assert order.state == "rejected" and order.reject_reason.startswith("account_name")


def test_a_third_order_on_an_account_is_rejected_with_the_reason(db: Database, tmp_path) -> None:
    import copy

    _import(db, tmp_path, "a.csv", STATEMENT_A)
    with db.session() as s:
        for n in range(3):  # three victims paid the same card; all three orders are sent before any answer
            data = copy.deepcopy(REPORT)
            data["report_id"] = f"JQ-SAME-{n}"
            file_report(s, SYSTEM, VictimReport.model_validate(data))
    answered = SimulatedBanks(db).work(clock.now() + MAX_DELAY + timedelta(seconds=1))
    assert sorted(outcome for _, outcome in answered) == ["rejected", "stopped", "stopped"]
    with db.session() as s:
        (rejected,) = s.scalars(select(StopPaymentOrder).where(StopPaymentOrder.state == "rejected")).all()
        assert "freeze" in rejected.reject_reason
