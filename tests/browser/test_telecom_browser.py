"""The telecom desk in a real browser: an operator's liaison works its queue (an overdue order is
flagged, executed with a click) and records the holder's appeal; the duty officer grants it and
the order shows lifted. Also at a phone's 375 px.

Screenshots go to $FANZHA_SCREENSHOTS (default /tmp/fanzha-browser)."""
from __future__ import annotations

from datetime import timedelta

import pytest
from browser.conftest import PASSWORD, make_browser_app, serve

pytestmark = pytest.mark.browser

USERS = (("duty", "duty_officer", "city", "值班民警 王警官"),
         ("cmcc", "operator_liaison", "operator-CMCC", "移动驻场 李工"))
NUMBER = "13812345678"


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    from fanzha.domain import clock
    from fanzha.domain.actor import Actor
    from fanzha.domain.number_order import Basis, NumberOrderKind
    from fanzha.services.telecom.number_orders import raise_order

    app = make_browser_app(tmp_path_factory.mktemp("telecom"), USERS)
    with app.state.db.session() as session:
        order = raise_order(session, Actor.system("test"), NUMBER, NumberOrderKind.SHUTDOWN, Basis.REPORTED,
                            source="manual", reason="冒充公检法，多名群众举报").order
        order.due_at = clock.now() - timedelta(minutes=3)  # the hour has run out
    server = serve(app)
    yield next(server)
    server.close()


def _signed_in(browser, url: str, username: str, **options):
    context = browser.new_context(base_url=url, locale="zh-CN", **options)
    page = context.new_page()
    page.goto("/login")
    page.fill("#f-username", username)
    page.fill("#f-password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return context, page


def test_operator_executes_and_an_appeal_is_granted(browser, desk, shots) -> None:
    context, page = _signed_in(browser, desk, "cmcc", viewport={"width": 1280, "height": 900})
    try:
        page.goto("/telecom/orders")
        row = page.locator(f"tr[data-order][data-state=sent]:has-text('{NUMBER}')")
        assert row.get_attribute("data-overdue") == "1"
        assert "已超时" in row.inner_text()
        page.screenshot(path=str(shots / "telecom-queue.png"), full_page=True)
        row.get_by_role("button", name="已处置").click()
        page.wait_for_load_state()
        assert "处置结果已提交" in page.content()
        done = page.locator(f"tr[data-state=executed]:has-text('{NUMBER}')")
        done.locator("summary").click()
        done.locator("input[name=appellant]").fill("张某")
        done.locator("input[name=grounds]").fill("号码为本人日常使用，近期未外呼")
        done.get_by_role("button", name="提交申诉").click()
        page.wait_for_load_state()
        assert "申诉已登记" in page.content() and "张某" in page.content()
        assert page.locator("button[value=grant]").count() == 0  # the operator does not decide
    finally:
        context.close()

    context, page = _signed_in(browser, desk, "duty", viewport={"width": 375, "height": 800})
    try:
        page.goto("/telecom/appeals?state=pending")
        appeal = page.locator("tr[data-state=pending]:has-text('张某')")
        appeal.locator("input[name=reason]").fill("核实为本人正常使用")
        page.screenshot(path=str(shots / "telecom-appeal-phone.png"), full_page=True)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 380, f"the appeals page is {width}px wide on a 375px phone"
        appeal.locator("button[value=grant]").click()
        page.wait_for_load_state()
        assert "申诉决定已保存" in page.content()
        page.goto("/telecom/orders?state=lifted")
        assert page.locator(f"tr[data-state=lifted]:has-text('{NUMBER}')").count() == 1
    finally:
        context.close()
