"""The public's window (公众): the risk look-up answers risky or not known for each kind from every
list it checks and never more; the limit answers 429 with Retry-After (in memory and in Redis);
citizens' reports land as a warning lead, a loss report for intake, or a tip, once each."""
from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from web_support import SYSTEM, csrf_from, make_app, report, signed_in

from fanzha.domain import clock
from fanzha.domain.report import VictimReport
from fanzha.domain.risk_subject import normalise
from fanzha.services.intake import file_report
from fanzha.services.public.risk_lookup import RiskIndex
from fanzha.store.models import (
    BlockListEntry,
    Freeze,
    LeadSignal,
    NumberOrder,
    NumberScore,
    Person,
    PublicReport,
    StopPaymentOrder,
    WarningLead,
)
from fanzha.web.rate_limit import RateLimits, RedisTokenBucket

REDIS_URL = "redis://127.0.0.1:6379/0"
VICTIM = {"name": "陈某明", "id_number": "350302197901011234", "phone": "13812345678", "age": 45}
CONTACTS = [{"kind": "phone", "value": "17000000000"}, {"kind": "url", "value": "http://fraud-shop.example.cn/pay/"},
            {"kind": "qq", "value": "88889999"}, {"kind": "wechat", "value": "Lucky_Boss88"},
            {"kind": "app", "value": "https://www.fake-invest.example.com/app"}]
RISKY = [("phone", "170-0000-0000"),  # named in a case
         ("phone", "+86 171 0000 0001"),  # live block list
         ("phone", "17100000003"),  # scored above the threshold, pending review
         ("phone", "17100000005"),  # restricted by an operator on an order
         ("account", "6217 0000 0000 0002"),  # a victim paid it
         ("account", "6230000000000777"),  # a level-2 account the bank stopped
         ("account", "6230000000000888"),  # frozen
         ("url", "HTTPS://fraud-shop.example.cn/pay"), ("url", "fake-invest.example.com/app/"),
         ("qq", "88889999"), ("wechat", "lucky_boss88")]
NOT_KNOWN = [("phone", "17100000002"),  # block list entry expired
             ("phone", "17100000004"),  # dismissed by the officer
             ("phone", "17100000006"),  # lifted after an appeal
             ("phone", "17100000007"),  # an operator's restriction lifted on appeal
             ("phone", "13900000000"),
             ("account", "6230000000000999"),  # a stop-payment the bank rejected
             ("url", "fraud-shop.example.cn/other"), ("qq", "12345678"), ("wechat", "honest_person")]


def _lists(session) -> None:
    """One case (its transfers and contacts) and an entry of every other list, live or not."""
    file_report(session, SYSTEM, VictimReport.model_validate(report(contacts=CONTACTS)))
    now = clock.now()
    block = {"list_kind": "known", "reason": "测试", "provenance": "manual", "appeal_channel": "96110",
             "created_at": now, "created_by": "test"}
    session.add_all([
        BlockListEntry(number="17100000001", expires_at=now + timedelta(days=30), **block),
        BlockListEntry(number="17100000002", expires_at=now - timedelta(days=1), **block),
        BlockListEntry(number="17100000006", lifted_at=now, lifted_by="test", lift_reason="申诉成功", **block),
        NumberScore(number="17100000003", score=0.9, reasons=[], window_days=30, scored_at=now, state="pending"),
        NumberScore(number="17100000004", score=0.8, reasons=[], window_days=30, scored_at=now, state="dismissed"),
    ])
    for n, (number, state) in enumerate((("17100000005", "executed"), ("17100000007", "lifted"))):
        session.add(NumberOrder(order_no=f"HM-TEST-{n}", dedup_key=f"test:{number}", number=number, operator="CMCC",
                                kind="shutdown", basis="reported", source="manual", reason="测试",
                                appeal_channel="96110", state=state, raised_at=now, due_at=now, created_by="test"))
    case_id = session.scalars(select(StopPaymentOrder.case_id)).first()
    for n, (account, state) in enumerate((("6230000000000777", "stopped"), ("6230000000000999", "rejected"))):
        session.add(StopPaymentOrder(order_no=f"ZF-TEST-{n}", dedup_key=f"test:{account}", case_id=case_id, level=2,
                                     bank="ICBC", account_number=account, account_name="王某", amount_fen=100,
                                     transfer_time=now, state=state, source="trace", created_at=now,
                                     created_by="test"))
    session.add(Freeze(case_id=case_id, bank="ICBC", account_number="6230000000000888", amount_fen=100,
                       legal_document_no="冻结-1", frozen_at=now, expires_at=now + timedelta(days=180),
                       state="active", created_by="test"))


