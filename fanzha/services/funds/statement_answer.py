"""A bank answers an order with the account's statement (回传流水): imported, then followed.

A liaison may neither import at large nor raise orders; answering its own bank's order with a
statement does both on the answer's behalf, as a system actor named after the liaison (so the
audit log shows who uploaded it). The order's case is followed even when the file covers other
accounts, so the answer always shows where the money went next.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from fanzha.domain.actor import Actor
from fanzha.services.funds.bank_answers import load_for_answer
from fanzha.services.funds.follow_money import follow_money
from fanzha.services.importing import ImportResult, import_bytes
from fanzha.store.db import Database


@dataclass
class StatementAnswer:
    imported: ImportResult
    orders_raised: list[dict] = field(default_factory=list)
    statement_requests: list[dict] = field(default_factory=list)


def on_behalf_of(actor: Actor) -> Actor:
    return Actor.system(f"statement-upload:{actor.username}"[:64])


def answer_with_statement(db: Database, actor: Actor, order_id: int, data: bytes, name: str) -> StatementAnswer:
    """Import ``data`` as statements for the order's bank and follow the order's case.

    Raises OrderNotFound / AccessDenied before reading the file when the actor may not answer.
    A refused file (``imported.rejected``) writes and follows nothing.
    """
    with db.session() as session:
        case_id = load_for_answer(session, actor, order_id).case_id
    behalf = on_behalf_of(actor)
    imported = import_bytes(db, "statements", data, name, actor=behalf)
    answer = StatementAnswer(imported)
    if imported.rejected:
        return answer
    arrival = imported.funds or {"cases_followed": [], "orders_raised": [], "statement_requests": []}
    answer.orders_raised = list(arrival["orders_raised"])
    answer.statement_requests = list(arrival["statement_requests"])
    if case_id not in arrival["cases_followed"]:
        with db.session() as session:
            followed = follow_money(session, behalf, case_id).as_dict()
        answer.orders_raised += followed["orders_raised"]
        answer.statement_requests += followed["statement_requests"]
    return answer
