"""A city's past (历史数据) for the command desk's year-over-year figures: a deterministic generator
that writes months or years of past cases with their victims, status history, stop-payment orders,
freezes and returns, statement requests, warning leads, number orders, suspects and arrests
straight into the store in bulk.

Sized like real centers: ``cases_per_100k_year`` reported cases per 100,000 residents per year at
the start (450 by default: a 1,000,000-resident city gets about 4,500 cases a year), changing by
``yearly_change`` a year (−0.25: a quarter fewer cases a year later) while losses fall faster and
solved cases and people dealt with rise, so the 两降两升 the centers report shows. The same seed
gives the same past; writing it again adds nothing (its records carry the ``LS-`` prefix).

The demo simulates May 2024 (fanzha/sim/city.py, about 30 reported cases a month per 20,000
residents); its past is written with::

    write_history(db, residents=20_000, start=date(2023, 1, 1), end=date(2024, 4, 30), seed=7,
                  cases_per_100k_year=2_400, yearly_change=-0.3, loss_scale=1.6)
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import numpy as np
from rich.progress import Progress
from sqlalchemy import func, insert, select, update

from fanzha.domain import clock
from fanzha.domain.clock import CENTER_TZ
from fanzha.domain.fraud_type import FraudType
from fanzha.domain.organisation import BANKS, OPERATORS
from fanzha.domain.region import DEFAULT_CITY
from fanzha.services.organisations import seed_organisations, stations
from fanzha.sim.seeds import stream
from fanzha.store.db import Database
from fanzha.store.models import (
    Arrest,
    Case,
    CaseEvent,
    CaseTransfer,
    Freeze,
    NumberOrder,
    Person,
    Restitution,
    StatementRequest,
    StopPaymentOrder,
    Suspect,
    WarningLead,
)

PREFIX = "LS"  # 历史: every record written here carries it in its number
ACTOR = "history"

# Share of cases and median loss in yuan per fraud type (刷单返利 about a third of cases).
TYPES: dict[FraudType, tuple[float, int]] = {
    FraudType.ORDER_BRUSHING: (0.33, 20_000), FraudType.FAKE_INVESTMENT: (0.12, 80_000),
    FraudType.FAKE_LOAN: (0.10, 10_000), FraudType.FAKE_CUSTOMER_SERVICE: (0.10, 30_000),
    FraudType.FAKE_POLICE: (0.05, 100_000), FraudType.FAKE_CREDIT: (0.06, 30_000),
    FraudType.FAKE_SHOPPING: (0.08, 3_000), FraudType.FAKE_BOSS: (0.05, 50_000),
    FraudType.GAME_TRADING: (0.04, 5_000), FraudType.ROMANCE: (0.04, 120_000), FraudType.OTHER: (0.03, 10_000),
}
AGES = ((12, 17, 0.04), (18, 29, 0.30), (30, 39, 0.25), (40, 49, 0.17), (50, 59, 0.12), (60, 85, 0.12))
SURNAMES = "林陈黄郑吴李王张刘杨蔡许方朱翁徐"
GIVEN = "伟强磊军洋芳娜敏静丽杰涛明超华斌艳娟霞燕"

SOLVED_SHARE = 0.25  # of cases at the start, rising with the trend
LOSS_TREND = 1.6  # losses fall this many times as fast as cases
SOLVED_GROWTH = 1.3  # solved cases (and so people dealt with) a year later, whatever the cases do
# Warning leads per reported case: nationally 2023 had 9.4 million fund warnings and 13.89 million
# face-to-face dissuasions for 1.4 billion people, i.e. some 7 to 10 warnings per 1,000 residents a
# year: about 3 per case at 450 cases per 100,000.
LEADS_PER_CASE = 3
NUMBER_ORDERS_PER_CASE = 2.0
DISSUADED_SHARE = 0.45


@dataclass(frozen=True)
class HistoryCounts:
    cases: int
    persons: int
    events: int
    orders: int
    freezes: int
    restitutions: int
    statement_requests: int
    leads: int
    number_orders: int
    suspects: int
    arrests: int

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


def write_history(db: Database, residents: int, start: date, end: date, seed: int = 7,
                  cases_per_100k_year: float = 450.0, yearly_change: float = -0.25, loss_scale: float = 1.0,
                  progress: bool = False) -> HistoryCounts:
    """Write the city's past from local day ``start`` to ``end`` (both included); return what was
    written (all zero when this past is already in the store). ``loss_scale`` multiplies every
    victim's loss (the typical losses per fraud type are in TYPES)."""
    if end < start:
        raise ValueError(f"the history's end {end} is before its start {start}")
    tag = f"{PREFIX}{seed % 100:02d}"
    with db.session() as session:
        seed_organisations(session)
        if session.scalar(select(func.count()).select_from(Case).where(Case.report_id.like(f"{tag}-%"))):
            return HistoryCounts(*([0] * 11))
        station_ids = stations(session)
    rng = stream(seed, "history")
    plan = _plan_cases(rng, residents, start, end, cases_per_100k_year, yearly_change, station_ids, loss_scale)
    n = len(plan["at"])
    counts: dict[str, int] = {}
    with Progress(disable=not progress, transient=True) as bar:
        task = bar.add_task("writing the city's past", total=6)
        with db.session() as session:
            case_ids = _write_cases(session, rng, tag, plan, counts)
            bar.advance(task)
            _write_status(session, rng, plan, case_ids, yearly_change, counts, tag)
            bar.advance(task)
            _write_funds(session, rng, tag, plan, case_ids, counts)
            bar.advance(task)
            _write_leads(session, rng, tag, plan, yearly_change, counts)
            bar.advance(task)
            _write_numbers(session, rng, tag, plan, case_ids, counts)
            bar.advance(task)
        bar.advance(task)
    counts["cases"] = n
    return HistoryCounts(**{k: counts.get(k, 0) for k in HistoryCounts.__dataclass_fields__})


