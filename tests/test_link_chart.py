"""Link chart queries on a hand-built graph whose answers are known: neighbourhoods (ranking,
filters, caps), shortest paths (checked against igraph on a random graph too), case and series
charts and their exports — on SQLite and PostgreSQL."""
from __future__ import annotations

import csv
import io
import json
import random
from datetime import UTC, datetime

import pytest
from sqlalchemy import insert

from fanzha.domain.access import AccessDenied
from fanzha.domain.actor import Actor
from fanzha.domain.errors import InputRejected
from fanzha.domain.organisation import OrgKind
from fanzha.domain.role import Role
from fanzha.services.analysis.chart_export import chart_csv, chart_json
from fanzha.services.analysis.chart_model import RelationFilter
from fanzha.services.analysis.chart_neighbourhood import (
    EntityNotFound,
    entity_detail,
    find_entity,
    neighbourhood,
)
from fanzha.services.analysis.chart_paths import shortest_paths
from fanzha.services.analysis.chart_views import ChartSubjectNotFound, case_chart, series_chart
from fanzha.store.models import Case, GraphEntity, GraphRelation, Person, Series, SeriesCase

ANALYST = Actor(username="analyst", role=Role.ANALYST, org_id=1, org_code="city", org_name="市反诈中心",
                org_kind=OrgKind.CITY_CENTER)
LEADER = Actor(username="leader", role=Role.LEADERSHIP, org_id=1, org_code="city", org_name="市反诈中心",
               org_kind=OrgKind.CITY_CENTER)
HUB_FEEDERS = 60


def day(d: int) -> datetime:
    return datetime(2024, 5, d, 12, tzinfo=UTC)


def build_graph(session) -> dict[str, int]:
    """Two victims' cases linked by a shared phone; their money meets on one mule card that 60
    more small accounts also pay. Returns name → node id (and case/series ids)."""
    victims = [Person(name="陈某明", id_number="350302197901011234", phone="13800000001", district="城厢区"),
               Person(name="林某华", id_number="350302198002021234", phone="13800000002", district="荔城区")]
    session.add_all(victims)
    session.flush()
    cases = [Case(report_id=f"JQ-2024-0501-00{i + 1}", reported_at=day(1 + 2 * i), region=v.district,
                  status="filed", loss_fen=[5_000_000, 1_000_000][i], victim_id=v.id, created_at=day(1 + 2 * i),
                  updated_at=day(1 + 2 * i), fraud_type="order_brushing", narrative="")
             for i, v in enumerate(victims)]
    session.add_all(cases)
    session.flush()
    nodes = {"C1": ("case", "JQ-2024-0501-001", "JQ-2024-0501-001", cases[0].id, None),
             "C2": ("case", "JQ-2024-0501-002", "JQ-2024-0501-002", cases[1].id, None),
             "V1": ("person", "350302197901011234", "陈*明", None, victims[0].id),
             "V2": ("person", "350302198002021234", "林*华", None, victims[1].id),
             "A1": ("account", "6222000000000001", None, None, None),
             "A2": ("account", "6222000000000002", None, None, None),
             "M1": ("account", "6217000000000011", None, None, None),
             "M2": ("account", "6217000000000012", None, None, None),
             "M3": ("account", "6217000000000013", None, None, None),
             "MULE": ("account", "6230000000009999", None, None, None),
             "P": ("phone", "17000000000", None, None, None)}
    nodes |= {f"H{i}": ("account", f"62100000000{i:05d}", None, None, None) for i in range(1, HUB_FEEDERS + 1)}
    ids = {}
    for name, (kind, key, label, case_id, person_id) in nodes.items():
        entity = GraphEntity(kind=kind, key=key, label=label, case_id=case_id, person_id=person_id)
        session.add(entity)
        session.flush()
        ids[name] = entity.id
    edges = [("C1", "V1", "involves", 1, 0, 1), ("C1", "M1", "involves", 1, 5_000_000, 1), ("C1", "P", "involves", 1, 0, 1),
             ("C2", "V2", "involves", 1, 0, 3), ("C2", "M2", "involves", 1, 1_000_000, 3), ("C2", "P", "involves", 1, 0, 3),
             ("V1", "A1", "owns", 1, 0, 1), ("V2", "A2", "owns", 1, 0, 3),
             ("A1", "M1", "paid", 2, 5_000_000, 1), ("A2", "M2", "paid", 1, 1_000_000, 3),
             ("M1", "MULE", "paid", 3, 4_000_000, 2), ("M2", "MULE", "paid", 1, 900_000, 4),
             ("M1", "M3", "paid", 1, 10_000, 2), ("M3", "M2", "paid", 1, 10_000, 2)]
    edges += [(f"H{i}", "MULE", "paid", 1, i * 100, 5) for i in range(1, HUB_FEEDERS + 1)]
    session.execute(insert(GraphRelation), [
        {"src_id": ids[a], "dst_id": ids[b], "kind": kind, "count": n, "amount_fen": fen, "first_at": day(d),
         "last_at": day(d), "evidence": [f"case:{cases[0].id}"] if a == "C1" else [f"posting:{k}"]}
        for k, (a, b, kind, n, fen, d) in enumerate(edges)])
    series = Series(series_no="CB-20240510-0001", state="candidate", method="components", cases=2, victims=2,
                    loss_fen=6_000_000, fraud_types={"order_brushing": 2},
                    key_entities=[{"entity_id": ids["P"], "kind": "phone", "key": "17000000000", "cases": 2,
                                   "victims": 2}], detected_at=day(10), note="")
    session.add(series)
    session.flush()
    session.add_all([SeriesCase(series_id=series.id, case_id=c.id, reason=[{"kind": "phone", "key": "17000000000"}])
                     for c in cases])
    session.flush()
    ids["case1"], ids["case2"], ids["series"] = cases[0].id, cases[1].id, series.id
    return ids


