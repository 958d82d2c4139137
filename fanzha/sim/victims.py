"""Victims (受害人): who falls for which gang, when they are first contacted, how they pay, and
whether and when they report.

Victims are drawn by their fraud type's age profile and by whether they have the money the
script asks for; every payment comes out of the victim's own card, capped by what it holds.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np

from fanzha.domain.fraud_type import FraudType
from fanzha.sim import ledger as lg
from fanzha.sim.cells import Cells
from fanzha.sim.fraud_scripts import SCRIPTS, age_weights, payment_plan
from fanzha.sim.gangs import Gang
from fanzha.sim.laundering import Movement
from fanzha.sim.mule_network import COLLECTOR
from fanzha.sim.population import Population
from fanzha.sim.rates import NEVER_REPORT_SHARE, VICTIMS_PER_RESIDENT_30_DAYS
from fanzha.sim.registry import Registry
from fanzha.sim.telecom import Calls, Texts
from fanzha.sim.timeline import DAY, MONEY_HOURS, day_start, times_in_day


@dataclass
class Victim:
    person: int
    gang: int
    fraud_type: FraudType
    account: int
    phone: int
    first_contact: int
    payments: list[Movement] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)  # gang phones that reached the victim
    online: list[tuple[str, str]] = field(default_factory=list)  # (kind, value) the victim remembers
    reported_at: int | None = None
    report_id: str | None = None

    @property
    def loss_fen(self) -> int:
        return sum(p.amount for p in self.payments)


@dataclass
class VictimContacts:
    calls: list[Calls] = field(default_factory=list)
    texts: list[Texts] = field(default_factory=list)
    text_gang: list[int] = field(default_factory=list)


def choose_victims(rng: np.random.Generator, people: Population, adults: np.ndarray, reg: Registry, gangs: list[Gang],
                   start: date, days: int) -> list[Victim]:
    """Victims with their gang, card and payment plan (no telecom yet)."""
    if not gangs or not len(adults):
        return []
    types = sorted({g.fraud_type for g in gangs}, key=list(FraudType).index)
    share = np.array([SCRIPTS[t].share for t in types])
    total = round(VICTIMS_PER_RESIDENT_30_DAYS * people.size * days / 30)
    per_type = rng.multinomial(total, share / share.sum())
    cards = reg.resident_accounts
    first_card = cards.first[adults]
    # the victim pays from the card holding the most
    richest = first_card.copy()
    for k in (1, 2):
        other = np.where(cards.count[adults] > k, first_card + k, first_card)
        richest = np.where(reg.accounts.opening_fen[other] > reg.accounts.opening_fen[richest], other, richest)
    savings = reg.accounts.opening_fen[richest]
    taken = np.zeros(len(adults), bool)
    period_end = day_start(start, days)
    victims: list[Victim] = []
    for fraud_type, count in zip(types, per_type, strict=True):
        script = SCRIPTS[fraud_type]
        wealth = np.clip(savings / (script.first_yuan[1] * 100 * 2), 0.02, 1.0)
        weight = age_weights(fraud_type, people.age[adults]) * wealth * ~taken
        if count == 0 or weight.sum() == 0:
            continue
        chosen = rng.choice(len(adults), min(count, int((weight > 0).sum())), replace=False, p=weight / weight.sum())
        taken[chosen] = True
        own_gangs = [i for i, g in enumerate(gangs) if g.fraud_type == fraud_type]
        for a in chosen:
            g = int(rng.choice(own_gangs))
            person = int(adults[a])
            victim = _plan(rng, gangs[g], g, fraud_type, person, int(people.age[person]), int(richest[a]),
                           int(savings[a]), reg, start, days, period_end, len(victims))
            if victim is not None:
                victims.append(victim)
    return victims


def _plan(rng, gang: Gang, g: int, fraud_type: FraudType, person: int, age: int, account: int, savings: int,
          reg: Registry, start: date, days: int, end: int, index: int) -> Victim | None:
    script = SCRIPTS[fraud_type]
    amounts, gaps = payment_plan(rng, fraud_type, savings * 9 // 10)
    if not len(amounts):
        return None
    hook = int(min(rng.uniform(*script.hook_hours) * 3600, days * DAY * 0.3))
    first_day = min(days - 1, int(np.ceil(hook / DAY)))
    day = int(rng.integers(first_day, days))
    first_pay = max(int(times_in_day(rng, 1, day_start(start, day), MONEY_HOURS)[0]), day_start(start, 0) + hook + 600)
    victim = Victim(person, g, fraud_type, account, int(reg.resident_phones.first[person]), first_pay - hook)
    collectors = [i for i, c in enumerate(gang.cards) if c.role == COLLECTOR]
    # the old go to the counter or an ATM more often
    channels = [0.55, 0.05, 0.3, 0.1] if age >= 60 else [0.8, 0.15, 0.03, 0.02]
    bank = reg.accounts.bank
    for amount, gap in zip(amounts, gaps, strict=True):
        t = first_pay + int(gap)
        if t >= end - 3600:
            break
        card = int(rng.choice(collectors))
        to = int(gang.card_account[card])
        channel = int(rng.choice([lg.MOBILE, lg.ONLINE, lg.COUNTER, lg.ATM], p=channels))
        lag = int(lg.payee_lag(rng, bank[account:account + 1], bank[to:to + 1])[0])
        victim.payments.append(Movement(t, t + lag, account, to, int(amount), channel, lg.TRANSFER, 1, {index: int(amount)}))
    return victim if victim.payments else None


def contact_victims(rng: np.random.Generator, victims: list[Victim], gangs: list[Gang], reg: Registry, cells: Cells,
                    lure_first: list[int], lure_count: list[int]) -> VictimContacts:
    """The calls and SMS by which each gang reaches its victims, and what the victims remember."""
    out = VictimContacts()
    phones = reg.phones
    for v in victims:
        gang = gangs[v.gang]
        script = SCRIPTS[v.fraud_type]
        caller = int(rng.choice(gang.callers))
        if script.first_contact == "call":
            _call(rng, out, v, gang, reg, cells, v.first_contact, int(rng.integers(300, 2400)), caller)
        elif script.first_contact == "sms":
            sender = int(rng.choice(gang.senders))
            text = lure_first[v.gang] + int(rng.integers(0, lure_count[v.gang]))
            out.texts.append(Texts(np.array([sender]), np.array([phones.number[sender]]), np.array([v.phone]),
                                   np.array([v.first_contact]), np.array([text])))
            out.text_gang.append(v.gang)
            v.numbers.append(sender)
        if script.more_calls:
            longest = 5400 if v.fraud_type == FraudType.FAKE_POLICE else 2400
            for p in v.payments:
                duration = int(rng.integers(300, longest))
                start = max(v.first_contact + 60, p.t_out - duration - int(rng.integers(60, 900)))
                number = caller if rng.random() < 0.7 else int(rng.choice(gang.callers))
                _call(rng, out, v, gang, reg, cells, start, duration, number)
        for kind in script.online:
            v.online.append((kind, str(rng.choice(gang.contacts[kind]))))
    return out


def _call(rng, out: VictimContacts, v: Victim, gang: Gang, reg: Registry, cells: Cells, start: int, duration: int,
          number: int) -> None:
    """A fraudster's answered call to the victim, from one of the gang's handsets."""
    out.calls.append(Calls(np.array([number]), np.array([v.phone]), np.array([reg.phones.number[v.phone]]),
                           np.array([start]), np.array([duration]), cells.any(rng, 1),
                           np.array([gang.handset_of[number]])))
    if number not in v.numbers:
        v.numbers.append(number)


def decide_reports(rng: np.random.Generator, victims: list[Victim], end: int) -> None:
    """About a quarter never report; the rest report minutes to days after their last payment."""
    never = set(rng.permutation(len(victims))[: round(NEVER_REPORT_SHARE * len(victims))].tolist())
    for i, v in enumerate(victims):
        delay = int(np.clip(rng.lognormal(np.log(SCRIPTS[v.fraud_type].report_hours * 3600), 1.4), 300, 20 * DAY))
        when = v.payments[-1].t_out + delay
        if i not in never and when < end:
            v.reported_at = when
