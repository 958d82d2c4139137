"""Dashboard figures against answers worked out by hand, on SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from fanzha.domain import clock
from fanzha.domain.actor import Actor
from fanzha.domain.case_status import CaseStatus
from fanzha.domain.errors import InputRejected
from fanzha.domain.report import VictimReport
from fanzha.services.dashboard import intake_figures
from fanzha.services.intake import change_status, file_report
from fanzha.services.organisations import seed_organisations
from fanzha.store.db import Database

SYSTEM = Actor.system("test")

# (report id, local report time, region, fraud type, amounts in yuan)
REPORTS = [
    ("D1", "2024-05-31T23:30:00+08:00", "城厢区", "order_brushing", ["500.00"]),  # 15:30 UTC on the 31st
    ("D2", "2024-06-01T00:10:00+08:00", "荔城区", None, ["300.00", "841.50"]),  # 16:10 UTC on May 31st
    ("D3", "2024-05-30T09:00:00+08:00", "城厢区", "fake_investment", ["10.00"]),
    ("D4", "2024-05-28T12:00:00+08:00", "涵江区", "order_brushing", ["2000.00"]),
    ("D5", "2024-05-03T00:00:00+08:00", "秀屿区", "romance", ["1.00"]),  # the first day of the default period
    ("D6", "2024-05-02T23:59:59+08:00", "秀屿区", "romance", ["7.00"]),  # the day before it
    ("D7", "2024-04-15T12:00:00+08:00", "仙游县", "fake_loan", ["99.00"]),
]


@pytest.fixture
def filed(db: Database) -> Database:
    with db.session() as s:
        seed_organisations(s)
        for key, at, region, fraud_type, amounts in REPORTS:
            report = VictimReport.model_validate({
                "report_id": f"JQ-{key}", "reported_at": at, "region": region, "fraud_type": fraud_type,
                "victim": {"name": "受害人" + key}, "narrative": "",
                "transfers": [{"time": at, "amount": a, "to_account": "6217000000000002"} for a in amounts],
            })
            case = file_report(s, SYSTEM, report).case
            if key == "D4":
                change_status(s, SYSTEM, case, CaseStatus.FILED)
    return db


def _figures(db: Database, start=None, end=None):
    with db.session() as s:
        return intake_figures(s, SYSTEM, start, end)


def test_default_period_is_thirty_days_to_the_latest_report(filed: Database) -> None:
    f = _figures(filed)
    assert (f.period_start, f.period_end) == (date(2024, 5, 3), date(2024, 6, 1))  # D2's local day
    assert f.cases == 5  # D1..D5; D6 and D7 are earlier
    assert f.loss_fen == 50_000 + 114_150 + 1_000 + 200_000 + 100
    assert f.unclassified == 1
    assert f.by_fraud_type == [("order_brushing", 2, 250_000), (None, 1, 114_150),
                               ("fake_investment", 1, 1_000), ("romance", 1, 100)]
    assert f.by_region == [("城厢区", 2, 51_000), ("涵江区", 1, 200_000), ("秀屿区", 1, 100), ("荔城区", 1, 114_150)]
    assert f.by_status == [("reported", 4), ("filed", 1), ("investigating", 0), ("solved", 0), ("closed", 0)]


def test_days_are_local_and_zero_filled(filed: Database) -> None:
    f = _figures(filed)
    assert len(f.by_day) == 30
    assert [d for d, _, _ in f.by_day] == [date(2024, 5, 3) + timedelta(days=i) for i in range(30)]
    busy = {d: (c, loss) for d, c, loss in f.by_day if c}
    assert busy == {
        date(2024, 5, 3): (1, 100),
        date(2024, 5, 28): (1, 200_000),
        date(2024, 5, 30): (1, 1_000),
        date(2024, 5, 31): (1, 50_000),  # D1 at 23:30 local, D2 (same UTC day) is not here
        date(2024, 6, 1): (1, 114_150),  # D2 at 00:10 local
    }
    assert sum(c for _, c, _ in f.by_day) == f.cases


def test_a_chosen_period(filed: Database) -> None:
    one = _figures(filed, date(2024, 5, 31), date(2024, 5, 31))
    assert (one.cases, one.loss_fen, one.by_day) == (1, 50_000, [(date(2024, 5, 31), 1, 50_000)])
    assert one.by_fraud_type == [("order_brushing", 1, 50_000)] and one.unclassified == 0
    edge = _figures(filed, date(2024, 5, 2), date(2024, 5, 2))
    assert (edge.cases, edge.loss_fen) == (1, 700)  # D6 at 23:59:59 local, not D5 one second later
    april = _figures(filed, date(2024, 4, 1), date(2024, 4, 30))
    assert april.cases == 1 and april.by_region == [("仙游县", 1, 9_900)] and len(april.by_day) == 30
    ending = _figures(filed, end=date(2024, 5, 3))
    assert ending.period_start == date(2024, 4, 4) and ending.cases == 3  # D5, D6, D7
    with pytest.raises(InputRejected):
        _figures(filed, date(2024, 6, 2), date(2024, 6, 1))


def test_an_empty_store_shows_the_last_thirty_days(db: Database) -> None:
    f = _figures(db)
    today = clock.local(clock.now()).date()
    assert (f.period_start, f.period_end) == (today - timedelta(days=29), today)
    assert (f.cases, f.loss_fen, f.unclassified, f.by_fraud_type, f.by_region) == (0, 0, 0, [], [])
    assert len(f.by_day) == 30 and all(c == 0 and loss == 0 for _, c, loss in f.by_day)
    assert all(count == 0 for _, count in f.by_status)