def _plan_cases(rng, residents, start, end, per_100k, change, station_ids, loss_scale) -> dict[str, np.ndarray]:
    days = (end - start).days + 1
    t = np.arange(days) / 365.25
    rate = residents / 100_000 * per_100k / 365.25 * (1 + change) ** t
    month = np.array([(start + timedelta(days=int(i))).month for i in range(days)])
    rate = rate * (1 + 0.12 * np.cos((month - 1) / 12 * 2 * np.pi))  # a little more around New Year
    per_day = rng.poisson(rate)
    day_index = np.repeat(np.arange(days), per_day)
    n = len(day_index)
    seconds = np.clip(rng.normal(14.5 * 3600, 4.5 * 3600, n), 0, 86_399).astype(np.int64)
    counties = DEFAULT_CITY.counties
    weights = np.array([len(c.stations) for c in counties], dtype=float)
    county = rng.choice(len(counties), n, p=weights / weights.sum())
    types = list(TYPES)
    shares = np.array([TYPES[f][0] for f in types])
    ftype = rng.choice(len(types), n, p=shares / shares.sum())
    median = np.array([TYPES[f][1] for f in types])[ftype]
    years = day_index / 365.25
    per_case = max(1 + change * LOSS_TREND, 0.05) / (1 + change)  # each case's loss moves too
    loss_yuan = np.minimum(median * loss_scale * rng.lognormal(0, 1.0, n) * per_case ** years, 5_000_000)
    loss_fen = np.maximum((loss_yuan * 100).astype(np.int64), 100)
    bands = rng.choice(len(AGES), n, p=np.array([a[2] for a in AGES]))
    age = np.array([rng.integers(AGES[b][0], AGES[b][1] + 1) for b in bands], dtype=np.int64)
    station_pick = rng.random(n)
    at = [datetime.combine(start + timedelta(days=int(d)), datetime.min.time(), CENTER_TZ)
          + timedelta(seconds=int(s)) for d, s in zip(day_index, seconds, strict=True)]
    region, station_id, station = [], [], []
    for c, pick in zip(county, station_pick, strict=True):
        name = counties[c].name
        options = station_ids.get(name, [])
        region.append(name)
        if options:
            org_id, st = options[int(pick * len(options))]
        else:
            org_id, st = None, None
        station_id.append(org_id)
        station.append(st)
    return {"at": np.array(at, dtype=object), "years": years, "region": np.array(region, dtype=object),
            "station_id": np.array(station_id, dtype=object), "station": np.array(station, dtype=object),
            "ftype": np.array([types[i].value for i in ftype], dtype=object), "loss_fen": loss_fen, "age": age}


