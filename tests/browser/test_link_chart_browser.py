"""The link chart in a browser: an analyst opens a series' chart, expands a level-1 card to the
shared mule card, picks the two victims and sees the path between them highlighted, and exports
the chart as PNG (the download happens). The graph and the series are built in the store here.

Screenshots go to $FANZHA_SCREENSHOTS (default /tmp/fanzha-browser)."""
from __future__ import annotations

import pytest
from browser.conftest import PASSWORD, make_browser_app, serve
from playwright.sync_api import TimeoutError as PlaywrightTimeout

pytestmark = pytest.mark.browser

USERS = (("analyst", "analyst", "city", "研判中心 张警官"),)


@pytest.fixture(scope="module")
def charted(tmp_path_factory):
    from test_link_chart import build_graph

    app = make_browser_app(tmp_path_factory.mktemp("chart"), USERS)
    with app.state.db.session() as session:
        ids = build_graph(session)
    server = serve(app)
    yield next(server), ids
    server.close()


def _signed_in(browser, url: str, viewport: dict):
    context = browser.new_context(base_url=url, locale="zh-CN", viewport=viewport, accept_downloads=True)
    page = context.new_page()
    page.goto("/login")
    page.fill("#f-username", "analyst")
    page.fill("#f-password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return context, page


def _tap(page, entity_id: int) -> None:
    """Click the node where the chart draws it, as the analyst would: with the chart scrolled into
    view (the layout may place a node below the window's fold). A click landing in the same
    instant the chart is drawn can go unseen by Cytoscape, so click again, a few times at most,
    until the node's details show."""
    for attempt in range(4):
        x, y = page.evaluate("""(id) => {
            window.linkChart.cy.container().scrollIntoView({block: 'center'});
            const n = window.linkChart.cy.getElementById('n' + id);
            const p = n.renderedPosition();
            const r = window.linkChart.cy.container().getBoundingClientRect();
            return [r.left + p.x, r.top + p.y];
        }""", entity_id)
        page.mouse.click(x, y)
        try:
            page.wait_for_function("(id) => document.getElementById('node-details').dataset.entity === String(id)",
                                   arg=entity_id, timeout=2500)
            return
        except PlaywrightTimeout:
            if attempt == 3:
                raise


def _on_chart(page) -> set[int]:
    return set(page.evaluate("window.linkChart.cy.nodes().map(n => n.data('entity'))"))


def test_analyst_expands_a_series_to_the_mule_card_finds_the_path_and_exports(browser, charted, shots) -> None:
    url, ids = charted
    context, page = _signed_in(browser, url, {"width": 1280, "height": 900})
    try:
        page.goto(f"/analysis/chart?series={ids['series']}")
        page.wait_for_selector("#cy[data-ready='1']", timeout=15000)
        assert _on_chart(page) == {ids[n] for n in ("C1", "C2", "V1", "V2", "M1", "M2", "P")}
        assert "7 个节点，6 条关系" in page.inner_text("#chart-status")

        _tap(page, ids["M1"])
        assert "6217********0011" in page.inner_text("#node-details")
        assert f"case:{ids['case1']}" in page.inner_text("#node-evidence")  # the case's edge to this card
        page.click("#expand-node")
        page.wait_for_function(f"window.linkChart.cy.getElementById('n{ids['MULE']}').nonempty()", timeout=10000)
        assert {ids["MULE"], ids["A1"], ids["M3"]} <= _on_chart(page)
        _tap(page, ids["MULE"])
        assert "6230********9999" in page.inner_text("#node-details")

        _tap(page, ids["V1"])
        page.click("#path-from")
        _tap(page, ids["V2"])
        page.click("#path-to")
        page.wait_for_function("document.getElementById('path-result').dataset.paths", timeout=10000)
        result = page.inner_text("#path-result")
        assert "陈*明 → JQ-2024-0501-001 → 170****0000 → JQ-2024-0501-002 → 林*华" in result
        on_path = set(page.evaluate("window.linkChart.cy.nodes('.on-path').map(n => n.data('entity'))"))
        assert on_path == {ids[n] for n in ("V1", "C1", "P", "C2", "V2")}
        assert page.evaluate("window.linkChart.cy.edges('.on-path').length") == 4
        page.screenshot(path=str(shots / "link-chart-path.png"), full_page=True)

        with page.expect_download() as download:
            page.click("#export-png")
        saved = shots / download.value.suggested_filename
        download.value.save_as(saved)
        assert download.value.suggested_filename == f"chart-series-{ids['series']}.png"
        assert saved.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and saved.stat().st_size > 2000
        with page.expect_download() as data:
            page.click("#export-csv")
        assert data.value.suggested_filename.endswith(".csv")
    finally:
        context.close()


def test_link_chart_fits_a_phone(browser, charted) -> None:
    url, ids = charted
    context, page = _signed_in(browser, url, {"width": 375, "height": 800})
    try:
        page.goto("/analysis/chart?account=6230000000009999")
        page.wait_for_selector("#cy[data-ready='1']", timeout=15000)
        assert ids["M1"] in _on_chart(page)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 380, f"the chart page is {width}px wide on a 375px phone"
    finally:
        context.close()
