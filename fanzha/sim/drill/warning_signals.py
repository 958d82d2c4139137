"""The warning drill's signals (预警信号): what the center would see, and when.

A number becomes *flagged* (涉诈号码) at the first of:

- a victim's report naming it: at the report's time (the duty officer files it; the telecom desk
  treats reported numbers at once);
- the daily run on the operators' records (``DAILY_RUN_AT``, 02:00, over the previous local day): a
  number that called at least ``CALL_RULE_RESIDENTS`` distinct residents in the day with at least
  ``CALL_RULE_SHORT_SHARE`` of those calls under ``SHORT_CALL_S`` seconds (unanswered or hung up:
  the mark of a caller working down a list), or that texted at least ``SMS_RULE_RESIDENTS``
  distinct residents in the day from a personal mobile number (11 digits starting with 1; service
  numbers such as 1069… send bulk notices legally). A stated stand-in for the number model
  (``fanzha numbers``), simple enough to check by hand; it can flag ordinary numbers too, and the
  drill counts those (``false_flags``).

The operators' own lists are not modelled (the world carries none). A card becomes flagged when a
report names it as paid (level-1 cards), at the report's time.

From then on, per resident:

- a call from a flagged number that is still going ``IN_PROGRESS_AFTER_S`` seconds after it
  started is ``call_in_progress`` at that moment (the call screen sees a connected, ongoing call);
  any other call or SMS from a flagged number is ``fraud_contact`` at its time;
- contacts in the ``LOOKBACK_S`` before a number was flagged become ``fraud_contact`` signals at
  the flag time (the desk pushes leads for the people the number just reached; older contacts are
  left to the mass warning SMS);
- a victim's payment to a flagged card is ``risky_transfer`` ``BANK_ALERT_S`` after it posts (the
  bank's risk system alerts the center).
"""
from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from fanzha.domain.fraud_type import FraudType
from fanzha.domain.warning_lead import LeadSource
from fanzha.sim.drill.warning_world import WarningWorld

HOUR, DAY = 3600, 86400
DAILY_RUN_AT = 2 * HOUR  # the nightly model run, after the operators' day files arrive
SHORT_CALL_S = 10  # as the number features count short calls (engines/number_features.py)
CALL_RULE_RESIDENTS = 8  # ordinary numbers rarely call more than 4 residents a day in the simulated city
CALL_RULE_SHORT_SHARE = 0.5
SMS_RULE_RESIDENTS = 10  # a person texts a handful of people a day, not ten strangers
IN_PROGRESS_AFTER_S = 60  # the screen raises a connected call from a flagged number after a minute
LOOKBACK_S = 7 * DAY
BANK_ALERT_S = 60


@dataclass(frozen=True)
class Signal:
    time: int  # s since the epoch: when the center has it
    source: LeadSource
    contact: bool  # a contact with a flagged number (counts toward repeated contact)
    fraud_type: FraudType | None = None  # known when the flag came from a report
    amount_fen: int = 0  # a risky transfer's amount


@dataclass
class Flags:
    numbers: dict[str, int]  # number → when flagged
    by_report: dict[str, FraudType | None]  # numbers flagged by a report → the report's fraud type
    cards: dict[str, int]  # card → when flagged
    false_flags: int  # flagged numbers that were not the gangs'
    gang_numbers_flagged: int


def flag(world: WarningWorld) -> Flags:
    numbers: dict[str, int] = {}
    by_report: dict[str, FraudType | None] = {}
    cards: dict[str, int] = {}
    for r in world.reports:
        for n in r.numbers:
            if n not in numbers or r.time < numbers[n]:
                numbers[n] = r.time
                by_report[n] = r.fraud_type
        for c in r.cards:
            cards[c] = min(cards.get(c, r.time), r.time)
    day = ((pl.col("t") - world.start) // DAY).alias("day")
    calls = (world.contacts.filter(pl.col("kind") == "call").with_columns(day)
             .group_by("src", "day").agg(residents=pl.col("person").n_unique(),
                                         short=(pl.col("duration_s") < SHORT_CALL_S).mean())
             .filter(pl.col("residents") >= CALL_RULE_RESIDENTS, pl.col("short") >= CALL_RULE_SHORT_SHARE))
    texts = (world.contacts.filter(pl.col("kind") == "sms", pl.col("src").str.contains(r"^1\d{10}$")).with_columns(day)
             .group_by("src", "day").agg(residents=pl.col("person").n_unique())
             .filter(pl.col("residents") >= SMS_RULE_RESIDENTS))
    ruled = pl.concat([calls.select("src", "day"), texts.select("src", "day")]).group_by("src").agg(pl.col("day").min())
    for src, d in ruled.iter_rows():
        at = world.start + (int(d) + 1) * DAY + DAILY_RUN_AT
        if at < numbers.get(src, at + 1):
            numbers[src] = at
            by_report.pop(src, None)
    flagged = set(numbers)
    return Flags(numbers, by_report, cards, false_flags=len(flagged - world.gang_numbers),
                 gang_numbers_flagged=len(flagged & world.gang_numbers))


def signals(world: WarningWorld, flags: Flags) -> tuple[dict[int, list[Signal]], dict[int, list[tuple[int, int]]]]:
    """Each person's signals in time order, and the calls from flagged numbers that keep their line busy."""
    numbers = pl.DataFrame({"src": list(flags.numbers), "flagged_at": list(flags.numbers.values())},
                           schema={"src": pl.String, "flagged_at": pl.Int64})
    hits = (world.contacts.join(numbers, on="src", how="inner")
            .filter(pl.col("t") >= pl.col("flagged_at") - LOOKBACK_S).sort(["person", "t", "src"]))
    out: dict[int, list[Signal]] = {}
    busy: dict[int, list[tuple[int, int]]] = {}
    for person, src, t, duration, kind, flagged_at in hits.select(
            "person", "src", "t", "duration_s", "kind", "flagged_at").iter_rows():
        ftype = flags.by_report.get(src)
        if kind == "call" and duration:
            busy.setdefault(person, []).append((t, t + duration))
        if t < flagged_at:
            out.setdefault(person, []).append(Signal(flagged_at, LeadSource.FRAUD_CONTACT, True, ftype))
        elif kind == "call" and duration is not None and duration >= IN_PROGRESS_AFTER_S:
            out.setdefault(person, []).append(Signal(t + IN_PROGRESS_AFTER_S, LeadSource.CALL_IN_PROGRESS, True, ftype))
        else:
            out.setdefault(person, []).append(Signal(t, LeadSource.FRAUD_CONTACT, True, ftype))
    for v in world.victims:
        for p in v.payments:
            at = flags.cards.get(p.to_account)
            if at is not None and at <= p.time:
                out.setdefault(v.person, []).append(
                    Signal(p.time + BANK_ALERT_S, LeadSource.RISKY_TRANSFER, False, None, p.fen))
    for s in out.values():
        s.sort(key=lambda x: (x.time, x.source.value))
    return out, busy


def assumptions() -> dict:
    """The signal rules' stated constants, for the drill's output."""
    return {"daily_run_at_s": DAILY_RUN_AT, "short_call_s": SHORT_CALL_S, "call_rule_residents": CALL_RULE_RESIDENTS,
            "call_rule_short_share": CALL_RULE_SHORT_SHARE, "sms_rule_residents": SMS_RULE_RESIDENTS,
            "in_progress_after_s": IN_PROGRESS_AFTER_S, "lookback_s": LOOKBACK_S, "bank_alert_s": BANK_ALERT_S}
