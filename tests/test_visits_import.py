"""Importing operators' site visits (上网访问记录): good files are stored once and screened against
the fraud sites filed cases name (one merged fraud_url lead per person, on their station's board);
bad files are refused whole with every bad cell named; a site named after the visits turns the
stored visits into signals."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from fanzha.domain import clock
from fanzha.domain.fraud_site import app_key, url_host
from fanzha.services.importing.visits import import_visit_file
from fanzha.services.warning.from_visits import signals_for_new_sites
from fanzha.store.db import Database
from fanzha.store.models import SiteVisit
from tests.visit_support import (
    APP,
    HOST,
    NEIGHBOUR,
    URL,
    VICTIM,
    VISITOR,
    city,
    file_case,
    signal_count,
    url_leads,
    visits_csv,
    write,
)

FILED = clock.now().replace(microsecond=0) - timedelta(days=2)


def stored(db: Database) -> list[SiteVisit]:
    with db.session() as s:
        return list(s.scalars(select(SiteVisit).order_by(SiteVisit.visit_time)))


def test_site_keys_follow_the_contract() -> None:
    assert url_host("HTTPS://WWW.Dl.Bz5pzm.TOP:8443/6v8z?x=1#a") == HOST
    assert url_host("dl.bz5pzm.top.") == HOST and url_host("http://user@dl.bz5pzm.top") == HOST
    assert app_key("ＸＸ 理财 Pro") == app_key("xx理财pro")
    for bad in ("", "nohost", "http://"):
        try:
            url_host(bad)
        except ValueError as exc:
            assert "address" in str(exc)
        else:
            raise AssertionError(f"{bad!r} has no host and must be refused")


def test_visits_to_named_sites_become_one_merged_lead_on_the_visitors_station(db: Database, tmp_path) -> None:
    stations = city(db)
    file_case(db, FILED)
    rows = [
        (VISITOR, FILED + timedelta(hours=1), "网址", "http://www.DL.bz5pzm.top:8080/other/page", "203.0.113.7", "中国移动"),
        (VISITOR, FILED + timedelta(hours=2), "应用", " 聚财宝 ", "", "中国移动"),
        (VISITOR, FILED + timedelta(hours=3), "网址", "https://www.baidu.com/s?wd=天气", "", "中国移动"),
        (NEIGHBOUR, FILED - timedelta(days=3), "url", HOST, "", "中国移动"),  # within the week before the report
        (NEIGHBOUR, FILED - timedelta(days=8), "url", HOST, "", "中国移动"),  # before the site was known
        (VICTIM, FILED - timedelta(hours=5), "网址", URL, "", "中国移动"),  # the victim reported it themselves
        ("13700000009", FILED + timedelta(hours=4), "app", "别的应用", "", "中国联通"),
    ]
    outcome = import_visit_file(db, write(tmp_path / "CMCC" / "visits.csv", visits_csv(rows)))
    result = outcome.result
    assert not result.rejected and result.rows_imported == len(rows) and result.rows_bad == 0
    visits = stored(db)
    assert {v.host for v in visits} == {HOST, app_key(APP), "baidu.com", app_key("别的应用")}
    assert all(v.visit_time.tzinfo is not None and v.import_batch_id == result.batch_id for v in visits)
    assert {v.visit_kind for v in visits} == {"url", "app"}

    leads = url_leads(db)
    assert [lead["phone"] for lead in leads] == [NEIGHBOUR, VISITOR]  # in the order of the visits
    neighbour, visitor = leads
    assert visitor["station_id"] == stations["longqiao"] and neighbour["station_id"] == stations["fenghuang"]
    assert len(visitor["signals"]) == 2 and visitor["stage"] == "engaged" and visitor["fraud_type"] == "order_brushing"
    assert {s["host"] for s in visitor["signals"]} == {HOST, app_key(APP)}
    assert all(s["report_id"] == "JQ-20240530-000001" for s in visitor["signals"])
    assert len(neighbour["signals"]) == 1 and neighbour["signals"][0]["at"] == FILED - timedelta(days=3)
    assert sorted(set(outcome.leads)) == sorted(lead["id"] for lead in leads) and len(outcome.leads) == 3


def test_importing_the_same_visits_again_adds_nothing(db: Database, tmp_path) -> None:
    city(db)
    file_case(db, FILED)
    rows = [(VISITOR, FILED + timedelta(minutes=m), "网址", URL, "", "中国移动") for m in (1, 2, 2)]  # one repeated
    english = ["msisdn", "visit_time", "visit_kind", "target", "dest_ip", "operator"]
    first = import_visit_file(db, write(tmp_path / "a.csv", visits_csv(rows)))
    assert first.result.rows_imported == 2 and first.result.rows_duplicate == 1
    assert signal_count(db) == 2
    again = import_visit_file(db, write(tmp_path / "b.csv", visits_csv(rows[:2], header=english)))
    assert again.result.rows_imported == 0 and again.result.rows_duplicate == 2 and again.leads == []
    assert len(stored(db)) == 2 and signal_count(db) == 2 and len(url_leads(db)) == 1


def test_a_file_with_bad_rows_writes_nothing_and_names_every_bad_cell(db: Database, tmp_path) -> None:
    city(db)
    file_case(db, FILED)
    at = FILED + timedelta(hours=1)
    rows = [
        (VISITOR, at, "网址", URL, "", "中国移动"),  # good: line 2
        ("13800-ABC", at, "网址", URL, "", "中国移动"),  # line 3
        (VISITOR, "昨天", "网址", URL, "", "中国移动"),  # line 4
        (VISITOR, at, "短信", URL, "", "中国移动"),  # line 5
        (VISITOR, at, "网址", "nohost", "", "中国移动"),  # line 6
        (VISITOR, at, "网址", URL, "999.1.1.1", "中国移动"),  # line 7
        (VISITOR, at, "应用", "", "", "中国移动"),  # line 8
    ]
    path = write(tmp_path / "visits.csv", visits_csv(rows))
    outcome = import_visit_file(db, path)
    result = outcome.result
    assert result.rejected and result.rows_imported == 0 and result.rows_bad == 6
    places = [p.place for p in result.problems]
    assert places == ["visits.csv:line 3, column 本机号码", "visits.csv:line 4, column 访问时间",
                      "visits.csv:line 5, column 访问类型", "visits.csv:line 6, column 访问目标",
                      "visits.csv:line 7, column 目的IP", "visits.csv:line 8, column 访问目标"]
    reasons = " | ".join(p.reason for p in result.problems)
    assert "not a phone number" in reasons and "网址/应用" in reasons and "has no host" in reasons
    assert "not an IP address" in reasons and "is empty" in reasons
    assert stored(db) == [] and signal_count(db) == 0 and outcome.leads == []

    skipped = import_visit_file(db, path, skip_bad=True)
    assert not skipped.result.rejected and skipped.result.rows_imported == 1 and skipped.result.rows_bad == 6
    assert len(stored(db)) == 1 and signal_count(db) == 1


def test_a_file_without_a_required_column_is_refused(db: Database, tmp_path) -> None:
    path = write(tmp_path / "visits.csv", visits_csv([(VISITOR, FILED, "网址")], header=["本机号码", "访问时间", "访问类型"]))
    result = import_visit_file(db, path).result
    assert result.rejected and "访问目标" in result.problems[0].reason and "target" in result.problems[0].reason
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(SiteVisit)) == 0


def test_a_case_filed_after_the_visits_turns_them_into_signals(db: Database, tmp_path) -> None:
    city(db)
    rows = [(VISITOR, FILED - timedelta(days=2), "网址", URL, "", "中国移动"),
            (NEIGHBOUR, FILED - timedelta(days=9), "网址", URL, "", "中国移动"),  # more than a week before
            (NEIGHBOUR, FILED - timedelta(days=1), "应用", APP, "", "中国移动")]
    outcome = import_visit_file(db, write(tmp_path / "visits.csv", visits_csv(rows)))
    assert outcome.result.rows_imported == 3 and outcome.leads == [] and url_leads(db) == []

    before_filing = clock.now()
    file_case(db, FILED)  # filing the case screens the stored visits to the sites it names, at once
    leads = url_leads(db)
    assert [lead["phone"] for lead in leads] == [VISITOR, NEIGHBOUR]
    assert [s["target"] for s in leads[1]["signals"]] == [APP]
    with db.session() as s:  # screening again takes nothing twice; a later window finds no new case
        assert signals_for_new_sites(s, before_filing) == []
        assert signals_for_new_sites(s, clock.now() + timedelta(seconds=1)) == []
    assert signal_count(db) == 2


def test_the_command_imports_screens_and_rescreens(tmp_path) -> None:
    from typer.testing import CliRunner

    from fanzha.cli import app
    from fanzha.config import Settings

    db = Database(Settings.from_env().database_url)
    city(db)
    runner = CliRunner()
    good = write(tmp_path / "visits.csv", visits_csv([(VISITOR, FILED + timedelta(hours=1), "网址", URL, "", "中国移动")]))
    bad = write(tmp_path / "bad.csv", visits_csv([(VISITOR, FILED, "网址", "nohost", "", "中国移动")]))
    first = runner.invoke(app, ["import", "visits", str(good)])
    assert first.exit_code == 0, first.output
    assert "imported 1 of 1" in first.output and "0 visits to fraud sites became warning signals" in first.output
    refused = runner.invoke(app, ["import", "visits", str(bad)])
    assert refused.exit_code == 1 and "bad.csv:line 2, column 访问目标" in refused.stderr
    file_case(db, FILED)  # the filing screens the visit already imported
    assert [lead["phone"] for lead in url_leads(db)] == [VISITOR]
    db.dispose()


def test_the_lead_page_names_the_site_visited_and_the_report_that_named_it(tmp_path) -> None:
    from web_support import make_app, signed_in

    app = make_app(tmp_path, users=(("warning", "warning_officer", "city"),))
    db = app.state.db
    city(db)
    file_case(db, FILED)
    import_visit_file(db, write(tmp_path / "visits.csv", visits_csv([(VISITOR, FILED + timedelta(hours=1), "网址", URL, "",
                                                                      "中国移动")])))
    [lead] = url_leads(db)
    page = signed_in(app, "warning").get(f"/warning/leads/{lead['id']}").text
    assert f'data-site="{HOST}"' in page and "JQ-20240530-000001" in page and "访问涉诈网址/应用" in page
    assert "访问了受害人举报的涉诈网址或应用" in page  # the grade's reason
    db.dispose()
