"""Victim reports (警情) as FORMATS.md's JSON: what a victim tells the duty officer.

A fifth come without a fraud type (the duty officer classifies later). Report ids read
``JQ-20240530-000123`` and count up in the order reports come in.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from fanzha.domain.money import fen_to_yuan
from fanzha.domain.organisation import BANKS
from fanzha.domain.region import CityLayout
from fanzha.sim.accounts import AccountBook
from fanzha.sim.ledger import CHANNELS
from fanzha.sim.narratives import narrative
from fanzha.sim.phones import PhoneBook
from fanzha.sim.population import Population
from fanzha.sim.rates import UNCLASSIFIED_REPORT_SHARE
from fanzha.sim.timeline import iso_text, to_datetime
from fanzha.sim.victims import Victim


def assign_report_ids(victims: list[Victim]) -> list[Victim]:
    reporting = sorted((v for v in victims if v.reported_at is not None), key=lambda v: (v.reported_at, v.person))
    for i, v in enumerate(reporting, start=1):
        v.report_id = f"JQ-{to_datetime(v.reported_at):%Y%m%d}-{i:06d}"
    return reporting


def write_reports(rng: np.random.Generator, path: Path, reporting: list[Victim], people: Population,
                  accounts: AccountBook, phones: PhoneBook, layout: CityLayout) -> int:
    unclassified = set(rng.permutation(len(reporting))[: round(UNCLASSIFIED_REPORT_SHARE * len(reporting))].tolist())
    holder = accounts.holder
    out = []
    for i, v in enumerate(reporting):
        p = v.person
        numbers = [str(phones.number[n]) for n in v.numbers]
        contacts = [{"kind": "phone", "value": n} for n in numbers] + [{"kind": k, "value": x} for k, x in v.online]
        first = to_datetime(v.first_contact)
        out.append({
            "report_id": v.report_id,
            "reported_at": iso_text(v.reported_at),
            "region": layout.counties[people.county[p]].name,
            "victim": {"name": people.name[p], "id_number": people.id_number[p], "phone": str(phones.number[v.phone]),
                       "age": int(people.age[p])},
            "fraud_type": None if i in unclassified else v.fraud_type.label_zh,
            "narrative": narrative(rng, v.fraud_type, when=f"{first.month}月{first.day}日{first.hour}时许",
                                   phone=numbers[0] if numbers else "", contacts=dict(v.online),
                                   payments=len(v.payments), total_fen=v.loss_fen,
                                   channel=CHANNELS[v.payments[0].channel]),
            "transfers": [{
                "time": iso_text(m.t_out), "amount": fen_to_yuan(m.amount),
                "from_account": str(accounts.number[m.src]), "from_bank": BANKS[accounts.bank[m.src]].name_zh,
                "to_account": str(accounts.number[m.dst]), "to_name": holder[int(m.dst)],
                "to_bank": BANKS[accounts.bank[m.dst]].name_zh, "channel": CHANNELS[m.channel],
            } for m in v.payments],
            "contacts": contacts,
        })
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")
    return len(out)
