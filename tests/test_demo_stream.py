"""The demo's operators stream the city's calls through the call screen: calls from a flagged
number to residents become alerts and high leads on their stations' boards."""
from __future__ import annotations

import polars as pl
from sqlalchemy import func, select

from fanzha.domain.actor import Actor
from fanzha.events.replay import world_events
from fanzha.services.telecom.block_list import NewEntry, add_entry
from fanzha.sim.city import simulate
from fanzha.sim.live_stream import days_busiest_first, stream_city
from fanzha.sim.load import load_registry
from fanzha.store.db import Database
from fanzha.store.models import TelecomAlert, WarningLead


def test_the_city_streams_live_and_the_screen_raises_alerts_and_leads(tmp_path) -> None:
    world = tmp_path / "world"
    simulate(residents=2_000, days=5, seed=3, out=world, progress=False)
    db = Database(f"sqlite:///{tmp_path / 'demo.sqlite'}")
    load_registry(db, world)
    gang = pl.read_csv(world / "truth" / "fraud_numbers.csv", infer_schema=False)["number"].to_list()
    with db.session() as s:
        for number in gang:
            add_entry(s, Actor.system("test"), NewEntry(number=number, reason="test", provenance="manual"))
    days = days_busiest_first(world_events(world, ("calls",)), set(gang))
    assert sum(len(d) for d in days) > 0
    stats = stream_city(db, world, set(gang), rate=None, days=1)
    assert stats["stored"] == len(days[0]) - stats["duplicates"] and stats["dead_letters"] == 0
    with db.session() as s:
        alerts = s.scalar(select(func.count()).select_from(TelecomAlert))
        handed = s.scalar(select(func.count()).select_from(TelecomAlert).where(TelecomAlert.state == "handed_over"))
        leads = s.scalars(select(WarningLead)).all()
        assert alerts > 0 and handed == alerts
        assert leads and all(lead.grade == "high" for lead in leads)
    db.dispose()
