"""Level-1 stop-payment orders (一级卡止付), raised the moment a report with transfers is filed.

One order per receiving account of the case's transfers: the four fields the bank checks are the
account number, the holder's name as the victim gave it, the sum the victim paid into that account
and the time of the first payment. Orders go out at once (drafted → sent in the same transaction
as the case). Raising is idempotent: ``dedup_key`` is case + account + level, so a retry finds the
order already there. An account the bank of which is unknown gets no order but a case event that
says so; an account already stopped twice (the limit) gets none either, with the reason recorded.
"""
from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fanzha.domain import clock
from fanzha.domain.access import AccessDenied, case_in_scope
from fanzha.domain.actor import Actor
from fanzha.domain.organisation import Bank, bank_by_name
from fanzha.domain.permissions import Permission, Scope
from fanzha.domain.stop_payment import MAX_STOPS_PER_ACCOUNT, OrderState, may_stop_again
from fanzha.services import audit
from fanzha.services.analysis.graph_build import graph_after_order
from fanzha.store.models import Case, CaseEvent, CaseTransfer, OrderEvent, StopPaymentOrder

LEVEL1 = 1
EVENT_BANK_UNKNOWN = "order_not_sent"
EVENT_STOP_LIMIT = "order_refused"
EVENT_ORDER_SENT = "order_sent"


def dedup_key(case_id: int, account: str, level: int) -> str:
    return f"case:{case_id}|acct:{account}|level:{level}"


def previous_stops(session: Session, account_number: str) -> int:
    """How many orders on this account reached 'stopped' (whatever became of them since)."""
    return session.scalar(select(func.count()).select_from(StopPaymentOrder).where(
        StopPaymentOrder.account_number == account_number, StopPaymentOrder.stopped_at.is_not(None))) or 0


def move(session: Session, order: StopPaymentOrder, target: OrderState, actor: Actor, at: datetime,
         detail: dict | None = None) -> None:
    """Move an order along its state machine, with an OrderEvent (the audit entry is the caller's)."""
    current = OrderState(order.state) if order.state else None
    if current is not None and not current.can_move_to(target):
        raise ValueError(f"an order in state {current.value} cannot move to {target.value}")
    order.state = target.value
    order.events.append(OrderEvent(at=at, from_state=current.value if current else None, to_state=target.value,
                                   actor=actor.username[:64], detail=detail or {}))


@dataclass(frozen=True)
class _Account:
    number: str
    name: str
    amount_fen: int
    first_time: datetime
    bank_names: tuple[str, ...]


def _accounts(transfers: list[CaseTransfer]) -> list[_Account]:
    grouped: dict[str, list[CaseTransfer]] = defaultdict(list)
    for t in transfers:
        if t.to_account and t.to_account.strip():
            grouped[t.to_account.strip()].append(t)
    accounts = []
    for number, paid in grouped.items():
        paid.sort(key=lambda t: t.time)
        accounts.append(_Account(
            number=number,
            name=next((t.to_name.strip() for t in paid if t.to_name and t.to_name.strip()), ""),
            amount_fen=sum(t.amount_fen for t in paid),
            first_time=paid[0].time,
            bank_names=tuple(t.to_bank for t in paid if t.to_bank),
        ))
    return sorted(accounts, key=lambda a: (a.first_time, a.number))


def _has_event(session: Session, case_id: int, kind: str, account: str) -> bool:
    events = session.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id, CaseEvent.kind == kind))
    return any((e.detail or {}).get("account") == account for e in events)


def order_exists(session: Session, case_id: int, account: str, level: int) -> bool:
    key = dedup_key(case_id, account, level)
    return session.scalar(select(StopPaymentOrder.id).where(StopPaymentOrder.dedup_key == key)) is not None


def note_bank_unknown(session: Session, case_id: int, actor: Actor, at: datetime, account: str, amount_fen: int,
                      bank_names: tuple[str, ...]) -> None:
    """A case event (once per account) saying the order was not sent because the bank is unknown."""
    if not _has_event(session, case_id, EVENT_BANK_UNKNOWN, account):
        session.add(CaseEvent(case_id=case_id, at=at, kind=EVENT_BANK_UNKNOWN, actor=actor.username[:64], detail={
            "account": account, "amount_fen": amount_fen, "bank": ", ".join(bank_names) or None,
            "reason": "bank unknown, order not sent: name the receiving bank and raise the order by hand"}))


