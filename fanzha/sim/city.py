"""The simulated city (模拟城市): residents, phones, bank cards, ordinary life, fraud gangs, victims,
and the files banks, operators and victims hand to the center, with the ground truth beside them.

``simulate`` writes the world directory::

    world.json                      seed, size, period, counts, files (path → rows)
    registry/residents.csv          person_id,name,id_number,gender,age,district,station,phone,account
    registry/phones.csv             number,operator,person_id,kind
    registry/accounts.csv           number,bank,holder_name,person_id,opened_at,kind
    banks/<BANK>/statements.csv     交易流水 per bank (both sides of every transfer)
    operators/<OP>/calls.csv        话单 per operator (a row per party on that operator)
    operators/<OP>/sms.csv          短信记录 per operator
    operators/<OP>/visits.csv       上网访问记录 per operator: web addresses and apps visited (``web_visits``)
    reports/reports.json            victim reports (警情)
    truth/*.csv                     victims, gangs, fraud numbers/accounts/persons/SMS/contacts/sites,
                                    stolen transfers and the stolen money still held

Volumes are set in ``rates`` (web visits in ``web_visits``). The same seed and parameters give byte-identical files: every
stage draws from its own stream (``seeds.stream``), ordinary telecom one stream per day.
"""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl

from fanzha.domain.organisation import BANKS
from fanzha.domain.region import DEFAULT_CITY, CityLayout
from fanzha.sim import everyday_money as money
from fanzha.sim import ledger as lg
from fanzha.sim.businesses import assign_employers, make_businesses
from fanzha.sim.cells import make_cells
from fanzha.sim.everyday_telecom import EverydayTelecom
from fanzha.sim.fraud_telecom import fraud_traffic
from fanzha.sim.gangs import make_gangs
from fanzha.sim.laundering import Laundering, Movement
from fanzha.sim.phones import RESIDENT
from fanzha.sim.population import make_population
from fanzha.sim.progress import Stages
from fanzha.sim.registry import make_registry, write_registry
from fanzha.sim.reports import assign_report_ids, write_reports
from fanzha.sim.seeds import stream
from fanzha.sim.social import make_social_graph
from fanzha.sim.telecom import Calls, OperatorFiles, Texts
from fanzha.sim.texts import lure_pool, ordinary_pool
from fanzha.sim.timeline import DAY, day_start
from fanzha.sim.truth import write_truth
from fanzha.sim.victims import choose_victims, contact_victims, decide_reports
from fanzha.sim.web_visits import write_visits