@pytest.fixture
def graph(db):
    with db.session() as session:
        ids = build_graph(session)
    return db, ids


def names(ids: dict[str, int], node_ids) -> set[str]:
    back = {v: k for k, v in ids.items() if not k.startswith(("case", "series"))}
    return {back[n] for n in node_ids}


def test_neighbourhood_ranks_by_count_then_amount_and_says_what_is_left_out(graph) -> None:
    db, ids = graph
    with db.session() as session:
        chart = neighbourhood(session, ANALYST, ids["MULE"], limit=5)
    shown = [n.id for n in chart.nodes]
    assert shown[0] == ids["MULE"] and chart.focus == [ids["MULE"]]
    # M1 paid 3 times; then one payment each, the largest first: M2 (9,000 yuan), H60, H59, H58
    assert shown[1:] == [ids["M1"], ids["M2"], ids["H60"], ids["H59"], ids["H58"]]
    assert chart.left_out == 2 + HUB_FEEDERS - 5 and chart.left_out_exact
    assert {(e.source, e.target) for e in chart.edges} == {(ids[x], ids["MULE"]) for x in ("M1", "M2", "H60", "H59", "H58")}
    mule_in = next(e for e in chart.edges if e.source == ids["M1"])
    assert (mule_in.count, mule_in.amount_fen, mule_in.evidence) == (3, 4_000_000, ("posting:10",))


def test_neighbourhood_both_ways_with_masked_labels(graph) -> None:
    db, ids = graph
    with db.session() as session:
        chart = neighbourhood(session, ANALYST, ids["M1"])
    assert names(ids, (n.id for n in chart.nodes)) == {"M1", "C1", "A1", "MULE", "M3"}
    assert chart.left_out == 0
    labels = {n.id: n.label for n in chart.nodes}
    assert labels[ids["M1"]] == "6217********0011" and labels[ids["C1"]] == "JQ-2024-0501-001"


