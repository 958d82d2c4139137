"""The warning desk on a station officer's phone (375 px): the lead is on the board, signed for,
the person located and dissuaded, and the lead closed with the loss avoided; another station's
officer cannot sign it.

Screenshots go to $FANZHA_SCREENSHOTS (default /tmp/fanzha-browser)."""
from __future__ import annotations

import pytest
from browser.conftest import PASSWORD, make_browser_app, serve

pytestmark = pytest.mark.browser

USERS = (("longqiao", "station_officer", "station-chengxiang-1", "龙桥派出所 陈警官"),
         ("fenghuang", "station_officer", "station-chengxiang-2", "凤凰山派出所 吴警官"))
PHONE = {"width": 375, "height": 800}


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    from fanzha.domain import clock
    from fanzha.domain.actor import Actor
    from fanzha.domain.fraud_type import FraudType
    from fanzha.domain.warning_lead import LeadSource, Stage
    from fanzha.services.warning.signals import SignalIn, take_signal
    from fanzha.store.models import Person, Phone

    app = make_browser_app(tmp_path_factory.mktemp("warning"), USERS)
    with app.state.db.session() as session:
        elder = Person(name="林某", id_number="350302195501011234", phone="13800000001", age=69,
                       district="城厢区", station="龙桥派出所")
        session.add(elder)
        session.flush()
        session.add(Phone(number="13800000001", operator="CMCC", person_id=elder.id))
        session.flush()
        lead = take_signal(session, Actor.system("test"), SignalIn(
            source=LeadSource.FRAUD_CONTACT, ref="call-1", at=clock.now(), phone="13800000001",
            fraud_type=FraudType.FAKE_POLICE, stage=Stage.ENGAGED, evidence={"number": "17012345678"})).lead
        lead_no = lead.lead_no
    server = serve(app)
    yield next(server), lead_no
    server.close()


def _signed_in(browser, url: str, username: str):
    context = browser.new_context(base_url=url, locale="zh-CN", viewport=PHONE)
    page = context.new_page()
    page.goto("/login")
    page.fill("#f-username", username)
    page.fill("#f-password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return context, page


def _fits(page, what: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 380, f"{what} is {width}px wide on a 375px phone"


def test_station_officer_works_a_lead_on_a_phone(browser, desk, shots) -> None:
    url, lead_no = desk
    context, page = _signed_in(browser, url, "fenghuang")
    try:
        page.goto("/warning/leads")
        assert lead_no not in page.content()  # another station's resident
    finally:
        context.close()
    context, page = _signed_in(browser, url, "longqiao")
    try:
        page.goto("/warning/leads")
        _fits(page, "the board")
        assert page.locator("[data-grade-count]").count() == 3
        page.screenshot(path=str(shots / "warning-board-phone.png"), full_page=True)
        page.locator(f"li[data-lead='{lead_no}'] a").click()
        page.wait_for_load_state()
        assert "冒充公检法" in page.content() or "高损失" in page.content()
        page.get_by_role("button", name="签收").click()
        page.wait_for_load_state()
        assert "已签收" in page.content()
        page.select_option("#s-step", "locate")
        page.select_option("#s-method", "visit")
        page.fill("#s-outcome", "已见到本人")
        page.get_by_role("button", name="保存").click()
        page.wait_for_load_state()
        page.select_option("#s-step", "dissuade")
        page.fill("#s-outcome", "劝阻成功")
        page.fill("#s-note", "对方冒充公安要求转账至安全账户，已讲清骗局")
        page.get_by_role("button", name="保存").click()
        page.wait_for_load_state()
        _fits(page, "the lead page")
        page.screenshot(path=str(shots / "warning-lead-phone.png"), full_page=True)
        page.select_option("#c-result", "dissuaded")
        page.fill("#c-avoided", "50000")
        page.get_by_role("button", name="办结").last.click()
        page.wait_for_load_state()
        assert "线索已办结" in page.content() and "50,000.00" in page.content()
        steps = page.locator("ol.timeline li").evaluate_all("items => items.map(i => i.dataset.step)")
        assert steps == ["sign", "locate", "dissuade", "close"]
        page.goto("/warning/figures")
        for chart in ("chart-open", "chart-days", "chart-sources", "chart-types"):
            page.wait_for_function(f"document.getElementById('{chart}').dataset.drawn === '1'")
            assert page.locator(f"#{chart} canvas").count() >= 1
        assert page.locator("[data-kpi=rate]").inner_text() == "100.0%"
        _fits(page, "the figures page")
        page.screenshot(path=str(shots / "warning-figures-phone.png"), full_page=True)
    finally:
        context.close()