def issue_order(session: Session, case: Case, actor: Actor, at: datetime, *, level: int, bank: Bank,
                account_number: str, account_name: str, amount_fen: int, transfer_time: datetime, source: str,
                parent_id: int | None = None, audited: bool = True) -> StopPaymentOrder | None:
    """Raise and send one order, unless the account was stopped twice already (then None, reason recorded).

    The caller has checked the order is not there yet (``order_exists``) and may raise it.
    """
    stops = previous_stops(session, account_number)
    if not may_stop_again(stops):
        if not _has_event(session, case.id, EVENT_STOP_LIMIT, account_number):
            reason = (f"account already stopped {stops} times; at most {MAX_STOPS_PER_ACCOUNT} stops per account "
                      "— ask for a freeze (冻结) instead")
            session.add(CaseEvent(case_id=case.id, at=at, kind=EVENT_STOP_LIMIT, actor=actor.username[:64],
                                  detail={"account": account_number, "bank": bank.code, "reason": reason}))
            audit.record(session, actor, "order.refused", object_type="case", object_id=case.id,
                         detail={"account": account_number, "bank": bank.code, "reason": reason})
        return None
    order = StopPaymentOrder(
        order_no=f"TMP-{uuid.uuid4().hex[:24]}", dedup_key=dedup_key(case.id, account_number, level), case_id=case.id,
        level=level, parent_id=parent_id, bank=bank.code, account_number=account_number,
        account_name=account_name[:64], amount_fen=amount_fen, transfer_time=transfer_time, state=None,
        source=source, created_at=at, created_by=actor.username[:64],
    )
    move(session, order, OrderState.DRAFTED, actor, at)
    move(session, order, OrderState.SENT, actor, at, {"bank": bank.code})
    order.sent_at = at
    session.add(order)
    session.flush()
    graph_after_order(session, stop_id=order.id)  # the entity graph (研判): case involves the card
    order.order_no = f"ZF-{at.astimezone(clock.CENTER_TZ):%Y%m%d}-{order.id:06d}"
    session.add(CaseEvent(case_id=case.id, at=at, kind=EVENT_ORDER_SENT, actor=actor.username[:64],
                          detail={"order_no": order.order_no, "bank": bank.code, "account": account_number,
                                  "amount_fen": amount_fen, "level": level}))
    if audited:
        audit.record(session, actor, "order.raise", object_type="order", object_id=order.id, detail={
            "order_no": order.order_no, "case_id": case.id, "level": level, "bank": bank.code,
            "account": account_number, "amount_fen": amount_fen, "state": order.state, "source": source})
    return order


def raise_level1_orders(session: Session, case: Case, actor: Actor, *, audited: bool = True) -> list[StopPaymentOrder]:
    """Raise and send one level-1 order per receiving account; returns the orders newly raised.

    Whoever may file the report may start its stop-payment (the first order must go out within
    30 minutes; filing is the moment). Already-raised orders are left as they are.
    """
    if not (actor.may(Permission.ORDERS_ISSUE) or actor.may(Permission.CASE_CREATE)):
        raise AccessDenied(actor, Permission.ORDERS_ISSUE, "role", object_type="case", object_id=case.id)
    if not case_in_scope(actor, case.region, case.station_id):
        raise AccessDenied(actor, Permission.ORDERS_ISSUE, "scope", object_type="case", object_id=case.id)
    at = clock.now()
    raised: list[StopPaymentOrder] = []
    for acct in _accounts(list(case.transfers)):
        if order_exists(session, case.id, acct.number, LEVEL1):
            continue
        bank = next((b for b in map(bank_by_name, acct.bank_names) if b is not None), None)
        if bank is None:
            note_bank_unknown(session, case.id, actor, at, acct.number, acct.amount_fen, acct.bank_names)
            continue
        order = issue_order(session, case, actor, at, level=LEVEL1, bank=bank, account_number=acct.number,
                            account_name=acct.name, amount_fen=acct.amount_fen, transfer_time=acct.first_time,
                            source="report", audited=audited)
        if order is None:
            continue
        raised.append(order)
    session.flush()
    return raised


def orders_of_case(session: Session, case_id: int) -> list[StopPaymentOrder]:
    return list(session.scalars(select(StopPaymentOrder).where(StopPaymentOrder.case_id == case_id)
                                .order_by(StopPaymentOrder.level, StopPaymentOrder.id)))


def bank_scope_filter(actor: Actor, model):
    """Extra WHERE terms for the rows of ``model`` (an order or a freeze: ``bank`` and ``case_id``
    columns) an actor sees; None means none at all."""
    scope = actor.scope
    if scope is Scope.ALL:
        return []
    if scope is Scope.OWN_BANK:
        return [model.bank == actor.bank_code] if actor.bank_code else None
    if scope is Scope.COUNTY:
        return [model.case_id.in_(select(Case.id).where(Case.region == actor.region))]
    if scope is Scope.STATION:
        return [model.case_id.in_(select(Case.id).where(Case.station_id == actor.org_id))]
    return None


def scope_filter(actor: Actor):
    """Extra WHERE terms for the orders an actor sees; None means none at all."""
    return bank_scope_filter(actor, StopPaymentOrder)