def test_filters_by_relation_kind_and_time_window(graph) -> None:
    db, ids = graph
    with db.session() as session:
        paid = neighbourhood(session, ANALYST, ids["M1"], RelationFilter.parse("paid"))
        assert names(ids, (n.id for n in paid.nodes)) == {"M1", "A1", "MULE", "M3"}
        late = neighbourhood(session, ANALYST, ids["MULE"], RelationFilter.parse(None, since=day(3), until=day(4)),
                             limit=10)
        assert names(ids, (n.id for n in late.nodes)) == {"MULE", "M2"}  # M1 paid on the 2nd, H* on the 5th
        with pytest.raises(InputRejected) as bad:
            RelationFilter.parse("paid,robbed")
        assert bad.value.problems[0].place == "kinds" and "robbed" in bad.value.problems[0].reason
        with pytest.raises(InputRejected):
            RelationFilter(since=day(5), until=day(1))
        with pytest.raises(InputRejected) as limit:
            neighbourhood(session, ANALYST, ids["MULE"], limit=0)
        assert limit.value.problems[0].place == "limit"


def test_hub_is_ranked_from_a_bounded_sample(graph) -> None:
    db, ids = graph
    with db.session() as session:
        chart = neighbourhood(session, ANALYST, ids["MULE"], limit=3, scan=10, read_all=10)
    assert len(chart.nodes) == 4 and chart.left_out == 2 + HUB_FEEDERS - 3 and not chart.left_out_exact
    assert any("hub" in note for note in chart.notes)


def test_find_entity_by_kind_and_key_and_details(graph) -> None:
    db, ids = graph
    with db.session() as session:
        assert find_entity(session, ANALYST, "account", "6230 0000 0000 9999").id == ids["MULE"]
        assert find_entity(session, ANALYST, "phone", "+86 170-0000-0000").id == ids["P"]
        with pytest.raises(EntityNotFound):
            find_entity(session, ANALYST, "account", "6230000000000000")
        with pytest.raises(InputRejected) as bad:
            find_entity(session, ANALYST, "car", "闽B12345")
        assert bad.value.problems[0].place == "kind"
        detail = entity_detail(session, ANALYST, ids["MULE"])
        assert (detail["relations_in"], detail["relations_out"], detail["kind"]) == (2 + HUB_FEEDERS, 0, "account")
        with pytest.raises(AccessDenied):
            neighbourhood(session, LEADER, ids["MULE"])


def test_shortest_paths_between_victims_and_cards(graph) -> None:
    db, ids = graph
    with db.session() as session:
        victims = shortest_paths(session, ANALYST, ids["V1"], ids["V2"])
        assert victims.paths == [[ids[n] for n in ("V1", "C1", "P", "C2", "V2")]]
        assert len(victims.edges) == 4 and names(ids, (n.id for n in victims.nodes)) == {"V1", "C1", "P", "C2", "V2"}
        cards = shortest_paths(session, ANALYST, ids["A1"], ids["A2"])
        assert sorted(cards.paths) == sorted([[ids[n] for n in ("A1", "M1", "MULE", "M2", "A2")],
                                              [ids[n] for n in ("A1", "M1", "M3", "M2", "A2")]])
        assert len(shortest_paths(session, ANALYST, ids["A1"], ids["A2"], k=1).paths) == 1
        money = shortest_paths(session, ANALYST, ids["V1"], ids["V2"], RelationFilter.parse("paid,owns"), max_hops=6)
        assert len(money.paths) == 2 and all(len(p) == 7 for p in money.paths)
        assert all(p[3] in (ids["MULE"], ids["M3"]) for p in money.paths)
        through = shortest_paths(session, ANALYST, ids["A1"], ids["H1"])
        assert through.paths == [[ids["A1"], ids["M1"], ids["MULE"], ids["H1"]]]
        hub = shortest_paths(session, ANALYST, ids["A1"], ids["H1"], hub_degree=10)  # the mule card has 62
        assert hub.paths == [] and "no path" in hub.notes[0] and f"#{ids['MULE']}" in hub.notes[1]
        none = shortest_paths(session, ANALYST, ids["V1"], ids["V2"], RelationFilter.parse("paid,owns"), max_hops=5)
        assert none.paths == [] and "no path" in none.notes[0]
        with pytest.raises(InputRejected):
            shortest_paths(session, ANALYST, ids["V1"], ids["V2"], max_hops=20)


