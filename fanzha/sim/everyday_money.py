"""Ordinary money (rates in ``rates``): salaries and pensions, payments among family and friends,
purchases at the city's merchants, ATM cash. Generated for the whole period at once, vectorised.
"""
from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from fanzha.sim import ledger as lg
from fanzha.sim.businesses import Businesses
from fanzha.sim.rates import ATM_PER_ADULT_DAY, P2P_PER_ADULT_DAY, PURCHASES_PER_ADULT_DAY
from fanzha.sim.registry import Registry
from fanzha.sim.social import SLOT_WEIGHTS, SocialGraph
from fanzha.sim.timeline import MONEY_HOURS, day_start, times_in_day

RED_PACKETS_YUAN = np.array([66, 88, 100, 168, 200, 520, 666, 888, 1000])
ATM_YUAN = np.array([100, 200, 300, 500, 800, 1000, 2000, 3000, 5000])


def _random_days(rng: np.random.Generator, n: int, start: date, days: int) -> np.ndarray:
    return day_start(start, 0) + rng.integers(0, days, n).astype(np.int64) * 86_400


def _finish(rng, reg: Registry, t_out, src, dst, amount, channel, memo) -> lg.Transfers:
    bank = reg.accounts.bank
    lag = np.where(dst >= 0, lg.payee_lag(rng, bank[src], bank[np.maximum(dst, 0)]), 0)
    return lg.Transfers.make(t_out, src, dst, amount, channel, memo, t_in=t_out + lag)


def person_to_person(rng, reg: Registry, adults, graph: SocialGraph, start: date, days: int) -> lg.Transfers:
    n = rng.poisson(P2P_PER_ADULT_DAY * len(adults) * days)
    payer = rng.integers(0, len(adults), n)
    family_friends = SLOT_WEIGHTS[:11] / SLOT_WEIGHTS[:11].sum()
    payee = graph.pick(rng, payer, rng.choice(11, n, p=family_friends))
    first = reg.resident_accounts.first
    src, dst = first[adults[payer]], first[adults[payee]]
    red = rng.random(n) < 0.3
    yuan = np.where(red, RED_PACKETS_YUAN[rng.integers(0, len(RED_PACKETS_YUAN), n)],
                    np.maximum(1, np.round(rng.lognormal(np.log(300), 1.2, n))).astype(np.int64))
    yuan = np.where(~red & (rng.random(n) < 0.5), np.maximum(10, yuan // 10 * 10), yuan)
    channel = rng.choice([lg.MOBILE, lg.ONLINE, lg.COUNTER, lg.ATM], n, p=[0.85, 0.08, 0.04, 0.03])
    memo = np.where(red, lg.RED_PACKET, rng.choice([lg.TRANSFER, lg.REPAY], n, p=[0.9, 0.1]))
    t = times_in_day(rng, n, _random_days(rng, n, start, days), MONEY_HOURS)
    keep = src != dst
    return _finish(rng, reg, t[keep], src[keep], dst[keep], yuan[keep] * 100, channel[keep], memo[keep])


def purchases(rng, reg: Registry, adults, firms: Businesses, start: date, days: int) -> lg.Transfers:
    n = rng.poisson(PURCHASES_PER_ADULT_DAY * len(adults) * days)
    buyer = adults[rng.integers(0, len(adults), n)]
    src = reg.resident_accounts.any_card(rng, buyer)
    shops = firms.local
    shop = rng.choice(shops, n, p=firms.weight[shops] / firms.weight[shops].sum())
    dst = reg.business_account[shop]
    fen = np.maximum(100, rng.lognormal(np.log(8_000), 1.0, n)).astype(np.int64)
    channel = rng.choice([lg.POS, lg.QUICK_PAY], n, p=[0.55, 0.45])
    t = times_in_day(rng, n, _random_days(rng, n, start, days), MONEY_HOURS)
    return _finish(rng, reg, t, src, dst, fen, channel, lg.PURCHASE)


def cash(rng, reg: Registry, adults, start: date, days: int) -> lg.Transfers:
    n = rng.poisson(ATM_PER_ADULT_DAY * len(adults) * days)
    who = adults[rng.integers(0, len(adults), n)]
    src = reg.resident_accounts.first[who]
    fen = ATM_YUAN[rng.choice(len(ATM_YUAN), n, p=[0.1, 0.15, 0.1, 0.2, 0.1, 0.15, 0.1, 0.05, 0.05])] * 100
    t = times_in_day(rng, n, _random_days(rng, n, start, days), MONEY_HOURS)
    return lg.Transfers.make(t, src, np.full(n, -1), fen, lg.ATM, lg.CASH)


def wages(rng, reg: Registry, people, adults, employer, firms: Businesses, start: date, days: int) -> lg.Transfers:
    """Salaries on each employer's payday, pensions on the 15th."""
    payday = rng.integers(5, 16, len(firms.name))
    salary_fen = (rng.lognormal(np.log(6_000), 0.45, len(adults)) * 100).astype(np.int64)
    pension_fen = (rng.lognormal(np.log(3_000), 0.5, len(adults)) * 100).astype(np.int64)
    retired = (people.age[adults] >= 60) & (employer < 0)
    employed = employer >= 0
    first = reg.resident_accounts.first
    parts = []
    for day in range(days):
        dom = (start + timedelta(days=day)).day
        paid = np.flatnonzero(employed & (payday[np.maximum(employer, 0)] == dom))
        t = day_start(start, day) + 9 * 3600 + rng.integers(0, 2 * 3600, len(paid))
        parts.append(_finish(rng, reg, t, reg.business_account[employer[paid]], first[adults[paid]],
                             salary_fen[paid], lg.ONLINE, rng.choice([lg.SALARY, lg.PAYROLL], len(paid))))
        if dom == 15:
            old = np.flatnonzero(retired)
            t = day_start(start, day) + 8 * 3600 + rng.integers(0, 2 * 3600, len(old))
            src = np.full(len(old), reg.business_account[firms.social_security])
            parts.append(_finish(rng, reg, t, src, first[adults[old]], pension_fen[old], lg.ONLINE, lg.PENSION))
    return lg.Transfers.concat(parts) if parts else lg.Transfers.make([], [], [], [], 0, 0)