def _bulk(session, model, rows: list[dict], batch: int = 5_000) -> None:
    for i in range(0, len(rows), batch):
        session.execute(insert(model), rows[i:i + batch])


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


def _write_cases(session, rng, tag, plan, counts) -> list[int]:
    n = len(plan["at"])
    names = [SURNAMES[a] + GIVEN[b] + (GIVEN[c] if c % 3 else "") for a, b, c in zip(
        rng.integers(0, len(SURNAMES), n), rng.integers(0, len(GIVEN), n), rng.integers(0, len(GIVEN), n),
        strict=True)]
    persons = [{"name": names[i], "id_number": f"{tag}{i:014d}", "phone": None, "age": int(plan["age"][i]),
                "district": plan["region"][i], "station": plan["station"][i]} for i in range(n)]
    _bulk(session, Person, persons)
    person_of = dict(session.execute(select(Person.id_number, Person.id)
                                     .where(Person.id_number.like(f"{tag}%"))).all())
    cases = []
    for i in range(n):
        at = _utc(plan["at"][i])
        cases.append({"report_id": f"{tag}-{plan['at'][i]:%Y%m%d}-{i:06d}", "reported_at": at,
                      "region": plan["region"][i], "fraud_type": plan["ftype"][i], "narrative": "历史警情",
                      "status": "filed", "loss_fen": int(plan["loss_fen"][i]),
                      "victim_id": person_of[f"{tag}{i:014d}"], "station_id": plan["station_id"][i],
                      "created_at": at, "updated_at": at})
    _bulk(session, Case, cases)
    id_of = dict(session.execute(select(Case.report_id, Case.id).where(Case.report_id.like(f"{tag}-%"))).all())
    case_ids = [id_of[c["report_id"]] for c in cases]
    _bulk(session, CaseTransfer, [
        {"case_id": case_ids[i], "time": cases[i]["reported_at"] - timedelta(minutes=40),
         "amount_fen": cases[i]["loss_fen"], "to_account": f"62{i:014d}", "to_bank": "建设银行"} for i in range(n)])
    counts["persons"] = n
    return case_ids


def _write_status(session, rng, plan, case_ids, change, counts, tag) -> None:
    """Reported and filed for every case; solved for a share rising with the years, with the
    suspects caught for it (1 to 3, a measure a few days before the case is solved)."""
    n = len(case_ids)
    years = plan["years"]
    solved_p = np.minimum(SOLVED_SHARE * (SOLVED_GROWTH / (1 + change)) ** years, 0.9)
    solved = rng.random(n) < solved_p
    lag_days = rng.lognormal(np.log(30), 0.7, n)
    events, solved_ids, suspects, arrests_plan = [], [], [], []
    for i in range(n):
        at = _utc(plan["at"][i])
        events.append({"case_id": case_ids[i], "at": at, "kind": "reported", "actor": ACTOR,
                       "detail": {"source": "history"}})
        events.append({"case_id": case_ids[i], "at": at + timedelta(hours=6), "kind": "status_changed",
                       "actor": ACTOR, "detail": {"from": "reported", "to": "filed", "note": ""}})
        if solved[i]:
            when = at + timedelta(days=float(lag_days[i]))
            events.append({"case_id": case_ids[i], "at": when, "kind": "status_changed", "actor": ACTOR,
                           "detail": {"from": "investigating", "to": "solved", "note": ""}})
            solved_ids.append(case_ids[i])
            for k in range(int(rng.integers(1, 4))):
                no = f"{tag}-{case_ids[i]:07d}-{k}"
                suspects.append({"suspect_no": no, "name": "嫌疑人", "role": "caller", "status": "caught",
                                 "case_id": case_ids[i], "evidence": [], "created_at": when, "updated_at": when,
                                 "created_by": ACTOR})
                arrests_plan.append((no, when - timedelta(days=float(rng.uniform(0, 5))), plan["region"][i],
                                     case_ids[i]))
    _bulk(session, CaseEvent, events)
    for i in range(0, len(solved_ids), 5_000):
        session.execute(update(Case).where(Case.id.in_(solved_ids[i:i + 5_000])).values(status="solved"))
    _bulk(session, Suspect, suspects)
    id_of = dict(session.execute(select(Suspect.suspect_no, Suspect.id)
                                 .where(Suspect.suspect_no.like(f"{tag}-%"))).all())
    _bulk(session, Arrest, [{"suspect_id": id_of[no], "measure": "detention", "at": at, "region": region,
                             "case_id": case_id, "recorded_by": ACTOR, "note": ""}
                            for no, at, region, case_id in arrests_plan])
    counts.update(events=len(events), suspects=len(suspects), arrests=len(arrests_plan))


