"""Case search on SQLite and PostgreSQL: every identifier, Chinese words, filters, local dates,
pages and sorts, the trigram index kept in step with edits, and the bounded paths for big stores."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text

from fanzha.domain.actor import Actor
from fanzha.domain.case_status import CaseStatus
from fanzha.domain.errors import InputRejected
from fanzha.domain.report import VictimReport
from fanzha.services import case_search
from fanzha.services.analysis.graph_store import forget_case
from fanzha.services.case_search import CaseQuery, case_detail, search_cases
from fanzha.services.intake import change_status, file_report
from fanzha.services.organisations import seed_organisations
from fanzha.store.db import Database
from fanzha.store.models import Case

SYSTEM = Actor.system("test")


def _report(report_id, at, region, victim, narrative, transfers, fraud_type=None, contacts=()):
    return {
        "report_id": report_id, "reported_at": at, "region": region, "victim": victim,
        "fraud_type": fraud_type, "narrative": narrative,
        "transfers": [{"time": t, "amount": a, "to_account": to, **extra} for t, a, to, extra in transfers],
        "contacts": [{"kind": k, "value": v} for k, v in contacts],
    }


REPORTS = {
    # 23:30 on May 31st in Shanghai is 15:30 UTC the same day.
    "R1": _report("JQ-20240531-000001", "2024-05-31T23:30:00+08:00", "城厢区",
                  {"name": "陈某明", "id_number": "35030219790101123X", "phone": "13800000001"},
                  "对方自称淘宝客服，以刷单返利为由让我下载聚财宝APP做任务",
                  [("2024-05-31T23:00:00+08:00", "50000.00", "6217000000000002",
                    {"from_account": "6222000000000001", "from_bank": "工商银行"})],
                  "order_brushing",
                  [("phone", "17000000001"), ("url", "http://fake.invalid/app"), ("app", "聚财宝")]),
    # 00:10 on June 1st in Shanghai is still May 31st in UTC.
    "R2": _report("JQ-20240601-000001", "2024-06-01T00:10:00+08:00", "荔城区",
                  {"name": "林芳", "id_number": "350304198505051236", "phone": "13900000002"},
                  "对方冒充公安局民警称我涉嫌洗钱，要求把钱转入安全账户",
                  [("2024-05-31T23:50:00+08:00", "300.00", "6217000000000002", {}),
                   ("2024-05-31T23:55:00+08:00", "841.50", "6217000000000003", {})],
                  None, [("wechat", "wxid_abc123")]),
    "R3": _report("JQ-20240530-000001", "2024-05-30T09:00:00+08:00", "城厢区",
                  {"name": "黄伟", "phone": "+86 138-0000-0003"},
                  "在投资平台购买虚拟币理财被骗",
                  [("2024-05-30T08:00:00+08:00", "10.00", "6222000000000009", {})], "fake_investment"),
    "R4": _report("JQ-20240530-000002", "2024-05-30T10:00:00+08:00", "涵江区",
                  {"name": "林芳", "id_number": "350303199001011238", "phone": "13700000004"},
                  "网贷平台以解冻金为由要求转账",
                  [("2024-05-30T09:00:00+08:00", "1000.00", "6228000000000004", {}),
                   ("2024-05-30T09:10:00+08:00", "2000.00", "6228000000000004", {}),
                   ("2024-05-30T09:20:00+08:00", "3000.00", "6228000000000005", {})], "fake_loan"),
    "R5": _report("JQ-20240415-000001", "2024-04-15T12:00:00+08:00", "秀屿区",
                  {"name": "张三", "phone": "13600000005"},
                  "网恋对象诱导投资",
                  [("2024-04-15T11:00:00+08:00", "200000.00", "6228000000000006", {})], "romance"),
    # 00:05 on May 31st in Shanghai is May 30th in UTC: it belongs to the 31st.
    "R6": _report("JQ-20240531-000002", "2024-05-31T00:05:00+08:00", "城厢区",
                  {"name": "吴静", "phone": "13500000006"},
                  "对方自称客服称中奖需交手续费",
                  [("2024-05-30T23:00:00+08:00", "20.00", "6228000000000007", {})]),
}


@pytest.fixture
def cases(db: Database) -> dict[str, int]:
    """The six reports above, filed through intake; R4 moved on to 立案. Maps R1..R6 to case ids."""
    ids = {}
    with db.session() as s:
        seed_organisations(s)
        for key, report in REPORTS.items():
            ids[key] = file_report(s, SYSTEM, VictimReport.model_validate(report)).case.id
        change_status(s, SYSTEM, s.get(Case, ids["R4"]), CaseStatus.FILED)
    return ids


def _find(db: Database, **kwargs) -> case_search.CaseSearchResult:
    with db.session() as s:
        return search_cases(s, SYSTEM, CaseQuery(**kwargs))


def _keys(result, cases: dict[str, int]) -> list[str]:
    by_id = {v: k for k, v in cases.items()}
    return [by_id[row.id] for row in result.rows]


def _found(db, cases, **kwargs) -> set[str]:
    result = _find(db, **kwargs)
    assert result.total == len(result.rows) and not result.total_capped and result.text_window is None
    return set(_keys(result, cases))


def test_identifiers_match_exactly(db: Database, cases) -> None:
    assert _found(db, cases, text="JQ-20240531-000001") == {"R1"}
    assert _found(db, cases, text="jq-20240531-000001") == {"R1"}  # typed in lower case
    assert _found(db, cases, text="13800000001") == {"R1"}  # the victim's phone
    assert _found(db, cases, text="138 0000 0001") == {"R1"}
    assert _found(db, cases, text="+8613800000003") == {"R3"}  # stored normalised from +86 138-0000-0003
    assert _found(db, cases, text="35030219790101123x") == {"R1"}  # identity number, x for X
    assert _found(db, cases, text="350304198505051236") == {"R2"}
    assert _found(db, cases, text="6217000000000002") == {"R1", "R2"}  # a receiving account, two victims
    assert _found(db, cases, text="6222000000000001") == {"R1"}  # the victim's own account
    assert _found(db, cases, text="17000000001") == {"R1"}  # the fraudster's number
    assert _found(db, cases, text="wxid_abc123") == {"R2"}
    assert _found(db, cases, text="http://fake.invalid/app") == {"R1"}
    assert _found(db, cases, text="6217000000000") == set()  # accounts are never prefixes
    assert _found(db, cases, text="1380000000") == set()


def test_report_id_prefix_lists_a_day(db: Database, cases) -> None:
    assert _found(db, cases, text="JQ-20240530") == {"R3", "R4"}
    assert _found(db, cases, text="JQ-202405") == {"R1", "R3", "R4", "R6"}
    assert _found(db, cases, text="JQ-2024_") == set()  # _ is a character here, not a wildcard


def test_chinese_words_match_names_contacts_and_narratives(db: Database, cases) -> None:
    assert _found(db, cases, text="林芳") == {"R2", "R4"}  # two victims of the same name
    assert _found(db, cases, text="陈某明") == {"R1"}
    assert _found(db, cases, text="公安局") == {"R2"}  # three characters: the trigram index
    assert _found(db, cases, text="安全账户") == {"R2"}
    assert _found(db, cases, text="刷单返利") == {"R1"}
    assert _found(db, cases, text="聚财宝") == {"R1"}  # a contact value and in the narrative
    assert _found(db, cases, text="虚拟币理财") == {"R3"}
    assert _found(db, cases, text="公安局长") == set()
    assert _found(db, cases, text="对方自称") == {"R1", "R6"}
    assert _found(db, cases, text="网恋") == {"R5"}  # two characters: scanned
    assert _found(db, cases, text="平台") == {"R3", "R4"}
    assert _found(db, cases, text="骗") == {"R3"}  # one character
    assert _found(db, cases, text="黄伟") == {"R3"}  # a two-character name
    assert _found(db, cases, text="返利%") == set()  # LIKE wildcards are taken literally
    assert _found(db, cases, text="刷_返利") == set()
    assert _found(db, cases, text="刷单 返利") == set()  # the words as typed, space included


def test_filters_and_their_combinations(db: Database, cases) -> None:
    assert _found(db, cases, region="城厢区") == {"R1", "R3", "R6"}
    assert _found(db, cases, fraud_type="unset") == {"R2", "R6"}
    assert _found(db, cases, fraud_type="order_brushing") == {"R1"}
    assert _found(db, cases, fraud_type="刷单返利") == {"R1"}  # the Chinese name works too
    assert _found(db, cases, status="filed") == {"R4"}
    assert _found(db, cases, status="reported") == {"R1", "R2", "R3", "R5", "R6"}
    assert _found(db, cases, region="城厢区", fraud_type="unset") == {"R6"}
    assert _found(db, cases, region="城厢区", status="reported", fraud_type="fake_investment") == {"R3"}
    assert _found(db, cases, text="林芳", region="涵江区") == {"R4"}
    assert _found(db, cases, text="林芳", status="reported") == {"R2"}
    assert _found(db, cases, text="平台", fraud_type="fake_loan") == {"R4"}
    assert _found(db, cases, text="6217000000000002", region="荔城区") == {"R2"}
    assert _found(db, cases, text="JQ-202405", region="城厢区", reported_to=date(2024, 5, 30)) == {"R3"}
    assert _found(db, cases, region="仙游县") == set()


def test_dates_are_local_days_and_inclusive(db: Database, cases) -> None:
    day = date(2024, 5, 31)
    assert _found(db, cases, reported_from=day, reported_to=day) == {"R1", "R6"}
    assert _found(db, cases, reported_to=date(2024, 5, 30)) == {"R3", "R4", "R5"}
    assert _found(db, cases, reported_from=date(2024, 6, 1)) == {"R2"}
    assert _found(db, cases, reported_from=date(2024, 5, 30), reported_to=day) == {"R1", "R3", "R4", "R6"}
    assert _found(db, cases, reported_from=day, reported_to=day, fraud_type="unset") == {"R6"}
    assert _found(db, cases, text="刷单", reported_from=day, reported_to=day) == {"R1"}


def test_pages_and_sorts(db: Database, cases) -> None:
    newest = ["R2", "R1", "R6", "R4", "R3", "R5"]
    pages = [_find(db, per_page=2, page=p) for p in (1, 2, 3, 4)]
    assert [_keys(r, cases) for r in pages] == [newest[0:2], newest[2:4], newest[4:6], []]
    assert all(r.total == 6 and r.pages == 3 and not r.total_capped for r in pages)
    assert _keys(_find(db, sort="reported_at"), cases) == newest[::-1]
    by_loss = ["R5", "R1", "R4", "R2", "R6", "R3"]  # 200000, 50000, 6000, 1141.50, 20, 10 yuan
    assert _keys(_find(db, sort="-loss_fen"), cases) == by_loss
    assert _keys(_find(db, sort="loss_fen", per_page=4, page=2), cases) == by_loss[::-1][4:]
    assert _keys(_find(db, text="林芳", sort="loss_fen"), cases) == ["R2", "R4"]
    assert _keys(_find(db, text="平台", sort="-loss_fen"), cases) == ["R4", "R3"]
    first = _find(db, per_page=1000)
    assert first.per_page == 200 and first.page == 1
    assert _find(db, page=0).page == 1


def test_rows_carry_what_the_list_shows(db: Database, cases) -> None:
    result = _find(db, text="6217000000000002")
    row = next(r for r in result.rows if r.id == cases["R2"])
    assert (row.report_id, row.region, row.fraud_type, row.status) == ("JQ-20240601-000001", "荔城区", None, "reported")
    assert row.loss_fen == 114_150 and row.transfers == 2
    assert row.victim_name == "林芳" and row.victim_phone == "13900000002"  # not masked here
    assert row.reported_at.isoformat() == "2024-05-31T16:10:00+00:00"
    assert result.took_ms >= 0


def test_bad_queries_are_refused_with_the_field(db: Database) -> None:
    for kwargs, field in (({"status": "done"}, "status"), ({"fraud_type": "phishing"}, "fraud_type"),
                          ({"sort": "name"}, "sort"),
                          ({"reported_from": date(2024, 6, 2), "reported_to": date(2024, 6, 1)}, "reported_from")):
        with pytest.raises(InputRejected) as caught:
            _find(db, **kwargs)
        assert caught.value.problems[0].place == field


def test_narrative_index_follows_updates_and_deletes(db: Database, cases) -> None:
    with db.session() as s:
        s.get(Case, cases["R3"]).narrative = "受害人在假冒的证券APP上充值保证金"
    assert _found(db, cases, text="证券APP") == {"R3"}
    assert _found(db, cases, text="保证金") == {"R3"}
    assert _found(db, cases, text="虚拟币理财") == set()
    with db.session() as s:
        forget_case(s.connection(), cases["R5"])  # the case's node in the entity graph goes first
        s.delete(s.get(Case, cases["R5"]))
    assert _found(db, cases, text="网恋对象") == set()
    assert _found(db, cases, text="网恋") == set()
    with db.session() as s:
        case = file_report(s, SYSTEM, VictimReport.model_validate(_report(
            "JQ-20240602-000001", "2024-06-02T10:00:00+08:00", "仙游县", {"name": "郑敏"},
            "冒充公安局要求视频笔录", [("2024-06-02T09:00:00+08:00", "99.00", "6228000000000099", {})]))).case
    assert _found(db, cases | {"R7": case.id}, text="视频笔录") == {"R7"}
    assert _found(db, cases | {"R7": case.id}, text="公安局") == {"R2", "R7"}
    if db.dialect == "sqlite":
        with db.engine.begin() as conn:  # raises if the index and the narratives disagree
            conn.execute(text("INSERT INTO cases_fts(cases_fts, rank) VALUES ('integrity-check', 1)"))
            assert conn.scalar(text("SELECT count(*) FROM cases_fts WHERE narrative LIKE '%网恋对象%'")) == 0


def test_case_detail_loads_everything(db: Database, cases) -> None:
    with db.session() as s:
        case = case_detail(s, SYSTEM, cases["R4"])
        assert case_detail(s, SYSTEM, 999_999) is None
    # The session is closed: all of it must already be loaded.
    assert case.victim.name == "林芳"
    assert [t.amount_fen for t in case.transfers] == [100_000, 200_000, 300_000]
    assert [e.kind for e in case.events if not e.kind.startswith("order_")] == ["reported", "status_changed"]
    assert case.contacts == []


def test_big_store_paths_stay_right(db: Database, cases, monkeypatch) -> None:
    """Shrink the limits meant for a million cases, so the capped and windowed paths run here."""
    monkeypatch.setattr(case_search, "COUNT_CAP", 3)
    result = _find(db)
    assert result.total == 3 and result.total_capped and _keys(result, cases) == ["R2", "R1", "R6", "R4", "R3", "R5"]
    assert _keys(_find(db, sort="-loss_fen", per_page=2, page=2), cases) == ["R4", "R2"]  # walks the loss index
    assert _keys(_find(db, sort="loss_fen", per_page=2), cases) == ["R3", "R6"]
    assert _found(db, cases, region="城厢区", sort="-loss_fen") == {"R1", "R3", "R6"}

    monkeypatch.setattr(case_search, "SET_LIMIT", 1)  # "林芳" and "6217000000000002" name two cases
    monkeypatch.setattr(case_search, "WINDOW", 4)
    result = _find(db, text="林芳")  # searched among the four newest: R2, R1, R6, R4
    assert _keys(result, cases) == ["R2", "R4"] and result.total_capped and result.text_window == 4
    result = _find(db, text="平台")  # R3 is fifth newest, outside the window
    assert _keys(result, cases) == ["R4"] and result.total == 1 and result.total_capped
    result = _find(db, text="平台", sort="reported_at")  # oldest first: R5, R3, R4, R6
    assert _keys(result, cases) == ["R3", "R4"]
    assert _found(db, cases, text="平台", region="城厢区") == {"R3"}  # three cases pass: all searched
    # Too many to list, and the window fills the page: the total counts the window only.
    result = _find(db, text="6217000000000002", per_page=1)
    assert _keys(result, cases) == ["R2"] and result.total == 2 and result.total_capped
    # It does not fill the page: searched past the window through the index, exactly.
    result = _find(db, text="6217000000000002", sort="reported_at")
    assert _keys(result, cases) == ["R1", "R2"] and result.total == 2 and not result.total_capped
    # The same for narrative words of three characters or more.
    result = _find(db, text="对方自称", per_page=1)
    assert _keys(result, cases) == ["R1"] and result.total == 2 and result.total_capped
    result = _find(db, text="对方自称", sort="reported_at", per_page=1)  # window: R5, R3, R4, R6
    assert _keys(result, cases) == ["R6"] and result.total == 1 and result.total_capped
    result = _find(db, text="对方自称")
    assert _keys(result, cases) == ["R1", "R6"] and result.total == 2 and not result.total_capped
    result = _find(db, text="黄伟")  # the name lists one case: complete even outside the window
    assert _keys(result, cases) == ["R3"]
    result = _find(db, text="网恋", per_page=1, page=2)
    assert result.rows == [] and result.total == 0
