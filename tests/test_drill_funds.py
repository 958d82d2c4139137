"""``fanzha drill funds``: the replay conserves money, a stop holds it, the platform beats the manual practice."""
from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from fanzha.cli import app
from fanzha.sim.drill import MANUAL, PLATFORM, Delay, DrillFigures, DrillWorld, Practice, replay
from fanzha.sim.drill.stops import STOP_S, Answer, StopBook
from fanzha.sim.drill.world import Movement, VictimRecord

runner = CliRunner()


@pytest.fixture(scope="module")
def world_dir(tmp_path_factory) -> Path:
    from fanzha.sim.city import simulate

    out = tmp_path_factory.mktemp("drill") / "world"
    simulate(residents=5000, days=30, seed=11, out=out, progress=False)
    return out


@pytest.fixture(scope="module")
def world(world_dir) -> DrillWorld:
    return DrillWorld.load(world_dir)


def test_nobody_acting_reproduces_the_truth(world, world_dir) -> None:
    outcome = replay(world, None)
    held = pl.read_csv(world_dir / "truth" / "stolen_held.csv", infer_schema=False)
    truth = {(a, p): int(f) for a, p, f in held.select("account", "victim_person_id", "held_fen").iter_rows()}
    mine = {(a, world.victims[v].person_id): f for a, there in outcome.held.items() for v, f in there.items() if f}
    assert mine == truth
    loss = {v.person_id: v.loss_fen for v in world.victims}
    assert {v.person_id: v.paid_fen for v in outcome.victims} == loss
    assert all(v.stopped_fen == 0 for v in outcome.victims)


@pytest.fixture(scope="module")
def outcomes(world) -> dict:
    """Each practice once with the world's own reports and once with reports within the hour."""
    return {(p.name, within): replay(world, p, report_within_s=within)
            for p in (PLATFORM, MANUAL) for within in (None, 3600)}


@pytest.mark.parametrize("within", [None, 3600])
@pytest.mark.parametrize("practice", ["platform", "manual"])
def test_every_victims_money_is_conserved_to_the_fen(world, outcomes, practice, within) -> None:
    outcome = outcomes[(practice, within)]
    assert any(v.stopped_fen for v in outcome.victims)
    for v in outcome.victims:
        assert v.paid_fen == v.stopped_fen + v.cash_fen + v.purchase_fen + v.not_recovered_fen, v.person_id
        assert min(v.paid_fen, v.stopped_fen, v.cash_fen, v.purchase_fen, v.not_recovered_fen) >= 0
    figures = DrillFigures.of(outcome)
    assert figures.conserved
    assert figures.stolen_fen + figures.not_paid_fen == sum(v.loss_fen for v in world.victims)
    if within is None:  # the world's own reports: only reported victims get orders
        reported = {v.person_id for v in world.victims if v.reported_at is not None}
        assert {v.person_id for v in outcome.victims if v.orders} <= reported


def test_the_platform_stops_more_than_the_manual_practice(outcomes) -> None:
    platform = DrillFigures.of(outcomes[("platform", 3600)])
    manual = DrillFigures.of(outcomes[("manual", 3600)])
    assert platform.stolen_fen == manual.stolen_fen > 0
    assert platform.share_stopped > manual.share_stopped
    assert platform.stopped_fen > manual.stopped_fen
    assert platform.first_stop["median_s"] < 15 * 60 < manual.first_stop["median_s"]
    assert platform.levels and platform.levels[0]["level"] == 1


def test_the_same_seed_gives_the_same_drill(world, outcomes) -> None:
    again = replay(world, PLATFORM, report_within_s=3600)
    assert DrillFigures.of(again).as_dict() == DrillFigures.of(outcomes[("platform", 3600)]).as_dict()
    assert again.held == outcomes[("platform", 3600)].held


# --- a hand-made city: one victim, one card, one movement on -------------------------------------

T0 = 1_715_000_000  # s since the epoch
INSTANT = Practice("instant", "即时", Delay(1), Delay(1), Delay(1), Delay(1))


def _tiny(out_at: int, exit_kind: str | None) -> DrillWorld:
    card, victim_account, next_card = "6222000000000001", "6217000000000009", "6228000000000002"
    moves = [
        Movement(T0, "T1", victim_account, card, None, True, [(0, 500_000)]),
        Movement(out_at, "T2", card, None if exit_kind == "cash" else next_card, exit_kind, False, [(0, 450_000)]),
    ]
    rows = pl.DataFrame({
        "account": [card, card], "account_name": ["张三", "张三"], "bank": ["工商银行"] * 2,
        "time": [T0 * 1_000_000, out_at * 1_000_000], "direction": ["in", "out"], "amount_fen": [500_000, 450_000],
        "balance_fen": [500_000, 50_000], "counterparty_account": [victim_account, next_card if exit_kind is None else None],
        "counterparty_name": ["李四", None], "counterparty_bank": ["建设银行", None],
        "channel": ["手机银行", "ATM" if exit_kind == "cash" else "手机银行"],
        "memo": ["转账", "取现" if exit_kind == "cash" else "转账"], "txn_id": ["T1", "T2"]})
    return DrillWorld(path=Path("tiny"), seed=1, residents=1, start=T0 - 3600, end=T0 + 10 * 86400,
                      victims=[VictimRecord("P1", T0, T0 + 60, 500_000)], movements=moves, statements=rows)


