"""What a trace finds (资金穿透结果): accounts level by level, exits, statement requests, warnings.

Conservation holds to the fen: for every account, tainted money in = out + held + untraced (the
last only where the account's statement is not in hand, or money could not be placed in it); over
the whole trace, stolen = held + cash + purchases + untraced; and both again per victim.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from fanzha.domain.attribution import Action, AttributionRule, ExitKind
from fanzha.domain.clock import CENTER_TZ


def local_time(us: int | None) -> datetime | None:
    """µs since the epoch as a time in the center's zone."""
    if us is None:
        return None
    return datetime.fromtimestamp(us / 1_000_000, tz=UTC).astimezone(CENTER_TZ)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


@dataclass
class AccountTrace:
    """One account the stolen money reached (涉案账户) and what became of it there."""

    account: str
    bank: str | None
    holder: str | None
    level: int  # 1 = the account the victim paid; the lowest level at which taint reached it
    in_hand: bool  # its statement is in hand
    first_tainted_at: datetime | None
    tainted_in_fen: int
    tainted_out_fen: int
    tainted_held_fen: int
    untraced_fen: int  # arrived but could not be followed inside (no statement, or not placed)
    action: Action
    statement_until: datetime | None = None  # the statement's last posting: "held" is as of then
    held_by_victim: dict[str, int] = field(default_factory=dict)
    in_by_victim: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "account": self.account, "bank": self.bank, "holder": self.holder, "level": self.level,
            "in_hand": self.in_hand, "first_tainted_at": _iso(self.first_tainted_at),
            "tainted_in_fen": self.tainted_in_fen, "tainted_out_fen": self.tainted_out_fen,
            "tainted_held_fen": self.tainted_held_fen, "untraced_fen": self.untraced_fen,
            "action": self.action.value, "action_zh": self.action.label_zh,
            "statement_until": _iso(self.statement_until),
            "held_by_victim": dict(self.held_by_victim), "in_by_victim": dict(self.in_by_victim),
        }


@dataclass
class TraceExit:
    """Where traced money left the trail: cash, a purchase, or out of sight (untraced)."""

    kind: ExitKind
    account: str  # cash/purchase: the account that spent it; untraced: where the trail goes cold
    amount_fen: int
    time: datetime | None
    level: int
    from_account: str | None = None  # untraced: the account whose statement shows the money going
    counterparty: str | None = None  # purchase: the merchant's account
    reason: str = ""
    place: str | None = None  # the posting's file and line
    by_victim: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "kind": self.kind.value, "kind_zh": self.kind.label_zh, "account": self.account,
            "amount_fen": self.amount_fen, "time": _iso(self.time), "level": self.level,
            "from_account": self.from_account, "counterparty": self.counterparty, "reason": self.reason,
            "place": self.place, "by_victim": dict(self.by_victim),
        }


@dataclass
class TaintedFlow:
    """One outflow that carried stolen money (涉案交易): the edges of the trace's link chart."""

    from_account: str
    to_account: str | None  # None for cash
    time: datetime | None
    amount_fen: int  # the whole posting
    tainted_fen: int  # the victims' part of it
    level: int  # the payer's level
    kind: str  # transfer, cash or purchase
    place: str | None = None
    by_victim: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"from_account": self.from_account, "to_account": self.to_account, "time": _iso(self.time),
                "amount_fen": self.amount_fen, "tainted_fen": self.tainted_fen, "level": self.level,
                "kind": self.kind, "place": self.place, "by_victim": dict(self.by_victim)}


@dataclass
class StatementRequest:
    """A statement to ask a bank for (调证): where the money went out of the statements in hand."""

    account: str
    bank: str | None
    holder: str | None
    level: int
    since: datetime | None  # the first tainted money arrived then; the statement is needed from it
    amount_fen: int  # tainted money that went there
    reason: str

    def as_dict(self) -> dict:
        return {"account": self.account, "bank": self.bank, "holder": self.holder, "level": self.level,
                "since": _iso(self.since), "amount_fen": self.amount_fen, "reason": self.reason}


@dataclass
class TraceWarning:
    """Something the trace could not reconcile or account for, where, and why."""

    kind: str  # balance_conflict, balance_deficit, not_in_payee_statement, report_transfer_not_found, ...
    account: str | None
    place: str | None
    reason: str
    amount_fen: int | None = None

    def as_dict(self) -> dict:
        return {"kind": self.kind, "account": self.account, "place": self.place, "reason": self.reason,
                "amount_fen": self.amount_fen}

    def __str__(self) -> str:
        where = self.place or self.account or ""
        return f"{where}: {self.reason}" if where else self.reason


@dataclass
class Totals:
    stolen_fen: int = 0
    held_fen: int = 0
    cash_out_fen: int = 0
    purchase_fen: int = 0
    untraced_fen: int = 0

    @property
    def conserved(self) -> bool:
        return self.stolen_fen == self.held_fen + self.cash_out_fen + self.purchase_fen + self.untraced_fen

    def as_dict(self) -> dict:
        return {"stolen_fen": self.stolen_fen, "held_fen": self.held_fen, "cash_out_fen": self.cash_out_fen,
                "purchase_fen": self.purchase_fen, "untraced_fen": self.untraced_fen, "conserved": self.conserved}


@dataclass
class TraceResult:
    rule: AttributionRule
    max_level: int | None
    accounts: list[AccountTrace]  # by level, then first tainted arrival
    statement_requests: list[StatementRequest]
    warnings: list[TraceWarning]
    totals: Totals
    victims: dict[str, Totals]  # the same totals per victim
    postings_read: int = 0  # postings the tracer stepped through (work done)
    _flow_source: Callable[[], list[TaintedFlow]] | None = field(default=None, repr=False, compare=False)
    _flows: list[TaintedFlow] | None = field(default=None, repr=False, compare=False)
    _exit_source: Callable[[], list[TraceExit]] | None = field(default=None, repr=False, compare=False)
    _exits: list[TraceExit] | None = field(default=None, repr=False, compare=False)

    @property
    def exits(self) -> list[TraceExit]:
        """Where the money left the trail, in time order (built when first asked for)."""
        if self._exits is None:
            self._exits = self._exit_source() if self._exit_source is not None else []
        return self._exits

    @property
    def flows(self) -> list[TaintedFlow]:
        """Every outflow that carried stolen money, in time order (built when first asked for)."""
        if self._flows is None:
            self._flows = self._flow_source() if self._flow_source is not None else []
        return self._flows

    def levels(self) -> dict[int, list[AccountTrace]]:
        grouped: dict[int, list[AccountTrace]] = {}
        for account in self.accounts:
            grouped.setdefault(account.level, []).append(account)
        return grouped

    def account(self, number: str) -> AccountTrace | None:
        return next((a for a in self.accounts if a.account == number), None)

    def as_dict(self) -> dict:
        return {
            "rule": self.rule.value,
            "rule_zh": self.rule.label_zh,
            "rule_statement": self.rule.statement,
            "max_level": self.max_level,
            "accounts": [a.as_dict() for a in self.accounts],
            "exits": [e.as_dict() for e in self.exits],
            "totals": self.totals.as_dict(),
            "victims": {v: t.as_dict() for v, t in self.victims.items()},
            "statement_requests": [r.as_dict() for r in self.statement_requests],
            "warnings": [w.as_dict() for w in self.warnings],
            "flows": [f.as_dict() for f in self.flows],
        }
