"""The public's window on a citizen's phone (375 px): look up a risky number, file a report that
lands as a warning lead, then hammer the page past its rate limit and read the clear message.

Screenshots go to $FANZHA_SCREENSHOTS (default /tmp/fanzha-browser)."""
from __future__ import annotations

import pytest
from browser.conftest import _require_chromium, serve

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 800}
LIMIT = 12  # look-ups and page loads a minute from one address, small so the test is short


@pytest.fixture(scope="module")
def window(tmp_path_factory):
    _require_chromium()
    from fanzha.domain.actor import Actor
    from fanzha.domain.report import VictimReport
    from fanzha.services.intake import file_report
    from fanzha.services.organisations import seed_organisations
    from fanzha.store.models import Person
    from fanzha.web.app import create_app
    from fanzha.web.rate_limit import RateLimits

    folder = tmp_path_factory.mktemp("public")
    app = create_app(f"sqlite:///{folder / 'public.sqlite'}", secret_key="browser-secret",
                     rate_limits=RateLimits(public_per_address=LIMIT, public_reports_per_hour=5))
    with app.state.db.session() as session:
        seed_organisations(session)
        file_report(session, Actor.system("test"), VictimReport.model_validate({
            "report_id": "JQ-B-1", "reported_at": "2024-05-30T15:40:00+08:00", "region": "城厢区",
            "victim": {"name": "陈某明", "id_number": "350302197901011234", "phone": "13812345678", "age": 45},
            "narrative": "冒充客服", "transfers": [{"time": "2024-05-30T15:02:00+08:00", "amount": "500.00",
                                                 "to_account": "6217000000000002", "to_bank": "建设银行"}],
            "contacts": [{"kind": "phone", "value": "17012345678"}]}))
        session.add(Person(name="林某", phone="13955556666", age=68, district="城厢区", station="龙桥派出所"))
    server = serve(app)
    yield next(server), app
    server.close()


def _fits(page, what: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 380, f"{what} is {width}px wide on a 375px phone"


def test_a_citizen_looks_up_reports_and_hits_the_limit(browser, window, shots) -> None:
    url, app = window
    context = browser.new_context(base_url=url, locale="zh-CN", viewport=PHONE)
    page = context.new_page()
    page.goto("/public")  # 1
    assert page.locator("h1").inner_text() == "反诈风险查询与举报"
    _fits(page, "the public page")

    page.fill("#lookup-value", "170 1234 5678")
    page.click(".public-lookup button[type=submit]")  # 2
    answer = page.locator(".public-answer")
    answer.wait_for()
    assert answer.get_attribute("data-result") == "risky" and "有风险" in answer.inner_text()
    assert "陈" not in answer.inner_text() and "JQ-" not in page.content()  # nothing about whose or which case
    _fits(page, "the look-up answer")
    page.screenshot(path=str(shots / "public-lookup-375.png"), full_page=True)

    page.check("input[name=happening_now]")
    page.fill("#r-what", "我母亲正在接一个自称公安的电话，对方让她转账到安全账户")
    page.select_option("#r-kind", "phone")
    page.fill("#r-value", "17012345678")
    page.fill("#r-victim", "139 5555 6666")
    page.click(".public-report button[type=submit]")  # 3
    sent = page.locator("[data-report-no]")
    sent.wait_for()
    report_no = sent.get_attribute("data-report-no")
    assert report_no.startswith("JB-") and report_no in sent.inner_text()
    _fits(page, "the report confirmation")
    page.screenshot(path=str(shots / "public-report-375.png"), full_page=True)
    from sqlalchemy import select

    from fanzha.store.models import PublicReport, WarningLead
    with app.state.db.session() as session:
        row = session.scalar(select(PublicReport).where(PublicReport.report_no == report_no))
        assert row.route == "lead" and session.get(WarningLead, row.lead_id).phone == "13955556666"

    statuses = []
    for _ in range(LIMIT + 3):  # hammer the page past its limit
        response = page.goto("/public?kind=phone&value=13800000000")
        statuses.append(response.status)
        if response.status == 429:
            break
    assert statuses[-1] == 429 and int(response.headers["retry-after"]) >= 1, statuses
    limited = page.locator(".public-limited")
    assert limited.is_visible() and "秒后再试" in limited.inner_text() and "110" in limited.inner_text()
    _fits(page, "the rate-limit message")
    page.screenshot(path=str(shots / "public-limited-375.png"), full_page=True)
    for _ in range(LIMIT + 3):  # a token may have come back while the screenshot was taken (one each 5 s)
        if page.goto("/public?lang=en").status == 429:
            break
    assert "Too many requests" in page.locator(".public-limited").inner_text()
    context.close()
