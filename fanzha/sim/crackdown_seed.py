"""Crackdown records for the demo (打击处理): suspects, measures and seizures drawn from the
simulated city's truth, so the analysis and command desks have people dealt with to show.

The card and SIM holders the gangs used (truth/fraud_persons.csv) become suspects on their gang's
first reported case (and its series, when one holds that case), traced to the province and city
their identity number names. A fixed share of them, chosen by a hash of the identity number (so
the same city always gives the same records), is wanted, caught and detained, or caught, arrested,
handed over and prosecuted, on a day some weeks after the report, by the case's county; the cards
and phone cards they held are seized. Everything goes through the services, so it is checked and
audited like an analyst's work, and a second run adds nothing.
"""
from __future__ import annotations

import hashlib
from datetime import date, timedelta
from pathlib import Path

import polars as pl
from sqlalchemy import select

from fanzha.domain import clock
from fanzha.domain.actor import Actor
from fanzha.services.analysis.arrests import record_measure
from fanzha.services.analysis.seizures import SeizureIn, record_seizure
from fanzha.services.analysis.suspects import SuspectIn, create_suspect, move_status
from fanzha.store.db import Database
from fanzha.store.models import Case, SeriesCase

PROVINCES = {"35": "福建省", "36": "江西省", "41": "河南省", "42": "湖北省", "43": "湖南省", "44": "广东省",
             "45": "广西壮族自治区", "46": "海南省", "51": "四川省", "52": "贵州省", "53": "云南省"}
CITIES = {"3503": "莆田市", "3601": "南昌市", "3621": "赣州市", "4101": "郑州市", "4113": "南阳市", "4201": "武汉市",
          "4211": "黄冈市", "4301": "长沙市", "4305": "邵阳市", "4312": "怀化市", "4403": "深圳市", "4415": "汕尾市",
          "4501": "南宁市", "4507": "钦州市", "4521": "南宁市", "4601": "海口市", "5101": "成都市", "5113": "南充市",
          "5201": "贵阳市", "5226": "黔东南州", "5301": "昆明市", "5321": "昭通市", "5331": "德宏州"}


def _share(text: str) -> float:
    """A stable number in [0, 1) for a person: the same city gives the same records."""
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16) / 2**32


def _split(cell: str | None) -> list[str]:
    return [x for x in (cell or "").split(";") if x]


def seed_crackdown(db: Database, world: Path, *, today: date | None = None) -> dict[str, int]:
    """Suspects, measures and seizures from ``world``'s truth for the cases already loaded;
    returns how many of each were made (0 on a second run)."""
    truth = Path(world) / "truth"
    persons = pl.read_csv(truth / "fraud_persons.csv", schema_overrides={"id_number": pl.Utf8, "accounts": pl.Utf8,
                                                                         "phones": pl.Utf8})
    victims = pl.read_csv(truth / "victims.csv", schema_overrides={"report_id": pl.Utf8})
    reports = victims.filter(pl.col("report_id").is_not_null()).select("gang_id", "report_id")
    actor = Actor.system("crackdown-seed")
    today = today or clock.local(clock.now()).date()
    made = {"suspects": 0, "measures": 0, "seizures": 0}
    with db.session() as session:
        cases = {r: (cid, region, at) for r, cid, region, at in session.execute(
            select(Case.report_id, Case.id, Case.region, Case.reported_at).where(
                Case.report_id.in_(reports["report_id"].to_list())))}
        first_case: dict[str, tuple[int, str, object]] = {}
        for gang, report in reports.iter_rows():
            if report in cases and (gang not in first_case or cases[report][2] < first_case[gang][2]):
                first_case[gang] = cases[report]
        series_of = dict(session.execute(select(SeriesCase.case_id, SeriesCase.series_id).where(
            SeriesCase.case_id.in_([c[0] for c in first_case.values()]))).all()) if first_case else {}
    for row in persons.iter_rows(named=True):
        if row["gang_id"] not in first_case:
            continue
        case_id, region, reported_at = first_case[row["gang_id"]]
        u = _share(row["id_number"])
        accounts, phones = _split(row["accounts"]), _split(row["phones"])
        area = row["id_number"][:4]
        with db.session() as session:
            suspect, created = create_suspect(session, actor, SuspectIn(
                name=row["name"], role="card_seller" if accounts or phones else "other",
                id_number=row["id_number"], province=PROVINCES.get(area[:2]), city=CITIES.get(area),
                case_id=case_id, series_id=series_of.get(case_id),
                evidence=[f"account:{a}" for a in accounts[:10]] + [f"phone:{p}" for p in phones[:10]],
                note="模拟城市真值：涉案两卡持有人"))
            made["suspects"] += created
            if not created or u < 0.15:
                continue  # identified only (or seeded before)
            if u < 0.35:
                move_status(session, actor, suspect.id, "wanted", "模拟：上网追逃")
                continue
            move_status(session, actor, suspect.id, "caught", f"模拟：在{suspect.city or '外省'}抓获")
            day = min(clock.local(reported_at).date() + timedelta(days=5 + int(u * 40)), today)
            made["measures"] += record_measure(session, actor, suspect.id, "detention", day, region)[1]
            if u >= 0.8:
                made["measures"] += record_measure(session, actor, suspect.id, "arrest",
                                                   min(day + timedelta(days=30), today), region)[1]
                move_status(session, actor, suspect.id, "handed_over", "模拟：移送检察院审查起诉")
                made["measures"] += record_measure(session, actor, suspect.id, "prosecution",
                                                   min(day + timedelta(days=60), today), region)[1]
            for kind, count in (("bank_card", len(accounts)), ("phone_card", len(phones))):
                if count:
                    made["seizures"] += record_seizure(session, actor, SeizureIn(
                        kind=kind, count=count, at=day, region=region, suspect_id=suspect.id,
                        note="模拟：抓获时缴获"), client_key=f"seed:{row['id_number']}:{kind}")[1]
    return made