def _write_funds(session, rng, tag, plan, case_ids, counts) -> None:
    """Level-1 stop-payment orders (most stop part of the money within the hour), freezes of
    half the stopped ones, returns of part of those a month or more later, statement requests."""
    orders, freezes_plan, requests = [], [], []
    banks = [b.code for b in BANKS]
    for i, case_id in enumerate(case_ids):
        at = _utc(plan["at"][i])
        for k in range(int(rng.integers(1, 3))):
            bank = banks[int(rng.integers(0, len(banks)))]
            account = f"62{int(rng.integers(10**13, 10**14)):014d}"
            no = f"{tag}-ZF-{case_id:07d}-{k}"
            stopped = rng.random() < 0.6
            stopped_at = at + timedelta(minutes=float(rng.uniform(1, 50)))
            amount = int(plan["loss_fen"][i])
            stopped_fen = int(amount * rng.uniform(0.1, 0.8)) if stopped else None
            frozen = stopped and rng.random() < 0.5
            state = "frozen" if frozen else "expired" if stopped else "rejected"
            orders.append({"order_no": no, "dedup_key": no, "case_id": case_id, "level": 1, "bank": bank,
                           "account_number": account, "account_name": "某某", "amount_fen": amount,
                           "transfer_time": at - timedelta(minutes=40), "state": state, "source": "report",
                           "stopped_fen": stopped_fen, "reject_reason": None if stopped else "四要素不符",
                           "created_at": at, "sent_at": at, "answered_at": stopped_at,
                           "stopped_at": stopped_at if stopped else None,
                           "expires_at": stopped_at + timedelta(hours=48) if stopped else None, "created_by": ACTOR})
            requests.append({"dedup_key": f"{tag}:{case_id}:{account}", "case_id": case_id, "bank": bank,
                             "account_number": account, "level": 1, "state": "answered", "requested_at": stopped_at,
                             "answered_at": stopped_at + timedelta(hours=3)})
            if frozen:
                freezes_plan.append((no, case_id, bank, account, stopped_fen, stopped_at + timedelta(days=1)))
    _bulk(session, StopPaymentOrder, orders)
    _bulk(session, StatementRequest, requests)
    order_of = dict(session.execute(select(StopPaymentOrder.order_no, StopPaymentOrder.id)
                                    .where(StopPaymentOrder.order_no.like(f"{tag}-ZF-%"))).all())
    freezes, now = [], clock.now()  # a past freeze not returned has run out by now
    for no, case_id, bank, account, amount, at in freezes_plan:
        returned = rng.random() < 0.4
        freezes.append({"order_id": order_of[no], "case_id": case_id, "bank": bank, "account_number": account,
                        "amount_fen": amount, "legal_document_no": f"莆公冻字{order_of[no]}号", "frozen_at": at,
                        "expires_at": at + timedelta(days=182), "renewals": 0,
                        "state": "returned" if returned else "expired" if at + timedelta(days=182) < now else "active",
                        "created_by": ACTOR})
    _bulk(session, Freeze, freezes)
    freeze_of = dict(session.execute(select(Freeze.order_id, Freeze.id).where(Freeze.created_by == ACTOR)).all())
    restitutions = [{"freeze_id": freeze_of[f["order_id"]], "case_id": f["case_id"], "amount_fen": f["amount_fen"],
                     "mode": "direct", "returned_at": f["frozen_at"] + timedelta(days=float(rng.uniform(30, 90))),
                     "created_by": ACTOR} for f in freezes if f["state"] == "returned"]
    _bulk(session, Restitution, restitutions)
    counts.update(orders=len(orders), freezes=len(freezes), restitutions=len(restitutions),
                  statement_requests=len(requests))


