"""The report form: a good report becomes a case and the officer lands on it; a bad one comes
back as typed, with each error beside its field, and nothing is written."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select
from web_support import make_app, signed_in

from fanzha.store.models import Case, Person


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    app = make_app(tmp_path_factory.mktemp("form"))
    yield app
    app.state.db.dispose()


@pytest.fixture(scope="module")
def client(app):
    return signed_in(app)


def _form(**changes) -> dict:
    """What the browser posts: two transfers (the second added after one was removed) and a contact."""
    form = {
        "report_id": "", "reported_at": "2024-05-30T15:40", "region": "城厢区", "fraud_type": "",
        "narrative": "对方自称客服", "victim.name": "陈某明", "victim.id_number": "350302197901011234",
        "victim.phone": "138 1234 5678", "victim.age": "45",
        "transfers.0.time": "2024-05-30T15:02", "transfers.0.amount": "50,000.00",
        "transfers.0.from_account": "6222000000000001", "transfers.0.from_bank": "工商银行",
        "transfers.0.to_account": "6217000000000002", "transfers.0.to_name": "李某",
        "transfers.0.to_bank": "建设银行", "transfers.0.channel": "手机银行",
        "transfers.3.time": "2024-05-30T15:20", "transfers.3.amount": "1234.5",
        "transfers.3.to_account": "6217000000000003",
        "transfers.4.time": "", "transfers.4.amount": "", "transfers.4.to_account": "",  # left blank
        "contacts.0.kind": "phone", "contacts.0.value": "170-0000-0000",
        "contacts.1.kind": "url", "contacts.1.value": "",  # left blank
    }
    form.update(changes)
    return form


def _counts(app) -> tuple[int, int]:
    with app.state.db.session() as session:
        return (session.scalar(select(func.count()).select_from(Case)),
                session.scalar(select(func.count()).select_from(Person)))


def test_a_good_report_becomes_a_case(app, client) -> None:
    response = client.post("/intake/new", data=_form(), follow_redirects=False)
    assert response.status_code == 303
    location = response.headers["location"]
    assert re.fullmatch(r"/intake/cases/\d+", location)
    page = client.get(location).text
    report_id = re.search(r"JQ-20240530-\d{6}", page).group(0)  # numbered on the report's day
    assert f"警情 {report_id} 已登记" in page
    detail = client.get("/api/cases/" + location.rsplit("/", 1)[1], params={"reveal": "核对登记内容"}).json()
    assert detail["report_id"] == report_id
    assert [t["amount_yuan"] for t in detail["transfers"]] == ["50000.00", "1234.50"]
    assert detail["victim"]["phone"] == "13812345678"
    assert detail["contacts"] == [{"kind": "phone", "value": "17000000000"}]
    assert detail["reported_at"] == "2024-05-30T15:40:00+08:00"
    assert detail["fraud_type"] is None
    assert detail["events"][0]["actor"] == "duty"


def test_generated_report_ids_count_up_within_the_day(app, client) -> None:
    first = client.post("/intake/new", data=_form(**{"victim.id_number": ""}), follow_redirects=False)
    second = client.post("/intake/new", data=_form(**{"victim.id_number": "", "victim.name": "林芳"}),
                         follow_redirects=False)
    ids = [client.get("/api/cases/" + r.headers["location"].rsplit("/", 1)[1]).json()["report_id"]
           for r in (first, second)]
    day, number = ids[0].rsplit("-", 1)
    assert ids[1] == f"{day}-{int(number) + 1:06d}"


def test_errors_stand_beside_their_fields_and_nothing_is_written(app, client) -> None:
    before = _counts(app)
    form = _form(**{"victim.name": "", "victim.id_number": "12345", "transfers.3.amount": "abc",
                    "transfers.0.to_account": "", "contacts.0.value": "not a phone", "region": ""})
    response = client.post("/intake/new", data=form)
    assert response.status_code == 422
    page = response.text
    for place in ("victim.name", "victim.id_number", "transfers.1.amount", "transfers.0.to_account",
                  "contacts.0.value", "region"):
        assert f'data-place="{place}"' in page, place
    assert "金额格式不对" in page and "身份证号应为 17 位数字" in page and "必填" in page
    assert 'aria-invalid="true" aria-describedby="e-transfers.1.amount"' in page
    # what was typed is kept, the blank rows are gone, the rows are numbered again
    assert 'name="transfers.1.amount" type="text" value="abc"' in page
    assert 'value="6222000000000001"' in page and "对方自称客服" in page
    assert 'name="transfers.2.' not in page.split('<template id="transfer-template">')[0]
    assert _counts(app) == before


def test_errors_in_english(app) -> None:
    page = signed_in(app).post("/intake/new?lang=en", data=_form(**{"transfers.0.amount": "-5"})).text
    assert "negative" in page and 'data-place="transfers.0.amount"' in page


def test_a_transfer_after_the_report_is_marked_on_its_time(client) -> None:
    page = client.post("/intake/new", data=_form(**{"transfers.3.time": "2024-05-30T16:00"})).text
    assert 'data-place="transfers.1.time"' in page and "晚于报警时间" in page


def test_a_report_id_taken_by_another_report_is_refused_at_the_field(app, client) -> None:
    client.post("/intake/new", data=_form(report_id="JQ-FORM-1"))
    before = _counts(app)
    response = client.post("/intake/new", data=_form(report_id="JQ-FORM-1", **{"victim.name": "王五"}))
    assert response.status_code == 409
    assert 'data-place="report_id"' in response.text and "换一个编号" in response.text
    same = client.post("/intake/new", data=_form(report_id="JQ-FORM-1"))
    assert "此前已登记" in same.text  # the same report again: taken to the first case
    assert _counts(app) == before


def test_the_blank_form_is_ready_to_type(client) -> None:
    page = client.get("/intake/new").text
    assert 'name="transfers.0.time"' in page and 'name="contacts.0.kind"' in page
    assert '<template id="transfer-template">' in page and "transfers.__i__.amount" in page
    assert re.search(r'name="reported_at" type="datetime-local" value="\d{4}-\d\d-\d\dT\d\d:\d\d"', page)
    assert "<option value=\"城厢区\">城厢区</option>" in page
