"""``fanzha drill warning``: leads as signals appear, officers reach and dissuade, the loss avoided is the truth's."""
from __future__ import annotations

import json
import shutil
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from typer.testing import CliRunner

from fanzha.cli import app
from fanzha.domain.clock import CENTER_TZ
from fanzha.domain.dissuasion import Result
from fanzha.domain.fraud_type import FraudType
from fanzha.domain.warning_lead import Grade, LeadSource
from fanzha.sim.drill.practice import Delay
from fanzha.sim.drill.warning_ceiling import ceiling
from fanzha.sim.drill.warning_duty import UNLIMITED, Duty
from fanzha.sim.drill.warning_figures import WarningFigures, compare
from fanzha.sim.drill.warning_officers import OFFICERS, Officers
from fanzha.sim.drill.warning_replay import replay
from fanzha.sim.drill.warning_signals import (
    EVERY_CONTACT,
    HOURLY,
    LOOKBACK_S,
    NIGHTLY,
    VISIT_PUSH_S,
    flag,
    signals,
)
from fanzha.sim.drill.warning_sms import (
    FLASH_SMS,
    MASS_SMS,
    NO_FLASH,
    NO_SMS,
    FlashSms,
    MassSms,
    broadcasts,
    flashes,
)
from fanzha.sim.drill.warning_world import Payment, Report, Victim, WarningWorld, site_key

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
            assert o.first_reach is not None and o.first_reach <= o.dissuaded_at
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
    pay = {o.person: o.victim.first_payment for o in with_desk.victims}
    by_officer = [o for o in with_desk.victims if o.reached_at is not None and o.reached_at < pay[o.person]]
    by_sms = [o for o in with_desk.victims if o.sms_heeded_at is not None and o.sms_heeded_at < pay[o.person]]
    by_flash = [o for o in with_desk.victims if o.flash_heeded_at is not None and o.flash_heeded_at < pay[o.person]]
    either = {o.person for o in by_officer} | {o.person for o in by_sms} | {o.person for o in by_flash}
    assert figures.officer_reached_before_payment == len(by_officer)
    assert figures.sms_heeded_before_payment == len(by_sms) and figures.flash_heeded_before_payment == len(by_flash)
    via = [o for o in by_officer if LeadSource.FRAUD_URL in o.reached_via]
    assert figures.officer_reached_via_visits_before_payment == len(via)
    assert sum(figures.leads_by_source.values()) == figures.leads and figures.leads_by_source["fraud_url"] > 0
    assert figures.reached_before_payment == len(either) >= figures.officer_reached_before_payment
    assert figures.share_reached_before_payment == len(either) / figures.would_pay
    assert figures.leads == sum(figures.leads_by_grade.values()) > figures.victims  # warned non-victims too
    assert figures.signal_before_payment >= figures.lead_signal_before_payment >= figures.officer_reached_before_payment
    spread = figures.signal_to_contact
    assert spread["victims"] == figures.reached and spread["median_s"] <= spread["p90_s"]
    waits = sorted(lead.queue_wait_s for o in with_desk.victims + with_desk.others for lead in o.leads)
    assert figures.queue_wait["leads"] == len(waits) == figures.leads and min(waits) >= 0
    assert figures.queue_wait["p50_s"] == int(np.median(waits)) <= figures.queue_wait["p90_s"]
    ceiling = figures.ceiling  # from the truth: no desk reaches more than it allows
    assert figures.reached_before_payment <= ceiling["reachable"] <= ceiling["victims_would_pay"] == figures.would_pay


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


def _replay(world: WarningWorld, officers: Officers = NOW, **rules):
    """The officers' mechanics alone: every contact a lead, no warning or flash SMS (their own tests are below)."""
    return replay(world, officers=officers, **{"triage": EVERY_CONTACT, "sms": NO_SMS, "flash": NO_FLASH, **rules})


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
    o = _replay(world).victims[0]
    assert o.reached_at == T0 + 120 and o.dissuaded_at == T0 + 120
    assert (o.paid_fen, o.avoided_fen) == (0, 800_000)
    figures = WarningFigures.of(_replay(world))
    assert (figures.reached_before_payment, figures.dissuaded_before_payment) == (1, 1)
    assert figures.signal_to_contact["median_s"] == 120


