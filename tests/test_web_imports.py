"""Uploading files: the page and the API hand them to the importers and report what happened,
each bad row with its place and reason and what to do next."""
from __future__ import annotations

import json

import pytest
from web_support import make_app, report, signed_in

GOOD = json.dumps([report(report_id="IMP-GOOD-1")], ensure_ascii=False).encode()
BAD = ("report_id,reported_at,region,victim_name,victim_phone,time,amount,to_account,备注\n"
       "IMP-BAD-1,2024-05-30 15:40,城厢区,王五,13900000000,2024-05-30 15:00,abc,6217000000000009,x\n"
       "IMP-BAD-2,2024-05-30 15:40,城厢区,赵六,13900000001,2024-05-30 15:00,100.00,6217000000000010,y\n").encode()


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    app = make_app(tmp_path_factory.mktemp("imports"))
    yield app
    app.state.db.dispose()


@pytest.fixture(scope="module")
def client(app):
    return signed_in(app)


def _ids(client) -> set[str]:
    return {r["report_id"] for r in client.get("/api/cases", params={"text": "IMP"}).json()["rows"]}


def test_the_page_imports_a_good_file(client) -> None:
    response = client.post("/imports", data={"kind": "reports"}, files={"file": ("good.json", GOOD, "application/json")})
    assert response.status_code == 200
    page = response.text
    assert "导入完成" in page and 'data-count="imported">1<' in page
    assert "IMP-GOOD-1" in _ids(client)


def test_the_page_refuses_a_bad_file_and_says_what_to_do(client) -> None:
    response = client.post("/imports", data={"kind": "reports"}, files={"file": ("bad.csv", BAD, "text/csv")})
    assert response.status_code == 422
    page = response.text
    assert "文件未导入" in page and "跳过错误行" in page
    assert "bad.csv:line 2, column amount" in page and "not a yuan amount" in page
    assert "备注" in page  # the ignored column is named
    assert not {"IMP-BAD-1", "IMP-BAD-2"} & _ids(client)


def test_the_page_can_skip_bad_rows(client) -> None:
    response = client.post("/imports?lang=en", data={"kind": "reports", "skip_bad": "1"},
                           files={"file": ("bad.csv", BAD, "text/csv")})
    assert response.status_code == 200
    assert "1 bad rows were skipped" in response.text
    assert "IMP-BAD-2" in _ids(client) and "IMP-BAD-1" not in _ids(client)
    client.get("/?lang=zh")


def test_the_page_without_a_file(client) -> None:
    response = client.post("/imports", data={"kind": "reports"})
    assert response.status_code == 422 and "没有收到文件" in response.text


def test_the_api_imports_and_refuses(client) -> None:
    again = client.post("/api/imports/reports", files={"file": ("good.json", GOOD, "application/json")})
    assert again.status_code == 200
    assert again.json()["rows_duplicate"] == 1 and again.json()["rows_imported"] == 0
    bad = client.post("/api/imports/reports", files={"file": ("bad2.csv", BAD.replace(b"IMP-BAD", b"IMP-WORSE"), "text/csv")})
    assert bad.status_code == 422
    body = bad.json()
    assert body["rejected"] is True and body["rows_bad"] == 1
    assert body["problems"][0] == {"place": "bad2.csv:line 2, column amount",
                                   "reason": "amount 'abc' is not a yuan amount like 1234.56"}
    skipped = client.post("/api/imports/reports", data={"skip_bad": "true"},
                          files={"file": ("bad2.csv", BAD.replace(b"IMP-BAD", b"IMP-WORSE"), "text/csv")})
    assert skipped.status_code == 200 and skipped.json()["rows_imported"] == 1


def test_the_api_refuses_an_unknown_kind(client) -> None:
    response = client.post("/api/imports/letters", files={"file": ("x.csv", b"a,b\n", "text/csv")})
    assert response.status_code == 422 and response.json()["problems"][0]["place"] == "kind"
