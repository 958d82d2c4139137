"""Follow the money (资金续追): the next level of orders, raised from the statements in hand.

The case's transfers are the trace's sources (the victim paid ``to_account`` these sums at these
times). The stored statements of every account the money can have reached — the level-1
accounts, their counterparties, theirs, up to ``max_level`` — are traced; every account at level 2
or deeper that still holds stolen money gets a stop-payment order for what it holds (source
"trace"), and every account the money went to without a statement in hand gets a statement
request (调证). Both are idempotent: an order is one per case, account and level, a request one
per case and account, so following again after each new statement raises only what is new.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from fanzha.domain import clock
from fanzha.domain.access import AccessDenied, case_in_scope
from fanzha.domain.actor import Actor
from fanzha.domain.errors import InputRejected, Problem
from fanzha.domain.organisation import bank_by_name
from fanzha.domain.permissions import Permission
from fanzha.engines.fund_tracing import AttributionRule, LedgerIndex, Source, TraceResult, trace
from fanzha.engines.fund_tracing.sources import epoch_us
from fanzha.services import audit
from fanzha.services.funds.orders import issue_order, note_bank_unknown, order_exists
from fanzha.store.models import Case, StatementPosting, StatementRequest, StopPaymentOrder

MAX_LEVEL = 10
REQUESTED = "requested"
POSTING_COLUMNS = ("account", "account_name", "bank", "direction", "amount_fen", "balance_fen",
                   "counterparty_account", "counterparty_name", "counterparty_bank", "channel", "memo", "txn_id")
LOOKUP_CHUNK = 500


def request_key(case_id: int, account: str) -> str:
    return f"case:{case_id}|acct:{account}"


@dataclass
class FollowResult:
    case_id: int
    trace: dict
    orders: list[StopPaymentOrder] = field(default_factory=list)  # raised by this run
    requests: list[StatementRequest] = field(default_factory=list)  # created by this run

    def as_dict(self) -> dict:
        return {
            "case_id": self.case_id,
            "orders_raised": [{"id": o.id, "order_no": o.order_no, "level": o.level, "bank": o.bank,
                               "account_number": o.account_number, "amount_fen": o.amount_fen,
                               "parent_id": o.parent_id} for o in self.orders],
            "statement_requests": [{"id": r.id, "bank": r.bank, "account_number": r.account_number,
                                    "level": r.level} for r in self.requests],
            "trace": self.trace,
        }


def _postings(session: Session, start: set[str], max_level: int) -> list[StatementPosting]:
    """The stored postings of the accounts reachable from ``start``, level by level."""
    seen: set[str] = set()
    frontier = set(start)
    rows: list[StatementPosting] = []
    for _ in range(max_level):
        frontier -= seen
        if not frontier:
            break
        seen |= frontier
        batch: list[StatementPosting] = []
        accounts = sorted(frontier)
        for i in range(0, len(accounts), LOOKUP_CHUNK):
            batch.extend(session.scalars(select(StatementPosting).where(
                StatementPosting.account.in_(accounts[i:i + LOOKUP_CHUNK]))))
        rows.extend(batch)
        frontier = {p.counterparty_account.strip() for p in batch if p.counterparty_account
                    and p.counterparty_account.strip()}
    return rows


def _frame(rows: list[StatementPosting]) -> pl.DataFrame:
    schema = {c: pl.Int64 if c.endswith("_fen") else pl.String for c in POSTING_COLUMNS}
    data = {c: [getattr(p, c) for p in rows] for c in POSTING_COLUMNS}
    data["time"] = [epoch_us(p.time) for p in rows]
    data["place"] = [f"statement posting #{p.id}" for p in rows]
    schema.update(time=pl.Int64, place=pl.String)
    return pl.DataFrame(data, schema=schema)


@dataclass
class CaseTrace:
    """A stored case traced through the statements in hand: the engine's result, the postings it
    read, and the bank each account is known by (from its own rows or its counterparties')."""

    case: Case
    result: TraceResult | None
    rows: list[StatementPosting]
    banks_of: dict[str, str]


def trace_case(session: Session, actor: Actor, case_id: int, rule: str = "proportional",
               max_level: int = MAX_LEVEL, permission: Permission = Permission.ORDERS_READ) -> CaseTrace:
    """Trace a stored case's money (read only): its transfers are the sources, the stored
    statements of every account the money can have reached are the ledger."""
    if not actor.may(permission):
        raise AccessDenied(actor, permission, "role", object_type="case", object_id=case_id)
    case = session.get(Case, case_id)
    if case is None:
        raise InputRejected([Problem("case_id", f"no case #{case_id}")], "unknown case")
    if not case_in_scope(actor, case.region, case.station_id):
        raise AccessDenied(actor, permission, "scope", object_type="case", object_id=case_id)
    sources = [Source(victim=case.report_id, account=t.to_account.strip(), amount_fen=t.amount_fen, time=t.time,
                      from_account=t.from_account, bank=t.to_bank, holder=t.to_name,
                      place=f"case {case.report_id}, transfer #{t.id}")
               for t in case.transfers if t.to_account and t.to_account.strip()]
    if not sources:
        return CaseTrace(case, None, [], {})
    rows = _postings(session, {s.account for s in sources}, max_level)
    traced = trace(LedgerIndex.from_postings(_frame(rows)), sources, AttributionRule(rule), max_level)
    banks_of: dict[str, str] = {}
    for p in rows:
        if p.bank:
            banks_of.setdefault(p.account, p.bank)
        if p.counterparty_account and p.counterparty_bank:
            banks_of.setdefault(p.counterparty_account.strip(), p.counterparty_bank)
    return CaseTrace(case, traced, rows, banks_of)


def follow_money(session: Session, actor: Actor, case_id: int, rule: str = "proportional",
                 max_level: int = MAX_LEVEL) -> FollowResult:
    """Trace the case's money through the statements in hand and raise the next level of orders
    and the statement requests; returns the trace and what this run raised."""
    traced_case = trace_case(session, actor, case_id, rule, max_level, Permission.ORDERS_ISSUE)
    case, traced, rows, banks_of = traced_case.case, traced_case.result, traced_case.rows, traced_case.banks_of
    result = FollowResult(case_id=case.id, trace={})
    if traced is None:
        return result
    result.trace = traced.as_dict()
    at = clock.now()

    # Orders: the accounts past level 1 still holding stolen money, shallowest first (parents exist).
    orders = {(o.account_number, o.level): o for o in session.scalars(
        select(StopPaymentOrder).where(StopPaymentOrder.case_id == case.id))}
    payers = {}  # account → the account it first got tainted money from
    for flow in traced.flows:
        if flow.to_account and flow.tainted_fen > 0:
            payers.setdefault(flow.to_account, flow.from_account)
    for acct in sorted(traced.accounts, key=lambda a: (a.level, a.account)):
        if acct.level < 2 or acct.tainted_held_fen <= 0:
            continue
        if order_exists(session, case.id, acct.account, acct.level):
            continue
        names = tuple(n for n in (acct.bank, banks_of.get(acct.account)) if n)
        bank = next((b for b in map(bank_by_name, names) if b is not None), None)
        if bank is None:
            note_bank_unknown(session, case.id, actor, at, acct.account, acct.tainted_held_fen, names)
            continue
        parent = orders.get((payers.get(acct.account), acct.level - 1))
        holder = acct.holder or next((p.account_name for p in rows if p.account == acct.account and p.account_name), "")
        order = issue_order(session, case, actor, at, level=acct.level, bank=bank, account_number=acct.account,
                            account_name=holder or "", amount_fen=acct.tainted_held_fen,
                            transfer_time=acct.first_tainted_at or at, source="trace",
                            parent_id=parent.id if parent is not None else None)
        if order is not None:
            orders[(acct.account, acct.level)] = order
            result.orders.append(order)

    # Statement requests (调证): once per case and account.
    for req in traced.statement_requests:
        key = request_key(case.id, req.account)
        if session.scalar(select(StatementRequest.id).where(StatementRequest.dedup_key == key)) is not None:
            continue
        names = tuple(n for n in (req.bank, banks_of.get(req.account)) if n)
        bank = next((b for b in map(bank_by_name, names) if b is not None), None)
        request = StatementRequest(dedup_key=key, case_id=case.id, bank=bank.code if bank else "",
                                   account_number=req.account[:32], level=req.level, state=REQUESTED,
                                   requested_at=at)
        session.add(request)
        session.flush()
        audit.record(session, actor, "statement.request", object_type="statement_request", object_id=request.id,
                     detail={"case_id": case.id, "account": req.account, "bank": request.bank or None,
                             "level": req.level, "amount_fen": req.amount_fen, "reason": req.reason})
        result.requests.append(request)
    session.flush()
    return result
