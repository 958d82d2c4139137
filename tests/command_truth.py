"""A small city whose statistics are known by hand (May 2024 against May 2023), written straight
into the store, for the statistics, dashboard and report tests. The answers are in the tests;
the comments here say which record lands where."""
from __future__ import annotations

from fanzha.domain.clock import parse_time
from fanzha.services.organisations import seed_organisations, station_org_id
from fanzha.store.models import (
    Arrest,
    Case,
    CaseEvent,
    Freeze,
    NumberOrder,
    Person,
    Restitution,
    StatementRequest,
    StopPaymentOrder,
    Suspect,
    WarningLead,
)


def t(text: str):
    """A local (Asia/Shanghai) time."""
    return parse_time(text)


# key: (local report time, county, station, fraud type, loss in fen, victim age)
CASES = {
    "A1": ("2024-05-01 00:30:00", "城厢区", "龙桥派出所", "order_brushing", 100_000, 65),  # 16:30 UTC on Apr 30
    "A2": ("2024-05-15 10:00:00", "城厢区", "凤凰山派出所", "fake_investment", 500_000, 25),
    "A3": ("2024-05-31 23:59:00", "荔城区", "镇海派出所", "order_brushing", 20_000, None),
    "A4": ("2024-04-30 23:59:59", "城厢区", "龙桥派出所", "order_brushing", 999_900, 40),  # April: out
    "A5": ("2024-06-01 00:00:00", "城厢区", "龙桥派出所", "order_brushing", 999_900, 40),  # June: out
    "B1": ("2023-05-10 09:00:00", "城厢区", "龙桥派出所", "order_brushing", 300_000, 70),
    "B2": ("2023-05-20 09:00:00", "城厢区", "龙桥派出所", "romance", 80_000, 35),
    "B3": ("2023-05-05 09:00:00", "荔城区", "镇海派出所", "fake_loan", 10_000, None),
    "B4": ("2023-05-31 20:00:00", "荔城区", "镇海派出所", "order_brushing", 5_000, None),
}