def test_paths_match_igraph_on_a_random_graph(db) -> None:
    igraph = pytest.importorskip("igraph")
    rng = random.Random(7)
    n = 120
    pairs = set()
    while len(pairs) < 200:
        a, b = rng.sample(range(n), 2)
        if (b, a) not in pairs:
            pairs.add((a, b))
    with db.session() as session:
        session.execute(insert(GraphEntity), [{"kind": "account", "key": f"acct{i}"} for i in range(n)])
        first = session.query(GraphEntity.id).order_by(GraphEntity.id).first()[0]
        session.execute(insert(GraphRelation), [{"src_id": first + a, "dst_id": first + b, "kind": "paid", "count": 1,
                                                 "amount_fen": 100, "evidence": []} for a, b in sorted(pairs)])
    g = igraph.Graph(n=n, edges=sorted(pairs))
    with db.session() as session:
        for _ in range(25):
            s, t = rng.sample(range(n), 2)
            expected = sorted(tuple(first + v for v in p) for p in g.get_all_shortest_paths(s, to=t))
            chart = shortest_paths(session, ANALYST, first + s, first + t, max_hops=8, k=None)
            if expected and len(expected[0]) - 1 <= 8:
                assert sorted(tuple(p) for p in chart.paths) == expected
            else:
                assert chart.paths == []


def test_case_and_series_charts_and_exports(graph) -> None:
    db, ids = graph
    with db.session() as session:
        case = case_chart(session, ANALYST, ids["case1"])
        assert names(ids, (n.id for n in case.nodes)) == {"C1", "V1", "M1", "P"} and len(case.edges) == 3
        series = series_chart(session, ANALYST, ids["series"])
        assert names(ids, (n.id for n in series.nodes)) == {"C1", "C2", "V1", "V2", "M1", "M2", "P"}
        assert series.focus == [ids["P"]] and len(series.edges) == 6
        with pytest.raises(ChartSubjectNotFound):
            series_chart(session, ANALYST, 999)
    data = json.loads(chart_json(series))
    assert {n["label"] for n in data["nodes"]} >= {"6217********0011", "170****0000", "陈*明"}
    rows = list(csv.DictReader(io.StringIO(chart_csv(series))))
    assert [r["row"] for r in rows].count("node") == 7 and [r["row"] for r in rows].count("edge") == 6
    involve_m1 = next(r for r in rows if r["row"] == "edge" and r["target"] == str(ids["M1"]))
    assert involve_m1["evidence"] == f"case:{ids['case1']}" and involve_m1["amount_fen"] == "5000000"
    assert "13800000001" not in chart_csv(series) and "6217000000000011" not in chart_csv(series)


