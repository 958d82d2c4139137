"""The command dashboard as leadership opens it in Chromium: the year-over-year figures and the
两降两升 verdict, the ECharts drawn, the filters kept in the URL, the page fitting a 375 px phone,
and a report downloaded from the reports tab.

Screenshots go to $FANZHA_SCREENSHOTS (default /tmp/fanzha-browser)."""
from __future__ import annotations

import io

import pytest
from browser.conftest import PASSWORD, make_browser_app, serve

pytestmark = pytest.mark.browser

USERS = (("leader", "leadership", "city", "中心领导 林主任"),)


@pytest.fixture(scope="module")
def center(tmp_path_factory):
    from tests import command_truth

    app = make_browser_app(tmp_path_factory.mktemp("command"), USERS)
    with app.state.db.session() as session:
        command_truth.build(session)
    server = serve(app)
    yield next(server)
    server.close()


def _signed_in(browser, url: str, viewport: dict):
    context = browser.new_context(base_url=url, locale="zh-CN", viewport=viewport, accept_downloads=True)
    page = context.new_page()
    page.goto("/login")
    page.fill("#f-username", "leader")
    page.fill("#f-password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return context, page


def test_leadership_reads_the_dashboard_and_downloads_a_report(browser, center, shots) -> None:
    context, page = _signed_in(browser, center, {"width": 1280, "height": 900})
    page.goto("/command?period=2024-05")
    assert page.locator('[data-kpi="cases"] .kpi-value').inner_text() == "3"
    assert "两降两升：达成 3 项，共 4 项" in page.locator(".verdict h2").inner_text()
    assert page.locator('[data-kpi="cases"] .change.down').inner_text().strip() == "↓ 25.0%"
    for chart in ("chart-trend-cases", "chart-trend-loss", "chart-types", "chart-ages", "chart-regions"):
        page.wait_for_selector(f"#{chart}[data-drawn='1'] canvas", timeout=10_000)
    page.screenshot(path=str(shots / "command-dashboard.png"), full_page=True)

    page.select_option("#f-region", "城厢区")
    page.click(".stats-apply button")
    page.wait_for_load_state()
    assert "region=%E5%9F%8E%E5%8E%A2%E5%8C%BA" in page.url and "period=2024-05" in page.url  # bookmarkable
    assert page.locator('[data-kpi="cases"] .kpi-value').inner_text() == "2"
    assert page.locator('tr[data-district="龙桥派出所"]').count() == 1

    page.click("[data-action=reports]")  # the reports for the area and period in view
    page.wait_for_load_state()
    with page.expect_download() as download:
        page.click('[data-report="2024-05.xlsx"]')
    from openpyxl import load_workbook

    path = download.value.path()
    head = {r[0]: r[1:] for r in load_workbook(io.BytesIO(open(path, "rb").read()))["总览"].iter_rows(values_only=True)
            if r and r[0]}
    assert head["发案数"][:2] == (2, 2)  # the county's figures, as the dashboard showed
    assert download.value.suggested_filename == "反诈统计报表_2024-05_城厢区.xlsx"
    context.close()


def test_the_dashboard_fits_a_phone(browser, center, shots) -> None:
    context, page = _signed_in(browser, center, {"width": 375, "height": 800})
    page.goto("/command?period=2024")
    page.wait_for_selector("#chart-trend-cases[data-drawn='1'] canvas", timeout=10_000)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 380, f"the dashboard is {width}px wide on a 375px phone"
    assert page.locator('[data-kpi="cases"] .kpi-value').inner_text() == "5"
    page.screenshot(path=str(shots / "command-phone.png"), full_page=True)
    context.close()
