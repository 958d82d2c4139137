"""Every page renders in Chinese and English, loads nothing from another host, masks victims in
lists, and the case page's buttons move the case."""
from __future__ import annotations

import json
import re

import pytest
from web_support import EXTERNAL, make_app, report, signed_in

from fanzha.web.i18n import CATALOG
from fanzha.web.nav import DESK_HOMES

USERS = (("duty", "duty_officer", "city"), ("analyst", "analyst", "city"), ("leader", "leadership", "city"),
         ("auditor", "auditor", "city"), ("admin", "center_admin", "city"))


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    app = make_app(tmp_path_factory.mktemp("pages"), users=USERS)
    yield app
    app.state.db.dispose()


@pytest.fixture(scope="module")
def client(app):
    return signed_in(app)


@pytest.fixture(scope="module")
def case_id(client) -> int:
    return client.post("/api/cases", json=report()).json()["case"]["id"]


# Every page, with a user whose role opens it, and a word its navigation or title shows.
PAGES = {
    "duty": ["/", "/intake/new", "/intake/cases", "/imports", "/funds", "/telecom/orders", "/warning/leads",
             "/public", "/account/password"],
    "analyst": ["/analysis/series", "/command"],
    "leader": ["/", "/command"],
    "auditor": ["/audit", "/audit/verify"],
    "admin": ["/admin/users", "/admin/tokens"],
}
MARKERS = {"zh": {"duty": "接警", "analyst": "研判", "leader": "指挥", "auditor": "审计", "admin": "系统管理"},
           "en": {"duty": "Intake", "analyst": "Analysis", "leader": "Command", "auditor": "Audit", "admin": "Admin"}}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_renders_in_both_languages(app, client, case_id, lang) -> None:
    for username, paths in PAGES.items():
        browser = client if username == "duty" else signed_in(app, username)
        if username == "duty":
            paths = [*paths, f"/intake/cases/{case_id}"]
        for path in paths:
            response = browser.get(path, params={"lang": lang})
            assert response.status_code == 200, (username, path, response.text[:500])
            assert MARKERS[lang][username] in response.text, (username, path)
            assert f'<html lang="{"zh-CN" if lang == "zh" else "en"}">' in response.text
            assert not EXTERNAL.search(response.text), path


def test_the_language_sticks_in_a_cookie(app) -> None:
    client = signed_in(app)
    assert "Take a report" in client.get("/intake/new?lang=en").text
    assert client.cookies.get("lang") == "en"
    assert "Take a report" in client.get("/intake/new").text
    assert "接警登记" in client.get("/intake/new?lang=zh").text
    assert "接警登记" in client.get("/intake/new").text


def test_the_language_switch_keeps_the_query(client) -> None:
    page = client.get("/intake/cases", params={"region": "城厢区", "lang": "zh"}).text
    assert re.search(r'href="/intake/cases\?region=%E5%9F%8E%E5%8E%A2%E5%8C%BA&amp;lang=en"', page)


def test_login_page_has_no_external_urls(app) -> None:
    from fastapi.testclient import TestClient

    page = TestClient(app).get("/login").text
    assert not EXTERNAL.search(page) and "/static/css/fanzha.css" in page


def test_docs_are_served_offline(client) -> None:
    page = client.get("/docs").text
    assert "/static/vendor/swagger-ui-bundle.js" in page and "/static/vendor/swagger-ui.css" in page
    assert not re.search(r"https?://", page)
    for asset in ("/static/vendor/swagger-ui-bundle.js", "/static/vendor/htmx.min.js", "/static/vendor/echarts.min.js",
                  "/static/css/fanzha.css", "/static/js/fanzha.js", "/static/js/dashboard.js", "/static/favicon.svg"):
        assert client.get(asset).status_code == 200, asset


def test_the_list_masks_victims(client, case_id) -> None:
    page = client.get("/intake/cases").text
    assert "JQ-2024-0530-001" in page
    assert "138****5678" in page and "13812345678" not in page
    assert "陈*明" in page and "陈某明" not in page
    assert "51,234.50" in page


