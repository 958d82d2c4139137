"""The cases JSON API: file (201), retry (200), conflict (409), bad input (422 with places),
search with filters, detail with fen and yuan and +08:00 times, status moves and classification."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select
from web_support import make_app, report, signed_in

from fanzha.store.models import Case


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    app = make_app(tmp_path_factory.mktemp("api"))
    yield app
    app.state.db.dispose()


@pytest.fixture(scope="module")
def client(app):
    return signed_in(app)


@pytest.fixture(scope="module")
def filed(client) -> dict:
    response = client.post("/api/cases", json=report())
    assert response.status_code == 201, response.text
    return response.json()["case"]


def _count(app) -> int:
    with app.state.db.session() as session:
        return session.scalar(select(func.count()).select_from(Case))


def test_create_answers_201_with_the_case(filed) -> None:
    assert filed["report_id"] == "JQ-2024-0530-001"
    assert filed["status"] == "reported" and filed["status_zh"] == "接警"
    assert filed["loss_fen"] == 5_123_450 and filed["loss_yuan"] == "51234.50"
    assert filed["reported_at"] == "2024-05-30T15:40:00+08:00"
    first = filed["transfers"][0]
    assert first["amount_fen"] == 5_000_000 and first["amount_yuan"] == "50000.00"
    assert first["time"] == "2024-05-30T15:02:00+08:00"
    assert [c["kind"] for c in filed["contacts"]] == ["phone", "url"]
    assert filed["events"][0]["kind"] == "reported" and filed["events"][0]["actor"] == "duty"
    assert filed["victim"]["phone"] == "138****5678"  # masked unless revealed (see test_access_privacy.py)
    assert filed["revealed"] is False


def test_the_same_report_again_is_200_and_writes_nothing(app, client, filed) -> None:
    before = _count(app)
    response = client.post("/api/cases", json=report())
    assert response.status_code == 200
    assert response.json()["created"] is False and response.json()["case"]["id"] == filed["id"]
    assert _count(app) == before


def test_a_different_report_under_the_same_id_is_409(app, client, filed) -> None:
    before = _count(app)
    response = client.post("/api/cases", json=report(transfers=report()["transfers"][:1]))
    assert response.status_code == 409
    body = response.json()
    assert "new id" in body["message"] and body["problems"][0]["place"] == "report_id"
    assert _count(app) == before


def test_bad_input_is_422_with_every_place(app, client) -> None:
    bad = report(report_id="JQ-BAD-1")
    bad["transfers"][0]["amount"] = "abc"
    bad["transfers"][1]["to_account"] = ""
    bad["victim"]["id_number"] = "12345"
    bad["contacts"][0]["kind"] = "pigeon"
    before = _count(app)
    response = client.post("/api/cases", json=bad)
    assert response.status_code == 422
    body = response.json()
    places = {p["place"] for p in body["problems"]}
    assert {"transfers.0.amount", "transfers.1.to_account", "victim.id_number", "contacts.0.kind"} <= places
    assert "fix each place" in body["message"]
    assert _count(app) == before


def test_a_transfer_after_the_report_names_its_place(client) -> None:
    late = report(report_id="JQ-BAD-2")
    late["transfers"][1]["time"] = "2024-05-30T16:00:00+08:00"
    response = client.post("/api/cases", json=late)
    assert response.status_code == 422
    assert response.json()["problems"][0]["place"] == "transfers.1.time"


def test_unknown_region_is_422(client) -> None:
    response = client.post("/api/cases", json=report(report_id="JQ-BAD-3", region="火星区"))
    assert response.status_code == 422
    assert response.json()["problems"][0]["place"] == "region"


def test_list_filters_and_masks(client, filed) -> None:
    other = report(report_id="JQ-2024-0601-002", reported_at="2024-06-01T10:00:00+08:00", region="荔城区",
                   fraud_type="刷单返利", victim={"name": "林芳", "phone": "13900000002"},
                   transfers=[{"time": "2024-06-01T09:00:00+08:00", "amount": "10.00", "to_account": "6217000000000009"}])
    assert client.post("/api/cases", json=other).status_code == 201
    everything = client.get("/api/cases").json()
    assert everything["total"] == 2 and everything["page"] == 1
    row = next(r for r in everything["rows"] if r["id"] == filed["id"])
    assert row["victim_name_masked"] == "陈*明" and row["victim_phone_masked"] == "138****5678"
    assert row["transfers"] == 2 and row["loss_yuan"] == "51234.50"

    def ids(**params) -> list[str]:
        response = client.get("/api/cases", params=params)
        assert response.status_code == 200, response.text
        return [r["report_id"] for r in response.json()["rows"]]

    assert ids(region="荔城区") == ["JQ-2024-0601-002"]
    assert ids(fraud_type="unset") == ["JQ-2024-0530-001"]
    assert ids(fraud_type="order_brushing") == ["JQ-2024-0601-002"]
    assert ids(text="13812345678") == ["JQ-2024-0530-001"]
    assert ids(text="6217000000000009") == ["JQ-2024-0601-002"]
    assert ids(reported_from="2024-06-01", reported_to="2024-06-30") == ["JQ-2024-0601-002"]
    assert ids(sort="loss_fen") == ["JQ-2024-0601-002", "JQ-2024-0530-001"]
    assert ids(status="closed") == []


@pytest.mark.parametrize("params,place", [({"sort": "sideways"}, "sort"), ({"fraud_type": "nope"}, "fraud_type"),
                                          ({"per_page": "0"}, "per_page"),
                                          ({"reported_from": "2024-06-02", "reported_to": "2024-06-01"}, "reported_from")])
def test_list_refuses_bad_parameters_with_their_place(client, params, place) -> None:
    response = client.get("/api/cases", params=params)
    assert response.status_code == 422
    assert response.json()["problems"][0]["place"] == place


def test_detail_and_404(client, filed) -> None:
    detail = client.get(f"/api/cases/{filed['id']}").json()
    assert detail["id"] == filed["id"] and len(detail["transfers"]) == 2
    missing = client.get("/api/cases/999999")
    assert missing.status_code == 404 and "GET /api/cases" in missing.json()["message"]


def test_status_moves_one_step_and_refuses_a_skip(client) -> None:
    case = client.post("/api/cases", json=report(report_id="JQ-STATUS-1")).json()["case"]
    refused = client.post(f"/api/cases/{case['id']}/status", json={"status": "solved"})
    assert refused.status_code == 409
    assert refused.json()["problems"][0]["place"] == "status"
    moved = client.post(f"/api/cases/{case['id']}/status", json={"status": "filed", "note": "立案审批通过"})
    assert moved.status_code == 200
    body = moved.json()
    assert body["status"] == "filed"
    assert body["events"][-1]["kind"] == "status_changed"
    assert body["events"][-1]["detail"] == {"from": "reported", "to": "filed", "note": "立案审批通过"}
    assert client.post(f"/api/cases/{case['id']}/status", json={"status": "lost"}).status_code == 422


def test_classify_records_the_change(client) -> None:
    case = client.post("/api/cases", json=report(report_id="JQ-CLASSIFY-1")).json()["case"]
    body = client.post(f"/api/cases/{case['id']}/fraud-type", json={"fraud_type": "fake_police"}).json()
    assert body["fraud_type"] == "fake_police" and body["fraud_type_zh"] == "冒充公检法"
    assert body["events"][-1]["detail"] == {"from": None, "to": "fake_police"}


def test_dashboard_figures(client, filed) -> None:
    response = client.get("/api/dashboard/intake", params={"start": "2024-05-01", "end": "2024-06-30"})
    assert response.status_code == 200
    figures = response.json()
    assert figures["cases"] >= 2 and len(figures["by_day"]) == 61
    assert figures["loss_yuan"].endswith(".50") or figures["loss_fen"] > 0
    assert client.get("/api/dashboard/intake", params={"start": "2024-06-30", "end": "2024-05-01"}).status_code == 422


def test_openapi_describes_the_api(client) -> None:
    schema = client.get("/openapi.json").json()
    paths = schema["paths"]
    assert {"/api/cases", "/api/cases/{case_id}", "/api/cases/{case_id}/status",
            "/api/imports/{kind}", "/api/dashboard/intake"} <= set(paths)
    assert "/intake/new" not in paths  # pages are not API
    assert schema["components"]["schemas"]["Transfer"]["properties"]["amount"]["type"] == "string"
    assert "409" in paths["/api/cases"]["post"]["responses"]