def simulate(residents: int, days: int, seed: int, out: Path, start: date = date(2024, 5, 1),
             progress: bool = True, layout: CityLayout = DEFAULT_CITY) -> dict:
    """Simulate the city and write the world directory; returns a summary dict (counts) also written to out/world.json."""
    if residents < 1 or days < 1:
        raise ValueError("a city needs at least one resident and one day")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    end = day_start(start, days)
    files: dict[str, int] = {}
    with Stages(progress) as stages:
        # the people and their registers
        task = stages.add("residents", 2)
        people = make_population(stream(seed, "people"), residents, layout, start)
        adults = people.adults
        firms = make_businesses(stream(seed, "firms"), residents, layout, outside=8 + residents // 3000)
        employer = assign_employers(stream(seed, "employers"), people, adults, firms)
        cells = make_cells(stream(seed, "cells"), np.bincount(people.county, minlength=len(layout.counties)))
        stages.advance(task)
        reg = make_registry(stream(seed, "registry"), people, adults, employer, firms, cells, start)
        graph = make_social_graph(stream(seed, "social"), employer)
        stages.advance(task)

        # gangs, their lures, their victims and where the money went
        task = stages.add("gangs and victims", 2)
        gangs, fraud_people = make_gangs(stream(seed, "gangs"), residents, days, start, reg, cells,
                                         reg.business_account[firms.outside])
        texts, senders = ordinary_pool(stream(seed, "texts"))
        personal = int((senders == 0).sum())
        lure_first, lure_count = [], []
        for g, gang in enumerate(gangs):
            lures = lure_pool(stream(seed, "lures", g), gang.fraud_type, gang.contacts)
            lure_first.append(len(texts))
            lure_count.append(len(lures))
            texts += lures
        stages.advance(task)
        victims = choose_victims(stream(seed, "victims"), people, adults, reg, gangs, start, days)
        contacts = contact_victims(stream(seed, "contact"), victims, gangs, reg, cells, lure_first, lure_count)
        decide_reports(stream(seed, "reports"), victims, end)
        movements, held = _launder(seed, gangs, victims, reg, end)
        stages.advance(task)

        # ordinary money and the banks' statements
        task = stages.add("money and statements", 1 + len(BANKS))
        parts = [
            money.wages(stream(seed, "wages"), reg, people, adults, employer, firms, start, days),
            money.person_to_person(stream(seed, "p2p"), reg, adults, graph, start, days),
            money.purchases(stream(seed, "purchases"), reg, adults, firms, start, days),
            money.cash(stream(seed, "cash"), reg, adults, start, days),
            lg.Transfers.make([m.t_out for m in movements], [m.src for m in movements], [m.dst for m in movements],
                              [m.amount for m in movements], np.array([m.channel for m in movements]),
                              np.array([m.memo for m in movements]), t_in=[m.t_in for m in movements],
                              tag=np.arange(len(movements))),
        ]
        transfers = lg.Transfers.concat(parts).in_time_order()
        del parts
        transfers.t_in = np.maximum(transfers.t_out, np.minimum(transfers.t_in, end - 1))  # nothing after the period
        movement_serial = np.zeros(len(movements), np.int64)
        fraud = transfers.tag >= 0
        movement_serial[transfers.tag[fraud]] = np.flatnonzero(fraud)
        stages.advance(task)
        for b, bank in enumerate(BANKS):
            name = f"banks/{bank.code}/statements.csv"
            files[name] = lg.write_statements(out / name, transfers, reg.accounts, b)
            stages.advance(task)
        n_transfers = len(transfers)
        del transfers

        # calls and SMS, day by day
        task = stages.add("calls and SMS", days)
        pool = pl.Series("text", texts)
        outside = reg.numbers.allocate(reg.numbers.operators(max(200, len(adults) // 10)))
        everyday = EverydayTelecom(adults, people.age[adults], graph, reg, outside, personal,
                                   np.flatnonzero(senders > 0), senders)
        traffic = fraud_traffic(stream(seed, "fraud traffic"), gangs, reg.phones, cells,
                                np.flatnonzero(reg.phones.kind == RESIDENT), residents, start, days, lure_first, lure_count)
        fraud_calls = Calls.concat([traffic.calls, *contacts.calls])
        fraud_texts = Texts.concat([traffic.texts, *contacts.texts])
        text_gang = np.concatenate([traffic.text_gang, np.array(contacts.text_gang, np.int64)])
        keep = fraud_texts.time < end
        fraud_texts, text_gang = fraud_texts.take(np.flatnonzero(keep)), text_gang[keep]
        operators = OperatorFiles(out, reg.phones, cells, pool)
        n_calls = n_texts = 0
        for day in range(days):
            midnight = day_start(start, day)
            today = (fraud_calls.start >= midnight) & (fraud_calls.start < min(midnight + DAY, end))
            calls = Calls.concat([everyday.calls(stream(seed, "calls", day), midnight),
                                  fraud_calls.take(np.flatnonzero(today))])
            today = (fraud_texts.time >= midnight) & (fraud_texts.time < midnight + DAY)
            sms = Texts.concat([everyday.texts(stream(seed, "sms", day), midnight), fraud_texts.take(np.flatnonzero(today))])
            operators.write_calls(calls)
            operators.write_texts(sms)
            n_calls += len(calls.caller)
            n_texts += len(sms.time)
            stages.advance(task)
        files.update(operators.close())

        # visits to web addresses and apps, day by day
        task = stages.add("web visits", days)
        files.update(write_visits(seed, out, start, days, reg.phones, np.flatnonzero(reg.phones.kind == RESIDENT),
                                  gangs, victims, fraud_texts, text_gang, texts,
                                  advance=lambda: stages.advance(task)))

        # registers, reports, truth
        task = stages.add("registry, reports, truth", 3)
        files.update(write_registry(out, people, reg, layout))
        stages.advance(task)
        reporting = assign_report_ids(victims)
        files["reports/reports.json"] = write_reports(stream(seed, "narratives"), out / "reports" / "reports.json",
                                                      reporting, people, reg.accounts, reg.phones, layout)
        stages.advance(task)
        files.update(write_truth(out, gangs, victims, fraud_people, movements, movement_serial, held, reg.accounts,
                                 reg.phones, fraud_texts, text_gang))
        stages.advance(task)

    summary = {
        "seed": seed, "residents": residents, "days": days, "start": start.isoformat(), "city": layout.name,
        "counts": {
            "residents": residents, "adults": int(len(adults)), "phones": int((reg.phones.kind == RESIDENT).sum()),
            "accounts": len(reg.accounts), "merchants": len(firms.name), "gangs": len(gangs),
            "fraud_numbers": int(sum(len(g.callers) + len(g.senders) for g in gangs)),
            "mule_accounts": int(sum(len(g.cards) for g in gangs)), "fraud_persons": len(fraud_people.gang),
            "victims": len(victims), "reports": len(reporting), "loss_fen": int(sum(v.loss_fen for v in victims)),
            "transfers": n_transfers, "calls": n_calls, "sms": n_texts,
            "visits": sum(n for name, n in files.items() if name.endswith("/visits.csv")),
        },
        "files": dict(sorted(files.items())),
    }
    (out / "world.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return summary


def _launder(seed: int, gangs, victims, reg, end: int) -> tuple[list[Movement], list[tuple[int, int, int, int]]]:
    """Victims' payments, then each gang's movements through its cards; and what is still held."""
    movements: list[Movement] = [p for v in victims for p in v.payments]
    held: list[tuple[int, int, int, int]] = []
    accounts = reg.accounts
    for g, gang in enumerate(gangs):
        flow = Laundering(stream(seed, "laundering", g), gang.cards, gang.card_account, accounts.bank[gang.card_account],
                          accounts.opening_fen[gang.card_account], gang.merchants, accounts.bank[gang.merchants], end)
        card_of = {int(a): c for c, a in enumerate(gang.card_account)}
        for v in victims:
            if v.gang == g:
                for p in v.payments:
                    flow.receive(card_of[p.dst], p.t_in, p.amount, p.shares)
        movements += flow.run()
        for c, taint in enumerate(flow.held()):
            held += [(int(gang.card_account[c]), g, v, s) for v, s in sorted(taint.items())]
    return movements, held
