"""The intake desk in a real browser: sign in, take a report by hand, find it again by the
victim's phone, switch language, see the charts, and work on a phone-sized screen.

Screenshots go to $FANZHA_SCREENSHOTS (default /tmp/fanzha-browser) for a person to look at."""
from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser

PHONE = "13912345678"


@pytest.fixture(scope="module")
def context(browser, live_server, credentials):
    """One signed-in browser session for the module; every request it makes is recorded."""
    context = browser.new_context(base_url=live_server, locale="zh-CN", viewport={"width": 1366, "height": 900})
    context.requests = []
    context.problems = []
    context.on("request", lambda request: context.requests.append(request.url))
    page = context.new_page()
    page.goto("/intake/new")
    assert "/login" in page.url
    page.fill("#f-username", credentials[0])
    page.fill("#f-password", credentials[1])
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/intake/new$"))
    page.close()
    yield context
    context.close()


@pytest.fixture
def page(context):
    page = context.new_page()
    page.on("pageerror", lambda error: context.problems.append(f"page error: {error}"))
    page.on("console", lambda msg: msg.type == "error" and context.problems.append(f"console: {msg.text}"))
    yield page
    page.close()


def _fill_transfer(page, index: int, time: str, amount: str, to_account: str, **more: str) -> None:
    prefix = f"#f-transfers\\.{index}\\."
    page.fill(prefix + "time", time)
    page.fill(prefix + "amount", amount)
    page.fill(prefix + "to_account", to_account)
    for field, value in more.items():
        page.fill(prefix + field, value)


def test_take_a_report_by_hand_and_find_it(page, context, live_server, shots) -> None:
    page.goto("/intake/new")
    page.select_option("#f-region", "城厢区")
    page.fill("#f-reported_at", "2024-05-30T15:40")
    page.fill("#f-victim\\.name", "陈某明")
    page.fill("#f-victim\\.id_number", "350302197901011234")
    page.fill("#f-victim\\.phone", PHONE)
    page.fill("#f-victim\\.age", "45")
    page.fill("#f-narrative", "对方自称淘宝客服，以刷单返利为由诱导转账")
    _fill_transfer(page, 0, "2024-05-30T15:02", "50000.00", "6217000000000002",
                   from_account="6222000000000001", from_bank="工商银行", to_name="李某", to_bank="建设银行",
                   channel="手机银行")
    page.click("[data-add-row=transfer-rows]")
    assert page.locator("#transfer-rows .row-card").count() == 2
    _fill_transfer(page, 1, "2024-05-30T15:20", "1234.50", "6217000000000003")
    page.fill("#f-contacts\\.0\\.value", "17000000000")
    page.screenshot(path=shots / "1-form.png", full_page=True)
    page.click("button[type=submit].primary")
    page.wait_for_url(re.compile(r"/intake/cases/\d+$"))

    assert page.locator(".flash-ok").is_visible()
    assert page.locator(".case-head .money").inner_text() == "¥ 51,234.50"
    assert page.locator("table.data tbody tr").count() == 2
    assert "170****0000" in page.locator(".contacts").inner_text()  # masked until revealed
    assert "陈*明" in page.locator("main").inner_text()
    contact = page.locator(".contacts .pii").first
    contact.locator("summary").click()
    contact.locator("input[name=reason]").fill("核查涉诈号码")
    contact.locator("button[type=submit]").click()  # htmx swaps in the value, with the CSRF header
    page.locator(".contacts .pii.revealed").wait_for()
    assert "17000000000" in page.locator(".contacts").inner_text()
    report_id = re.search(r"JQ-\d{8}-\d{6}", page.locator("h1").inner_text()).group(0)
    page.screenshot(path=shots / "2-case.png", full_page=True)

    page.goto("/intake/cases")
    page.fill("#q", PHONE)  # live search: htmx asks for the table after a short pause
    page.wait_for_url(re.compile(r"text=" + PHONE))
    row = page.locator("#results tbody tr", has_text=report_id)
    row.wait_for()
    assert page.locator("#results tbody tr").count() == 1
    assert "139****5678" in row.inner_text() and PHONE not in row.inner_text()
    page.screenshot(path=shots / "3-search.png", full_page=True)
    row.locator("a").click()
    page.wait_for_url(re.compile(r"/intake/cases/\d+$"))

    assert all(url.startswith(live_server) for url in context.requests), "a page loaded something from elsewhere"
    assert not context.problems


