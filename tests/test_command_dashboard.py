"""The command dashboard (/command), its reports page and the statistics API, as leadership opens
them: the hand-computed figures of tests/command_truth.py, filters in the URL, scoping by the
user's organisation, and never a person."""
from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from fanzha.store.models import AuditEntry
from tests import command_truth
from tests.web_support import api_client, make_app, signed_in

USERS = (("leader", "leadership", "city"), ("cx_leader", "leadership", "county-chengxiang"),
         ("analyst", "analyst", "city"), ("duty", "duty_officer", "city"))


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    app = make_app(tmp_path_factory.mktemp("command"), USERS)
    with app.state.db.session() as s:
        command_truth.build(s)
    return app


def _kpi(html: str, key: str) -> tuple[int, int]:
    block = html.split(f'data-kpi="{key}"', 1)[1]
    this = int(re.search(r'data-this="(-?\d+)"', block).group(1))
    last = int(re.search(r'data-last="(-?\d+)"', block).group(1))
    return this, last


def _no_person(html: str) -> None:
    for key in command_truth.CASES:
        assert f"受害人{key}" not in html
    for n in range(len(command_truth.CASES)):
        assert f"35030219700101{n:04d}" not in html and f"1380000{n:04d}" not in html
    for secret in ("6222000000000001", "6217000000000009", "17000000001", "李某", "S1"):
        assert secret not in html


def test_leadership_sees_the_month_against_last_year(app) -> None:
    client = signed_in(app, "leader")
    page = client.get("/command", params={"period": "2024-05"})
    assert page.status_code == 200
    html = page.text
    assert _kpi(html, "cases") == (3, 4) and _kpi(html, "loss_fen") == (620_000, 395_000)
    assert _kpi(html, "solved") == (2, 1) and _kpi(html, "people_dealt_with") == (2, 1)
    assert _kpi(html, "frozen_fen") == (260_000, 0) and _kpi(html, "cards_queried") == (2, 1)
    assert 'data-verdict="3"' in html and "两降两升：达成 3 项，共 4 项" in html
    assert 'data-change="-25.0"' in html  # cases ↓ 25.0 %
    assert "发案数下降 25.0%，目标下降：达成" in html
    assert 'data-district="城厢区"' in html and 'data-district="仙游县"' in html
    assert 'id="chart-trend-cases"' in html and "/static/js/command.js" in html
    assert "按报案时间" in html  # the definitions are on the page
    assert 'data-desk="leads_open"' in html
    _no_person(html)
    english = client.get("/command", params={"period": "2024-05", "lang": "en"}).text
    assert "Two down, two up: 3 of 4 met" in english and "Cases down 25.0%; target down: met" in english


def test_filters_live_in_the_url(app) -> None:
    client = signed_in(app, "leader")
    county = client.get("/command", params={"period": "2024-05", "region": "城厢区"}).text
    assert _kpi(county, "cases") == (2, 2)
    assert 'data-district="龙桥派出所"' in county and 'data-district="荔城区"' not in county
    station = client.get("/command", params={"period": "2024-05", "region": "龙桥派出所"}).text
    assert _kpi(station, "cases") == (1, 2)
    typed = client.get("/command", params={"period": "2024-05", "fraud_type": "order_brushing", "grain": "week"}).text
    assert _kpi(typed, "cases") == (2, 2) and _kpi(typed, "loss_fen") == (120_000, 305_000)
    year = client.get("/command", params={"period": "2024"}).text
    assert _kpi(year, "cases") == (5, 4)
    default = client.get("/command").text  # the month of the latest case: June 2024 (A5)
    assert "2024年6月" in default and _kpi(default, "cases") == (1, 0)
    bad = client.get("/command", params={"period": "2024-13", "region": "火星区"})
    assert bad.status_code == 200 and "统计期间写法不对" in bad.text and "没有这个地区" in bad.text


def test_a_county_leader_sees_only_the_county(app) -> None:
    client = signed_in(app, "cx_leader")
    html = client.get("/command", params={"period": "2024-05"}).text
    assert _kpi(html, "cases") == (2, 2) and 'data-district="龙桥派出所"' in html
    assert 'value="荔城区"' not in html  # not offered
    refused = client.get("/command", params={"period": "2024-05", "region": "荔城区"})
    assert refused.status_code == 403
    api = client.get("/api/stats", params={"period": "2024-05", "region": "荔城区"})
    assert api.status_code == 403


def test_other_roles_are_refused(app) -> None:
    duty = signed_in(app, "duty")
    assert duty.get("/command").status_code == 403
    assert duty.get("/command/reports/download", params={"period": "2024-05"}).status_code == 403
    analyst = signed_in(app, "analyst")
    assert analyst.get("/command", params={"period": "2024-05"}).status_code == 200


def test_the_statistics_api(app) -> None:
    client = api_client(app, "city", "leadership")
    body = client.get("/api/stats", params={"period": "2024-05"}).json()
    figures = {f["key"]: f for f in body["figures"]}
    assert (figures["cases"]["this"], figures["cases"]["last"], figures["cases"]["change_percent"]) == (3, 4, -25.0)
    assert figures["frozen_fen"]["change_percent"] is None and figures["solved"]["met"] is True
    assert body["targets_met"] == 3 and body["last_period_start"] == "2023-05-01"
    assert [d["region"] for d in body["districts"]][:2] == ["城厢区", "荔城区"]
    bad = client.get("/api/stats", params={"period": "May"})
    assert bad.status_code == 422 and bad.json()["problems"][0]["place"] == "period"
    assert client.get("/api/stats", params={"fraud_type": "火星"}).status_code == 422


def test_reports_download_with_the_same_figures_and_are_audited(app) -> None:
    client = signed_in(app, "leader")
    page = client.get("/command/reports", params={"period": "2024-05"})
    assert page.status_code == 200 and 'data-report="2024-05.xlsx"' in page.text and 'data-report="2024.pdf"' in page.text
    got = client.get("/command/reports/download", params={"period": "2024-05", "region": "城厢区", "format": "xlsx"})
    assert got.status_code == 200 and got.headers["content-type"].startswith("application/vnd.openxml")
    assert "filename*=UTF-8''" in got.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(got.content))["总览"]
    rows = {r[0]: r[1:4] for r in sheet.iter_rows(values_only=True) if r and r[0]}
    assert rows["发案数"][:2] == (2, 2) and rows["损失金额（元）"][:2] == (6000, 3800)
    pdf = client.get("/command/reports/download", params={"period": "2024-05", "format": "pdf"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF") and b"NotoSansCJKSC" in pdf.content
    bad = client.get("/command/reports/download", params={"period": "2024-05", "format": "doc"}, follow_redirects=False)
    assert bad.status_code == 303
    with app.state.db.session() as s:
        actions = s.scalars(select(AuditEntry.detail).where(AuditEntry.action == "stats.report")).all()
    assert {"period": "2024-05", "region": "城厢区", "format": "xlsx"} in actions
