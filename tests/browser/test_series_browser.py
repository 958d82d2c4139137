"""Series (串并案) in a browser: an analyst opens the list, sees the chart, opens the series the
detector found, reads why each case is in it, confirms it and sees the decision; on a 375 px phone
the page fits. A warning officer is refused.

Screenshots go to $FANZHA_SCREENSHOTS (default /tmp/fanzha-browser)."""
from __future__ import annotations

import pytest
from browser.conftest import PASSWORD, make_browser_app, serve

pytestmark = pytest.mark.browser

USERS = (("analyst", "analyst", "city", "研判员 郑警官"), ("warning", "warning_officer", "city", "预警员 许警官"))
CARD = "6217000000000002"


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    from fanzha.domain.actor import Actor
    from fanzha.domain.report import VictimReport
    from fanzha.services.analysis.series_detect import detect_and_store
    from fanzha.services.intake import file_report

    app = make_browser_app(tmp_path_factory.mktemp("series"), USERS)
    system = Actor.system("test")
    with app.state.db.session() as session:
        for n in range(1, 4):
            file_report(session, system, VictimReport.model_validate({
                "report_id": f"JQ-20240510-00{n}", "reported_at": f"2024-05-1{n}T12:00:00+08:00", "region": "城厢区",
                "victim": {"name": f"陈某{n}", "phone": f"1380000000{n}"}, "fraud_type": "刷单返利",
                "transfers": [{"time": f"2024-05-1{n}T10:00:00+08:00", "amount": f"{n}000.00",
                               "from_account": f"622200000000000{n}", "to_account": CARD, "to_bank": "建设银行"}],
                "contacts": [{"kind": "app", "value": "易兼职"}]}))
        detect_and_store(session, system)
    server = serve(app)
    yield next(server)
    server.close()


def _signed_in(browser, url: str, username: str, viewport=None):
    context = browser.new_context(base_url=url, locale="zh-CN", viewport=viewport or {"width": 1280, "height": 900})
    page = context.new_page()
    page.goto("/login")
    page.fill("#f-username", username)
    page.fill("#f-password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return context, page


def test_analyst_opens_a_series_and_confirms_it(browser, desk, shots) -> None:
    context, page = _signed_in(browser, desk, "analyst")
    try:
        page.goto("/analysis/series")
        rows = page.locator("tr[data-series]")
        assert rows.count() == 1
        assert rows.first.get_attribute("data-state") == "candidate"
        page.wait_for_selector("#chart-series[data-drawn='1']")
        assert "6217********0002" in rows.first.inner_text() and "3" in rows.first.inner_text()
        page.screenshot(path=str(shots / "series-list.png"), full_page=True)
        rows.first.locator("a").first.click()
        page.wait_for_load_state()
        assert page.locator("[data-kpi=cases]").inner_text() == "3"
        assert page.locator("[data-kpi=loss]").inner_text().replace(" ", "") == "¥6,000.00"
        key = page.locator("table.key-entities tr[data-entity] a").first
        assert key.inner_text() == "6217********0002"
        assert key.get_attribute("href").startswith("/analysis/chart?entity=")
        assert page.locator("a[href^='/analysis/chart?series=']").count() == 1
        cases = page.locator("table.series-cases tr[data-case]")
        assert cases.count() == 3
        assert all("6217********0002" in cases.nth(i).inner_text() for i in range(3))  # the reason: the shared card
        assert cases.first.locator("a[href^='/intake/cases/']").count() == 1
        page.fill("#c-note", "同一收款卡，同一话术")
        page.locator("button[data-action=confirm]").click()
        page.wait_for_load_state()
        assert page.locator("[data-series-state]").get_attribute("data-series-state") == "confirmed"
        assert "已确认串并" in page.content()
        decision = page.locator("li[data-decision=confirm]")
        assert decision.count() == 1 and "同一收款卡" in decision.inner_text() and "analyst" in decision.inner_text()
        page.screenshot(path=str(shots / "series-confirmed.png"), full_page=True)
        page.goto("/analysis/series?state=confirmed")
        assert page.locator("tr[data-series]").count() == 1
    finally:
        context.close()


def test_the_series_page_fits_a_phone_and_others_are_refused(browser, desk, shots) -> None:
    context, page = _signed_in(browser, desk, "analyst", {"width": 375, "height": 800})
    try:
        page.goto("/analysis/series")
        page.locator("tr[data-series] a").first.click()
        page.wait_for_load_state()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 380, f"the series page is {width}px wide on a 375px phone"
        page.screenshot(path=str(shots / "series-phone.png"), full_page=True)
    finally:
        context.close()
    context, page = _signed_in(browser, desk, "warning")
    try:
        response = page.goto("/analysis/series")
        assert response.status == 403
    finally:
        context.close()
