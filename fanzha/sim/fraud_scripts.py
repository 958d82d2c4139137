"""How each fraud type plays out (诈骗剧本): whom it targets, how it reaches them, how they pay.

A script gives the share of victims, the victims' age (a bell around ``age_mode``), the contact
routes (a call, an SMS, then apps, links, QQ or WeChat off the phone network), the number of
payments and the days they spread over, the first payment's range and how later payments grow.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fanzha.domain.fraud_type import FraudType as F


@dataclass(frozen=True)
class FraudScript:
    share: float  # of all victims
    age_mode: float
    age_spread: float
    first_contact: str  # "call", "sms" or "online" (app / QQ / WeChat: nothing on the phone records)
    more_calls: bool  # the fraudster keeps talking on the phone until the victim pays
    online: tuple[str, ...]  # contact kinds the victim reports besides phone numbers
    payments: tuple[int, int]  # min, max number of payments
    span_days: tuple[float, float]  # first to last payment
    first_yuan: tuple[int, int]  # range of the first payment
    growth: tuple[float, float]  # each later payment = previous × U(growth)
    hook_hours: tuple[float, float]  # first contact to first payment
    report_hours: float  # median delay from the last payment to the report


SCRIPTS: dict[F, FraudScript] = {
    F.ORDER_BRUSHING: FraudScript(0.33, 30, 9, "sms", False, ("qq", "app", "url"), (2, 6), (0.2, 4), (100, 500), (2.0, 4.0), (0.5, 30), 20),
    F.FAKE_INVESTMENT: FraudScript(0.12, 42, 10, "online", False, ("wechat", "app", "url"), (3, 8), (5, 25), (5_000, 30_000), (1.5, 3.0), (48, 240), 60),
    F.FAKE_LOAN: FraudScript(0.10, 30, 8, "sms", True, ("app", "url"), (1, 4), (0, 2), (500, 3_000), (1.5, 3.0), (1, 24), 10),
    F.FAKE_CUSTOMER_SERVICE: FraudScript(0.10, 35, 12, "call", True, ("app", "url"), (1, 2), (0, 0.15), (3_000, 50_000), (1.0, 2.0), (0.1, 1), 4),
    F.FAKE_POLICE: FraudScript(0.06, 60, 12, "call", True, ("url", "app"), (1, 2), (0, 0.2), (30_000, 300_000), (1.0, 1.8), (0.5, 4), 3),
    F.FAKE_CREDIT: FraudScript(0.06, 28, 6, "call", True, ("app", "url"), (1, 3), (0, 1), (5_000, 50_000), (1.0, 2.0), (0.2, 3), 6),
    F.FAKE_SHOPPING: FraudScript(0.07, 28, 9, "sms", False, ("wechat", "url"), (1, 2), (0, 1), (200, 5_000), (1.0, 2.0), (1, 24), 24),
    F.FAKE_BOSS: FraudScript(0.05, 45, 9, "online", True, ("qq", "wechat"), (1, 2), (0, 0.1), (20_000, 150_000), (1.0, 1.5), (0.2, 2), 5),
    F.GAME_TRADING: FraudScript(0.05, 20, 4, "online", False, ("qq", "app"), (1, 3), (0, 0.2), (100, 3_000), (1.0, 2.5), (0.5, 12), 12),
    F.ROMANCE: FraudScript(0.04, 40, 10, "online", True, ("wechat", "app", "url"), (3, 10), (10, 28), (1_000, 10_000), (1.3, 2.5), (96, 480), 72),
    F.OTHER: FraudScript(0.02, 40, 15, "call", False, ("url",), (1, 3), (0, 3), (1_000, 50_000), (1.0, 2.0), (0.5, 24), 12),
}


def victim_share() -> np.ndarray:
    shares = np.array([SCRIPTS[t].share for t in F])
    return shares / shares.sum()


def age_weights(fraud_type: F, age: np.ndarray) -> np.ndarray:
    """How likely each adult is to fall for this type, by age."""
    s = SCRIPTS[fraud_type]
    return np.exp(-0.5 * ((age - s.age_mode) / s.age_spread) ** 2) + 1e-4


def payment_plan(rng: np.random.Generator, fraud_type: F, budget_fen: int) -> tuple[np.ndarray, np.ndarray]:
    """Payment amounts (fen) and their offsets (seconds) after the first, capped by what the victim has."""
    s = SCRIPTS[fraud_type]
    n = int(rng.integers(s.payments[0], s.payments[1] + 1))
    yuan = [float(rng.uniform(*s.first_yuan))]
    for _ in range(n - 1):
        yuan.append(yuan[-1] * rng.uniform(*s.growth))
    amounts = np.array([_victim_round(rng, y) for y in yuan], dtype=np.int64) * 100
    # stop when the money runs out: the last payment takes what is left
    cum = np.cumsum(amounts)
    over = np.flatnonzero(cum > budget_fen)
    if len(over):
        k = over[0]
        left = budget_fen - (cum[k - 1] if k else 0)
        amounts = amounts[:k]
        if left >= 10_000:
            amounts = np.append(amounts, left // 10_000 * 10_000)
    span = rng.uniform(*s.span_days) * 86_400
    offsets = np.sort(rng.uniform(0, span, max(len(amounts) - 1, 0)))
    gaps = np.concatenate([[0], offsets]).astype(np.int64)
    gaps = np.maximum.accumulate(gaps + np.arange(len(gaps)) * 240)  # at least four minutes apart
    return amounts, gaps


def _victim_round(rng: np.random.Generator, yuan: float) -> int:
    """Victims pay round sums (5000, 12800) or the odd task price (299, 1288)."""
    if yuan >= 10_000:
        return int(round(yuan, -3))
    if rng.random() < 0.7:
        return max(100, int(round(yuan, -2)))
    return max(1, int(yuan)) // 10 * 10 + int(rng.choice([8, 9, 0]))
