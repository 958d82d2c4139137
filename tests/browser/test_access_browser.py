"""Tried as a new user would, in a real browser: a bank's liaison opens a case page by its URL,
leadership opens a case and asks the API for an identity number, a station officer opens
another station's case. Each is refused with a clear message, and the auditor finds every
attempt in the audit log.

Screenshots go to $FANZHA_SCREENSHOTS (default /tmp/fanzha-browser)."""
from __future__ import annotations

import re

import pytest
from browser.conftest import PASSWORD, make_browser_app, serve

pytestmark = pytest.mark.browser

USERS = (
    ("bank_icbc", "bank_liaison", "bank-ICBC", "工商银行驻场 吴经理"),
    ("leader", "leadership", "city", "中心主任 张主任"),
    ("station_longqiao", "station_officer", "station-chengxiang-1", "龙桥派出所 陈警官"),
    ("auditor", "auditor", "city", "审计员 周审计"),
)
ID_NUMBER = "350302197901011234"


@pytest.fixture(scope="module")
def story(tmp_path_factory):
    from fanzha.domain.actor import Actor
    from fanzha.domain.report import VictimReport
    from fanzha.services.intake import file_report

    app = make_browser_app(tmp_path_factory.mktemp("story"), USERS)
    base = {"reported_at": "2024-05-30T15:40:00+08:00", "region": "城厢区",
            "transfers": [{"time": "2024-05-30T15:02:00+08:00", "amount": "50000.00", "to_account": "6217000000000002"}]}
    with app.state.db.session() as session:
        ids = {
            station: file_report(session, Actor.system("test"), VictimReport.model_validate({
                **base, "report_id": f"JQ-STORY-{n}", "station": station,
                "victim": {"name": name, "id_number": id_number, "phone": phone}})).case.id
            for n, (station, name, id_number, phone) in enumerate((
                ("龙桥派出所", "陈某明", ID_NUMBER, "13812345678"),
                ("凤凰山派出所", "林芳", "350302198002022345", "13912345678")))
        }
    server = serve(app)
    url = next(server)
    yield url, ids
    server.close()


def _sign_in(browser, url: str, username: str):
    context = browser.new_context(base_url=url, locale="zh-CN", viewport={"width": 1280, "height": 860})
    page = context.new_page()
    page.goto("/login")
    page.fill("#f-username", username)
    page.fill("#f-password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return context, page


def test_the_new_users_story(browser, story, shots) -> None:
    url, ids = story
    longqiao, fenghuang = ids["龙桥派出所"], ids["凤凰山派出所"]

    # A bank's liaison lands on their own desk, then tries a case page by its URL.
    context, page = _sign_in(browser, url, "bank_icbc")
    assert page.url.endswith("/funds")
    assert page.locator("nav.nav a[href='/intake/cases']").count() == 0
    response = page.goto(f"/intake/cases/{longqiao}")
    assert response.status == 403
    message = page.locator(".denied").inner_text()
    assert "银行驻场人员不能查看警情" in message and "case.read" in message and "系统管理员" in message
    assert "本次访问已记入审计日志" in page.locator("main").inner_text()
    assert ID_NUMBER not in page.content() and "陈" not in page.locator("main").inner_text()
    page.screenshot(path=shots / "access-1-bank-refused.png", full_page=True)
    context.close()

    # Leadership sees the figures, is refused the case, and the API will not give an identity number.
    context, page = _sign_in(browser, url, "leader")
    assert page.locator("[data-kpi=cases]").is_visible()
    response = page.goto(f"/intake/cases/{longqiao}")
    assert response.status == 403 and "中心领导不能查看警情" in page.locator(".denied").inner_text()
    api = page.goto(f"/api/cases/{longqiao}?reveal=领导查看身份证号")
    assert api.status == 403 and ID_NUMBER not in page.content() and "3503" not in page.content()
    page.goto(f"/intake/cases/{longqiao}?lang=en")
    assert "the Leadership role may not read cases" in page.locator(".denied").inner_text()
    page.screenshot(path=shots / "access-2-leader-refused.png", full_page=True)
    context.close()

    # A station officer opens their own case, then another station's.
    context, page = _sign_in(browser, url, "station_longqiao")
    page.goto(f"/intake/cases/{longqiao}")
    assert page.locator("h1").inner_text().startswith("警情")
    assert page.goto(f"/intake/cases/{fenghuang}").status == 403
    assert "不在您的数据范围内" in page.locator(".denied").inner_text()
    context.close()

    # The auditor finds every refusal, and filters them by user.
    context, page = _sign_in(browser, url, "auditor")
    assert page.url.endswith("/audit")
    page.select_option("#f-outcome", "denied")
    page.click(".filters button[type=submit]")
    page.wait_for_url(re.compile(r"outcome=denied"))
    rows = page.locator("table.audit-table tbody tr")
    actors = set(rows.evaluate_all("rows => rows.map(r => r.dataset.actor)"))
    assert {"bank_icbc", "leader", "station_longqiao"} <= actors
    page.fill("#f-actor", "bank_icbc")
    page.click(".filters button[type=submit]")
    page.wait_for_url(re.compile(r"actor=bank_icbc"))
    row = page.locator("table.audit-table tbody tr").first
    assert row.get_attribute("data-action") == "case.read"
    assert f"/intake/cases/{longqiao}" in row.inner_text() and "拒绝" in row.inner_text()
    page.screenshot(path=shots / "access-3-auditor.png", full_page=True)
    page.click("a[href='/audit/verify']")
    assert "哈希链完整" in page.locator("main").inner_text()
    context.close()
