"""Risk look-up (风险查询): is this phone number, account, URL, QQ or WeChat id on the center's lists?

The answer is one bit, risky or not known: never whose it is, which list, which case or why, so
the look-up cannot be used to learn about a person or a case. The lists checked:

- phones: the live block list (not lifted, not expired), numbers the model scored above the review
  threshold and not dismissed by an officer, numbers an operator restricted on the center's order
  (executed, not lifted), and phones named in filed cases;
- accounts: receiving accounts of victims' transfers, accounts in stop-payment orders the bank
  carried out (stopped, frozen, expired), accounts in freezes not released, accounts named in cases;
- URLs (and apps given as an address), QQ and WeChat ids: those named in filed cases.

A look-up must be cheap (thousands a second), so the lists are held in memory as sets of
normalised keys (domain/risk_subject.py) and read again from the store every ``refresh_seconds``
in a background thread; a look-up never waits for the store except the very first. Each server
process keeps its own copy: a mark added at the desk answers "risky" within one refresh interval.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import or_, select

from fanzha.domain import clock
from fanzha.domain.number_order import NumberOrderState
from fanzha.domain.risk_subject import RiskKind, normalise, try_normalise
from fanzha.store.db import Database
from fanzha.store.models import (
    BlockListEntry,
    CaseContact,
    CaseTransfer,
    Freeze,
    NumberOrder,
    NumberScore,
    StopPaymentOrder,
)

log = logging.getLogger(__name__)
REFRESH_SECONDS = 60.0
# Stop-payment orders whose account the bank found and stopped (or that went on to a freeze).
CARRIED_OUT = ("stopped", "frozen", "expired")
# Case contacts by kind → the look-up kind they answer for (an app is given as its address).
CONTACT_KINDS = {"phone": RiskKind.PHONE, "account": RiskKind.ACCOUNT, "url": RiskKind.URL,
                 "app": RiskKind.URL, "qq": RiskKind.QQ, "wechat": RiskKind.WECHAT}


@dataclass(frozen=True)
class Answer:
    kind: RiskKind
    risky: bool


def load_lists(db: Database) -> dict[RiskKind, frozenset[str]]:
    """Read every list from the store into sets of normalised keys."""
    found: dict[RiskKind, set[str]] = {k: set() for k in RiskKind}
    now = clock.now()

    def add(kind: RiskKind, values) -> None:
        keys = found[kind]
        for value in values:
            if value:
                key = try_normalise(kind, value)
                if key:
                    keys.add(key)

    with db.session() as session:
        add(RiskKind.PHONE, session.scalars(select(BlockListEntry.number).where(
            BlockListEntry.lifted_at.is_(None),
            or_(BlockListEntry.expires_at.is_(None), BlockListEntry.expires_at > now))))
        add(RiskKind.PHONE, session.scalars(select(NumberScore.number).where(NumberScore.state != "dismissed")))
        add(RiskKind.PHONE, session.scalars(select(NumberOrder.number).where(
            NumberOrder.state == NumberOrderState.EXECUTED.value)))
        add(RiskKind.ACCOUNT, session.scalars(select(CaseTransfer.to_account).distinct()))
        add(RiskKind.ACCOUNT, session.scalars(select(StopPaymentOrder.account_number).where(
            StopPaymentOrder.state.in_(CARRIED_OUT)).distinct()))
        add(RiskKind.ACCOUNT, session.scalars(select(Freeze.account_number).where(Freeze.state != "released")))
        for kind, value in session.execute(select(CaseContact.kind, CaseContact.value).distinct()):
            if kind in CONTACT_KINDS:
                add(CONTACT_KINDS[kind], (value,))
    return {k: frozenset(v) for k, v in found.items()}


class RiskIndex:
    """The lists in memory, refreshed in the background; ``check`` is a set membership test."""

    def __init__(self, load: Callable[[], dict[RiskKind, frozenset[str]]], refresh_seconds: float = REFRESH_SECONDS,
                 clock_fn: Callable[[], float] = time.monotonic) -> None:
        self._load = load
        self.refresh_seconds = refresh_seconds
        self._clock = clock_fn
        self._lists: dict[RiskKind, frozenset[str]] | None = None
        self._loaded_at = 0.0
        self._lock = threading.Lock()
        self._refreshing = False

    @classmethod
    def for_database(cls, db: Database, refresh_seconds: float = REFRESH_SECONDS) -> RiskIndex:
        return cls(lambda: load_lists(db), refresh_seconds)

    def _reload(self) -> None:
        try:
            lists = self._load()
        except Exception:  # noqa: BLE001 - keep answering from the old lists; log and retry later
            log.exception("risk look-up lists could not be read; answering from the previous copy")
            lists = None
        with self._lock:
            if lists is not None:
                self._lists = lists
            self._loaded_at = self._clock()
            self._refreshing = False

    def refresh(self) -> None:
        """Read the lists now (the desk's change is visible at once in this process)."""
        with self._lock:
            self._refreshing = True
        self._reload()

    def _lists_now(self) -> dict[RiskKind, frozenset[str]]:
        lists = self._lists
        if lists is None:
            with self._lock:
                first = self._lists is None and not self._refreshing
                if first:
                    self._refreshing = True
            if first:
                self._reload()
            else:
                while self._lists is None and self._refreshing:
                    time.sleep(0.01)
            return self._lists or {}
        if self._clock() - self._loaded_at >= self.refresh_seconds and not self._refreshing:
            with self._lock:
                start = not self._refreshing
                self._refreshing = True
            if start:
                threading.Thread(target=self._reload, name="risk-lists", daemon=True).start()
        return lists

    @property
    def loaded(self) -> bool:
        return self._lists is not None

    def size(self) -> dict[str, int]:
        return {k.value: len(v) for k, v in self._lists_now().items()}

    def check(self, kind: RiskKind | str, value: str) -> Answer:
        """Risky or not known; ValueError (saying what a valid value looks like) for a bad value."""
        kind = RiskKind(kind)
        key = normalise(kind, value)
        return Answer(kind, key in self._lists_now().get(kind, frozenset()))