def test_chart_pages_api_timeline_and_where(tmp_path) -> None:
    from sqlalchemy import select
    from web_support import make_app, signed_in

    from fanzha.services.analysis.arrests import record_measure
    from fanzha.services.analysis.seizures import SeizureIn, record_seizure
    from fanzha.services.analysis.suspects import SuspectIn, create_suspect, move_status
    from fanzha.store.models import AuditEntry

    app = make_app(tmp_path, users=(("analyst", "analyst", "city"), ("leader", "leadership", "city")))
    with app.state.db.session() as session:
        ids = build_graph(session)
        suspect, _ = create_suspect(session, ANALYST, SuspectIn(name="王某", case_id=ids["case2"], series_id=ids["series"],
                                                                province="广东省", city="深圳市", role="card_seller"))
        move_status(session, ANALYST, suspect.id, "caught", "抓获")
        record_measure(session, ANALYST, suspect.id, "detention", datetime(2024, 5, 8, 10, tzinfo=UTC), "荔城区")
        record_seizure(session, ANALYST, SeizureIn("bank_card", 12, datetime(2024, 5, 8, 10, tzinfo=UTC), "荔城区",
                                                   suspect_id=suspect.id))
    client = signed_in(app, "analyst")
    page = client.get(f"/analysis/chart?series={ids['series']}")
    assert page.status_code == 200 and f'"/api/analysis/graph/series/{ids["series"]}"' in page.text
    assert "/static/vendor/cytoscape.min.js" in page.text and "/static/js/link_chart.js" in page.text
    found = client.get("/analysis/chart?account=6230 0000 0000 9999")
    assert f'/api/analysis/graph/entities/{ids["MULE"]}/neighbours' in found.text
    missing = client.get("/analysis/chart?phone=13000000000")
    assert missing.status_code == 404 and 'id="chart-error"' in missing.text

    chart = client.get(f"/api/analysis/graph/entities/{ids['MULE']}/neighbours", params={"limit": 2, "kinds": "paid"})
    assert [n["id"] for n in chart.json()["nodes"]] == [ids["MULE"], ids["M1"], ids["M2"]]
    assert chart.json()["left_out"] == HUB_FEEDERS
    bad = client.get(f"/api/analysis/graph/entities/{ids['MULE']}/neighbours", params={"kinds": "robbed"})
    assert bad.status_code == 422 and bad.json()["problems"][0]["place"] == "kinds"
    paths = client.get(f"/api/analysis/graph/paths/{ids['V1']}/{ids['V2']}").json()
    assert paths["paths"] == [[ids[n] for n in ("V1", "C1", "P", "C2", "V2")]]
    assert client.get(f"/api/analysis/graph/paths/{ids['V1']}/{ids['V2']}?max_hops=99").status_code == 422
    assert client.get("/api/analysis/graph/series/999").status_code == 404
    csv_file = client.get("/api/analysis/graph/export", params={"subject": f"case:{ids['case1']}", "format": "csv"})
    assert csv_file.status_code == 200 and "attachment" in csv_file.headers["content-disposition"]
    assert csv_file.text.count("\nedge,") == 3
    assert client.post("/api/analysis/graph/exported", json={"subject": f"series:{ids['series']}", "format": "png",
                                                             "nodes": 7, "edges": 6}).status_code == 204
    with app.state.db.session() as session:
        exports = session.scalars(select(AuditEntry.detail).where(AuditEntry.action == "chart.export")).all()
        assert [e["format"] for e in exports] == ["csv", "png"]

    timeline = client.get(f"/analysis/series/{ids['series']}/timeline").text
    assert timeline.index("JQ-2024-0501-001") < timeline.index("JQ-2024-0501-002")
    assert 'data-day="2024-05-01"' in timeline and 'data-day="2024-05-03"' in timeline
    assert 'data-count="report">2<' in timeline and 'data-count="arrest">1<' in timeline
    where = client.get("/analysis/where").text
    assert 'data-place="广东省/深圳市"' in where and ">12<" in where

    english = {f"/analysis/chart?series={ids['series']}&lang=en": "Link chart",
               f"/analysis/series/{ids['series']}/timeline?lang=en": "Series timeline",
               "/analysis/where?lang=en": "Where suspects and cards are"}
    for url, title in english.items():
        assert title in client.get(url).text, url

    leader = signed_in(app, "leader")
    for url in (f"/analysis/chart?series={ids['series']}", f"/analysis/series/{ids['series']}/timeline",
                "/analysis/where", f"/api/analysis/graph/series/{ids['series']}"):
        assert leader.get(url).status_code == 403, url
