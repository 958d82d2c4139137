"""``fanzha drill warning``: leads as signals appear, officers reach and dissuade, the loss avoided is the truth's."""
from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from fanzha.cli import app
from fanzha.domain.clock import CENTER_TZ
from fanzha.domain.dissuasion import Result
from fanzha.domain.warning_lead import Grade, LeadSource
from fanzha.sim.drill.practice import Delay
from fanzha.sim.drill.warning_figures import WarningFigures, compare
from fanzha.sim.drill.warning_officers import OFFICERS, Officers
from fanzha.sim.drill.warning_replay import replay
from fanzha.sim.drill.warning_signals import flag, signals
from fanzha.sim.drill.warning_world import Payment, Report, Victim, WarningWorld

runner = CliRunner()


@pytest.fixture(scope="module")
def world_dir(tmp_path_factory) -> Path:
    from fanzha.sim.city import simulate

    out = tmp_path_factory.mktemp("warning") / "world"
    simulate(residents=5000, days=30, seed=11, out=out, progress=False)
    return out


@pytest.fixture(scope="module")
def world(world_dir) -> WarningWorld:
    return WarningWorld.load(world_dir)


@pytest.fixture(scope="module")
def with_desk(world):
    return replay(world, desk=True)


def _truth_payments(world_dir: Path) -> dict[str, list[tuple[int, int]]]:
    """Each victim's payments straight from the truth files: rows out of an account that is not a gang's card."""
    mules = pl.read_csv(world_dir / "registry" / "accounts.csv", infer_schema=False).filter(pl.col("kind") == "mule")
    rows = pl.read_csv(world_dir / "truth" / "stolen_transfers.csv", infer_schema=False).filter(
        ~pl.col("from_account").is_in(mules["number"].implode()))
    out: dict[str, list[tuple[int, int]]] = {}
    for pid, at, fen in rows.select("victim_person_id", "time", "stolen_fen").iter_rows():
        t = int(datetime.strptime(at, "%Y-%m-%d %H:%M:%S").replace(tzinfo=CENTER_TZ).timestamp())
        out.setdefault(pid, []).append((t, int(fen)))
    return out


def test_the_world_is_read_as_the_truth_says(world, world_dir) -> None:
    truth = pl.read_csv(world_dir / "truth" / "victims.csv", infer_schema=False)
    assert len(world.victims) == truth.height > 0
    assert sum(v.loss_fen for v in world.victims) == truth["loss_fen"].cast(pl.Int64).sum()
    for v in world.victims:
        assert sum(p.fen for p in v.payments) == v.loss_fen
        assert v.first_contact <= v.first_payment


# the usual delays, but no one listens before paying and everyone after: victims stopped between payments
LATE = Officers(dissuade_before_payment=0.0, dissuade_after_first=1.0, dissuade_decay=1.0)


@pytest.mark.parametrize("officers,seed", [(OFFICERS, None), (OFFICERS, 2), (OFFICERS, 3), (LATE, None), (LATE, 2)])
def test_loss_avoided_is_the_truths_payments_after_dissuasion(world, world_dir, with_desk, officers, seed) -> None:
    truth = _truth_payments(world_dir)
    outcome = with_desk if (officers, seed) == (OFFICERS, None) else replay(world, seed=seed, officers=officers)
    figures = WarningFigures.of(outcome)
    assert figures.dissuaded > 0 and figures.loss_avoided_fen > 0
    if officers is LATE:  # a victim stopped between payments has lost what they paid before
        assert any(0 < o.avoided_fen < o.loss_fen for o in outcome.victims)
    for o in outcome.victims:
        paid = truth[o.person_id]
        loss = sum(fen for _, fen in paid)
        assert 0 <= o.avoided_fen <= loss and o.paid_fen + o.avoided_fen == loss
        if o.dissuaded_at is None:
            assert o.avoided_fen == 0
        else:
            assert o.avoided_fen == sum(fen for t, fen in paid if t > o.dissuaded_at), o.person_id
            assert o.reached_at is not None and o.reached_at <= o.dissuaded_at
            if o.dissuaded_at < min(t for t, _ in paid):
                assert o.paid_fen == 0  # dissuaded before the first payment: nothing lost
    assert figures.loss_avoided_fen <= figures.truth_loss_fen
    assert figures.loss_fen + figures.loss_avoided_fen == figures.truth_loss_fen


def test_without_the_desk_every_victim_pays_as_in_the_truth(world, with_desk) -> None:
    none = WarningFigures.of(replay(world, desk=False))
    desk = WarningFigures.of(with_desk)
    assert none.loss_fen == none.truth_loss_fen == sum(v.loss_fen for v in world.victims)
    assert (none.loss_avoided_fen, none.reached, none.dissuaded, none.leads) == (0, 0, 0, 0)
    c = compare(desk, none)
    assert c["loss_avoided_fen"] == desk.loss_avoided_fen == none.loss_fen - desk.loss_fen


