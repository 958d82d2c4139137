"""The funds desk in a real browser: a funds officer opens a case's money page, sees the Sankey
drawn from the victim through each level, converts the stopped level-1 order to a freeze with
the form, finds it in the freezes list, and the pages fit a phone's 375 px.

Screenshots go to $FANZHA_SCREENSHOTS (default /tmp/fanzha-browser)."""
from __future__ import annotations

import re

import pytest
from browser.conftest import PASSWORD, make_browser_app, serve

pytestmark = pytest.mark.browser

USERS = (("funds", "funds_officer", "city", "止付冻结民警 郑警官"),)
DOC = "莆公(刑)冻字〔2024〕301号"


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    from sqlalchemy import select
    from test_follow_money import REPORT, STATEMENT_A, STATEMENT_B, A

    from fanzha.domain.actor import Actor
    from fanzha.domain.organisation import OrgKind
    from fanzha.domain.report import VictimReport
    from fanzha.domain.role import Role
    from fanzha.services.funds.bank_answers import answer_order
    from fanzha.services.funds.follow_money import follow_money
    from fanzha.services.importing import import_file
    from fanzha.services.intake import file_report
    from fanzha.store.models import StopPaymentOrder

    folder = tmp_path_factory.mktemp("funds")
    app = make_browser_app(folder, USERS)
    system = Actor.system("test")
    for name, text in (("a.csv", STATEMENT_A), ("b.csv", STATEMENT_B)):
        (folder / name).write_text(text, encoding="utf-8")
        import_file(app.state.db, "statements", folder / name, actor=system)
    with app.state.db.session() as session:
        case_id = file_report(session, system, VictimReport.model_validate(REPORT)).case.id
    with app.state.db.session() as session:
        follow_money(session, system, case_id)
        order = session.scalar(select(StopPaymentOrder).where(StopPaymentOrder.account_number == A))
        icbc = Actor(username="icbc", role=Role.BANK_LIAISON, org_code="bank-ICBC", org_kind=OrgKind.BANK)
        answer_order(session, icbc, order.id, "stopped", stopped_fen=500000)
        order_no = order.order_no
    server = serve(app)
    url = next(server)
    yield url, case_id, order_no
    server.close()


def _signed_in(browser, url: str, **options):
    context = browser.new_context(base_url=url, locale="zh-CN", **options)
    page = context.new_page()
    page.goto("/login")
    page.fill("#f-username", "funds")
    page.fill("#f-password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return context, page


def test_the_money_page_draws_the_flow_and_freezes(browser, desk, shots) -> None:
    url, case_id, order_no = desk
    context, page = _signed_in(browser, url, viewport={"width": 1366, "height": 900})
    problems: list[str] = []
    requests: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("console", lambda msg: msg.type == "error" and problems.append(f"console: {msg.text}"))
    page.on("request", lambda request: requests.append(request.url))
    try:
        page.goto(f"/funds/cases/{case_id}")
        canvas = page.locator("#money-sankey canvas").first
        canvas.wait_for()
        box = canvas.bounding_box()
        assert box["width"] > 400 and box["height"] > 250
        page.wait_for_function("document.getElementById('money-sankey').dataset.drawn === '1'")
        series = page.evaluate("echarts.getInstanceByDom(document.getElementById('money-sankey')).getOption().series[0]")
        assert series["type"] == "sankey" and len(series["data"]) == 7
        assert {(link["source"], link["value"]) for link in series["links"]} >= {("victim", 50000)}
        # something is painted on the canvas: not every pixel is blank
        painted = page.evaluate("""() => {
            const c = document.querySelector('#money-sankey canvas');
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            let n = 0; for (let i = 3; i < d.length; i += 4) { if (d[i] > 0) n++; } return n; }""")
        assert painted > 5000
        page.screenshot(path=shots / "funds-1-money.png", full_page=True)

        row = page.locator(f"tr[data-order='{order_no}']")
        assert row.get_attribute("data-state") == "stopped"
        row.locator("input[name=legal_document_no]").fill(DOC)
        row.locator("form.freeze-form button[type=submit]").click()
        page.wait_for_url(re.compile(rf"/funds/cases/{case_id}$"))
        assert page.locator(".flash-ok").count() == 1
        assert page.locator(f"tr[data-order='{order_no}']").get_attribute("data-state") == "frozen"
        page.goto("/funds/freezes")
        assert DOC in page.locator(".freezes-table").inner_text()
        assert not problems, problems
        assert all(r.startswith(url) for r in requests), [r for r in requests if not r.startswith(url)]
    finally:
        context.close()


def test_the_desk_fits_a_phone(browser, desk, shots) -> None:
    url, case_id, _ = desk
    context, page = _signed_in(browser, url, viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True)
    try:
        for path in ("/funds", f"/funds/cases/{case_id}", "/funds/freezes", "/funds/returns", "/funds/queue"):
            page.goto(path)
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, (path, overflow)
        page.goto(f"/funds/cases/{case_id}")
        page.locator("#money-sankey canvas").first.wait_for()
        box = page.locator("#money-sankey canvas").first.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 375
        page.screenshot(path=shots / "funds-2-phone-money.png", full_page=True)
    finally:
        context.close()
