"""The warning drill's signals (预警信号): what the center would see, and when.

A number becomes *flagged* (涉诈号码) at the first of:

- a victim's report naming it: at the report's time. The intake raises the number orders from the
  case's contacts at once (``services/telecom/number_orders.py: raise_from_case``), so the number
  is known to the desk the moment the report is filed; everyone then or later in contact with it
  becomes a lead (see below).
- the scoring run on the operators' records (``HOURLY``): every ``every_s`` (an hour) the records
  of the last ``window_s`` (24 hours) up to the run's hour are scored, and the run's flags are out
  ``run_lag_s`` after the hour (the operators' record stream reaches the center within minutes,
  ``services/telecom/stream_records.py``; the run itself takes a few minutes). A number is flagged
  when, in the window, it called at least ``CALL_RULE_RESIDENTS`` distinct residents with at least
  ``CALL_RULE_SHORT_SHARE`` of those calls under ``SHORT_CALL_S`` seconds (unanswered or hung up:
  the mark of a caller working down a list), or texted at least ``SMS_RULE_RESIDENTS`` distinct
  residents from a personal mobile number (11 digits starting with 1; service numbers such as
  1069… send bulk notices legally). The telecom desk runs this very rule, hourly over the last
  24 hours (``domain/number_rule.py``, run by ``services/telecom/number_velocity.py``), beside the number model
  (``engines/number_model.py``, scored by ``services/telecom/number_scoring.py`` over a 30-day
  window once a night), which the drill does not replay; the constants below are the service's and
  must stay equal to them. The rule reads two of the model's own features (``callees`` and
  ``out_short_share`` in ``engines/number_features.py``), simple enough to check by hand, and it
  can flag ordinary numbers too, which the drill counts (``false_flags``). ``NIGHTLY`` is the same
  rule run once a night at 02:00 over the previous local day (the drill's first version).
- a shared handset (一机多卡): a number whose own calls were made from a handset (IMEI) that a
  flagged number also used is flagged at the next run after both uses and the flag are on record
  (the phone → IMEI link the analysis desk's graph draws, ``services/analysis/graph_sources.py``).
  Gangs swap SIM cards in the same phones; residents rarely share a handset with a fraud number.

A web host or app becomes flagged when the first report naming it (the case's contacts of kind
url or app) is filed, at the report's time: the center's list of fraud sites is what the public
risk look-up reads (``services/public/risk_lookup.py``), and the operators match their DNS and
traffic logs against it (涉诈网址/APP访问预警).

The operators' own lists are not modelled (the world carries none). A card becomes flagged when a
report names it as paid (level-1 cards), at the report's time: these are the cards the report's
level-1 stop-payment orders go to at once (the funds desk, ``services/funds``), so a later victim's payment
to a card under stop-payment, or merely flagged, reaches the desk through the bank's feed. Cards
found later by tracing are not used (the drill does not replay the funds desk's traces).

From then on, per resident:

- a call from a flagged number that is still going ``IN_PROGRESS_AFTER_S`` seconds after it
  started is ``call_in_progress`` at that moment (the call screen sees a connected, ongoing call);
  any other call or SMS from a flagged number is ``fraud_contact`` at its time;
- contacts in the ``LOOKBACK_S`` before a number was flagged become ``fraud_contact`` signals at
  the flag time (the desk pushes leads for the people the number just reached; older contacts are
  left to the mass warning SMS);
- a victim's payment to a flagged card is ``risky_transfer`` ``BANK_ALERT_S`` after it posts (the
  bank's risk system alerts the center).
- a visit to a flagged site is ``fraud_url`` ``VISIT_PUSH_S`` after it (the operator's push of the
  hit); visits in the ``LOOKBACK_S`` before the site was flagged become one ``fraud_url`` signal per
  person and site at the flag time.

Which signals raise a lead for an officer (triage, 分级研判): a call in progress, a risky transfer, a
visit to a flagged site (the person went to the gang's page or opened its app: deep in the script,
``Stage.ENGAGED``; residents who only clicked a lure link once raise leads too, which costs officers'
time, as it does a real desk), a call from a flagged number answered for ``LEAD_CALL_S`` (a minute) or more, and any contact that is
the person's ``LEAD_REPEATED_CONTACTS``-th (second) with flagged numbers within 24 hours. A single
SMS or a short, unanswered or hung-up call from a flagged number raises no lead of its own: the
mass warning SMS (``warning_sms``) covers those people, as the 12381 system does; the signal still
joins the person's open lead and counts in its grade. Without this triage every resident a flagged
number touched would be a lead (about 83,000 in a month at 100,000 residents), hundreds of times a
real center's rate (nationally about 23 million warnings and dissuasions a year for 1.4 billion
people), and no roster could work them.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import polars as pl

from fanzha.domain.fraud_type import FraudType
from fanzha.domain.number_rule import (
    CALL_RULE_RESIDENTS,
    CALL_RULE_SHORT_SHARE,
    SHORT_CALL_S,
    SMS_RULE_RESIDENTS,
)
from fanzha.domain.warning_lead import LeadSource
from fanzha.sim.drill.warning_world import WarningWorld

HOUR, DAY = 3600, 86400
IN_PROGRESS_AFTER_S = 60  # the screen raises a connected call from a flagged number after a minute
LOOKBACK_S = 7 * DAY
BANK_ALERT_S = 60
VISIT_PUSH_S = 10 * 60  # the operators match their logs against the center's list in batches of minutes
LEAD_CALL_S = 60  # an answered call of a minute or more with a flagged number: a conversation, worth an officer
LEAD_REPEATED_CONTACTS = 2  # the second contact from flagged numbers within 24 hours: worth an officer


@dataclass(frozen=True)
class Triage:
    """Which contacts with flagged numbers raise an officer's lead: a call of ``call_s`` or more, or the
    ``repeated``-th contact within 24 hours (calls in progress and risky transfers always do)."""

    call_s: int = LEAD_CALL_S
    repeated: int = LEAD_REPEATED_CONTACTS

    def as_dict(self) -> dict:
        return {"lead_call_s": self.call_s, "lead_repeated_contacts": self.repeated}


TRIAGE = Triage()
EVERY_CONTACT = Triage(call_s=0, repeated=1)  # the drill's first version: every contact is a lead


@dataclass(frozen=True)
class Scoring:
    """When the number rule runs: windows ending every ``every_s`` (aligned to the world's first local midnight),
    each over the ``window_s`` before its end, its flags out ``run_lag_s`` after the end."""

    name: str
    every_s: int
    window_s: int
    run_lag_s: int

    def as_dict(self) -> dict:
        return {"name": self.name, "every_s": self.every_s, "window_s": self.window_s, "run_lag_s": self.run_lag_s}


# hourly over the last day: the stream of records is in within minutes, the run takes a few more
HOURLY = Scoring("hourly", HOUR, DAY, 10 * 60)
# once a night at 02:00 over the previous local day, after the operators' day files arrive
NIGHTLY = Scoring("nightly", DAY, DAY, 2 * HOUR)


@dataclass(frozen=True)
class Signal:
    time: int  # s since the epoch: when the center has it
    source: LeadSource
    contact: bool  # a contact with a flagged number (counts toward repeated contact)
    fraud_type: FraudType | None = None  # known when the flag came from a report
    amount_fen: int = 0  # a risky transfer's amount
    opens: bool = True  # it raises a lead for an officer (else it only joins one, and the mass SMS covers it)
    number: str | None = None  # the flagged number of a contact


@dataclass
class Flags:
    numbers: dict[str, int]  # number → when flagged
    by_report: dict[str, FraudType | None]  # numbers flagged by a report → the report's fraud type
    cards: dict[str, int]  # card → when flagged
    false_flags: int  # flagged numbers that were not the gangs'
    gang_numbers_flagged: int
    sites: dict[str, int] = field(default_factory=dict)  # site key (url:<host> / app:<name>) → when flagged
    site_types: dict[str, FraudType | None] = field(default_factory=dict)  # → the first report's fraud type


def flag(world: WarningWorld, scoring: Scoring = HOURLY) -> Flags:
    """When each number and card becomes known to the desk, from the reports and the scoring runs."""
    numbers: dict[str, int] = {}
    by_report: dict[str, FraudType | None] = {}
    cards: dict[str, int] = {}
    sites: dict[str, int] = {}
    site_types: dict[str, FraudType | None] = {}
    for r in world.reports:
        for n in r.numbers:
            if n not in numbers or r.time < numbers[n]:
                numbers[n] = r.time
                by_report[n] = r.fraud_type
        for c in r.cards:
            cards[c] = min(cards.get(c, r.time), r.time)
        for site in r.sites:
            if site not in sites or r.time < sites[site]:
                sites[site], site_types[site] = r.time, r.fraud_type
    for src, at in _ruled(world, scoring).items():
        if at < numbers.get(src, at + 1):
            numbers[src] = at
            by_report.pop(src, None)
    for src, at in _shared_handsets(world, numbers, scoring).items():
        numbers[src] = at
        by_report.pop(src, None)
    flagged = set(numbers)
    return Flags(numbers, by_report, cards, false_flags=len(flagged - world.gang_numbers),
                 gang_numbers_flagged=len(flagged & world.gang_numbers), sites=sites, site_types=site_types)


def _ruled(world: WarningWorld, scoring: Scoring) -> dict[str, int]:
    """Each number the rule flags → the time of the first run whose window meets the rule."""
    if scoring.window_s > DAY:
        raise ValueError("the drill's rule windows are at most a day long")
    day = ((pl.col("t") - world.start) // DAY).alias("day")
    texts = world.contacts.filter(pl.col("kind") == "sms", pl.col("src").str.contains(r"^1\d{10}$"))
    calls = world.contacts.filter(pl.col("kind") == "call")
    out: dict[str, int] = {}
    for frame, least, short in ((calls, CALL_RULE_RESIDENTS, True), (texts, SMS_RULE_RESIDENTS, False)):
        # a window of at most a day lies within two consecutive days: numbers that cannot meet the rule drop out
        daily = frame.with_columns(day).group_by("src", "day").agg(n=pl.col("person").n_unique())
        nxt = daily.select("src", pl.col("day") - 1, next_n=pl.col("n"))
        maybe = (daily.join(nxt, on=["src", "day"], how="left")
                 .filter(pl.col("n") + pl.col("next_n").fill_null(0) >= least)["src"].unique())
        rows = frame.filter(pl.col("src").is_in(maybe.implode())).sort(["src", "t", "person"])
        if rows.height == 0:
            continue
        for (src,), part in rows.group_by(["src"], maintain_order=True):
            at = _first_run(part["t"].to_numpy(), part["person"].to_numpy(),
                            (part["duration_s"].fill_null(0) < SHORT_CALL_S).to_numpy() if short else None,
                            world.start, scoring, least)
            if at is not None and at < out.get(src, at + 1):
                out[src] = at
    return out


def _shared_handsets(world: WarningWorld, numbers: dict[str, int], scoring: Scoring) -> dict[str, int]:
    """Numbers flagged (or flagged earlier) through a handset they share with a flagged number, to a fixed point."""
    if world.handsets is None or world.handsets.height == 0:
        return {}
    shared = world.handsets.filter(pl.col("number").n_unique().over("imei") > 1)
    phones: dict[str, list[tuple[str, int]]] = {}
    for number, imei, t in shared.select("number", "imei", "t").iter_rows():
        phones.setdefault(imei, []).append((number, int(t)))
    known, out = dict(numbers), {}
    every, lag = scoring.every_s, scoring.run_lag_s
    changed = True
    while changed:
        changed = False
        for imei in sorted(phones):
            for y, seen_y in phones[imei]:
                if y not in known:
                    continue
                for x, seen_x in phones[imei]:
                    on_record = max(known[y], seen_y, seen_x)
                    at = world.start + ((on_record - world.start) // every + 1) * every + lag
                    if x != y and at < known.get(x, at + 1):
                        known[x] = out[x] = at
                        changed = True
    return out


def _first_run(t: np.ndarray, person: np.ndarray, short: np.ndarray | None, start: int, scoring: Scoring,
               least: int) -> int | None:
    every, window = scoring.every_s, scoring.window_s
    for end in np.unique(start + ((t - start) // every + 1) * every):
        lo, hi = np.searchsorted(t, end - window, "left"), np.searchsorted(t, end, "left")
        if hi - lo < least or len(set(person[lo:hi].tolist())) < least:
            continue
        if short is not None and short[lo:hi].mean() < CALL_RULE_SHORT_SHARE:
            continue
        return int(end) + scoring.run_lag_s
    return None


def signals(world: WarningWorld, flags: Flags, triage: Triage = TRIAGE
            ) -> tuple[dict[int, list[Signal]], dict[int, list[tuple[int, int]]]]:
    """Each person's signals in time order, and the calls from flagged numbers that keep their line busy."""
    numbers = pl.DataFrame({"src": list(flags.numbers), "flagged_at": list(flags.numbers.values())},
                           schema={"src": pl.String, "flagged_at": pl.Int64})
    hits = (world.contacts.join(numbers, on="src", how="inner")
            .filter(pl.col("t") >= pl.col("flagged_at") - LOOKBACK_S).sort(["person", "t", "src"]))
    out: dict[int, list[Signal]] = {}
    busy: dict[int, list[tuple[int, int]]] = {}
    recent: list[int] = []  # the person's contact times with flagged numbers, for repeated contact
    last = None
    for person, src, t, duration, kind, flagged_at in hits.select(
            "person", "src", "t", "duration_s", "kind", "flagged_at").iter_rows():
        ftype = flags.by_report.get(src)
        if person != last:
            recent, last = [], person
        recent = [x for x in recent if x > t - DAY] + [t]
        talked = kind == "call" and duration is not None and duration >= triage.call_s
        opens = talked or len(recent) >= triage.repeated
        if kind == "call" and duration:
            busy.setdefault(person, []).append((t, t + duration))
        if t < flagged_at:
            out.setdefault(person, []).append(Signal(flagged_at, LeadSource.FRAUD_CONTACT, True, ftype, opens=opens))
        elif kind == "call" and duration is not None and duration >= IN_PROGRESS_AFTER_S:
            out.setdefault(person, []).append(
                Signal(t + IN_PROGRESS_AFTER_S, LeadSource.CALL_IN_PROGRESS, True, ftype, number=src))
        else:
            out.setdefault(person, []).append(Signal(t, LeadSource.FRAUD_CONTACT, True, ftype, opens=opens))
    for v in world.victims:
        for p in v.payments:
            at = flags.cards.get(p.to_account)
            if at is not None and at <= p.time:
                out.setdefault(v.person, []).append(
                    Signal(p.time + BANK_ALERT_S, LeadSource.RISKY_TRANSFER, False, None, p.fen))
    for person, signal in _visit_signals(world, flags):
        out.setdefault(person, []).append(signal)
    for s in out.values():
        s.sort(key=lambda x: (x.time, x.source.value))
    return out, busy


def _visit_signals(world: WarningWorld, flags: Flags) -> list[tuple[int, Signal]]:
    """Visits to flagged sites: at the visit plus the operator's push, or (within the lookback) at the flag."""
    if world.visits is None or not flags.sites:
        return []
    sites = pl.DataFrame({"site": list(flags.sites), "flagged_at": list(flags.sites.values())},
                         schema={"site": pl.String, "flagged_at": pl.Int64})
    hits = (world.visits.join(sites, on="site", how="inner")
            .filter(pl.col("t") >= pl.col("flagged_at") - LOOKBACK_S)
            .with_columns(at=pl.when(pl.col("t") < pl.col("flagged_at")).then(pl.col("flagged_at"))
                          .otherwise(pl.col("t") + VISIT_PUSH_S))
            .unique(["person", "site", "at"]).sort(["person", "at", "site"]))  # earlier visits: one signal at the flag
    return [(person, Signal(at, LeadSource.FRAUD_URL, False, flags.site_types.get(site)))
            for person, site, at in hits.select("person", "site", "at").iter_rows()]


def assumptions(scoring: Scoring = HOURLY, triage: Triage = TRIAGE) -> dict:
    """The signal rules' stated constants, for the drill's output."""
    from fanzha.sim.drill.warning_sms import FLASH_SMS, MASS_SMS

    return {"scoring": scoring.as_dict(), "triage": triage.as_dict(), "mass_sms": MASS_SMS.as_dict(), "short_call_s": SHORT_CALL_S, "call_rule_residents": CALL_RULE_RESIDENTS,
            "call_rule_short_share": CALL_RULE_SHORT_SHARE, "sms_rule_residents": SMS_RULE_RESIDENTS,
            "in_progress_after_s": IN_PROGRESS_AFTER_S, "lookback_s": LOOKBACK_S, "bank_alert_s": BANK_ALERT_S,
            "visit_push_s": VISIT_PUSH_S, "flash_sms": FLASH_SMS.as_dict()}
