"""What the warning drill (劝阻演练) reads from a simulated world's files (never the database).

What the center could know, in time:

- ``registry/residents.csv`` and ``registry/phones.csv``: each resident's age, district, station,
  and the phones registered to them (``kind`` ``resident``; the other kinds are never used, since
  a center does not know which numbers are the gangs').
- ``operators/*/calls.csv`` and ``sms.csv``: every call a resident's phone received (the callee's
  ``被叫`` row) and every SMS it received (``收``), with the calling number. The drill flags numbers
  from these records by a stated rule and turns contacts from flagged numbers into signals. Of the
  numbers that called residents, the handsets (IMEI) their own outgoing calls (``主叫``) were made
  from, with when each was first seen: numbers sharing a handset are linked.
- ``reports/reports.json``: the victims' reports, with when they were made, the numbers that
  contacted them, the cards they paid, and the web addresses and apps they name (the center flags
  all of them at the report's time).
- ``operators/*/visits.csv`` (上网访问记录), when the world has them (older worlds do not, and load
  without visits): which resident's phone reached which web host or app, and when. A site is
  compared as the desk compares it (``domain/fraud_site.py``): a URL by its host (lower case, no
  scheme, port, path or leading ``www.``), an app by its folded name; the drill keys them
  ``url:<host>`` and ``app:<name>``.

The truth it is checked against (never shown to the simulated desk):

- ``truth/victims.csv``: who was defrauded, by which gang and fraud type, and the loss.
- ``truth/stolen_transfers.csv``: each victim's payments (the rows out of an account that is not a
  gang's card, as the funds drill reads them), to the second and the fen.
- ``truth/fraud_numbers.csv``: the gangs' numbers, only to count the flagged numbers that were not.
- ``truth/fraud_sites.csv`` (with the visits): the gangs' URLs and apps, for the ceiling only.

Times are whole seconds since the epoch (UTC); the files' times without a zone are the center's
local time (Asia/Shanghai).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import polars as pl

from fanzha.domain.clock import CENTER_TZ
from fanzha.domain.fraud_site import try_site_key, visit_kind
from fanzha.domain.fraud_type import FraudType
from fanzha.sim.drill.world import NotAWorld, world_header

REQUIRED_FILES = ("world.json", "truth/victims.csv", "truth/stolen_transfers.csv", "truth/fraud_numbers.csv",
                  "registry/residents.csv", "registry/phones.csv", "registry/accounts.csv", "reports/reports.json")
_LOCAL = "%Y-%m-%d %H:%M:%S"


@dataclass(frozen=True)
class Payment:
    time: int  # s since the epoch: when the victim's bank posted it
    fen: int
    to_account: str


@dataclass
class Victim:
    person: int  # index into ``WarningWorld.person_ids``
    gang_id: str
    fraud_type: FraudType | None
    first_contact: int
    loss_fen: int
    payments: list[Payment]  # in time order; their fen sum is the loss

    @property
    def first_payment(self) -> int:
        return self.payments[0].time


@dataclass(frozen=True)
class Report:
    time: int
    fraud_type: FraudType | None
    numbers: tuple[str, ...]  # the phones that contacted the victim
    cards: tuple[str, ...]  # the accounts the victim paid
    sites: tuple[str, ...] = ()  # the web hosts and apps the victim names, as site keys (``site_key``)


@dataclass
class WarningWorld:
    path: Path
    seed: int
    residents: int
    start: int
    end: int
    person_ids: list[str]
    ages: list[int | None]
    stations: list[str | None]
    victims: list[Victim]
    reports: list[Report]
    contacts: pl.DataFrame  # person (int), src (str), t (s), duration_s (calls; null for an SMS), kind ("call"/"sms")
    gang_numbers: frozenset[str]  # the truth, for counting false flags only
    handsets: pl.DataFrame | None = None  # number (str), imei (str), t (s): first call seen from that handset
    visits: pl.DataFrame | None = None  # person (int), site (str: a site key), t (s); None: the world has none
    gang_sites: frozenset[str] = frozenset()  # the truth's site keys of the gangs' URLs and apps (the ceiling only)

    @classmethod
    def load(cls, path: Path) -> WarningWorld:
        path = Path(path)
        seed, residents, start, end = world_header(path, REQUIRED_FILES)
        try:
            people = pl.read_csv(path / "registry" / "residents.csv", infer_schema=False,
                                 columns=["person_id", "age", "station"])
            person_ids = people["person_id"].to_list()
            index = {p: i for i, p in enumerate(person_ids)}
            ages = [int(a) if a else None for a in people["age"].to_list()]
            stations = people["station"].to_list()
            victims = _victims(path, index)
            reports = _reports(path / "reports" / "reports.json")
            contacts = _contacts(path, index)
            handsets = _handsets(path, contacts)
            gang = frozenset(pl.read_csv(path / "truth" / "fraud_numbers.csv", infer_schema=False)["number"].to_list())
            visits = _visits(path, index)
            sites = path / "truth" / "fraud_sites.csv"
            gang_sites = frozenset(site_key(k, v) for k, v in pl.read_csv(sites, infer_schema=False).select(
                "kind", "value").iter_rows()) if sites.is_file() else frozenset()
        except (pl.exceptions.PolarsError, KeyError, ValueError, TypeError) as exc:
            raise NotAWorld(f"{path}: the world's files cannot be read ({exc}); simulate the world again") from None
        return cls(path=path, seed=seed, residents=residents, start=start, end=end, person_ids=person_ids, ages=ages,
                   stations=stations, victims=victims, reports=reports, contacts=contacts, gang_numbers=gang,
                   handsets=handsets, visits=visits, gang_sites=gang_sites)


def _epoch(column: str) -> pl.Expr:
    return pl.col(column).str.to_datetime(_LOCAL).dt.replace_time_zone(str(CENTER_TZ)).dt.epoch("s")


def _fraud_type(value: str | None) -> FraudType | None:
    if not value:
        return None
    for kind in FraudType:
        if value in (kind.value, kind.label_zh, kind.name):
            return kind
    return None


def _victims(path: Path, index: dict[str, int]) -> list[Victim]:
    mules = pl.read_csv(path / "registry" / "accounts.csv", infer_schema=False, columns=["number", "kind"]).filter(
        pl.col("kind") == "mule")["number"].implode()
    paid = (pl.read_csv(path / "truth" / "stolen_transfers.csv", infer_schema=False)
            .filter(~pl.col("from_account").is_in(mules))  # a victim's payment: out of an account not a gang's card
            .select("victim_person_id", _epoch("time").alias("t"), pl.col("stolen_fen").cast(pl.Int64), "to_account",
                    "txn_id")
            .sort(["victim_person_id", "t", "txn_id"]))
    payments: dict[str, list[Payment]] = {}
    for pid, t, fen, to, _ in paid.iter_rows():
        payments.setdefault(pid, []).append(Payment(int(t), int(fen), to))
    frame = pl.read_csv(path / "truth" / "victims.csv", infer_schema=False).select(
        "person_id", "gang_id", "fraud_type", _epoch("first_contact_at").alias("contact"),
        pl.col("loss_fen").cast(pl.Int64))
    victims = []
    for pid, gang, kind, contact, loss in frame.iter_rows():
        mine = payments.get(pid, [])
        if sum(p.fen for p in mine) != loss:
            raise ValueError(f"victim {pid}: payments {sum(p.fen for p in mine)} fen differ from the loss {loss} fen")
        if mine:
            victims.append(Victim(index[pid], gang, _fraud_type(kind), int(contact), int(loss), mine))
    return victims


def _reports(file: Path) -> list[Report]:
    reports = []
    for r in json.loads(file.read_text(encoding="utf-8")):
        at = datetime.fromisoformat(r["reported_at"])
        if at.tzinfo is None:
            raise ValueError(f"report {r.get('report_id')}: reported_at has no zone")
        numbers = tuple(c["value"] for c in r.get("contacts", []) if c.get("kind") == "phone")
        cards = tuple(t["to_account"] for t in r.get("transfers", []) if t.get("to_account"))
        sites = tuple(dict.fromkeys(key for c in r.get("contacts", []) if c.get("kind") in ("url", "app")
                                    and (key := site_key(c["kind"], c.get("value") or ""))))
        reports.append(Report(int(at.timestamp()), _fraud_type(r.get("fraud_type")), numbers, cards, sites))
    return sorted(reports, key=lambda r: r.time)


def site_key(kind: str, value: str) -> str | None:
    """``url:<host>`` or ``app:<name>`` as the desk compares sites (``domain/fraud_site.py``), or None when the
    kind is not a site's or there is nothing to compare."""
    try:
        visit = visit_kind(kind)
    except ValueError:
        return None
    key = try_site_key(visit, value)
    return None if key is None else f"{visit.value}:{key}"