@pytest.fixture
def lists_db(db):
    from fanzha.services.organisations import seed_organisations

    with db.session() as session:
        seed_organisations(session)
        _lists(session)
    return db


def test_every_list_answers_for_its_kind(lists_db) -> None:
    index = RiskIndex.for_database(lists_db)
    for kind, value in RISKY:
        assert index.check(kind, value).risky, (kind, value)
    for kind, value in NOT_KNOWN:
        assert not index.check(kind, value).risky, (kind, value)
    assert normalise("url", "HTTPS://www.Example.cn/app/?x=1") == "example.cn/app"
    with pytest.raises(ValueError, match="10 to 32 digits"):
        index.check("account", "62-abc")


def test_the_index_refreshes_in_the_background() -> None:
    now = [0.0]
    lists = {"17000000000"}
    loads = []

    def load():
        loads.append(1)
        return {k: frozenset(lists) if k.value == "phone" else frozenset() for k in __import__(
            "fanzha.domain.risk_subject", fromlist=["RiskKind"]).RiskKind}

    index = RiskIndex(load, refresh_seconds=60, clock_fn=lambda: now[0])
    assert index.check("phone", "17000000000").risky and len(loads) == 1
    lists.add("17000000001")
    now[0] = 30
    assert not index.check("phone", "17000000001").risky and len(loads) == 1  # still fresh
    now[0] = 61
    index.check("phone", "17000000001")  # starts the reload, answers from the old copy
    for _ in range(200):
        if index.check("phone", "17000000001").risky:
            break
        __import__("time").sleep(0.01)
    assert index.check("phone", "17000000001").risky and len(loads) == 2


@pytest.fixture
def app(tmp_path):
    app = make_app(tmp_path, users=(("duty", "duty_officer", "city"),))
    with app.state.db.session() as session:
        _lists(session)
        session.add(Person(name="林居民", phone="13955556666", age=70, district="城厢区", station="龙桥派出所"))
    yield app
    app.state.db.dispose()


def test_the_api_answers_only_risky_or_not_known(app) -> None:
    client = TestClient(app)
    seen = {}
    for kind, value in RISKY + NOT_KNOWN:
        response = client.get("/api/public/lookup", params={"kind": kind, "value": value})
        assert response.status_code == 200, (kind, value, response.text)
        body = response.json()
        assert set(body) == {"kind", "result", "message_zh", "message_en"}
        assert body["result"] == ("risky" if (kind, value) in RISKY else "not_known"), (kind, value)
        seen.setdefault((kind, body["result"]), set()).add(response.text)
        for secret in ("陈某明", "350302197901011234", "13812345678", "JQ-2024", "李某", "工商银行", "case"):
            assert secret not in response.text
    # one answer per kind and result, whichever list the value is on: nothing tells them apart
    assert all(len(texts) == 1 for texts in seen.values())
    bad = client.get("/api/public/lookup", params={"kind": "qq", "value": "abc"})
    assert bad.status_code == 422 and bad.json()["problems"][0]["place"] == "value"
    assert client.get("/api/public/lookup", params={"kind": "email", "value": "a@b.c"}).status_code == 422


def test_the_page_answers_a_look_up_in_both_languages(app) -> None:
    client = TestClient(app)
    page = client.get("/public", params={"kind": "phone", "value": "17000000000"})
    assert page.status_code == 200 and 'data-result="risky"' in page.text and "有风险" in page.text
    page = client.get("/public", params={"kind": "account", "value": "6230000000000999", "lang": "en"})
    assert 'data-result="not_known"' in page.text and "Not known" in page.text
    bad = client.get("/public", params={"kind": "phone", "value": "12"})
    assert bad.status_code == 422 and 'id="lookup-error"' in bad.text