def test_a_victim_reached_between_payments_keeps_what_came_before() -> None:
    world = _tiny(T0, [(T0 + 60, 500_000), (T0 + 7200, 300_000)], reported_at=T0 - 3600)
    o = _replay(world).victims[0]
    assert o.dissuaded_at == T0 + 120 and (o.paid_fen, o.avoided_fen) == (500_000, 300_000)
    assert WarningFigures.of(_replay(world)).reached_before_payment == 0


def test_a_victim_reached_after_the_last_payment_avoids_nothing() -> None:
    world = _tiny(T0, [(T0 + 30, 500_000)], reported_at=T0 - 3600)
    o = _replay(world).victims[0]
    assert o.reached_at == T0 + 120 and o.dissuaded_at is None
    assert (o.paid_fen, o.avoided_fen) == (500_000, 0)
    assert o.leads[0].result is Result.DEFRAUDED


def test_a_dissuasion_that_fails_avoids_nothing() -> None:
    never = Officers(**{**NOW.__dict__, "dissuade_before_payment": 0.0, "dissuade_after_first": 0.0,
                        "dissuade_floor": 0.0})
    o = _replay(_tiny(T0, [(T0 + 3600, 500_000)], reported_at=T0 - 3600), never).victims[0]
    assert o.reached_at is not None and o.dissuaded_at is None and o.paid_fen == 500_000


def test_a_number_not_yet_flagged_gives_no_signal_until_it_is() -> None:
    world = _tiny(T0, [(T0 + 3600, 500_000)], reported_at=T0 + 1800)  # reported half an hour after the contact
    sigs, _ = signals(world, flag(world))
    assert [(s.time, s.source) for s in sigs[0]] == [(T0 + 1800, LeadSource.FRAUD_CONTACT)]
    o = _replay(world).victims[0]
    assert o.first_signal == T0 + 1800 and o.reached_at == T0 + 1920 and o.paid_fen == 0


def test_a_call_in_progress_is_a_high_lead_and_the_officer_waits_for_the_line() -> None:
    world = _tiny(T0, [(T0 + 7200, 500_000)], reported_at=T0 - 3600, duration=1800)
    sigs, busy = signals(world, flag(world))
    assert sigs[0][0].source is LeadSource.CALL_IN_PROGRESS and busy[0] == [(T0, T0 + 1800)]
    o = _replay(world).victims[0]
    assert o.leads[0].grade is Grade.HIGH
    # seen at +1 min, signed +2, dialled +3: the line is busy, so the patrol goes at once and is there 10 min later
    assert o.reached_at == T0 + 780 and o.leads[0].attempt_at == T0 + 1800
    nobody_home = _replay(world, Officers(**{**NOW.__dict__, "found_p": 0.0})).victims[0]
    assert nobody_home.reached_at == T0 + 1800  # no one at the door: the officer gets through when the fraud call ends


def test_a_warning_before_the_script_began_has_no_effect() -> None:
    world = _tiny(T0, [(T0 + 10 * 3600, 500_000)], reported_at=T0 - 3600, first_contact=T0 + 5 * 3600)
    o = _replay(world).victims[0]
    assert o.leads[0].result is Result.FALSE_ALARM and o.reached_at is None and o.paid_fen == 500_000


def test_dissuasion_gets_harder_with_each_payment() -> None:
    chances = [OFFICERS.dissuade_p(k) for k in range(8)]
    assert chances == sorted(chances, reverse=True) and chances[0] > chances[1] > chances[2]
    assert chances[-1] >= OFFICERS.dissuade_floor > 0


# --- a hand-made street: several residents, one station ------------------------------------------

STATION = "凤凰山派出所"
MIDNIGHT = (T0 + 8 * 3600) // 86400 * 86400 - 8 * 3600  # the local midnight before T0 (20:53 local)
CARD = "6222000000000009"


