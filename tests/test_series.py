"""Series (串并案): the detection engine on hand-built graphs with known answers, and the service
that keeps candidates and analysts' decisions across re-detection, on SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import numpy as np
import pytest
from sqlalchemy import func, select

from fanzha.domain.access import AccessDenied
from fanzha.domain.actor import Actor
from fanzha.domain.errors import InputRejected
from fanzha.domain.organisation import OrgKind
from fanzha.domain.report import VictimReport
from fanzha.domain.role import Role
from fanzha.engines.series_detection import (
    KIND_CODE,
    Incidence,
    SeriesRules,
    detect_series,
    grouping_quality,
)
from fanzha.services.analysis.series_decide import confirm, merge, reject, rename, split
from fanzha.services.analysis.series_detect import detect_and_store
from fanzha.services.analysis.series_read import list_series, series_detail
from fanzha.services.intake import file_report
from fanzha.services.organisations import seed_organisations
from fanzha.store.db import Database
from fanzha.store.models import AuditEntry, Series, SeriesDecision

SYSTEM = Actor.system("test")
ANALYST = Actor(username="analyst", role=Role.ANALYST, org_code="city", org_kind=OrgKind.CITY_CENTER)
COUNTY_ANALYST = Actor(username="analyst-lc", role=Role.ANALYST, org_code="county-licheng",
                       org_kind=OrgKind.COUNTY_CENTER, region="荔城区")
WARNING = Actor(username="warning", role=Role.WARNING_OFFICER, org_code="city", org_kind=OrgKind.CITY_CENTER)
LEADER = Actor(username="leader", role=Role.LEADERSHIP, org_code="city", org_kind=OrgKind.CITY_CENTER)


# --- the engine ----------------------------------------------------------------------------------

def incidence(pairs: list[tuple[int, int]], kinds: list[str], n_cases: int, victims=None, linkable=None) -> Incidence:
    rows, cols = zip(*pairs, strict=True)
    return Incidence.from_pairs(np.array(rows), np.array(cols), n_cases, np.array([KIND_CODE[k] for k in kinds]),
                                victim=None if victims is None else np.array(victims),
                                linkable=None if linkable is None else np.array(linkable))


def groups(label: np.ndarray) -> set[frozenset[int]]:
    return {frozenset(np.flatnonzero(label == k).tolist()) for k in set(label.tolist()) if k >= 0}


def test_cases_sharing_an_entity_are_one_series_and_the_lone_case_is_none() -> None:
    # entities: 0 card A (cases 0,1,2), 1 phone P (cases 3,4), 2 URL only case 5, 3..5 unshared
    inc = incidence([(0, 0), (1, 0), (2, 0), (3, 1), (4, 1), (5, 2), (0, 3), (1, 4), (3, 5)],
                    ["account", "phone", "url", "phone", "phone", "qq"], 6)
    det = detect_series(inc)
    assert groups(det.label) == {frozenset({0, 1, 2}), frozenset({3, 4})}
    assert det.label[5] == -1
    big = int(det.label[0])
    assert det.key_entities(big) == [(0, 3, 3)]  # card A: 3 cases, 3 victims (one victim per case here)
    assert det.reasons(big) == {0: [0], 1: [0], 2: [0]}
    assert det.method == ["components", "components"]


def test_victims_own_entities_and_app_names_link_nothing() -> None:
    # cases 0 and 1 share the victim's own phone (not linkable); cases 2 and 3 share only an app name
    inc = incidence([(0, 0), (1, 0), (2, 1), (3, 1)], ["phone", "app"], 4, linkable=[False, True])
    assert (detect_series(inc).label == -1).all()
    # the same app name with a shared URL links them: 1 + 0.1 ≥ 0.5
    inc = incidence([(2, 1), (3, 1), (2, 2), (3, 2)], ["phone", "app", "url"], 4, linkable=[False, True, True])
    assert groups(detect_series(inc).label) == {frozenset({2, 3})}


def test_hubs_are_damped_and_past_hub_max_link_nothing() -> None:
    n = 60
    inc = incidence([(i, 0) for i in range(n)], ["ip"], n)
    # 60 cases > hub_cases 50: weight 50/60 ≈ 0.83 still links
    assert groups(detect_series(inc, SeriesRules(hub_cases=50, hub_max=100)).label) == {frozenset(range(n))}
    # 50/60 is below a link threshold of 0.9
    assert (detect_series(inc, SeriesRules(hub_cases=50, hub_max=100, min_link=0.9)).label == -1).all()
    # past hub_max the entity is ignored
    assert (detect_series(inc, SeriesRules(hub_cases=50, hub_max=59)).label == -1).all()


def test_leiden_splits_two_gangs_joined_by_one_shared_entity() -> None:
    # gang A: cases 0-5 all paid card 0; gang B: cases 6-11 all called from phone 1;
    # case 5 and case 6 also share an IP (entity 2): one component, two gangs.
    pairs = [(i, 0) for i in range(6)] + [(i, 1) for i in range(6, 12)] + [(5, 2), (6, 2)]
    inc = incidence(pairs, ["account", "phone", "ip"], 12)
    det = detect_series(inc)
    assert det.n_components == 1
    assert groups(det.label) == {frozenset(range(6)), frozenset(range(6, 12))}
    assert det.method == ["leiden", "leiden"]
    # with the split threshold out of reach the component stays whole
    whole = detect_series(inc, SeriesRules(split_quality=0.99))
    assert groups(whole.label) == {frozenset(range(12))} and whole.method == ["components"]


def test_key_entities_rank_by_victims_then_cases() -> None:
    # a card paid by 40 victims in 40 cases, a phone seen in 3 of them, a URL in 5 cases of 2 victims
    pairs = [(i, 0) for i in range(40)] + [(i, 1) for i in range(3)] + [(i, 2) for i in range(5)]
    victims = list(range(40))
    victims[1] = victims[2] = victims[3] = victims[4] = 0  # cases 0-4: victims 0 (x5)... the URL's 5 cases: 1 victim
    det = detect_series(incidence(pairs, ["account", "phone", "url"], 40, victims=victims))
    keys = det.key_entities(0)
    assert keys[0] == (0, 40, 36)  # the card first: 40 cases, 36 distinct victims
    assert keys[1] == (2, 5, 1) or keys[1] == (1, 3, 1)
    assert {k[0] for k in keys} == {0, 1, 2}


def test_grouping_quality_hand_computed() -> None:
    truth = np.array([0, 0, 0, 1, 1])
    label = np.array([0, 0, 1, 1, -1])
    q = grouping_quality(truth, label)
    # purity: series 0 {g0,g0} → 2, series 1 {g0,g1} → 1, the lone case → 1: 4/5
    # completeness: gang 0 best 2 of 3, gang 1 best 1 of 2: 3/5
    assert (q["purity"], q["completeness"]) == (0.8, 0.6)
    assert q["per_gang"][0]["completeness"] == round(2 / 3, 4)
    assert grouping_quality(truth, np.array([5, 5, 5, 7, 7]))["purity"] == 1.0


# --- the store -----------------------------------------------------------------------------------

T0 = datetime(2024, 5, 10, 9, 0, tzinfo=timezone(timedelta(hours=8)))


def report(rid: str, n: int, to_account: str, phone: str | None = None, region: str = "荔城区",
           hours: int = 0) -> VictimReport:
    at = T0 + timedelta(hours=hours)
    return VictimReport.model_validate({
        "report_id": rid, "reported_at": (at + timedelta(hours=2)).isoformat(), "region": region,
        "victim": {"name": f"受害人{n}", "id_number": None, "phone": f"1380000{n:04d}"},
        "fraud_type": "刷单返利",
        "transfers": [{"time": at.isoformat(), "amount": f"{1000 * n}.00", "from_account": f"62220000000{n:05d}",
                       "to_account": to_account, "to_bank": "建设银行", "to_name": "李某"}],
        "contacts": [{"kind": "phone", "value": phone}] if phone else [],
    })


def _city(db: Database) -> dict[str, int]:
    with db.session() as s:
        seed_organisations(s)
        ids = {}
        for r in (report("JQ-1", 1, "6217000000000001"), report("JQ-2", 2, "6217000000000001", hours=1),
                  report("JQ-3", 3, "6217000000000009", phone="17000000001", hours=2),
                  report("JQ-4", 4, "6217000000000008", phone="17000000001", hours=3),
                  report("JQ-5", 5, "6217000000000007", region="城厢区", hours=4)):
            ids[r.report_id] = file_report(s, SYSTEM, r).case.id
    return ids


def _series_by_cases(db: Database) -> dict[frozenset, dict]:
    with db.session() as s:
        listing = list_series(s, ANALYST, None, limit=200)
        return {frozenset(c["case_id"] for c in series_detail(s, ANALYST, x["id"])["cases_list"]): x
                for x in listing["series"]}


def test_detection_on_the_store_finds_the_series_with_reasons(db: Database) -> None:
    ids = _city(db)
    with db.session() as s:
        run = detect_and_store(s, ANALYST)
    assert (run.cases, run.series_found, run.created) == (5, 2, 2)
    found = _series_by_cases(db)
    pair = frozenset({ids["JQ-1"], ids["JQ-2"]})
    assert set(found) == {pair, frozenset({ids["JQ-3"], ids["JQ-4"]})}
    s1 = found[pair]
    assert (s1["cases"], s1["victims"], s1["loss_fen"], s1["state"]) == (2, 2, 300000, "candidate")
    assert s1["fraud_types"] == {"order_brushing": 2}
    assert s1["key_entities"][0]["kind"] == "account" and s1["key_entities"][0]["label"] == "6217********0001"
    with db.session() as s:
        detail = series_detail(s, ANALYST, s1["id"])
    assert all(c["reason"][0]["kind"] == "account" for c in detail["cases_list"])
    assert detail["cases_list"][0]["victim"] == "受**1"
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "series.detect")) == 1


def test_re_detection_is_idempotent_and_keeps_decisions(db: Database) -> None:
    ids = _city(db)
    with db.session() as s:
        detect_and_store(s, ANALYST)
    first = _series_by_cases(db)
    with db.session() as s:
        again = detect_and_store(s, ANALYST)
    assert (again.created, again.updated, again.removed) == (0, 2, 0)
    assert {k: v["series_no"] for k, v in _series_by_cases(db).items()} == {k: v["series_no"] for k, v in first.items()}
    pair = frozenset({ids["JQ-1"], ids["JQ-2"]})
    other = frozenset({ids["JQ-3"], ids["JQ-4"]})
    with db.session() as s:
        confirm(s, ANALYST, first[pair]["id"], "同一收款卡")
        reject(s, ANALYST, first[other]["id"], "号码被冒用")
    with db.session() as s:
        run = detect_and_store(s, ANALYST)
    assert (run.created, run.updated, run.removed, run.kept, run.skipped) == (0, 0, 0, 2, 2)
    with db.session() as s:
        states = dict(s.execute(select(Series.id, Series.state)).all())
        assert states == {first[pair]["id"]: "confirmed", first[other]["id"]: "rejected"}
        assert [d.action for d in s.scalars(select(SeriesDecision).order_by(SeriesDecision.id))] == ["confirm", "reject"]
        actions = s.scalars(select(AuditEntry.action).where(AuditEntry.action.like("series.%"))).all()
        assert actions.count("series.confirm") == 1 and actions.count("series.reject") == 1


def test_merge_split_and_rename_are_kept(db: Database) -> None:
    ids = _city(db)
    with db.session() as s:
        detect_and_store(s, ANALYST)
    found = _series_by_cases(db)
    a, b = (found[frozenset({ids["JQ-1"], ids["JQ-2"]})]["id"], found[frozenset({ids["JQ-3"], ids["JQ-4"]})]["id"])
    with db.session() as s:
        merged = merge(s, ANALYST, [a, b], "刷单团伙", "同一话术")
        merged_id = merged.id
    with db.session() as s:
        d = series_detail(s, ANALYST, merged_id)
        assert (d["state"], d["cases"], d["victims"], d["loss_fen"], d["name"]) == ("confirmed", 4, 4, 1000000, "刷单团伙")
        assert {x["state"] for x in (series_detail(s, ANALYST, a), series_detail(s, ANALYST, b))} == {"merged"}
        with pytest.raises(InputRejected):
            confirm(s, ANALYST, a)  # merged series are history
    with db.session() as s:
        part, rest = split(s, ANALYST, merged_id, [ids["JQ-4"]], "另案")
        part_id, rest_id = part.id, rest.id
    with db.session() as s:
        assert series_detail(s, ANALYST, part_id)["cases"] == 1
        assert series_detail(s, ANALYST, rest_id)["cases"] == 3
        assert series_detail(s, ANALYST, merged_id)["state"] == "split"
        assert series_detail(s, ANALYST, merged_id)["decisions"][-1]["detail"]["parts"] == [part_id, rest_id]
        rename(s, ANALYST, rest_id, "刷单一组")
        with pytest.raises(InputRejected):
            split(s, ANALYST, rest_id, [ids["JQ-5"]])  # not in the series
        with pytest.raises(InputRejected):
            merge(s, ANALYST, [rest_id])
    with db.session() as s:
        run = detect_and_store(s, ANALYST)
    assert run.created == 0  # what analysts decided is not proposed again
    with db.session() as s:
        d = series_detail(s, ANALYST, rest_id)
        assert d["name"] == "刷单一组" and [x["action"] for x in d["decisions"]] == ["split", "rename"]


def test_permissions_and_areas(db: Database) -> None:
    ids = _city(db)
    for actor in (WARNING, LEADER):
        with db.session() as s, pytest.raises(AccessDenied):
            list_series(s, actor)
    with db.session() as s, pytest.raises(AccessDenied):
        detect_and_store(s, WARNING)
    with db.session() as s:
        detect_and_store(s, ANALYST)
    with db.session() as s:
        assert list_series(s, COUNTY_ANALYST)["total"] == 2  # both series lie in 荔城区
        # a single 城厢区 case joins the first series: now it reaches outside the county analyst's area
    with db.session() as s:
        s.add(file_report(s, SYSTEM, report("JQ-6", 6, "6217000000000001", region="城厢区", hours=5)).case)
    with db.session() as s:
        detect_and_store(s, ANALYST)
        sid = next(x["id"] for x in list_series(s, ANALYST)["series"] if x["cases"] == 3)
    with db.session() as s, pytest.raises(AccessDenied):
        confirm(s, COUNTY_ANALYST, sid)
    with db.session() as s:
        assert confirm(s, ANALYST, sid).state == "confirmed"
    assert ids


# --- the API and the pages -----------------------------------------------------------------------

def test_api_and_pages(tmp_path) -> None:
    from web_support import api_client, make_app, signed_in

    app = make_app(tmp_path, users=(("analyst", "analyst", "city"), ("warning", "warning_officer", "city")))
    ids = _city(app.state.db)
    api = api_client(app, "city", "analyst")
    assert api.post("/api/analysis/series/detect").json()["created"] == 2
    listing = api.get("/api/analysis/series").json()
    assert listing["total"] == 2 and listing["series"][0]["loss_fen"] >= listing["series"][1]["loss_fen"]
    pair = next(s for s in listing["series"] if s["loss_fen"] == 300000)
    detail = api.get(f"/api/analysis/series/{pair['id']}").json()
    assert {c["case_id"] for c in detail["cases_list"]} == {ids["JQ-1"], ids["JQ-2"]}
    assert detail["first_at"].endswith("+08:00")
    assert api.get("/api/analysis/series/99999").status_code == 404
    assert api.get("/api/analysis/series?state=nonsense").status_code == 422
    refused = api.post(f"/api/analysis/series/{pair['id']}/reject", json={"note": ""})
    assert refused.status_code == 422 and refused.json()["problems"][0]["place"] == "note"
    assert api.post(f"/api/analysis/series/{pair['id']}/rename", json={"name": "一号团伙"}).json()["name"] == "一号团伙"
    other = next(s for s in listing["series"] if s["id"] != pair["id"])
    merged = api.post("/api/analysis/series/merge", json={"series_ids": [pair["id"], other["id"]]}).json()
    assert (merged["cases"], merged["state"]) == (4, "confirmed")
    parts = api.post(f"/api/analysis/series/{merged['id']}/split", json={"case_ids": [ids["JQ-1"]]}).json()
    assert (parts["split_out"]["cases"], parts["rest"]["cases"]) == (1, 3)
    warning = api_client(app, "city", "warning_officer")
    assert warning.get("/api/analysis/series").status_code == 403
    assert warning.post(f"/api/analysis/series/{merged['id']}/confirm", json={}).status_code == 403

    page = signed_in(app, "analyst")
    html = page.get("/analysis/series?state=confirmed").text
    assert "一号团伙" in html and "chart-series" in html
    rest_id = parts["rest"]["id"]
    html = page.get(f"/analysis/series/{rest_id}").text
    assert f"/analysis/chart?series={rest_id}" in html and "/analysis/chart?entity=" in html
    assert f"/intake/cases/{ids['JQ-2']}" in html
    done = page.post(f"/analysis/series/{rest_id}/reject", data={"note": "不是同一团伙"}, follow_redirects=True)
    assert done.status_code == 200 and 'data-series-state="rejected"' in done.text and "不是同一团伙" in done.text
    again = page.post(f"/analysis/series/{rest_id}/reject", data={"note": "x"}, follow_redirects=True)
    assert "say why these cases are not one gang" in again.text
    english = page.get(f"/analysis/series/{rest_id}?lang=en").text
    assert "Decisions" in english and "Key entities (by victims touched)" in english
    assert "Largest series by loss" in page.get("/analysis/series?lang=en").text
    assert page.get("/analysis/series/99999").status_code == 404
    assert signed_in(app, "warning").get("/analysis/series").status_code == 403