def test_figures_count_the_victims_reached_before_paying(with_desk) -> None:
    figures = WarningFigures.of(with_desk)
    before = [o for o in with_desk.victims if o.reached_at is not None and o.reached_at < o.victim.first_payment]
    assert figures.reached_before_payment == len(before)
    assert figures.share_reached_before_payment == len(before) / figures.would_pay
    assert figures.leads == sum(figures.leads_by_grade.values()) > figures.victims  # warned non-victims too
    spread = figures.signal_to_contact
    assert spread["victims"] == figures.reached and spread["median_s"] <= spread["p90_s"]


def test_the_same_seed_gives_the_same_drill(world, with_desk) -> None:
    again = replay(world, desk=True)
    assert WarningFigures.of(again).as_dict() == WarningFigures.of(with_desk).as_dict()
    assert [(o.reached_at, o.dissuaded_at, o.avoided_fen) for o in again.victims] == \
        [(o.reached_at, o.dissuaded_at, o.avoided_fen) for o in with_desk.victims]
    other = replay(world, desk=True, seed=12345)
    assert [lead.signed_at for o in other.others[:50] for lead in o.leads] != \
        [lead.signed_at for o in with_desk.others[:50] for lead in o.leads]


def test_reported_numbers_are_flagged_at_the_report(world) -> None:
    flags = flag(world)
    for r in world.reports:
        for n in r.numbers:
            assert flags.numbers[n] <= r.time
        for c in r.cards:
            assert flags.cards[c] <= r.time
    assert flags.gang_numbers_flagged > 0


# --- a hand-made city: one victim, one gang number ---------------------------------------------

T0 = 1_715_000_000
GANG = "13100000001"
NOW = Officers(sign={g: Delay(60) for g in Grade}, call=Delay(60), visit={g: Delay(600) for g in Grade},
               answer_p=1.0, found_p=1.0, dissuade_before_payment=1.0, dissuade_after_first=1.0)


def _tiny(contact_at: int, pays: list[tuple[int, int]], reported_at: int, duration: int | None = 30,
          first_contact: int | None = None) -> WarningWorld:
    payments = [Payment(t, fen, "6222000000000001") for t, fen in pays]
    contacts = pl.DataFrame({"person": [0], "src": [GANG], "t": [contact_at], "duration_s": [duration],
                             "kind": ["call" if duration is not None else "sms"]},
                            schema={"person": pl.Int64, "src": pl.String, "t": pl.Int64, "duration_s": pl.Int64,
                                    "kind": pl.String})
    return WarningWorld(
        path=Path("tiny"), seed=1, residents=1, start=T0 - 86400, end=T0 + 10 * 86400, person_ids=["P1"], ages=[45],
        stations=["凤凰山派出所"],
        victims=[Victim(0, "G1", None, contact_at if first_contact is None else first_contact,
                        sum(f for _, f in pays), payments)],
        reports=[Report(reported_at, None, (GANG,), ())], contacts=contacts, gang_numbers=frozenset({GANG}))


def test_a_victim_dissuaded_before_the_first_payment_loses_nothing() -> None:
    world = _tiny(T0, [(T0 + 3600, 500_000), (T0 + 7200, 300_000)], reported_at=T0 - 3600)
    o = replay(world, officers=NOW).victims[0]
    assert o.reached_at == T0 + 120 and o.dissuaded_at == T0 + 120
    assert (o.paid_fen, o.avoided_fen) == (0, 800_000)
    figures = WarningFigures.of(replay(world, officers=NOW))
    assert (figures.reached_before_payment, figures.dissuaded_before_payment) == (1, 1)
    assert figures.signal_to_contact["median_s"] == 120


def test_a_victim_reached_between_payments_keeps_what_came_before() -> None:
    world = _tiny(T0, [(T0 + 60, 500_000), (T0 + 7200, 300_000)], reported_at=T0 - 3600)
    o = replay(world, officers=NOW).victims[0]
    assert o.dissuaded_at == T0 + 120 and (o.paid_fen, o.avoided_fen) == (500_000, 300_000)
    assert WarningFigures.of(replay(world, officers=NOW)).reached_before_payment == 0


def test_a_victim_reached_after_the_last_payment_avoids_nothing() -> None:
    world = _tiny(T0, [(T0 + 30, 500_000)], reported_at=T0 - 3600)
    o = replay(world, officers=NOW).victims[0]
    assert o.reached_at == T0 + 120 and o.dissuaded_at is None
    assert (o.paid_fen, o.avoided_fen) == (500_000, 0)
    assert o.leads[0].result is Result.DEFRAUDED