def _street(contacts: list[tuple[int, str, int, int | None]], residents: int, victims: list[Victim] = (),
            reports: list[Report] = (), gang: frozenset[str] = frozenset({GANG}),
            handsets: list[tuple[str, str, int]] = ()) -> WarningWorld:
    """``contacts``: (person, number, time, call seconds or None for an SMS); ``handsets``: (number, IMEI, first
    seen)."""
    frame = pl.DataFrame({"person": [c[0] for c in contacts], "src": [c[1] for c in contacts],
                          "t": [c[2] for c in contacts], "duration_s": [c[3] for c in contacts],
                          "kind": ["call" if c[3] is not None else "sms" for c in contacts]},
                         schema={"person": pl.Int64, "src": pl.String, "t": pl.Int64, "duration_s": pl.Int64,
                                 "kind": pl.String}).sort(["t", "person", "src"])
    return WarningWorld(path=Path("street"), seed=1, residents=residents, start=MIDNIGHT, end=MIDNIGHT + 10 * 86400,
                        person_ids=[f"P{i}" for i in range(residents)], ages=[45] * residents,
                        stations=[STATION] * residents, victims=list(victims), reports=sorted(reports, key=lambda r: r.time),
                        contacts=frame, gang_numbers=gang,
                        handsets=pl.DataFrame(list(handsets), schema={"number": pl.String, "imei": pl.String,
                                                                      "t": pl.Int64}, orient="row"))


ONE_OFFICER = Duty(roster=(1,) * 24)


def test_one_officer_works_the_queue_by_grade_then_age() -> None:
    # three residents called by a reported number: A at +0 and B at +10 s (short calls, the same grade),
    # C at +20 s on a call still going a minute later (高). One officer; each answered call holds them 12 min.
    world = _street([(0, GANG, T0, 30), (1, GANG, T0 + 10, 30), (2, GANG, T0 + 20, 100)], residents=3,
                    reports=[Report(T0 - 3600, None, (GANG,), ())])
    out = _replay(world, Officers(**{**NOW.__dict__, "duty": ONE_OFFICER}))
    lead = {o.person: o.leads[0] for o in out.others}
    a, b, c = lead[0], lead[1], lead[2]
    assert c.grade is Grade.HIGH and a.grade is b.grade and a.grade.rank > c.grade.rank
    assert (a.signed_at, a.taken_at, a.contact_at) == (T0 + 60, T0 + 60, T0 + 120)  # the officer was free
    # the officer is back at +120 + 720: C (高, signed at +140) before B (older, signed at +70)
    assert (c.signed_at, c.taken_at, c.contact_at) == (T0 + 140, T0 + 840, T0 + 900)
    assert (b.signed_at, b.taken_at, b.contact_at) == (T0 + 70, T0 + 900 + 720, T0 + 1680)
    assert (a.queue_wait_s, c.queue_wait_s, b.queue_wait_s) == (0, 700, 1550)
    figures = WarningFigures.of(out)
    assert figures.queue_wait["leads"] == 3 and figures.queue_wait["max_s"] == 1550
    assert figures.queue_wait["by_grade"]["high"] == {"leads": 1, "p50_s": 700, "p90_s": 700, "max_s": 700}
    free = _replay(world, Officers(**{**NOW.__dict__, "duty": UNLIMITED}))
    assert all(lead.queue_wait_s == 0 for o in free.others for lead in o.leads)  # unlimited: no one waits