def build(session) -> dict[str, int]:
    """Write the city; return the case ids by key and the station ids."""
    seed_organisations(session)
    ids: dict[str, int] = {}
    for n, (key, (at, region, station, ftype, loss, age)) in enumerate(CASES.items()):
        victim = Person(name=f"受害人{key}", id_number=f"35030219700101{n:04d}", phone=f"1380000{n:04d}", age=age,
                        district=region, station=station)
        session.add(victim)
        session.flush()
        case = Case(report_id=f"JQ-{key}", reported_at=t(at), region=region, fraud_type=ftype, narrative="",
                    status="reported", loss_fen=loss, victim_id=victim.id,
                    station_id=station_org_id(session, region, station), created_at=t(at), updated_at=t(at))
        session.add(case)
        session.flush()
        ids[key] = case.id
    ids["longqiao"] = station_org_id(session, "城厢区", "龙桥派出所")

    def moved(key: str, to: str, at: str) -> None:
        session.add(CaseEvent(case_id=ids[key], at=t(at), kind="status_changed", actor="test",
                              detail={"from": "investigating", "to": to}))

    moved("B1", "solved", "2024-05-03 10:00:00")  # reported 2023, solved May 2024: counts in 2024-05
    moved("A2", "solved", "2024-05-20 10:00:00")
    moved("B2", "solved", "2023-05-25 10:00:00")  # May 2023
    moved("A1", "investigating", "2024-05-05 10:00:00")  # not solved
    moved("A3", "solved", "2024-06-01 00:00:01")  # June: out

    suspects = {}
    for n, name in enumerate(("S1", "S2", "S3")):
        s = Suspect(suspect_no=f"XY-20240501-{n:04d}", name=name, role="caller", status="caught",
                    created_at=t("2023-01-01 00:00:00"), updated_at=t("2023-01-01 00:00:00"), created_by="test")
        session.add(s)
        session.flush()
        suspects[name] = s.id

    def arrest(name: str, measure: str, at: str, region: str | None, case_key: str | None) -> None:
        session.add(Arrest(suspect_id=suspects[name], measure=measure, at=t(at), region=region,
                           case_id=ids[case_key] if case_key else None, recorded_by="test"))

    arrest("S1", "detention", "2024-05-02 10:00:00", "城厢区", "A1")
    arrest("S1", "arrest", "2024-05-20 10:00:00", "城厢区", "A1")  # the same person: counts once
    arrest("S2", "detention", "2024-04-28 10:00:00", None, "B3")  # April: out
    arrest("S2", "admin_penalty", "2024-05-10 10:00:00", None, "B3")  # region from case B3: 荔城区
    arrest("S3", "detention", "2023-05-15 10:00:00", "城厢区", None)  # last year, no case

    def order(no: str, key: str, state: str, stopped_at: str | None, stopped: int | None) -> StopPaymentOrder:
        o = StopPaymentOrder(order_no=no, dedup_key=no, case_id=ids[key], level=1, bank="ICBC",
                             account_number="6222000000000001", account_name="李某", amount_fen=stopped or 1,
                             transfer_time=t("2024-05-01 00:00:00"), state=state, source="report",
                             stopped_fen=stopped, stopped_at=t(stopped_at) if stopped_at else None,
                             created_at=t("2023-05-01 00:00:00"), created_by="test")
        session.add(o)
        session.flush()
        return o

    order("ZF-1", "A1", "stopped", "2024-05-01 01:00:00", 100_000)
    o2 = order("ZF-2", "A2", "frozen", "2024-05-16 10:00:00", 250_000)
    order("ZF-3", "B1", "expired", "2023-05-10 10:00:00", 50_000)
    order("ZF-4", "A3", "rejected", None, None)

    def freeze(key: str, order_id: int | None, amount: int, at: str) -> Freeze:
        f = Freeze(order_id=order_id, case_id=ids[key], bank="ICBC", account_number="6222000000000001",
                   amount_fen=amount, legal_document_no="莆公冻字1号", frozen_at=t(at),
                   expires_at=t("2024-11-17 00:00:00"), state="active", created_by="test")
        session.add(f)
        session.flush()
        return f

    f1 = freeze("A2", o2.id, 250_000, "2024-05-17 10:00:00")
    freeze("A1", None, 10_000, "2024-05-18 10:00:00")  # the same card again: one card frozen
    session.add(Restitution(freeze_id=f1.id, case_id=ids["A2"], amount_fen=200_000, mode="direct",
                            returned_at=t("2024-05-30 10:00:00"), created_by="test"))

    def lead(no: str, region: str, raised: str, closed: str | None = None, result: str | None = None,
             avoided: int | None = None, ftype: str | None = None) -> None:
        session.add(WarningLead(
            lead_no=no, subject_key=no, open_key=None if closed else no, region=region,
            station_id=ids["longqiao"] if region == "城厢区" else None, level="station", grade="medium",
            points=3, reasons=[], fraud_type=ftype, stage="contacted", state="closed" if closed else "open",
            raised_at=t(raised), sign_by=t(raised), finish_by=t(raised),
            closed_at=t(closed) if closed else None, result=result, loss_avoided_fen=avoided))

    lead("L1", "城厢区", "2024-05-03 10:00:00", "2024-05-03 12:00:00", "dissuaded", 3_000_000, "fake_investment")
    lead("L2", "荔城区", "2024-05-04 10:00:00")
    lead("L3", "城厢区", "2024-04-29 10:00:00", "2024-05-01 12:00:00", "dissuaded", 100_000)  # raised April
    lead("L4", "城厢区", "2023-05-06 10:00:00", "2023-05-06 12:00:00", "dissuaded", 50_000)
    lead("L5", "城厢区", "2023-05-07 10:00:00", "2023-05-08 12:00:00", "defrauded")

    def number(no: str, number_: str, kind: str, state: str, answered: str | None, key: str | None) -> None:
        session.add(NumberOrder(
            order_no=no, dedup_key=no, number=number_, operator="CMCC", kind=kind, basis="reported",
            source="case" if key else "model", case_id=ids[key] if key else None, reason="涉诈",
            appeal_channel="营业厅", state=state, raised_at=t("2023-05-01 00:00:00"),
            due_at=t("2023-05-01 01:00:00"), answered_at=t(answered) if answered else None, created_by="test"))

    number("HM-1", "17000000001", "intercept", "executed", "2024-05-02 10:00:00", "A1")
    number("HM-2", "17100000001", "shutdown", "executed", "2024-05-03 10:00:00", None)  # no case: city only
    number("HM-3", "17100000001", "shutdown", "lifted", "2024-05-04 10:00:00", None)  # same number: once
    number("HM-4", "17200000001", "intercept", "sent", None, "A1")  # not done
    number("HM-5", "17300000001", "intercept", "rejected", "2024-05-05 10:00:00", "A1")  # refused
    number("HM-6", "17400000001", "intercept", "executed", "2023-05-09 10:00:00", "B1")

    def statement(key: str, bank: str, account: str, at: str) -> None:
        session.add(StatementRequest(dedup_key=f"{key}:{account}", case_id=ids[key], bank=bank,
                                     account_number=account, level=1, state="requested", requested_at=t(at)))

    statement("A1", "ICBC", "6222000000000001", "2024-05-01 10:00:00")
    statement("A2", "ICBC", "6222000000000001", "2024-05-16 10:00:00")  # the same card: once
    statement("A2", "CCB", "6217000000000009", "2024-05-16 10:00:00")
    statement("B1", "CCB", "6217000000000009", "2023-05-11 10:00:00")
    session.flush()
    return ids