def test_live_search_answers_a_fragment_and_finds_by_phone(client, case_id) -> None:
    response = client.get("/intake/cases", params={"text": "13812345678"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<html" not in response.text and "JQ-2024-0530-001" in response.text
    assert "HX-Request" in response.headers["vary"]
    rows = response.text.split("<tbody>", 1)[1]  # the query itself is in the links; the rows mask
    assert "13812345678" not in rows and "138****5678" in rows
    none = client.get("/intake/cases", params={"text": "13999999999"}, headers={"HX-Request": "true"})
    assert "JQ-2024-0530-001" not in none.text
    restore = client.get("/intake/cases", params={"text": "x"},
                         headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in restore.text


def test_the_list_survives_a_hand_edited_url(client) -> None:
    response = client.get("/intake/cases", params={"page": "abc", "sort": "x", "reported_from": "2024-13-01",
                                                   "fraud_type": "nope"})
    assert response.status_code == 200
    refused = client.get("/intake/cases", params={"reported_from": "2024-06-02", "reported_to": "2024-06-01"})
    assert refused.status_code == 200 and "查询条件有误" in refused.text


def test_the_case_page_masks_the_victim_and_shows_the_money(client, case_id) -> None:
    page = client.get(f"/intake/cases/{case_id}").text
    assert "陈*明" in page and "3503**********1234" in page and "138****5678" in page
    assert "13812345678" not in page and "350302197901011234" not in page
    assert "6217********0002" in page and "6217000000000002" not in page  # account numbers are masked
    assert "6222********0001" in page
    assert "李*" in page  # the receiving account's holder too
    assert "50,000.00" in page and "51,234.50" in page
    assert "170****0000" in page and "17000000000" not in page  # a fraudster's phone as well
    assert "http://example.invalid/app" in page  # a URL is no person's identifier
    assert "未分类" in page


def test_the_case_page_leads_an_analyst_to_the_chart_and_suspects(app, client, case_id) -> None:
    page = signed_in(app, "analyst").get(f"/intake/cases/{case_id}").text
    assert f'href="/analysis/chart?case={case_id}"' in page
    assert f'href="/analysis/suspects/new?case_id={case_id}"' in page
    duty = client.get(f"/intake/cases/{case_id}").text  # the duty officer has no analysis desk
    assert "/analysis/chart" not in duty and "/analysis/suspects/new" not in duty


def test_status_buttons_follow_the_allowed_moves(client) -> None:
    case_id = client.post("/api/cases", json=report(report_id="JQ-PAGE-STATUS")).json()["case"]["id"]
    page = client.get(f"/intake/cases/{case_id}").text
    offered = set(re.findall(r'name="status" value="(\w+)"', page))
    assert offered == {"filed", "closed"}
    response = client.post(f"/intake/cases/{case_id}/status", data={"status": "filed"}, follow_redirects=False)
    assert response.status_code == 303
    page = client.get(f"/intake/cases/{case_id}").text
    assert "状态已更新" in page and "接警 → 立案" in page
    assert set(re.findall(r'name="status" value="(\w+)"', page)) == {"investigating"}
    page = client.post(f"/intake/cases/{case_id}/status", data={"status": "closed"}).text  # follows the redirect
    assert "状态未变更" in page
    assert client.get(f"/api/cases/{case_id}").json()["status"] == "filed"


def test_classifying_from_the_case_page(client) -> None:
    case_id = client.post("/api/cases", json=report(report_id="JQ-PAGE-TYPE")).json()["case"]["id"]
    page = client.post(f"/intake/cases/{case_id}/fraud-type", data={"fraud_type": "order_brushing"}).text
    assert "诈骗类型已保存" in page and "未分类 → 刷单返利" in page
    page = client.post(f"/intake/cases/{case_id}/fraud-type", data={"fraud_type": "nonsense"}).text
    assert "请从列表中选择一个诈骗类型" in page


def test_missing_case_is_a_404_page(client) -> None:
    response = client.get("/intake/cases/987654")
    assert response.status_code == 404 and "找不到" in response.text
    assert client.get("/desks/nowhere").status_code == 404
    unknown = client.get("/no/such/page")
    assert unknown.status_code == 404 and 'href="/intake/cases"' in unknown.text  # the layout's navigation


def test_dashboard_embeds_its_chart_data(client, case_id) -> None:
    page = client.get("/", params={"start": "2024-05-01", "end": "2024-05-31"}).text
    data = json.loads(re.search(r'<script type="application/json" id="dashboard-data">(.*?)</script>', page, re.S).group(1))
    assert len(data["days"]) == 31 and sum(data["day_cases"]) >= 1
    assert data["types"][0]["name"] in ("未分类", "刷单返利", "冒充公检法")
    assert '<script src="/static/vendor/echarts.min.js">' in page
    assert "51,234.50" in page or "¥" in page
    bad = client.get("/", params={"start": "2024-06-30", "end": "2024-05-01"})
    assert bad.status_code == 200 and "开始日期晚于结束日期" in bad.text


def test_old_desk_addresses_open_the_desks_home(client) -> None:
    for code, home in DESK_HOMES.items():
        moved = client.get(f"/desks/{code}", params={"lang": "en"}, follow_redirects=False)
        if client.get(home).status_code == 200:
            assert moved.status_code == 308 and moved.headers["location"] == f"{home}?lang=en", code
        else:  # a desk this user may not open answers the same at its old address
            assert moved.status_code == client.get(home).status_code == 403, code
    assert client.get("/desks/telecom").url.path == "/telecom/orders"


def test_every_catalog_entry_has_both_languages() -> None:
    assert all(zh and en for zh, en in CATALOG.values())
