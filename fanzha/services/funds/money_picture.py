"""A case's money as data for a picture (资金流向图): the victim, every account the money reached
level by level with its order, and where the money left the trail, joined by links with sums.

Built from ``trace_case`` (read only) and the case's orders. Links carry the victims' money only
(tainted fen): victim → level-1 accounts (the transfers), account → account (tainted flows),
account → cash / purchases (spent), account → untraced (arrived where no statement is in hand)
and account → held (still in the account, what a stop or freeze can save). For every account
in = out + held + untraced, so the picture adds up to the fen. A Sankey cannot draw a loop, so a
flow that would close one (money sent back up the chain) is left out of ``links`` and listed in
``loops``.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from fanzha.domain import clock
from fanzha.domain.actor import Actor
from fanzha.domain.stop_payment import OrderState, is_near_expiry
from fanzha.services.funds.follow_money import trace_case
from fanzha.services.funds.orders import orders_of_case
from fanzha.store.models import Freeze

VICTIM = "victim"
EXIT_NODES = {"cash": "exit:cash", "purchase": "exit:purchase", "untraced": "exit:untraced", "held": "exit:held"}


@dataclass
class PictureOrder:
    id: int
    order_no: str
    state: str
    level: int
    stopped_fen: int | None
    expires_at: datetime | None
    seconds_left: int | None  # of its 48 hours, while stopped
    near_expiry: bool
    freeze_id: int | None = None
    freeze_state: str | None = None
    may_restop: bool = False


@dataclass
class PictureNode:
    id: str
    kind: str  # victim / account / cash / purchase / untraced / held
    label: str
    level: int  # 0 the victim; exits one past the deepest account
    bank: str | None = None
    holder: str | None = None
    in_fen: int = 0
    out_fen: int = 0
    held_fen: int = 0
    untraced_fen: int = 0
    in_hand: bool | None = None
    order: PictureOrder | None = None


@dataclass
class PictureLink:
    source: str
    target: str
    fen: int


@dataclass
class MoneyPicture:
    case_id: int
    report_id: str
    rule: str | None
    stolen_fen: int
    nodes: list[PictureNode]
    links: list[PictureLink]
    exits: list[dict]  # cash, purchases and untraced, each as the trace states it
    totals: dict
    loops: list[PictureLink] = field(default_factory=list)
    traced: bool = True  # False when the case has no transfers to trace

    def accounts(self) -> list[PictureNode]:
        return [n for n in self.nodes if n.kind == "account"]

    def as_dict(self) -> dict:
        return asdict(self)


def _closes_loop(edges: dict[str, set[str]], source: str, target: str) -> bool:
    """Whether a link source → target would close a loop (target already reaches source)."""
    seen, stack = set(), [target]
    while stack:
        node = stack.pop()
        if node == source:
            return True
        if node in seen:
            continue
        seen.add(node)
        stack.extend(edges.get(node, ()))
    return False


def _account_id(number: str) -> str:
    return f"acct:{number}"


def money_picture(session: Session, actor: Actor, case_id: int, *, at: datetime | None = None) -> MoneyPicture:
    """The case's money picture for someone who may read its orders (ORDERS_READ, case in scope)."""
    at = at or clock.now()
    traced = trace_case(session, actor, case_id)
    case, result = traced.case, traced.result
    orders = orders_of_case(session, case.id)
    freezes = {f.order_id: f for f in session.scalars(select(Freeze).where(Freeze.case_id == case.id))}
    latest: dict[str, PictureOrder] = {}
    # One order per account: the one holding the money now (stopped) before any other, then the
    # latest (a second stop that is still on its way does not hide the stop it renews).
    orders.sort(key=lambda o: (o.state == OrderState.STOPPED.value, o.id))
    for o in orders:
        stopped = o.state == OrderState.STOPPED.value and o.expires_at is not None
        left = max(0, int((o.expires_at - at).total_seconds())) if stopped else None
        freeze = freezes.get(o.id)
        children = any(c.parent_id == o.id and c.source == "restop" for c in orders)
        latest[o.account_number] = PictureOrder(
            o.id, o.order_no, o.state, o.level, o.stopped_fen, o.expires_at, left,
            bool(stopped and is_near_expiry(o.expires_at, at)), freeze.id if freeze else None,
            freeze.state if freeze else None,
            bool(stopped and not children and is_near_expiry(o.expires_at, at)))
    victim = PictureNode(VICTIM, "victim", case.report_id, 0, in_fen=case.loss_fen, out_fen=case.loss_fen)
    if result is None:
        return MoneyPicture(case.id, case.report_id, None, case.loss_fen, [victim], [], [], {}, traced=False)
    nodes: list[PictureNode] = [victim]
    deepest = 0
    for a in result.accounts:
        deepest = max(deepest, a.level)
        nodes.append(PictureNode(_account_id(a.account), "account", a.account, a.level,
                                 a.bank or traced.banks_of.get(a.account), a.holder, a.tainted_in_fen,
                                 a.tainted_out_fen, a.tainted_held_fen, a.untraced_fen, a.in_hand,
                                 latest.get(a.account)))
    known = {n.id for n in nodes}
    sums: dict[tuple[str, str], int] = defaultdict(int)
    for t in case.transfers:
        if t.to_account and t.to_account.strip() and _account_id(t.to_account.strip()) in known:
            sums[(VICTIM, _account_id(t.to_account.strip()))] += t.amount_fen
    for f in result.flows:
        if f.tainted_fen <= 0:
            continue
        if f.kind == "transfer" and f.to_account and _account_id(f.to_account) in known:
            sums[(_account_id(f.from_account), _account_id(f.to_account))] += f.tainted_fen
        elif f.kind in ("cash", "purchase"):
            sums[(_account_id(f.from_account), EXIT_NODES[f.kind])] += f.tainted_fen
    for a in result.accounts:
        if a.untraced_fen > 0:
            sums[(_account_id(a.account), EXIT_NODES["untraced"])] += a.untraced_fen
        if a.tainted_held_fen > 0:
            sums[(_account_id(a.account), EXIT_NODES["held"])] += a.tainted_held_fen
    edges: dict[str, set[str]] = defaultdict(set)
    links: list[PictureLink] = []
    loops: list[PictureLink] = []
    # Down the levels first, so a loop drops the flow that goes back up, not the one that came down.
    level_of = {n.id: n.level for n in nodes}
    for (source, target), fen in sorted(sums.items(), key=lambda kv: (level_of.get(kv[0][0], 99),
                                                                      level_of.get(kv[0][1], 99), kv[0])):
        link = PictureLink(source, target, fen)
        if source == target or _closes_loop(edges, source, target):
            loops.append(link)
            continue
        edges[source].add(target)
        links.append(link)
    used = {link.target for link in links}
    labels = {"cash": "cash", "purchase": "purchase", "untraced": "untraced", "held": "held"}
    for kind, node_id in EXIT_NODES.items():
        if node_id in used:
            fen = sum(link.fen for link in links if link.target == node_id)
            nodes.append(PictureNode(node_id, kind, labels[kind], deepest + 1, in_fen=fen))
    return MoneyPicture(case.id, case.report_id, result.rule.value, result.totals.stolen_fen, nodes, links,
                        [e.as_dict() for e in result.exits], result.totals.as_dict(), loops)