def _owners(path: Path, index: dict[str, int]) -> pl.DataFrame:
    """Each resident's registered phone number → the person."""
    phones = pl.read_csv(path / "registry" / "phones.csv", infer_schema=False,
                         columns=["number", "person_id", "kind"]).filter(pl.col("kind") == "resident")
    return pl.DataFrame({"dst": phones["number"], "person": [index[p] for p in phones["person_id"].to_list()]},
                        schema={"dst": pl.String, "person": pl.Int64})


def _visits(path: Path, index: dict[str, int]) -> pl.DataFrame | None:
    """Every visit by a resident's registered phone, keyed by site; None when the world has no visits.csv."""
    files = sorted((path / "operators").glob("*/visits.csv"))
    if not files:
        return None
    rows = pl.concat([pl.scan_csv(f, infer_schema=False).select(
        dst=pl.col("本机号码"), t=_epoch("访问时间"), kind=pl.col("访问类型"), target=pl.col("访问目标"))
        for f in files]).collect()
    targets = rows.select("kind", "target").unique()
    keys = targets.with_columns(site=pl.Series([site_key(k, v or "") for k, v in targets.iter_rows()],
                                               dtype=pl.String))
    return (rows.join(keys, on=["kind", "target"], how="inner").filter(pl.col("site").is_not_null())
            .join(_owners(path, index), on="dst", how="inner")
            .select("person", "site", "t").sort(["t", "person", "site"]))


