"""How fast a center works a report (工作方式): the delays of orders, bank answers and statements.

Two practices are compared on the same city:

- ``PLATFORM``: Fanzha. The duty officer's report raises the level-1 orders at once (1 s). Orders
  go to the bank liaisons' queue in the center (the bank desk), who check the four fields and stop
  the account: a median of 3 minutes, rarely over half an hour. The account's statement (流水) is
  exported electronically with the answer and uploaded: a median of 5 more minutes. The trace runs
  as soon as it arrives and the next level's orders go out at once (1 s).
- ``MANUAL``: the practice before it. The first order goes out at the official limit of 30
  minutes after the report (``FIRST_ORDER_LIMIT``: drafted on paper, signed, faxed). The bank
  answers by phone or fax after checking: a median of 45 minutes. The statement needs a request
  with a legal document (调证) and the bank's back office: a median of 6 hours, 2 hours at the
  quickest. An officer reads it by hand and drafts the next orders: another hour.

Each delay is a lognormal with the stated median and spread, clipped to a range; the draws come
from a seeded generator, so the same seed gives the same drill. These are stated assumptions, not
measurements; change them here (and say why) when a center's own figures are known.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fanzha.domain.stop_payment import FIRST_ORDER_LIMIT


@dataclass(frozen=True)
class Delay:
    """A delay in whole seconds: lognormal around ``median_s`` (``sigma`` 0 = always the median), clipped."""

    median_s: int
    sigma: float = 0.0
    low_s: int = 0
    high_s: int | None = None

    def draw(self, rng: np.random.Generator) -> int:
        if self.sigma <= 0:
            return self.median_s
        value = int(round(rng.lognormal(np.log(self.median_s), self.sigma)))
        return max(self.low_s, min(value, self.high_s if self.high_s is not None else value))

    def as_dict(self) -> dict:
        return {"median_s": self.median_s, "sigma": self.sigma, "low_s": self.low_s, "high_s": self.high_s}


@dataclass(frozen=True)
class Practice:
    """One way of working: the delays from report to order, order to answer, answer to statement, statement to
    the next orders; and how often a statement is asked for again while the money may still move
    (the account could not be stopped, or the statement was cut before the money showed in it)."""

    name: str
    label_zh: str
    first_order: Delay  # report → level-1 orders
    answer: Delay  # order → the bank stops (or refuses) and answers
    statement: Delay  # answer → the statement arrives (cut at that moment)
    next_order: Delay  # statement → orders to the accounts it shows the money went to
    max_refreshes: int = 3  # times the same account's statement is asked for again, per victim

    def as_dict(self) -> dict:
        return {"name": self.name, "label_zh": self.label_zh, "first_order": self.first_order.as_dict(),
                "answer": self.answer.as_dict(), "statement": self.statement.as_dict(),
                "next_order": self.next_order.as_dict(), "max_refreshes": self.max_refreshes}


MINUTE, HOUR = 60, 3600

PLATFORM = Practice(
    name="platform", label_zh="平台",
    first_order=Delay(1),
    answer=Delay(3 * MINUTE, 0.8, 30, 2 * HOUR),
    statement=Delay(5 * MINUTE, 0.8, MINUTE, 4 * HOUR),
    next_order=Delay(1),
)

MANUAL = Practice(
    name="manual", label_zh="人工",
    first_order=Delay(int(FIRST_ORDER_LIMIT.total_seconds())),
    answer=Delay(45 * MINUTE, 0.7, 10 * MINUTE, 6 * HOUR),
    statement=Delay(6 * HOUR, 0.6, 2 * HOUR, 48 * HOUR),
    next_order=Delay(HOUR),
)

PRACTICES = {p.name: p for p in (PLATFORM, MANUAL)}
