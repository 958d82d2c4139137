"""The mule cards page on an analyst's phone (375 px): the score chart is drawn, the flagged
accounts and the 帮信 person are listed masked, and the page fits the screen.

Screenshots go to $FANZHA_SCREENSHOTS (default /tmp/fanzha-browser)."""
from __future__ import annotations

import pytest
from browser.conftest import PASSWORD, make_browser_app, serve

pytestmark = pytest.mark.browser

USERS = (("analyst", "analyst", "city", "研判 周警官"),)
PHONE = {"width": 375, "height": 800}


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    from test_mule_store import SYSTEM, _model, _seed

    from fanzha.services.analysis.mule_scoring import score_mules

    app = make_browser_app(tmp_path_factory.mktemp("mules"), USERS)
    _seed(app.state.db)
    score_mules(app.state.db, SYSTEM, model=_model(), cards=False)
    server = serve(app)
    yield next(server)
    server.close()


def test_analyst_reads_the_mule_page_on_a_phone(browser, desk, shots) -> None:
    context = browser.new_context(base_url=desk, locale="zh-CN", viewport=PHONE)
    page = context.new_page()
    page.goto("/login")
    page.fill("#f-username", "analyst")
    page.fill("#f-password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    page.goto("/analysis/mules")
    page.wait_for_selector("#chart-mule-scores[data-drawn='1']")
    assert page.locator(".mule-table tbody tr").count() == 3
    assert page.locator(".helper-table tbody tr").count() == 1
    assert "张*" in page.locator(".helper-table").inner_text()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 380, f"the page is {width}px wide on a 375px phone"
    page.screenshot(path=str(shots / "mules-phone.png"), full_page=True)
    context.close()