def test_a_dissuasion_that_fails_avoids_nothing() -> None:
    never = Officers(**{**NOW.__dict__, "dissuade_before_payment": 0.0, "dissuade_after_first": 0.0,
                        "dissuade_floor": 0.0})
    o = replay(_tiny(T0, [(T0 + 3600, 500_000)], reported_at=T0 - 3600), officers=never).victims[0]
    assert o.reached_at is not None and o.dissuaded_at is None and o.paid_fen == 500_000


def test_a_number_not_yet_flagged_gives_no_signal_until_it_is() -> None:
    world = _tiny(T0, [(T0 + 3600, 500_000)], reported_at=T0 + 1800)  # reported half an hour after the contact
    sigs, _ = signals(world, flag(world))
    assert [(s.time, s.source) for s in sigs[0]] == [(T0 + 1800, LeadSource.FRAUD_CONTACT)]
    o = replay(world, officers=NOW).victims[0]
    assert o.first_signal == T0 + 1800 and o.reached_at == T0 + 1920 and o.paid_fen == 0


def test_a_call_in_progress_is_a_high_lead_and_the_officer_waits_for_the_line() -> None:
    world = _tiny(T0, [(T0 + 7200, 500_000)], reported_at=T0 - 3600, duration=1800)
    sigs, busy = signals(world, flag(world))
    assert sigs[0][0].source is LeadSource.CALL_IN_PROGRESS and busy[0] == [(T0, T0 + 1800)]
    o = replay(world, officers=NOW).victims[0]
    assert o.leads[0].grade is Grade.HIGH
    assert o.reached_at == T0 + 1800  # the officer's call at +3 min found the line busy until the fraud call ended


def test_a_warning_before_the_script_began_has_no_effect() -> None:
    world = _tiny(T0, [(T0 + 10 * 3600, 500_000)], reported_at=T0 - 3600, first_contact=T0 + 5 * 3600)
    o = replay(world, officers=NOW).victims[0]
    assert o.leads[0].result is Result.FALSE_ALARM and o.reached_at is None and o.paid_fen == 500_000


def test_dissuasion_gets_harder_with_each_payment() -> None:
    chances = [OFFICERS.dissuade_p(k) for k in range(8)]
    assert chances == sorted(chances, reverse=True) and chances[0] > chances[1] > chances[2]
    assert chances[-1] >= OFFICERS.dissuade_floor > 0


# --- the command ---------------------------------------------------------------------------------

def test_json_output(world_dir) -> None:
    result = runner.invoke(app, ["drill", "warning", "--world", str(world_dir), "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    desk, none = out["desk"], out["no_desk"]
    for part in (desk, none):
        assert {"victims", "victims_would_pay", "reached_before_first_payment", "share_reached_before_first_payment",
                "dissuaded", "loss_fen", "loss_avoided_fen", "first_signal_to_contact", "leads_by_grade"} <= set(part)
        assert set(part["leads_by_grade"]) == {"high", "medium", "low"}
        assert isinstance(part["loss_fen"], int) and isinstance(part["loss_avoided_fen"], int)
        assert part["loss_fen"] + part["loss_avoided_fen"] == part["truth_loss_fen"]
    assert none["loss_avoided_fen"] == 0 and none["leads"] == 0
    assert out["comparison"]["loss_avoided_fen"] == none["loss_fen"] - desk["loss_fen"] == desk["loss_avoided_fen"]
    assert {"median_s", "p90_s"} <= set(desk["first_signal_to_contact"])
    assert out["assumptions"]["officers"]["answer_p"] == OFFICERS.answer_p
    again = runner.invoke(app, ["drill", "warning", "--world", str(world_dir), "--json"])
    assert json.loads(again.stdout) == out
    seeded = runner.invoke(app, ["drill", "warning", "--world", str(world_dir), "--json", "--seed", "99"])
    assert json.loads(seeded.stdout)["seed"] == 99


def test_the_table(world_dir) -> None:
    result = runner.invoke(app, ["drill", "warning", "--world", str(world_dir), "--no-progress"])
    assert result.exit_code == 0, result.output
    assert "reached before first payment" in result.output and "loss avoided" in result.output


def test_a_folder_that_is_not_a_world(tmp_path) -> None:
    (tmp_path / "notes.txt").write_text("hello")
    result = runner.invoke(app, ["drill", "warning", "--world", str(tmp_path)])
    assert result.exit_code == 1
    assert "not a simulated world" in result.output and "fanzha simulate" in result.output
    missing = runner.invoke(app, ["drill", "warning", "--world", str(tmp_path / "nowhere")])
    assert missing.exit_code == 1 and "no such folder" in missing.output