def test_a_stop_blocks_later_movements_out_and_the_money_stays() -> None:
    stopped = replay(_tiny(T0 + 3600, "cash"), INSTANT).victims[0]  # reported at +60 s, stopped by +63 s
    assert (stopped.paid_fen, stopped.stopped_fen, stopped.cash_fen, stopped.not_recovered_fen) == (500_000, 500_000, 0, 0)
    assert stopped.level_stop_s == {1: 2}
    too_late = replay(_tiny(T0 + 30, "cash"), INSTANT).victims[0]  # cashed before the report
    assert (too_late.stopped_fen, too_late.cash_fen) == (50_000, 450_000)


def test_the_trace_orders_the_next_level() -> None:
    outcome = replay(_tiny(T0 + 30, None), INSTANT)  # moved on before the report: the statement shows where
    v = outcome.victims[0]
    assert outcome.orders == 2 and set(v.level_stop_s) == {1, 2}
    assert (v.stopped_fen, v.not_recovered_fen) == (500_000, 0)
    assert outcome.held["6228000000000002"] == {0: 450_000}


def test_a_gang_replaces_a_card_it_knows_is_stopped() -> None:
    world = _tiny(T0 + 3600, "cash")  # the movement out at +1 h fails: the gang knows the card is stopped
    card = world.movements[0].dst
    world.victims.append(VictimRecord("P2", T0 + 7200, None, 300_000))  # never reports
    world.movements += [Movement(T0 + 7200, "T3", "6217000000000008", card, None, True, [(1, 300_000)]),
                        Movement(T0 + 7300, "T4", card, None, "cash", False, [(1, 300_000)])]
    outcome = replay(world, INSTANT)
    first, second = outcome.victims
    assert outcome.replacement_cards == 1 and outcome.blocked_movements == 1
    assert (first.stopped_fen, second.stopped_fen, second.cash_fen) == (500_000, 0, 300_000)
    assert outcome.held[card] == {0: 500_000}


def test_stops_last_48_hours_and_at_most_twice() -> None:
    book = StopBook()
    assert book.stop("A", 100) is Answer.STOPPED
    assert book.blocked("A", 100) and book.blocked("A", 100 + STOP_S - 1) and not book.blocked("A", 100 + STOP_S)
    assert book.stop("A", 200) is Answer.ALREADY
    assert book.expire("A", 100 + STOP_S, holds_stolen=False) is False
    assert book.stop("A", 100 + STOP_S) is Answer.STOPPED
    book.expire("A", 100 + 2 * STOP_S, holds_stolen=False)
    assert book.stop("A", 100 + 3 * STOP_S) is Answer.REFUSED
    assert book.stop("B", 0) is Answer.STOPPED and book.expire("B", STOP_S, holds_stolen=True)
    assert book.blocked("B", 10 * STOP_S) and book.freezes == 1


def test_json_output(world_dir) -> None:
    result = runner.invoke(app, ["drill", "funds", "--world", str(world_dir), "--report-within", "60", "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["report_within_minutes"] == 60
    for name in ("platform", "manual"):
        part = out[name]
        assert part["conserved"] is True
        assert part["stolen_fen"] == part["stopped_fen"] + part["cashed_out_fen"] + part["not_recovered_fen"]
        assert {"median_s", "p90_s"} <= set(part["time_to_first_stop"])
        assert part["time_to_level_stop"][0]["level"] == 1 and part["orders"] > 0
        assert isinstance(part["stopped_fen"], int) and 0 < part["share_stopped"] <= 1
    assert out["comparison"]["stopped_ratio_platform_to_manual"] > 1
    assert out["assumptions"]["manual"]["first_order"]["median_s"] == 1800


def test_a_folder_that_is_not_a_world(tmp_path) -> None:
    (tmp_path / "notes.txt").write_text("hello")
    result = runner.invoke(app, ["drill", "funds", "--world", str(tmp_path)])
    assert result.exit_code == 1
    assert "not a simulated world" in result.output and "fanzha simulate" in result.output
    missing = runner.invoke(app, ["drill", "funds", "--world", str(tmp_path / "nowhere")])
    assert missing.exit_code == 1 and "no such folder" in missing.output
