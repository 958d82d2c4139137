"""Suspects, measures (打击处理) and seizures: status moves allowed and refused with their reasons,
idempotent creation and measures, seizures, what the statistics desk counts, permissions and the
audit log — on SQLite and PostgreSQL; and the pages and API on top."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from fanzha.domain import clock
from fanzha.domain.access import AccessDenied
from fanzha.domain.actor import Actor
from fanzha.domain.errors import InputRejected
from fanzha.domain.organisation import OrgKind
from fanzha.domain.role import Role
from fanzha.services.analysis.arrests import record_measure
from fanzha.services.analysis.chart_where import where
from fanzha.services.analysis.request_keys import Replayed, check_race
from fanzha.services.analysis.seizures import SeizureIn, record_seizure
from fanzha.services.analysis.suspects import (
    SuspectIn,
    create_suspect,
    list_suspects,
    load,
    move_status,
)
from fanzha.services.organisations import seed_organisations
from fanzha.store.models import Arrest, AuditEntry, Case, Person, Seizure, Suspect, SuspectEvent

CITY = dict(org_id=1, org_code="city", org_name="市反诈中心", org_kind=OrgKind.CITY_CENTER)
ANALYST = Actor(username="analyst", role=Role.ANALYST, **CITY)
LEADER = Actor(username="leader", role=Role.LEADERSHIP, **CITY)
LICHENG = Actor(username="lc", role=Role.ANALYST, org_id=9, org_code="county-licheng", org_name="荔城区反诈中心",
                org_kind=OrgKind.COUNTY_CENTER, region="荔城区")
CHENGXIANG = Actor(username="cx", role=Role.ANALYST, org_id=8, org_code="county-chengxiang", org_name="城厢区反诈中心",
                   org_kind=OrgKind.COUNTY_CENTER, region="城厢区")
ID_NUMBER = "440301199001011234"


@pytest.fixture
def case_id(db) -> int:
    with db.session() as session:
        seed_organisations(session)
        victim = Person(name="陈某明", id_number="350302197901011234", district="城厢区")
        session.add(victim)
        session.flush()
        at = datetime(2024, 5, 30, 7, tzinfo=UTC)
        case = Case(report_id="JQ-2024-0530-001", reported_at=at, region="城厢区", status="filed", loss_fen=5_000_000,
                    victim_id=victim.id, created_at=at, updated_at=at, narrative="")
        session.add(case)
        session.flush()
        return case.id


def suspect_in(case_id: int, **changes) -> SuspectIn:
    data = SuspectIn(name="王某强", role="card_seller", id_number=ID_NUMBER, phone="13912345678", province="广东省",
                     city="深圳市", case_id=case_id, evidence=["account:6217000000000011"], note="资金流向")
    for k, v in changes.items():
        setattr(data, k, v)
    return data


def test_creating_a_suspect_is_idempotent_and_audited(db, case_id) -> None:
    with db.session() as session:
        first, created = create_suspect(session, ANALYST, suspect_in(case_id), client_key="form-1")
        assert created and first.suspect_no.startswith("XY-") and first.suspect_no.endswith(f"{first.id:06d}")
        assert first.status == "identified"
    with db.session() as session:
        again, created = create_suspect(session, ANALYST, suspect_in(case_id), client_key="form-1")
        assert (again.id, created) == (first.id, False)
        same_person, created = create_suspect(session, ANALYST, suspect_in(case_id, name="王强"), client_key="form-2")
        assert (same_person.id, created) == (first.id, False)  # same identity number on the same case
        other, created = create_suspect(session, ANALYST, suspect_in(case_id, id_number=None, name="某男"))
        assert created and other.id != first.id
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Suspect)) == 2
        assert session.scalar(select(func.count()).where(AuditEntry.action == "suspect.create")) == 2
        with pytest.raises(Replayed) as raced:  # a copy racing the first finds its entry after its own append
            check_race(session, "suspect.create", "form-1", seq=10**9)
        assert raced.value.object_id == first.id


def test_bad_suspect_input_names_each_place(db, case_id) -> None:
    with db.session() as session:
        with pytest.raises(InputRejected) as bad:
            create_suspect(session, ANALYST, suspect_in(None, name=" ", role="boss", status="handed_over",
                                                        id_number="123", phone="call me"))
        places = {p.place for p in bad.value.problems}
        assert places == {"name", "role", "status", "id_number", "phone", "case_id"}
        with pytest.raises(InputRejected) as missing:
            create_suspect(session, ANALYST, suspect_in(case_id + 99))
        assert missing.value.problems[0].reason == f"no case #{case_id + 99}"
        assert session.scalar(select(func.count()).select_from(Suspect)) == 0


def test_status_moves_follow_the_allowed_moves_with_reasons(db, case_id) -> None:
    with db.session() as session:
        suspect, _ = create_suspect(session, ANALYST, suspect_in(case_id))
        with pytest.raises(InputRejected) as skip:
            move_status(session, ANALYST, suspect.id, "handed_over", "移交检察院")
        reason = skip.value.problems[0].reason
        assert "is identified (已查明) and cannot move to handed_over" in reason
        assert "moves open now: wanted (在逃), caught (已抓获)" in reason
        with pytest.raises(InputRejected) as no_note:
            move_status(session, ANALYST, suspect.id, "wanted", "  ")
        assert no_note.value.problems[0].place == "note"
        move_status(session, ANALYST, suspect.id, "wanted", "上网追逃")
        event, created = move_status(session, ANALYST, suspect.id, "caught", "深圳抓获", client_key="mv-1")
        assert created and (event.status_from, event.status_to) == ("wanted", "caught")
        assert move_status(session, ANALYST, suspect.id, "caught", "深圳抓获", client_key="mv-1") == (None, False)
        with pytest.raises(InputRejected) as back:
            move_status(session, ANALYST, suspect.id, "wanted", "又跑了")
        assert "moves open now: handed_over (已移交)" in back.value.problems[0].reason
        move_status(session, ANALYST, suspect.id, "handed_over", "移送检察院")
        with pytest.raises(InputRejected) as last:
            move_status(session, ANALYST, suspect.id, "caught", "再抓")
        assert "no move is open" in last.value.problems[0].reason
        history = session.scalars(select(SuspectEvent.status_to).where(SuspectEvent.suspect_id == suspect.id)
                                  .order_by(SuspectEvent.id)).all()
        assert history == ["identified", "wanted", "caught", "handed_over"]


def test_measures_count_once_on_the_day_and_county_taken(db, case_id) -> None:
    with db.session() as session:
        suspect, _ = create_suspect(session, ANALYST, suspect_in(case_id))
        with pytest.raises(InputRejected) as custody:
            record_measure(session, ANALYST, suspect.id, "detention", date(2024, 6, 10), "城厢区")
        assert "needs the suspect in custody" in custody.value.problems[0].reason
        penalty, created = record_measure(session, ANALYST, suspect.id, "admin_penalty", date(2024, 6, 9), "城厢区")
        assert created
        move_status(session, ANALYST, suspect.id, "caught", "深圳抓获")
        detention, created = record_measure(session, ANALYST, suspect.id, "detention", date(2024, 6, 10), "城厢区")
        assert created and detention.at == datetime(2024, 6, 10, tzinfo=clock.CENTER_TZ)
        assert detention.at.astimezone(UTC) == datetime(2024, 6, 9, 16, tzinfo=UTC)
        assert (detention.region, detention.case_id) == ("城厢区", case_id)
        again, created = record_measure(session, ANALYST, suspect.id, "detention", date(2024, 6, 12), "荔城区")
        assert (again.id, created, again.region) == (detention.id, False, "城厢区")  # one record, unchanged
        with pytest.raises(InputRejected) as bad:
            record_measure(session, ANALYST, suspect.id, "arrest", clock.local(clock.now()).date() + timedelta(days=2),
                           "火星区")
        assert {p.place for p in bad.value.problems} == {"at", "region"}
        assert "城厢区" in next(p.reason for p in bad.value.problems if p.place == "region")
    with db.session() as session:
        # what the statistics desk counts: distinct suspects with a measure in June 2024
        start, end = (datetime(2024, m, 1, tzinfo=clock.CENTER_TZ) for m in (6, 7))
        dealt = session.scalar(select(func.count(func.distinct(Arrest.suspect_id)))
                               .where(Arrest.at >= start, Arrest.at < end))
        assert dealt == 1 and session.scalar(select(func.count()).select_from(Arrest)) == 2


def test_seizures_and_where_they_are(db, case_id) -> None:
    with db.session() as session:
        suspect, _ = create_suspect(session, ANALYST, suspect_in(case_id))
        cards, created = record_seizure(session, ANALYST, SeizureIn("bank_card", 37, date(2024, 6, 10), "城厢区",
                                                                     suspect_id=suspect.id), client_key="sz-1")
        assert created and (cards.case_id, cards.count) == (case_id, 37)
        again, created = record_seizure(session, ANALYST, SeizureIn("bank_card", 37, date(2024, 6, 10), "城厢区",
                                                                     suspect_id=suspect.id), client_key="sz-1")
        assert (again.id, created) == (cards.id, False)
        record_seizure(session, ANALYST, SeizureIn("phone_card", 120, date(2024, 6, 10), "城厢区", suspect_id=suspect.id))
        record_seizure(session, ANALYST, SeizureIn("bank_card", 5, date(2024, 6, 11), "城厢区", case_id=case_id))
        record_seizure(session, ANALYST, SeizureIn("sim_box", 2, date(2024, 6, 11), "城厢区", case_id=case_id))
        with pytest.raises(InputRejected) as bad:
            record_seizure(session, ANALYST, SeizureIn("rocket", 0, date(2024, 6, 11), None))
        assert {p.place for p in bad.value.problems} == {"kind", "count", "region", "case_id"}
        assert session.scalar(select(func.count()).select_from(Seizure)) == 4
        places = {(p.province, p.city): p for p in where(session, ANALYST)}
        shenzhen = places[("广东省", "深圳市")]
        assert (shenzhen.suspects, shenzhen.caught, shenzhen.bank_cards, shenzhen.phone_cards) == (1, 0, 37, 120)
        assert places[("本地", "城厢区")].bank_cards == 5


def test_permissions_and_county_scope(db, case_id) -> None:
    with db.session() as session:
        suspect, _ = create_suspect(session, CHENGXIANG, suspect_in(case_id))
        with pytest.raises(AccessDenied) as role:
            list_suspects(session, LEADER)
        assert role.value.reason == "role"
        with pytest.raises(AccessDenied):
            create_suspect(session, LEADER, suspect_in(case_id))
        assert [s.id for s in list_suspects(session, ANALYST)] == [suspect.id]
        assert [s.id for s in list_suspects(session, CHENGXIANG)] == [suspect.id]
        assert list_suspects(session, LICHENG) == []
        with pytest.raises(AccessDenied) as scope:
            load(session, LICHENG, suspect.id)
        assert scope.value.reason == "scope"
        with pytest.raises(AccessDenied):
            create_suspect(session, LICHENG, suspect_in(case_id, id_number=None))
        move_status(session, CHENGXIANG, suspect.id, "caught", "抓获")
        with pytest.raises(InputRejected) as county:
            record_measure(session, CHENGXIANG, suspect.id, "detention", date(2024, 6, 10), "荔城区")
        assert "you record for 城厢区 only" in county.value.problems[0].reason


def test_pages_and_api(tmp_path) -> None:
    from web_support import make_app, signed_in

    app = make_app(tmp_path, users=(("analyst", "analyst", "city"), ("leader", "leadership", "city")))
    with app.state.db.session() as session:
        victim = Person(name="陈某明", id_number="350302197901011234", district="城厢区")
        session.add(victim)
        session.flush()
        at = datetime(2024, 5, 30, 7, tzinfo=UTC)
        case = Case(report_id="JQ-2024-0530-001", reported_at=at, region="城厢区", status="filed", loss_fen=0,
                    victim_id=victim.id, created_at=at, updated_at=at, narrative="")
        session.add(case)
        session.flush()
        case_id = case.id
    client = signed_in(app, "analyst")
    page = client.get(f"/analysis/suspects/new?case_id={case_id}")
    assert page.status_code == 200 and f'value="{case_id}"' in page.text
    form = {"name": "王某强", "id_number": ID_NUMBER, "phone": "13912345678", "role": "card_seller",
            "status": "identified", "province": "广东省", "city": "深圳市", "case_id": str(case_id), "series_id": "",
            "evidence": "account:6217000000000011\ncall:4051", "note": "", "client_key": "double-click"}
    first = client.post("/analysis/suspects", data=form, follow_redirects=False)
    second = client.post("/analysis/suspects", data=form, follow_redirects=False)
    assert first.status_code == second.status_code == 303 and first.headers["location"] == second.headers["location"]
    shown = client.get(first.headers["location"]).text
    assert "王*强" in shown and "139****5678" in shown and "4403**********1234" in shown and ID_NUMBER not in shown
    bad = client.post("/analysis/suspects", data={**form, "client_key": "x2", "name": "", "id_number": "12"})
    assert bad.status_code == 422 and 'data-place="name"' in bad.text and 'data-place="id_number"' in bad.text
    suspect_id = int(first.headers["location"].rsplit("/", 1)[1])
    moved = client.post(f"/analysis/suspects/{suspect_id}/status", data={"status": "caught", "note": "深圳抓获",
                                                                         "client_key": "m1"}, follow_redirects=True)
    assert 'data-status="caught"' in moved.text
    for _ in range(2):
        client.post(f"/analysis/suspects/{suspect_id}/measures",
                    data={"measure": "detention", "at": "2024-06-10", "region": "城厢区", "client_key": "d1"})
    listed = client.get("/analysis/suspects?status=caught").text
    assert "王*强" in listed and "王某强" not in listed
    assert "Suspects and measures" in client.get("/analysis/suspects?lang=en").text
    assert "Measures" in client.get(f"/analysis/suspects/{suspect_id}?lang=en").text

    api = client.post("/api/analysis/suspects", json={"name": "李某", "case_id": case_id, "role": "caller"},
                      headers={"Idempotency-Key": "api-1"})
    retry = client.post("/api/analysis/suspects", json={"name": "李某", "case_id": case_id, "role": "caller"},
                        headers={"Idempotency-Key": "api-1"})
    assert (api.status_code, retry.status_code) == (201, 200)
    assert api.json()["suspect"]["id"] == retry.json()["suspect"]["id"] and retry.json()["created"] is False
    detail = client.get(f"/api/analysis/suspects/{suspect_id}").json()
    assert [m["measure"] for m in detail["measures"]] == ["detention"] and detail["name"] == "王*强"
    assert [e["status_to"] for e in detail["events"]] == ["identified", "caught"]
    measure = client.post(f"/api/analysis/suspects/{suspect_id}/measures",
                          json={"measure": "detention", "day": "2024-06-11", "region": "城厢区"})
    assert measure.status_code == 200 and measure.json()["created"] is False
    refused = client.post(f"/api/analysis/suspects/{suspect_id}/status", json={"status": "wanted", "note": "x"})
    assert refused.status_code == 422 and refused.json()["problems"][0]["place"] == "status"
    seized = client.post("/api/analysis/seizures", json={"kind": "phone_card", "count": 12, "day": "2024-06-10",
                                                         "region": "城厢区", "suspect_id": suspect_id})
    assert seized.status_code == 201 and seized.json()["seizure"]["case_id"] == case_id
    assert client.get("/api/analysis/suspects/9999").status_code == 404
    leader = signed_in(app, "leader")
    assert leader.get("/api/analysis/suspects").status_code == 403
    assert leader.get(f"/analysis/suspects/{suspect_id}").status_code == 403


def test_demo_seed_from_the_simulated_truth_is_idempotent(db, case_id, tmp_path) -> None:
    from fanzha.sim.crackdown_seed import seed_crackdown

    truth = tmp_path / "truth"
    truth.mkdir()
    people = ["name,id_number,accounts,phones,gang_id"] + [
        f"某{i},{440303 if i % 2 else 450102}1990010{i}12{i}4,62170000000000{i:02d},,G001" for i in range(1, 9)]
    people.append("外人,431202199001011234,6217999999999999,,G404")  # a gang with no reported case
    (truth / "fraud_persons.csv").write_text("\n".join(people) + "\n")
    (truth / "victims.csv").write_text("person_id,gang_id,report_id\nP1,G001,JQ-2024-0530-001\nP2,G001,\n")
    made = seed_crackdown(db, tmp_path, today=date(2024, 12, 31))
    assert made["suspects"] == 8 and made["measures"] >= 1
    assert seed_crackdown(db, tmp_path, today=date(2024, 12, 31)) == {"suspects": 0, "measures": 0, "seizures": 0}
    with db.session() as session:
        suspects = session.scalars(select(Suspect)).all()
        assert {s.case_id for s in suspects} == {case_id}
        assert {(s.province, s.city) for s in suspects} == {("广东省", "深圳市"), ("广西壮族自治区", "南宁市")}
        arrests = session.scalars(select(Arrest)).all()
        assert len(arrests) == made["measures"] and {a.region for a in arrests} == {"城厢区"}
        caught = {s.id for s in suspects if s.status in ("caught", "handed_over")}
        assert {a.suspect_id for a in arrests} == caught and all(a.at.year == 2024 for a in arrests)
        assert session.scalar(select(func.sum(Seizure.count))) == made["seizures"]  # one card each


@pytest.mark.postgres
def test_two_copies_of_one_request_racing_make_one_suspect(pg_db) -> None:
    """Both pass the first look-up; the audit chain's lock orders them and the later one rolls back."""
    import threading

    db = pg_db
    with db.session() as session:
        seed_organisations(session)
        victim = Person(name="陈某明", id_number="350302197901011234", district="城厢区")
        session.add(victim)
        session.flush()
        at = datetime(2024, 5, 30, 7, tzinfo=UTC)
        case = Case(report_id="JQ-2024-0530-009", reported_at=at, region="城厢区", status="filed", loss_fen=0,
                    victim_id=victim.id, created_at=at, updated_at=at, narrative="")
        session.add(case)
        session.flush()
        case_id = case.id
    start = threading.Barrier(2)
    answers: list[tuple[str, int]] = []

    def send() -> None:
        start.wait()
        try:
            with db.session() as session:
                suspect, _ = create_suspect(session, ANALYST, suspect_in(case_id, id_number=None), client_key="race")
                answers.append(("made", suspect.id))
        except Replayed as again:
            answers.append(("replayed", again.object_id))

    threads = [threading.Thread(target=send) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    with db.session() as session:
        ids = session.scalars(select(Suspect.id)).all()
    assert len(ids) == 1 and {i for _, i in answers} == {ids[0]} and len(answers) == 2