def test_officers_come_on_duty_by_the_hour() -> None:
    # no one on warning duty until the hour after T0: a lead signed at +60 s waits for the shift
    hour = (T0 // 3600 + 1) * 3600
    roster = Duty(roster=tuple(0 if h == (T0 // 3600 + 8) % 24 else 1 for h in range(24)))
    assert roster.on_duty(T0) == 0 and roster.on_duty(hour) == 1
    world = _street([(0, GANG, T0, 30)], residents=1, reports=[Report(T0 - 3600, None, (GANG,), ())])
    lead = _replay(world, Officers(**{**NOW.__dict__, "duty": roster})).others[0].leads[0]
    assert (lead.signed_at, lead.taken_at, lead.contact_at) == (T0 + 60, hour, hour + 60)
    for bad in ((1,) * 23, (0,) * 24, (1,) * 23 + (-1,)):
        with pytest.raises(ValueError, match="24 hourly counts"):
            Duty(roster=bad)


def test_a_report_flags_its_numbers_and_their_later_contacts_become_leads() -> None:
    # victim 0 reports at +0, naming the number and the card; resident 1 talked with the number an hour
    # before (a lead at the report), resident 2 is called five minutes after it (a call in progress)
    victim = Victim(0, "G1", None, T0 - 7200, 100_000, [Payment(T0 - 3600, 100_000, CARD)])
    world = _street([(0, GANG, T0 - 7200, 600), (1, GANG, T0 - 3600, 300), (2, GANG, T0 + 300, 300)], residents=3,
                    victims=[victim], reports=[Report(T0, None, (GANG,), (CARD,))])
    flags = flag(world)
    assert flags.numbers == {GANG: T0} and flags.cards == {CARD: T0}
    sigs, _ = signals(world, flags)
    assert [(s.time, s.source) for s in sigs[1]] == [(T0, LeadSource.FRAUD_CONTACT)]
    assert [(s.time, s.source) for s in sigs[2]] == [(T0 + 360, LeadSource.CALL_IN_PROGRESS)]
    out = replay(world, officers=Officers(**{**NOW.__dict__, "duty": UNLIMITED}), sms=NO_SMS)
    lead = {o.person: o.leads[0] for o in out.others}
    assert lead[1].opened_at == T0 and lead[2].opened_at == T0 + 360 and lead[2].grade is Grade.HIGH
    # dialled at +480 into a busy line: the patrol would be there at +1080, the call gets through when the fraud
    # call ends at +600
    assert lead[2].contact_at == T0 + 600


def test_a_number_not_yet_known_never_raises_a_lead() -> None:
    # the gangs' number talks with three residents; nobody reports it and it calls too few to meet the rule
    world = _street([(i, GANG, T0 + 60 * i, 600) for i in range(3)], residents=3)
    assert flag(world).numbers == {}
    assert signals(world, flag(world))[0] == {}
    out = replay(world, officers=NOW)
    assert out.others == [] and WarningFigures.of(out).leads == 0
    # reported a day later: the leads open at the report, never before
    later = _street([(i, GANG, T0 + 60 * i, 600) for i in range(3)], residents=3,
                    reports=[Report(T0 + 86400, None, (GANG,), ())])
    assert all(lead.opened_at >= T0 + 86400 for o in replay(later, officers=NOW).others for lead in o.leads)


def test_the_truths_list_of_gang_numbers_changes_nothing_the_desk_does(world) -> None:
    blind = replace(world, gang_numbers=frozenset())
    a, b = replay(world), replay(blind)
    assert [(o.person, [(x.opened_at, x.contact_at, x.result) for x in o.leads], o.dissuaded_at)
            for o in a.victims + a.others] == \
        [(o.person, [(x.opened_at, x.contact_at, x.result) for x in o.leads], o.dissuaded_at)
         for o in b.victims + b.others]
    assert a.flags.numbers == b.flags.numbers


def test_every_lead_follows_a_flag_on_a_number_that_reached_the_person(world, with_desk) -> None:
    flags = with_desk.flags
    known: dict[int, int] = {}
    for person, src in world.contacts.select("person", "src").iter_rows():
        if src in flags.numbers:
            known[person] = min(known.get(person, flags.numbers[src]), flags.numbers[src])
    for v in world.victims:  # or a card they paid
        for p in v.payments:
            if p.to_account in flags.cards:
                known[v.person] = min(known.get(v.person, flags.cards[p.to_account]), flags.cards[p.to_account])
    for o in with_desk.victims + with_desk.others:
        for lead in o.leads:
            assert lead.opened_at >= known[o.person], o.person_id


def test_the_hourly_run_flags_a_number_calling_down_a_list_within_the_hour() -> None:
    # a number calls 8 residents, 6 of them for under 10 s, between 09:00 and 09:35 local on T0's day
    nine = MIDNIGHT + 9 * 3600
    calls = [(i, "17000000000", nine + 300 * i, 5 if i < 6 else 40) for i in range(8)]
    world = _street(calls, residents=8, gang=frozenset())
    assert flag(world, HOURLY).numbers == {"17000000000": nine + 3600 + 600}  # the 10:00 window, out at 10:10
    assert flag(world, NIGHTLY).numbers == {"17000000000": MIDNIGHT + 86400 + 2 * 3600}  # the next night's run
    assert flag(_street(calls[:7], residents=8, gang=frozenset()), HOURLY).numbers == {}  # 7 residents: not enough
    mostly_talk = [(i, n, t, 40) for i, n, t, _ in calls]
    assert flag(_street(mostly_talk, residents=8, gang=frozenset()), HOURLY).numbers == {}  # real conversations


def test_a_number_in_a_flagged_numbers_handset_is_flagged_at_the_next_run() -> None:
    other, resident = "13100000002", "13800000001"
    handsets = [(GANG, "860000000000001", T0 - 86400), (other, "860000000000001", T0 + 100),
                (resident, "860000000000002", T0)]
    world = _street([(0, GANG, T0 - 600, 300), (1, other, T0 + 4000, 300), (2, resident, T0 + 4000, 300)],
                    residents=3, reports=[Report(T0, None, (GANG,), ())], handsets=handsets)
    # both uses and the report are on record at +100 s; the next hour is 21:00 local (+400 s), out 10 minutes later
    assert flag(world).numbers == {GANG: T0, other: T0 + 1000}
    sigs, _ = signals(world, flag(world))
    assert [(s.time, s.source) for s in sigs[1]] == [(T0 + 4060, LeadSource.CALL_IN_PROGRESS)] and 2 not in sigs
    unreported = _street([(1, other, T0 + 4000, 300)], residents=3, handsets=handsets)
    assert flag(unreported).numbers == {}  # a shared handset alone flags nothing


def test_triage_leaves_single_sms_to_the_mass_warning() -> None:
    reported = [Report(T0 - 3600, None, (GANG,), ())]
    world = _street([(0, GANG, T0, None), (1, GANG, T0, 20), (1, GANG, T0 + 600, None), (2, GANG, T0, 90)],
                    residents=3, reports=reported)
    sigs, _ = signals(world, flag(world))
    assert [s.opens for s in sigs[0]] == [False]  # one SMS
    assert [s.opens for s in sigs[1]] == [False, True]  # a short call, then a second contact within the day
    assert [(s.source, s.opens) for s in sigs[2]] == [(LeadSource.CALL_IN_PROGRESS, True)]
    out = replay(world, officers=NOW)
    assert sorted(o.person for o in out.others) == [1, 2]
    assert [lead.opened_at for o in out.others if o.person == 1 for lead in o.leads] == [T0 + 600]


def test_a_warning_sms_is_sent_at_the_next_run_and_its_stated_effect_is_applied() -> None:
    heeds = MassSms(delivered_p=1.0, heed_before_payment=1.0, heed_after_payment=1.0)
    pays = [(T0 + 5 * 3600, 500_000)]
    world = _tiny(T0, pays, reported_at=T0 - 3600, duration=None)  # one SMS: no officer's lead
    sent = broadcasts(world, flag(world), seed=1, sms=heeds)
    assert (sent.sent, sent.delivered, sent.to_victims) == (1, 1, {0: [T0 + 3600 + 600 + 60]})
    out = replay(world, officers=NOW, sms=heeds)
    o = out.victims[0]
    assert o.leads == [] and o.reached_at is None
    assert o.sms_heeded_at == o.dissuaded_at == T0 + 4260 and (o.paid_fen, o.avoided_fen) == (0, 500_000)
    figures = WarningFigures.of(out)
    assert (figures.reached_before_payment, figures.officer_reached_before_payment,
            figures.sms_heeded_before_payment) == (1, 0, 1)
    assert figures.sms == {"sent": 1, "delivered": 1, "victims_stopped": 1}
    # before the script began the SMS does nothing; flagged before the contact, it reaches the victim at the
    # contact's next run; with the stated chances most victims pay anyway
    early = replay(_tiny(T0, pays, reported_at=T0 - 3600, duration=None, first_contact=T0 + 2 * 3600),
                   officers=NOW, sms=heeds).victims[0]
    assert early.sms_heeded_at is None and early.paid_fen == 500_000
    assert MASS_SMS.heed_p(0) <= 0.1 and MASS_SMS.heed_p(1) < MASS_SMS.heed_p(0)


def test_a_payment_to_a_reported_card_raises_a_lead_a_minute_later() -> None:
    first = Victim(0, "G1", None, T0 - 86400, 100_000, [Payment(T0 - 86000, 100_000, CARD)])
    second = Victim(1, "G1", None, T0, 300_000, [Payment(T0 + 600, 100_000, CARD), Payment(T0 + 7200, 200_000, CARD)])
    world = _street([], residents=2, victims=[first, second], reports=[Report(T0 - 3600, None, (), (CARD,))])
    sigs, _ = signals(world, flag(world))
    assert 0 not in sigs  # paid before the card was known
    assert [(s.time, s.source, s.amount_fen) for s in sigs[1]] == [
        (T0 + 660, LeadSource.RISKY_TRANSFER, 100_000), (T0 + 7260, LeadSource.RISKY_TRANSFER, 200_000)]
    o = replay(world, officers=NOW, sms=NO_SMS).victims[1]
    # paying (3 points) and an amount seen leaving (1): 中, signed in a minute, called a minute later
    assert o.leads[0].grade is Grade.MEDIUM and o.dissuaded_at == T0 + 780 and o.avoided_fen == 200_000


def test_the_ceiling_counts_who_paid_before_anyone_could_respond() -> None:
    quick = Victim(0, "G1", None, T0, 100_000, [Payment(T0 + 100, 100_000, CARD)])  # paid 100 s after an SMS
    slow = Victim(1, "G1", None, T0, 100_000, [Payment(T0 + 3 * 3600, 100_000, CARD)])
    silent = Victim(2, "G1", None, T0, 100_000, [Payment(T0 + 3600, 100_000, CARD)])  # the gang never called
    world = _street([(0, GANG, T0, None), (1, GANG, T0, 600), (2, "13999999999", T0, 600)], residents=3,
                    victims=[quick, slow, silent])
    c = ceiling(world)
    assert (c.would_pay, c.no_gang_contact_before_payment, c.pay_before_any_response, c.reachable) == (3, 1, 1, 1)
    assert c.pay_within == {1800: 1, 3600: 1, 7200: 1, 21600: 2}


# --- visits to fraud sites (上网访问记录) and the flash SMS (闪信) ----------------------------------

SITE = "url:dl.abcdef.top"


def _visited(world: WarningWorld, rows: list[tuple[int, str, int]]) -> WarningWorld:
    """The world with these visits: (person, site key, time)."""
    frame = pl.DataFrame(rows, schema={"person": pl.Int64, "site": pl.String, "t": pl.Int64}, orient="row")
    return replace(world, visits=frame.sort(["t", "person", "site"]))


def test_sites_are_compared_as_the_contract_says() -> None:
    assert site_key("网址", "HTTPS://www.Dl.ABCDEF.top:8443/6v8z?x=1") == SITE
    assert site_key("url", " dl.abcdef.top ") == site_key("URL", "http://dl.abcdef.top/other") == SITE
    assert site_key("应用", " 云办公 ") == site_key("app", "云办公") == "app:云办公"
    assert site_key("url", "") is None and site_key("app", "  ") is None and site_key("qq", "123456") is None


def test_a_visit_to_a_site_a_report_named_raises_a_fraud_url_lead() -> None:
    report = Report(T0, FraudType.FAKE_INVESTMENT, (), (), (SITE,))
    world = _visited(_street([], residents=2, reports=[report]),
                     [(0, SITE, T0 + 600), (1, "url:news.example.cn", T0 + 600)])
    flags = flag(world)
    assert flags.sites == {SITE: T0} and flags.site_types == {SITE: FraudType.FAKE_INVESTMENT}
    sigs, _ = signals(world, flags)
    assert [(s.time, s.source, s.opens, s.fraud_type) for s in sigs[0]] == [
        (T0 + 600 + VISIT_PUSH_S, LeadSource.FRAUD_URL, True, FraudType.FAKE_INVESTMENT)]
    assert 1 not in sigs  # an ordinary site
    out = replay(world, officers=Officers(**{**NOW.__dict__, "duty": UNLIMITED}), sms=NO_SMS)
    lead = out.others[0].leads[0]
    assert lead.opened_by is LeadSource.FRAUD_URL and lead.opened_at == T0 + 600 + VISIT_PUSH_S
    assert (lead.grade, lead.points) == (Grade.MEDIUM, 5)  # deep in the script (2), a reported site (2), high-loss type (1)
    figures = WarningFigures.of(out)
    assert figures.leads_by_source["fraud_url"] == figures.leads == 1 and figures.sites_flagged == 1
    untyped = _visited(_street([], residents=1, reports=[Report(T0, None, (), (), (SITE,))]), [(0, SITE, T0 + 600)])
    untyped_lead = replay(untyped, officers=NOW, sms=NO_SMS).others[0].leads[0]
    assert (untyped_lead.grade, untyped_lead.points) == (Grade.MEDIUM, 4)  # no fraud type known: one point less


def test_visits_before_the_report_become_signals_at_the_report() -> None:
    world = _visited(_street([], residents=3, reports=[Report(T0, None, (), (), (SITE,))]),
                     [(0, SITE, T0 - 3600), (0, SITE, T0 - 2 * 86400), (1, SITE, T0 - LOOKBACK_S - 60),
                      (2, SITE, T0 + 60)])
    sigs, _ = signals(world, flag(world))
    assert [(s.time, s.source) for s in sigs[0]] == [(T0, LeadSource.FRAUD_URL)]  # two visits, one signal at the report
    assert 1 not in sigs  # before the lookback: left alone
    assert [s.time for s in sigs[2]] == [T0 + 60 + VISIT_PUSH_S]
    assert all(lead.opened_at >= T0 for o in replay(world, officers=NOW).others for lead in o.leads)


def test_a_victim_reached_through_a_visit_before_paying() -> None:
    victim = Victim(0, "G1", None, T0 + 300, 500_000, [Payment(T0 + 5 * 3600, 500_000, CARD)])
    world = _visited(_street([], residents=1, victims=[victim], reports=[Report(T0, None, (), (), (SITE,))]),
                     [(0, SITE, T0 + 600)])
    out = replay(world, officers=NOW, sms=NO_SMS, flash=NO_FLASH)
    o = out.victims[0]
    assert o.reached_at == T0 + 600 + VISIT_PUSH_S + 120 and o.paid_fen == 0 and LeadSource.FRAUD_URL in o.reached_via
    figures = WarningFigures.of(out)
    assert figures.officer_reached_via_visits_before_payment == figures.officer_reached_before_payment == 1
    blind = replay(replace(world, visits=None), officers=NOW, sms=NO_SMS).victims[0]
    assert blind.reached_at is None and blind.paid_fen == 500_000  # without the visit records nothing is seen


def test_a_world_without_visits_still_runs(world_dir, world, with_desk, tmp_path) -> None:
    assert world.visits is not None and world.visits.height > 0 and world.gang_sites
    assert WarningFigures.of(with_desk).leads_by_source["fraud_url"] > 0
    old = tmp_path / "old"
    shutil.copytree(world_dir, old, ignore=shutil.ignore_patterns("visits.csv", "fraud_sites.csv"))
    loaded = WarningWorld.load(old)
    assert loaded.visits is None and loaded.gang_sites == frozenset()
    figures = WarningFigures.of(replay(loaded))
    assert figures.leads_by_source["fraud_url"] == 0 and figures.leads > 0
    assert figures.ceiling["reachable_only_by_visits"] == 0


def test_a_flash_sms_at_a_call_in_progress_is_counted_apart() -> None:
    heeds = FlashSms(delivered_p=1.0, heed_before_payment=1.0, heed_after_payment=1.0)
    world = _tiny(T0, [(T0 + 7200, 500_000)], reported_at=T0 - 3600, duration=1800)
    out = replay(world, officers=NOW, sms=NO_SMS, flash=heeds)
    o = out.victims[0]
    assert o.flash_heeded_at == o.dissuaded_at == T0 + 60 + heeds.delivery_s and o.paid_fen == 0
    figures = WarningFigures.of(out)
    assert (figures.flash_heeded_before_payment, figures.sms_heeded_before_payment,
            figures.reached_before_payment) == (1, 0, 1)
    assert figures.flash == {"sent": 1, "delivered": 1, "victims_stopped": 1}
    assert replay(world, officers=NOW, sms=NO_SMS, flash=NO_FLASH).victims[0].flash_heeded_at is None
    texted = replay(_tiny(T0, [(T0 + 7200, 500_000)], reported_at=T0 - 3600, duration=None), officers=NOW,
                    sms=NO_SMS, flash=heeds)
    assert texted.flashes.sent == 0 and texted.victims[0].flash_heeded_at is None  # an SMS is no call in progress
    assert (FLASH_SMS.heed_before_payment, FLASH_SMS.heed_after_payment) == \
        (MASS_SMS.heed_before_payment, MASS_SMS.heed_after_payment)


def test_a_flash_sms_goes_once_per_resident_and_number() -> None:
    other = "13100000002"
    world = _street([(0, GANG, T0, 300), (0, GANG, T0 + 3600, 300), (0, other, T0 + 7200, 300), (1, GANG, T0, 300)],
                    residents=2, reports=[Report(T0 - 3600, None, (GANG, other), ())])
    sigs, _ = signals(world, flag(world))
    assert sum(s.source is LeadSource.CALL_IN_PROGRESS for s in sigs[0]) == 3
    assert flashes(sigs, set(), seed=1, flash=FlashSms(delivered_p=1.0)).sent == 3  # 0 by two numbers, 1 by one


def test_the_drills_number_rule_runs_as_often_and_as_far_back_as_the_services() -> None:
    from fanzha.domain import number_rule

    assert (HOURLY.every_s, HOURLY.window_s) == (number_rule.EVERY.total_seconds(), number_rule.WINDOW.total_seconds())


def test_the_ceiling_counts_visits_to_the_gangs_sites() -> None:
    quiet = Victim(0, "G1", None, T0, 100_000, [Payment(T0 + 3600, 100_000, CARD)])  # no call, one visit
    quick = Victim(1, "G1", None, T0, 100_000, [Payment(T0 + 700, 100_000, CARD)])  # paid before the push + response
    world = replace(_visited(_street([], residents=2, victims=[quiet, quick]), [(0, SITE, T0 + 60), (1, SITE, T0 + 60)]),
                    gang_sites=frozenset({SITE}))
    c = ceiling(world)
    assert (c.no_gang_contact_before_payment, c.pay_before_any_response, c.reachable, c.reachable_only_by_visits) == \
        (0, 1, 1, 1)
    assert ceiling(replace(world, visits=None)).no_gang_contact_before_payment == 2


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
    assert out["assumptions"]["officers"]["duty"]["roster_by_local_hour"] == list(OFFICERS.duty.roster)
    assert out["assumptions"]["signals"]["scoring"] == {"name": "hourly", "every_s": 3600, "window_s": 86400,
                                                        "run_lag_s": 600}
    assert {"triage", "mass_sms"} <= set(out["assumptions"]["signals"])
    waits = desk["queue_wait"]
    assert waits["leads"] == desk["leads"] and waits["p50_s"] <= waits["p90_s"] <= waits["max_s"]
    assert set(waits["by_grade"]) == {"high", "medium", "low"}
    by_officers, by_sms = desk["reached_before_first_payment_by_officers"], desk["stopped_by_warning_sms_before_first_payment"]
    by_flash = desk["stopped_by_flash_sms_before_first_payment"]
    assert by_officers <= desk["reached_before_first_payment"] <= by_officers + by_sms + by_flash
    assert desk["reached_before_first_payment_by_officers_via_visits"] <= by_officers
    assert sum(desk["leads_by_source"].values()) == desk["leads"]
    assert desk["ceiling"]["reachable"] >= desk["reached_before_first_payment"]
    assert desk["warning_sms"]["delivered"] <= desk["warning_sms"]["sent"] and none["warning_sms"]["sent"] == 0
    again = runner.invoke(app, ["drill", "warning", "--world", str(world_dir), "--json"])
    assert json.loads(again.stdout) == out
    seeded = runner.invoke(app, ["drill", "warning", "--world", str(world_dir), "--json", "--seed", "99"])
    assert json.loads(seeded.stdout)["seed"] == 99


def test_the_table(world_dir) -> None:
    result = runner.invoke(app, ["drill", "warning", "--world", str(world_dir), "--no-progress"])
    assert result.exit_code == 0, result.output
    assert "reached before first payment" in result.output and "loss avoided" in result.output
    assert "queue wait p50 / p90 / max" in result.output and "warning SMS 预警短信 sent / delivered" in result.output
    assert "ceiling: reachable" in result.output and "flash SMS 闪信 sent / delivered" in result.output
    assert "leads opened by fraud_url" in result.output and "reached before paying via a site visit" in result.output


def test_a_folder_that_is_not_a_world(tmp_path) -> None:
    (tmp_path / "notes.txt").write_text("hello")
    result = runner.invoke(app, ["drill", "warning", "--world", str(tmp_path)])
    assert result.exit_code == 1
    assert "not a simulated world" in result.output and "fanzha simulate" in result.output
    missing = runner.invoke(app, ["drill", "warning", "--world", str(tmp_path / "nowhere")])
    assert missing.exit_code == 1 and "no such folder" in missing.output