def test_sort_and_filters_stay_together_in_the_url(page) -> None:
    page.goto("/intake/cases")
    page.locator("th a.sort", has_text="损失").click()
    page.wait_for_url(re.compile(r"sort=-loss_fen"))
    page.select_option("#f-region", "城厢区")  # the form now carries the sort the link chose
    page.wait_for_url(re.compile(r"region=.*sort=-loss_fen|sort=-loss_fen.*region="))
    page.locator("#results tbody tr").first.wait_for()
    page.reload()  # the URL is the whole query: a bookmark shows the same list
    assert page.locator("#f-region").input_value() == "城厢区"
    assert page.locator("#sort-input").input_value() == "-loss_fen"


def test_switch_to_english_and_back(page) -> None:
    page.goto("/intake/cases")
    assert page.locator("h1").inner_text() == "警情查询"
    page.click("a[data-lang=en]")
    page.wait_for_url(re.compile(r"lang=en"))
    assert page.locator("h1").inner_text() == "Cases"
    page.goto("/intake/new")  # the choice is remembered
    assert page.locator("h1").inner_text() == "Take a report"
    page.click("a[data-lang=zh]")
    page.wait_for_url(re.compile(r"lang=zh"))
    assert page.locator("h1").inner_text() == "接警登记"


def test_dashboard_draws_its_charts(page, context, shots) -> None:
    page.goto("/?start=2024-05-01&end=2024-05-31")
    for chart in ("chart-days", "chart-types", "chart-regions"):
        canvas = page.locator(f"#{chart} canvas").first
        canvas.wait_for()
        box = canvas.bounding_box()
        assert box["width"] > 200 and box["height"] > 200, chart
    assert page.evaluate("echarts.getInstanceByDom(document.getElementById('chart-days')).getOption().series[0].data[29]") == 1
    assert page.locator("[data-kpi=cases]").inner_text() == "1"
    page.screenshot(path=shots / "4-dashboard.png", full_page=True)
    assert not context.problems


def test_api_docs_work_offline(page, context, live_server, shots) -> None:
    page.goto("/docs")
    page.locator(".opblock-summary-path", has_text="/api/cases").first.wait_for()
    page.locator(".opblock-summary", has_text="/api/cases/{case_id}").first.click()
    page.get_by_role("button", name="Try it out").click()
    page.locator("input[placeholder=case_id]").fill("1")
    page.get_by_role("button", name="Execute").click()
    page.locator(".response .response-col_status", has_text="200").first.wait_for()
    page.screenshot(path=shots / "8-docs.png")
    assert all(url.startswith(live_server) for url in context.requests)


def _overflow(page) -> int:
    """How far the page is wider than the screen (0 when nothing sticks out sideways)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_phone_width(browser, context, live_server, shots) -> None:
    phone = browser.new_context(base_url=live_server, locale="zh-CN", viewport={"width": 375, "height": 812},
                                storage_state=context.storage_state(), is_mobile=True, has_touch=True)
    page = phone.new_page()
    try:
        for path in ("/", "/intake/cases", "/intake/new", "/imports", "/funds"):
            page.goto(path)
            assert _overflow(page) <= 0, path
        page.goto("/intake/cases")
        page.locator("#results tbody a").first.click()
        page.wait_for_url(re.compile(r"/intake/cases/\d+$"))
        assert _overflow(page) <= 0
        page.screenshot(path=shots / "5-phone-case.png", full_page=True)

        page.goto("/intake/new")
        nav = page.locator("nav.nav")
        assert not nav.is_visible()  # collapsed behind the menu button
        page.screenshot(path=shots / "6-phone-form.png")
        page.locator("label.nav-button").tap()
        assert nav.is_visible()
        page.screenshot(path=shots / "7-phone-menu.png")
        page.locator("label.nav-button").tap()
        assert not nav.is_visible()

        # the form is one column, every field fits the screen, and a report can be saved
        for selector in ("#f-victim\\.name", "#f-transfers\\.0\\.amount", "#f-contacts\\.0\\.value", "#f-region"):
            box = page.locator(selector).bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 375, selector
        page.select_option("#f-region", "涵江区")
        page.fill("#f-victim\\.name", "林芳")
        _fill_transfer(page, 0, "2024-05-30T09:00", "300", "6228000000000004")
        page.locator("button[type=submit].primary").tap()
        page.wait_for_url(re.compile(r"/intake/cases/\d+$"))
        assert page.locator(".case-head .money").inner_text() == "¥ 300.00"
        assert _overflow(page) <= 0
    finally:
        phone.close()