def test_over_the_limit_is_429_with_retry_after(tmp_path) -> None:
    app = make_app(tmp_path, users=(), rate_limits=RateLimits(public_per_address=3))
    one, other = TestClient(app, client=("10.0.0.1", 5000)), TestClient(app, client=("10.0.0.2", 5000))
    answers = [one.get("/api/public/lookup", params={"kind": "phone", "value": "13900000000"}) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert int(answers[-1].headers["Retry-After"]) >= 1 and "try again" in answers[-1].json()["message"]
    assert other.get("/api/public/lookup", params={"kind": "phone", "value": "13900000000"}).status_code == 200
    page = one.get("/public")
    assert page.status_code == 429 and page.headers["Retry-After"] and 'data-limited=' in page.text
    assert "110" in page.text and "秒后再试" in page.text
    app.state.db.dispose()


def test_the_redis_limiter_is_shared_and_refills() -> None:
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis not reachable at " + REDIS_URL)
    prefix = f"fanzha:test:{uuid.uuid4().hex}:"
    try:
        worker_a = RedisTokenBucket(client, capacity=3, per_second=50, prefix=prefix)
        worker_b = RedisTokenBucket(redis.Redis.from_url(REDIS_URL), capacity=3, per_second=50, prefix=prefix)
        assert [worker_a.hit("ip:1"), worker_b.hit("ip:1"), worker_a.hit("ip:1")] == [0.0, 0.0, 0.0]
        wait = worker_b.hit("ip:1")  # the fourth, from the other worker: refused
        assert 0 < wait <= 1 / 50 + 0.001
        assert worker_a.hit("ip:2") == 0.0  # another address has its own bucket
        __import__("time").sleep(0.05)  # 50 a second: two tokens back
        assert worker_a.hit("ip:1") == 0.0
        assert 0 < client.ttl(prefix + "ip:1") <= 2  # an idle bucket expires by itself
    finally:
        for key in client.scan_iter(prefix + "*"):
            client.delete(key)


def test_the_app_uses_redis_when_told(tmp_path) -> None:
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis not reachable")
    address = f"10.9.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"
    app = make_app(tmp_path, users=(), rate_limits=RateLimits(public_per_address=2, redis_url=REDIS_URL))
    assert type(app.state.limiters["public"]).__name__ == "RedisTokenBucket"
    client = TestClient(app, client=(address, 5000))
    codes = [client.get("/api/public/ping").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    redis.Redis.from_url(REDIS_URL).delete(f"fanzha:rl:public:public:{address}")
    app.state.db.dispose()


NOW_REPORT = {"what_happened": "有人冒充公安说我涉嫌洗钱，正让我转账到安全账户", "happening_now": True,
              "victim_phone": "13955556666", "subject_kind": "phone", "subject_value": "17000000000",
              "client_key": "report-now-0001"}


def test_someone_defrauded_now_becomes_a_warning_lead_once(app) -> None:
    client = TestClient(app)
    first = client.post("/api/public/reports", json=NOW_REPORT)
    again = client.post("/api/public/reports", json=NOW_REPORT)
    assert first.status_code == 201 and again.status_code == 200 and again.json()["repeat"]
    assert first.json()["report_no"] == again.json()["report_no"].strip()
    with app.state.db.session() as session:
        row = session.scalar(select(PublicReport))
        assert row.route == "lead" and row.lead_id is not None
        lead = session.get(WarningLead, row.lead_id)
        assert lead.phone == "13955556666" and lead.region == "城厢区"  # the resident, routed to their county
        signals = list(session.scalars(select(LeadSignal).where(LeadSignal.lead_id == lead.id)))
        assert [s.source for s in signals] == ["citizen_report"]
        assert signals[0].evidence["report_no"] == row.report_no and signals[0].evidence["phone"] == "13955556666"
    changed = client.post("/api/public/reports", json={**NOW_REPORT, "what_happened": "另一件事，完全不同的内容"})
    assert changed.status_code == 422 and changed.json()["problems"][0]["place"] == "client_key"


def test_a_completed_loss_waits_for_intake_and_a_tip_is_kept(app) -> None:
    client = TestClient(app)
    loss = client.post("/api/public/reports", json={
        "what_happened": "我在刷单平台被骗了五千元，已经转账了", "lost_money": True, "amount": "5000",
        "reporter_phone": "13900002222", "subject_kind": "account", "subject_value": "6222 0000 0000 5555",
        "fraud_type": "刷单返利", "client_key": "report-loss-0001"})
    tip = client.post("/api/public/reports", json={
        "what_happened": "收到一条短信说我中奖了，要我点链接领取", "subject_kind": "url",
        "subject_value": "http://prize.example.cn", "client_key": "report-tip-00001"})
    named = client.post("/api/public/reports", json={  # names a resident: a lead even if not urgent
        "what_happened": "我邻居林阿姨最近总接到自称客服的电话", "victim_phone": "13955556666",
        "client_key": "report-named-001"})
    assert (loss.status_code, tip.status_code, named.status_code) == (201, 201, 201)
    with app.state.db.session() as session:
        rows = {r.client_key: r for r in session.scalars(select(PublicReport))}
        assert rows["report-loss-0001"].route == "intake" and rows["report-loss-0001"].amount_fen == 500000
        assert rows["report-loss-0001"].lead_id is None and rows["report-loss-0001"].fraud_type == "order_brushing"
        assert rows["report-loss-0001"].subject_value == "6222000000005555"
        assert rows["report-tip-00001"].route == "tip" and rows["report-tip-00001"].subject_value == "prize.example.cn"
        assert rows["report-named-001"].route == "lead"
    desk = signed_in(app, "duty")
    page = desk.get("/public/reports")
    assert rows["report-loss-0001"].report_no in page.text and rows["report-tip-00001"].report_no in page.text
    assert "13900002222" not in page.text and "139****2222" in page.text  # the reporter's phone is masked
    settled = desk.post("/public/reports/settle", data={"report_no": rows["report-loss-0001"].report_no,
                                                        "outcome": "handled", "note": "已立案 JQ-2024-0601-001"})
    assert settled.status_code == 200
    with app.state.db.session() as session:
        assert session.get(PublicReport, rows["report-loss-0001"].id).state == "handled"


def test_reports_are_validated_with_places(app) -> None:
    client = TestClient(app)
    short = client.post("/api/public/reports", json={"what_happened": "太短", "reporter_phone": "12ab"})
    assert short.status_code == 422
    assert {p["place"] for p in short.json()["problems"]} == {"what_happened", "reporter_phone"}
    urgent = client.post("/api/public/reports", json={"what_happened": "我妈妈正在被人骗着转账，怎么办啊"
                                                                      , "happening_now": True})
    assert urgent.status_code == 422
    problem = urgent.json()["problems"][0]
    assert problem["place"] == "victim_phone" and "110" in problem["reason"]
    pair = client.post("/api/public/reports", json={"what_happened": "对方给了一个账号让我转钱过去",
                                                    "subject_kind": "account", "subject_value": "12"})
    assert pair.status_code == 422 and pair.json()["problems"] == [
        {"place": "subject_value", "reason": "a bank account has 10 to 32 digits, like 6222 0000 0000 0001"}]


def test_reports_have_a_stricter_limit(tmp_path) -> None:
    app = make_app(tmp_path, users=(), rate_limits=RateLimits(public_per_address=100, public_reports_per_hour=2))
    client = TestClient(app, client=("10.0.0.9", 5000))
    codes = [client.post("/api/public/reports", json={"what_happened": f"收到可疑短信第 {i} 条，请核实",
                                                      "client_key": f"strict-{i:04d}"}).status_code for i in range(3)]
    assert codes == [201, 201, 429]
    assert client.get("/api/public/lookup", params={"kind": "qq", "value": "12345"}).status_code == 200
    app.state.db.dispose()


def test_the_report_form_on_the_page(app) -> None:
    client = TestClient(app)
    page = client.get("/public")
    token = csrf_from(page.text)
    form = {"csrf_token": token, "client_key": "page-form-0001", "what_happened": "有人冒充客服让我下载会议软件",
            "happening_now": "1", "victim_phone": "13955556666"}
    sent = client.post("/public/report", data=form)
    assert sent.status_code == 200 and "data-report-no=\"JB-" in sent.text
    again = client.post("/public/report", data=form)
    assert again.status_code == 200
    bad = client.post("/public/report", data={**form, "client_key": "page-form-0002", "what_happened": "短"})
    assert bad.status_code == 422 and 'data-field="what_happened"' in bad.text and "13955556666" in bad.text
    stale = client.post("/public/report", data={**form, "csrf_token": "forged", "client_key": "page-form-0003"})
    assert stale.status_code == 400
    with app.state.db.session() as session:
        assert len(list(session.scalars(select(PublicReport)))) == 1


def test_the_fast_path_answers_as_the_route_does(tmp_path) -> None:
    from fanzha.web.lookup_fast_path import LookupFastPath

    (tmp_path / "plain").mkdir()
    (tmp_path / "fast").mkdir()
    plain = make_app(tmp_path / "plain", users=(), rate_limits=RateLimits(public_per_address=5))
    fast = make_app(tmp_path / "fast", users=(), rate_limits=RateLimits(public_per_address=5))
    fast.add_middleware(LookupFastPath)
    for app in (plain, fast):
        with app.state.db.session() as session:
            _lists(session)
    answers = {}
    for name, app in (("plain", plain), ("fast", fast)):
        client = TestClient(app, client=("10.1.1.1", 1))
        got = [client.get("/api/public/lookup", params=p) for p in (
            {"kind": "phone", "value": "17000000000"},  # the first reads the lists (through the route)
            {"kind": "phone", "value": "17000000000"}, {"kind": "url", "value": "prize.example.cn"},
            {"kind": "qq", "value": "x"}, {"kind": "qq", "value": "88889999"},
            {"kind": "qq", "value": "88889999"})]  # the sixth is over the limit of 5
        answers[name] = [(r.status_code, r.json(), r.headers.get("retry-after"), r.headers["cache-control"],
                          r.headers["x-frame-options"]) for r in got]
    assert answers["fast"] == answers["plain"]
    assert [a[0] for a in answers["fast"]] == [200, 200, 200, 422, 200, 429]
    plain.state.db.dispose()
    fast.state.db.dispose()
