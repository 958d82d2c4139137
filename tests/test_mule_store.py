"""Scoring the store's accounts (两卡) and their holders (帮信), on SQLite and PostgreSQL, and the
analysis desk's page and API over the kept scores."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from sqlalchemy import func, select

from fanzha.domain.access import AccessDenied
from fanzha.domain.actor import Actor
from fanzha.domain.organisation import OrgKind
from fanzha.domain.role import Role
from fanzha.engines.mule_features import FEATURES
from fanzha.engines.mule_model import MuleModel
from fanzha.services.analysis.mule_read import helper_rows, mule_rows, score_distribution
from fanzha.services.analysis.mule_scoring import score_mules
from fanzha.store.db import Database
from fanzha.store.models import Account, AuditEntry, HelperFlag, MuleScore, Person, StatementPosting

SYSTEM = Actor.system("test")
ID_NUMBER = "350302199001011234"
T0 = datetime(2024, 5, 1, 2, 0, tzinfo=UTC)  # 10:00 in the center's zone


def _model() -> MuleModel:
    """Trees that flag fast pass-through on a shared device (synthetic rows; fixed threshold)."""
    rng = np.random.default_rng(2)
    n = 400
    y = (rng.random(n) < 0.2).astype(np.int8)
    data = {f: rng.normal(0, 1, n) for f in FEATURES}
    data["pass_6h_share"] = np.where(y == 1, rng.uniform(0.8, 1, n), rng.uniform(0, 0.3, n))
    data["device_other_holders"] = np.where(y == 1, rng.integers(2, 6, n), 0).astype(float)
    return MuleModel(n_estimators=30, threshold=0.5,
                     features=("pass_6h_share", "device_other_holders")).fit(pl.DataFrame(data), y)


def _posting(i: int, account: str, name: str, minutes: int, direction: str, fen: int, cp: str | None,
             ip: str | None = None) -> StatementPosting:
    return StatementPosting(posting_key=f"k{i:04d}", account=account, account_name=name, bank="工商银行",
                            time=T0 + timedelta(minutes=minutes), direction=direction, amount_fen=fen,
                            counterparty_account=cp, channel="手机银行", memo="转账", ip=ip)


def _seed(db: Database) -> None:
    """K1 (张三, linked to a registered person) takes 90,000 yuan from three victims and passes it
    to K2 (李四) within minutes; K2 sends it on to K3; K1, K2 and K3 were used from one phone.
    O is an ordinary salary account."""
    rows = [
        _posting(1, "K1", "张三", 0, "in", 3_000_000, "V1"),
        _posting(2, "K1", "张三", 10, "in", 3_000_000, "V2"),
        _posting(3, "K1", "张三", 20, "in", 3_000_000, "V3"),
        _posting(4, "K1", "张三", 30, "out", 8_900_000, "K2", "10.0.0.1"),
        _posting(5, "K2", "李四", 31, "in", 8_900_000, "K1"),
        _posting(6, "K2", "李四", 50, "out", 8_900_000, "K3", "10.0.0.1"),
        _posting(7, "K3", "王五", 52, "in", 8_900_000, "K2"),
        _posting(8, "K3", "王五", 70, "out", 8_800_000, "K9", "10.0.0.1"),
        _posting(9, "O", "赵六", 0, "in", 600_000, "EMPLOYER"),
        _posting(10, "O", "赵六", 3000, "out", 10_000, "SHOP"),
    ]
    with db.session() as session:
        person = Person(name="张三", id_number=ID_NUMBER)
        session.add(person)
        session.flush()
        session.add(Account(number="K1", bank="ICBC", holder_name="张三", person_id=person.id))
        session.add_all(rows)


def test_scores_and_helpers_are_kept_and_replaced_by_each_run(db: Database) -> None:
    _seed(db)
    model = _model()
    run = score_mules(db, SYSTEM, model=model, cards=False)
    assert run.skipped_reason is None and run.accounts == 4 and run.flagged == 3
    with db.session() as session:
        kept = {r.account: r for r in session.scalars(select(MuleScore))}
        assert {a for a, r in kept.items() if r.flagged} == {"K1", "K2", "K3"}
        assert [kept[a].typology for a in ("K1", "K2", "K3")] == ["chain", "chain", "chain"]
        assert kept["K1"].figures["in_fen"] == 9_000_000 and kept["K1"].figures["in_parties"] == 3
        assert kept["K1"].reasons[0]["feature"] in ("pass_6h_share", "device_other_holders")
        flags = {f.person_key: f for f in session.scalars(select(HelperFlag))}
        zhang = flags[ID_NUMBER]
        assert zhang.person_id is not None and zhang.name == "张三"
        assert (zhang.parties, zhang.settled_fen, zhang.earned_fen) == (3, 9_000_000, 100_000)
        assert zhang.criteria == ["parties"] and zhang.serious
        assert zhang.evidence["accounts"][0]["account"] == "K1" and zhang.evidence["all_accounts"] == ["K1"]
        li = flags["name:李四"]
        assert (li.parties, li.settled_fen, li.serious) == (1, 8_900_000, False)
        audits = session.scalar(select(func.count()).select_from(AuditEntry)
                                .where(AuditEntry.action == "analysis.mules.score"))
        assert audits == 1
    again = score_mules(db, SYSTEM, model=model, cards=False)
    assert again.kept == run.kept
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(MuleScore)) == run.kept
        assert session.scalar(select(func.count()).select_from(HelperFlag)) == run.helpers


def test_reads_are_masked_and_need_the_analysis_permission(db: Database) -> None:
    _seed(db)
    score_mules(db, SYSTEM, model=_model(), cards=False)
    analyst = Actor(username="a", role=Role.ANALYST, org_code="city", org_kind=OrgKind.CITY_CENTER)
    with db.session() as session:
        rows = mule_rows(session, analyst)
        assert [r["account"] for r in rows][:3] and all("*" in r["holder"] for r in rows)
        (zhang,) = helper_rows(session, analyst)
        assert zhang["name"] == "张*" and zhang["id_number"] == "3503**********1234"
        assert zhang["evidence"]["parties"][0]["account"] == "V*"  # masked too
        spread = score_distribution(session, analyst)
        assert spread["flagged"] == 3 and sum(b["accounts"] for b in spread["bins"]) == spread["kept"]
        leader = Actor(username="l", role=Role.LEADERSHIP, org_code="city", org_kind=OrgKind.CITY_CENTER)
        with pytest.raises(AccessDenied):
            mule_rows(session, leader)


def test_an_empty_store_is_skipped_with_the_reason(db: Database) -> None:
    run = score_mules(db, SYSTEM, model=_model())
    assert run.skipped_reason and "import bank statements" in run.skipped_reason


def test_the_page_and_the_api(tmp_path: Path) -> None:
    from web_support import make_app, signed_in

    app = make_app(tmp_path, users=(("analyst", "analyst", "city"), ("leader", "leadership", "city")))
    analyst = signed_in(app, "analyst")
    empty = analyst.get("/analysis/mules")
    assert empty.status_code == 200 and "fanzha analyze mules" in empty.text
    _seed(app.state.db)
    score_mules(app.state.db, SYSTEM, model=_model(), cards=False)
    page = analyst.get("/analysis/mules")
    assert page.status_code == 200
    assert 'id="chart-mule-scores"' in page.text and "/static/js/analysis_mules.js" in page.text
    assert "/analysis/chart?account=K1" in page.text and 'aria-current="page"' in page.text
    assert "张*" in page.text and ID_NUMBER not in page.text and "3503**********1234" in page.text
    assert "链式转移" in page.text  # the typology, in Chinese by default
    api = analyst.get("/api/analysis/mules").json()
    assert {a["typology"] for a in api["accounts"]} == {"chain"} and len(api["accounts"]) == 3
    assert api["distribution"]["flagged"] == 3 and api["rule"]["settled_min_fen"] == 20_000_000
    helpers = analyst.get("/api/analysis/helpers").json()
    assert [p["criteria"] for p in helpers["persons"]] == [["parties"]]
    assert ID_NUMBER not in str(helpers) and "张三" not in str(helpers)
    everyone = analyst.get("/api/analysis/helpers?serious_only=false").json()["persons"]
    assert len(everyone) == 3
    leader = signed_in(app, "leader")
    assert leader.get("/analysis/mules").status_code == 403
    assert leader.get("/api/analysis/mules").status_code == 403


def _phone_store(db: Database) -> None:
    """Six gang numbers on two shared handsets ring many residents; five of them were reported in a
    case. Twenty residents with their own registered phones call a few friends."""
    from fanzha.store.models import CallRecord, Case, CaseContact, Phone

    rng = np.random.default_rng(5)
    residents = [f"138{i:08d}" for i in range(20)]
    gang = [f"170{i:08d}" for i in range(6)]
    rows, k = [], 0
    for day in range(10):
        for i, number in enumerate(gang):
            for callee in rng.choice(residents, 8, replace=False):
                k += 1
                rows.append(CallRecord(record_key=f"c{k}", msisdn=number, other=str(callee), call_type="caller",
                                       start_time=T0 + timedelta(days=day, minutes=int(rng.integers(0, 600))),
                                       duration_s=int(rng.integers(20, 300)), imei=f"IMEI{i % 2}"))
        for i, number in enumerate(residents):
            for friend in (residents[(i + 1) % 20], residents[(i + 2) % 20]):
                k += 1
                rows.append(CallRecord(record_key=f"c{k}", msisdn=number, other=friend, call_type="caller",
                                       start_time=T0 + timedelta(days=day, minutes=int(rng.integers(0, 600))),
                                       duration_s=int(rng.integers(30, 600)), imei=f"R{i}"))
    with db.session() as session:
        victim = Person(name="陈某", id_number="350302197001011234")
        session.add(victim)
        session.flush()
        for i, number in enumerate(residents):
            person = Person(name=f"居民{i}", id_number=f"3503021980010{i:05d}")
            session.add(person)
            session.flush()
            session.add(Phone(number=number, operator="CMCC", person_id=person.id))
        case = Case(report_id="JQ-1", reported_at=T0, region="城厢区", status="new", victim_id=victim.id,
                    created_at=T0, updated_at=T0)
        session.add(case)
        session.flush()
        session.add_all([CaseContact(case_id=case.id, kind="phone", value=n) for n in gang[:5]])
        session.add_all(rows)


def test_phone_cards_are_scored_from_the_call_records(db: Database) -> None:
    from fanzha.store.models import CardScore

    _seed(db)
    _phone_store(db)
    run = score_mules(db, SYSTEM, model=_model())
    assert run.cards_skipped is None and run.numbers == 26
    with db.session() as session:
        kept = {c.number: c for c in session.scalars(select(CardScore))}
    unknown = kept["17000000005"]  # the gang number nobody reported
    assert unknown.flagged and unknown.figures["handset_numbers"] == 2 and not unknown.figures["known_fraud"]
    assert unknown.reasons and run.cards_flagged == 1
    assert not any(n.startswith("138") for n in kept)  # residents' registered phones are the clean examples