def _write_leads(session, rng, tag, plan, change, counts) -> None:
    """Warning leads, several per case, on the same days and places; nearly half end dissuaded
    (with the loss avoided), and the share grows a little with the years."""
    leads = []
    n_cases = len(plan["at"])
    total = int(n_cases * LEADS_PER_CASE)
    pick = rng.integers(0, max(n_cases, 1), total) if n_cases else np.array([], dtype=np.int64)
    results = ("defrauded", "unreachable", "false_alarm")
    for j, i in enumerate(pick):
        raised = _utc(plan["at"][i]) + timedelta(hours=float(rng.uniform(-240, 0)))
        years = float(plan["years"][i])
        dissuaded = rng.random() < min(DISSUADED_SHARE * (1 - change * 0.5) ** years, 0.9)
        grade = ("high", "medium", "low")[int(rng.integers(0, 3))]
        no = f"{tag}-YJ-{j:07d}"
        leads.append({
            "lead_no": no, "subject_key": no, "open_key": None, "region": plan["region"][i],
            "station_id": plan["station_id"][i], "level": "station", "grade": grade, "points": 4,
            "reasons": [], "fraud_type": plan["ftype"][i], "amount_at_stake_fen": int(plan["loss_fen"][i]),
            "stage": "contacted", "state": "closed", "escalations": 0, "raised_at": raised,
            "sign_by": raised + timedelta(hours=1), "finish_by": raised + timedelta(hours=24),
            "signed_at": raised + timedelta(minutes=20), "signed_by": ACTOR,
            "closed_at": raised + timedelta(hours=float(rng.uniform(1, 20))),
            "result": "dissuaded" if dissuaded else results[int(rng.integers(0, 3))],
            "loss_avoided_fen": int(plan["loss_fen"][i] * rng.uniform(0.2, 1.0)) if dissuaded else None})
    _bulk(session, WarningLead, leads)
    counts["leads"] = len(leads)


def _write_numbers(session, rng, tag, plan, case_ids, counts) -> None:
    """Interception and shutdown orders on the numbers the victims reported, executed in time."""
    orders = []
    operators = [o.code for o in OPERATORS]
    per_case = rng.poisson(NUMBER_ORDERS_PER_CASE, len(case_ids))
    for i, case_id in enumerate(case_ids):
        at = _utc(plan["at"][i])
        for k in range(int(per_case[i])):
            kind = "intercept" if rng.random() < 0.65 else "shutdown"
            no = f"{tag}-HM-{case_id:07d}-{k}"
            orders.append({"order_no": no, "dedup_key": no, "number": f"170{int(rng.integers(10**7, 10**8)):08d}",
                           "operator": operators[int(rng.integers(0, len(operators)))], "kind": kind,
                           "basis": "reported", "source": "case", "source_ref": None, "case_id": case_id,
                           "reason": "受害人报案涉诈号码", "appeal_channel": "营业厅申诉", "state": "executed",
                           "raised_at": at, "due_at": at + timedelta(hours=1),
                           "answered_at": at + timedelta(minutes=float(rng.uniform(5, 55))), "created_by": ACTOR})
    _bulk(session, NumberOrder, orders)
    counts["number_orders"] = len(orders)