def _contacts(path: Path, index: dict[str, int]) -> pl.DataFrame:
    """Every call and SMS a resident's registered phone received, with the number it came from."""
    owner = _owners(path, index)
    frames = []
    for file in sorted((path / "operators").glob("*/calls.csv")):
        frames.append(pl.scan_csv(file, infer_schema=False).filter(pl.col("呼叫类型") == "被叫").select(
            dst=pl.col("本机号码"), src=pl.col("对方号码"), t=_epoch("开始时间"),
            duration_s=pl.col("通话时长").cast(pl.Int64), kind=pl.lit("call")))
    for file in sorted((path / "operators").glob("*/sms.csv")):
        frames.append(pl.scan_csv(file, infer_schema=False).filter(pl.col("收发标志") == "收").select(
            dst=pl.col("本机号码"), src=pl.col("对方号码"), t=_epoch("时间"),
            duration_s=pl.lit(None, dtype=pl.Int64), kind=pl.lit("sms")))
    if not frames:
        raise ValueError("no operators/*/calls.csv or sms.csv")
    return (pl.concat(frames).collect().join(owner, on="dst", how="inner")
            .select("person", "src", "t", "duration_s", "kind").sort(["t", "person", "src"]))


def _handsets(path: Path, contacts: pl.DataFrame) -> pl.DataFrame:
    """The handsets (IMEI) that numbers which called residents made their own calls from, first seen when."""
    callers = contacts.filter(pl.col("kind") == "call")["src"].unique().implode()
    frames = [pl.scan_csv(file, infer_schema=False).filter(pl.col("呼叫类型") == "主叫").select(
        number=pl.col("本机号码"), imei=pl.col("IMEI"), t=_epoch("开始时间"))
        for file in sorted((path / "operators").glob("*/calls.csv"))]
    return (pl.concat(frames).filter(pl.col("number").is_in(callers), pl.col("imei").is_not_null(),
                                     pl.col("imei") != "")
            .group_by("number", "imei").agg(pl.col("t").min()).sort(["imei", "t", "number"]).collect())
