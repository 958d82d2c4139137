"""Ground truth (真值): what really happened, so detectors and workflows can be measured.

Fraud types are written as their stable codes (``order_brushing``); times as local
``2024-05-30 15:02:00``. ``stolen_transfers.csv`` has one row per movement and victim whose money
it carries (proportional attribution), so per victim: the payments into level-1 cards equal the
loss, and every fen of it ends in cash, in purchases, or still held (``stolen_held.csv``).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

from fanzha.domain.organisation import BANKS, OPERATORS
from fanzha.sim.accounts import AccountBook
from fanzha.sim.csvout import local_times, write_csv
from fanzha.sim.gangs import FraudPersons, Gang
from fanzha.sim.laundering import Movement
from fanzha.sim.ledger import serial_text
from fanzha.sim.phones import PhoneBook
from fanzha.sim.population import person_ids
from fanzha.sim.telecom import Texts
from fanzha.sim.timeline import iso_text
from fanzha.sim.victims import Victim

_BANK_CODES = [b.code for b in BANKS]
_OPERATOR_CODES = [o.code for o in OPERATORS]


def write_truth(out: Path, gangs: list[Gang], victims: list[Victim], people: FraudPersons, movements: list[Movement],
                movement_serial: np.ndarray, held: list[tuple[int, int, int, int]], accounts: AccountBook,
                phones: PhoneBook, lures: Texts, lure_gang: np.ndarray) -> dict[str, int]:
    """All truth files; ``held`` rows are (account, gang, victim, fen), ``lures`` the gangs' SMS."""
    t = out / "truth"
    n = {}
    pid = person_ids(np.array([v.person for v in victims], dtype=np.int64))
    n["truth/victims.csv"] = write_csv(pl.DataFrame({
        "person_id": pid,
        "gang_id": [gangs[v.gang].gang_id for v in victims],
        "fraud_type": [v.fraud_type.value for v in victims],
        "first_contact_at": local_times(np.array([v.first_contact for v in victims], np.int64)),
        "first_payment_at": local_times(np.array([v.payments[0].t_out for v in victims], np.int64)),
        "last_payment_at": local_times(np.array([v.payments[-1].t_out for v in victims], np.int64)),
        "payments": [len(v.payments) for v in victims],
        "loss_fen": [v.loss_fen for v in victims],
        "reported": [int(v.reported_at is not None) for v in victims],
        "report_id": pl.Series([v.report_id for v in victims], dtype=pl.Utf8),
        "reported_at": pl.Series([iso_text(v.reported_at) if v.reported_at else None for v in victims], dtype=pl.Utf8),
    }), t / "victims.csv")

    n["truth/gangs.csv"] = write_csv(pl.DataFrame({
        "gang_id": [g.gang_id for g in gangs],
        "fraud_type": [g.fraud_type.value for g in gangs],
        "numbers": [len(g.callers) + len(g.senders) for g in gangs],
        "mule_accounts": [len(g.cards) for g in gangs],
        "victims": [sum(v.gang == i for v in victims) for i in range(len(gangs))],
        "loss_fen": [sum(v.loss_fen for v in victims if v.gang == i) for i in range(len(gangs))],
    }, schema_overrides={"loss_fen": pl.Int64}), t / "gangs.csv")

    numbers = [(int(p), g.gang_id, role) for g in gangs for role, ps in (("caller", g.callers), ("sms", g.senders)) for p in ps]
    n["truth/fraud_numbers.csv"] = write_csv(pl.DataFrame({
        "number": [phones.number[p] for p, _, _ in numbers],
        "operator": [_OPERATOR_CODES[phones.operator[p]] for p, _, _ in numbers],
        "gang_id": [g for _, g, _ in numbers], "role": [r for _, _, r in numbers],
    }, schema_overrides={"number": pl.Int64}), t / "fraud_numbers.csv")

    cards = [(int(a), g.gang_id, c) for g in gangs for a, c in zip(g.card_account, g.cards, strict=True)]
    n["truth/fraud_accounts.csv"] = write_csv(pl.DataFrame({
        "account": [accounts.number[a] for a, _, _ in cards],
        "bank": [_BANK_CODES[accounts.bank[a]] for a, _, _ in cards],
        "gang_id": [g for _, g, _ in cards], "level": [c.level for _, _, c in cards],
        "typology": [c.typology for _, _, c in cards], "role": [c.role for _, _, c in cards],
    }, schema_overrides={"account": pl.Int64}), t / "fraud_accounts.csv")

    n["truth/fraud_persons.csv"] = write_csv(pl.DataFrame({
        "name": people.name, "id_number": people.id_number,
        "accounts": [";".join(str(accounts.number[a]) for a in accs) or None for accs in people.accounts],
        "phones": [";".join(str(phones.number[p]) for p in ps) or None for ps in people.phones],
        "gang_id": [gangs[g].gang_id for g in people.gang],
    }), t / "fraud_persons.csv")

    rows = [(k, v, s) for k, m in enumerate(movements) for v, s in sorted(m.shares.items())]
    k = np.array([r[0] for r in rows], np.int64)
    src = np.array([movements[i].src for i in k], np.int64)
    dst = np.array([movements[i].dst for i in k], np.int64)
    frame = pl.DataFrame({
        "txn_id": serial_text(movement_serial[k]),
        "time": local_times(np.array([movements[i].t_out for i in k], np.int64)),
        "from_account": accounts.number[src],
        "has_to": dst >= 0,
        "to_number": accounts.number[np.maximum(dst, 0)],
        "amount_fen": np.array([movements[i].amount for i in k], np.int64),
        "stolen_fen": np.array([r[2] for r in rows], np.int64),
        "victim_person_id": person_ids(np.array([victims[r[1]].person for r in rows], np.int64)),
        "level": np.array([movements[i].level for i in k], np.int64),
    }).with_columns(to_account=pl.when("has_to").then(pl.col("to_number")))
    n["truth/stolen_transfers.csv"] = write_csv(frame.select(
        ["txn_id", "time", "from_account", "to_account", "amount_fen", "stolen_fen", "victim_person_id", "level"]),
        t / "stolen_transfers.csv")

    n["truth/stolen_held.csv"] = write_csv(pl.DataFrame({
        "account": pl.Series([accounts.number[a] for a, _, _, _ in held], dtype=pl.Int64),
        "bank": pl.Series([_BANK_CODES[accounts.bank[a]] for a, _, _, _ in held], dtype=pl.Utf8),
        "gang_id": pl.Series([gangs[g].gang_id for _, g, _, _ in held], dtype=pl.Utf8),
        "victim_person_id": person_ids(np.array([victims[v].person for _, _, v, _ in held], np.int64)),
        "held_fen": pl.Series([f for _, _, _, f in held], dtype=pl.Int64),
    }), t / "stolen_held.csv")

    n["truth/fraud_sms.csv"] = write_csv(pl.DataFrame({
        "msisdn": phones.number[lures.sender],
        "other": phones.number[lures.receiver],
        "time": local_times(lures.time),
        "fraud_type": pl.Series([g.fraud_type.value for g in gangs], dtype=pl.Utf8).gather(lure_gang),
        "gang_id": pl.Series([g.gang_id for g in gangs], dtype=pl.Utf8).gather(lure_gang),
    }).sort(["time", "msisdn", "other"]), t / "fraud_sms.csv")
    contacts = [(k, x, g.gang_id) for g in gangs for k, xs in g.contacts.items() for x in xs]
    n["truth/fraud_contacts.csv"] = write_csv(pl.DataFrame(
        {"kind": [c[0] for c in contacts], "value": [c[1] for c in contacts], "gang_id": [c[2] for c in contacts]},
        schema={"kind": pl.Utf8, "value": pl.Utf8, "gang_id": pl.Utf8}), t / "fraud_contacts.csv")
    return n
