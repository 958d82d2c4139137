"""The demo's analysis work on a small city: the graph and its series, suspects and arrests from
the truth (so the command desk counts people dealt with), and the mule scores; twice is once."""
from __future__ import annotations

from sqlalchemy import func, select

from fanzha.sim.city import simulate
from fanzha.sim.demo import analyse
from fanzha.sim.load import load_world
from fanzha.store.models import Arrest, GraphEntity, MuleScore, Series, Suspect


def test_the_demo_analyses_its_city_once(sqlite_db, tmp_path) -> None:
    world = tmp_path / "world"
    simulate(residents=8000, days=30, seed=3, out=world)
    load_world(sqlite_db, world, progress=False)

    def counts() -> dict[str, int]:
        with sqlite_db.session() as session:
            return {name: session.scalar(select(func.count()).select_from(model)) for name, model in
                    (("entities", GraphEntity), ("series", Series), ("suspects", Suspect), ("arrests", Arrest),
                     ("mules", MuleScore))}

    analyse(sqlite_db, world)
    first = counts()
    assert all(first[k] > 0 for k in ("entities", "series", "suspects", "arrests", "mules")), first
    analyse(sqlite_db, world)
    assert counts() == first
