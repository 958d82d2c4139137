"""Scoring every number from the stored records, and the officer's review of the candidates."""
from __future__ import annotations

import polars as pl
import pytest
from sqlalchemy import select

from fanzha.domain.actor import Actor
from fanzha.domain.errors import InputRejected
from fanzha.services.telecom.number_scoring import list_candidates, review_candidate, score_numbers
from fanzha.sim.city import simulate
from fanzha.sim.load import load_world
from fanzha.store.db import Database
from fanzha.store.models import AuditEntry, BlockListEntry, NumberOrder, NumberScore
from tests.test_number_orders import DUTY, operator

OFFICER = DUTY


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    folder = tmp_path_factory.mktemp("scoring")
    simulate(residents=5_000, days=30, seed=3, out=folder / "world", progress=False)
    db = Database(f"sqlite:///{folder / 'city.sqlite'}")
    load_world(db, folder / "world", progress=False)
    truth = set(pl.read_csv(folder / "world" / "truth" / "fraud_numbers.csv", infer_schema=False)["number"])
    yield db, truth
    db.dispose()


def test_scoring_finds_the_gangs_numbers_and_keeps_reviews(city) -> None:
    db, truth = city
    run = score_numbers(db, OFFICER)
    assert run.skipped_reason is None and run.fraud_known >= 5 and run.clean_known > 1000
    with db.session() as s:
        candidates = list_candidates(s, OFFICER)
        found = {c.number for c in candidates}
        assert found and len(found & truth) / len(found) >= 0.9  # what it flags is the gangs' numbers
        assert all(c.reasons and {"feature", "value", "contribution"} <= set(c.reasons[0]) for c in candidates)
        first, second = candidates[0], candidates[1]
        ordered = review_candidate(s, OFFICER, first.id, order=True)
        assert ordered.state == "ordered"
        order = s.get(NumberOrder, ordered.order_id)
        assert (order.kind, order.basis, order.source) == ("reverify", "associated", "model")
        entry = s.get(BlockListEntry, order.block_entry_id)
        assert entry.provenance == "model" and entry.score == pytest.approx(first.score)
        with pytest.raises(InputRejected, match="why"):
            review_candidate(s, OFFICER, second.id, order=False, note="")
        review_candidate(s, OFFICER, second.id, order=False, note="快递公司外呼号码")
        with pytest.raises(InputRejected, match="already reviewed"):
            review_candidate(s, OFFICER, second.id, order=True)
        with pytest.raises(Exception, match="numbers.order"):
            list_candidates(s, operator("CMCC"))
        assert s.scalars(select(AuditEntry).where(AuditEntry.action == "numbers.score")).all()
    again = score_numbers(db, OFFICER)  # a second run keeps the decisions
    assert again.new_candidates == 0
    with db.session() as s:
        states = {r.number: r.state for r in s.scalars(select(NumberScore))}
        assert states[first.number] == "ordered" and states[second.number] == "dismissed"


def test_scoring_an_empty_store_says_what_to_do(tmp_path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'empty.sqlite'}")
    run = score_numbers(db, Actor.system("t"))
    assert run.skipped_reason and "import" in run.skipped_reason
    db.dispose()
