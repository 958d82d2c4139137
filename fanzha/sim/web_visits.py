"""Visits to web addresses and apps (上网访问记录): what the operators see in their DNS and traffic logs.

Writes ``operators/<OP>/visits.csv`` in the format agreed for the center's importer (本机号码, 访问时间,
访问类型 网址/应用, 访问目标, 目的IP, 运营商; local times), each subscriber's rows in their own
operator's file, in time order, and ``truth/fraud_sites.csv`` (every domain each gang used, with
when it was live, and its apps). Three kinds of visit, each number a stated assumption, not a
measurement:

- victims whose script reaches them through a link or an app (``fraud_scripts``: ``online`` has
  ``url`` or ``app``) visit their gang's site and app: once between the first contact and the first
  payment (the link in the SMS, the download page), shortly before each payment (the fake
  platform's pay page) and a few times more while the script runs (the fake balance, the app's
  "customer service"). Their report names that app and every domain they visited (``Victim.online``
  is set here, before the reports are written). Victims reached only by QQ or WeChat visit no site.
- residents who got a gang's lure SMS with a link and did not fall for it open the link with a
  small chance, once;
- everyone's ordinary browsing and apps, from a pool of made-up ordinary sites, sparse enough to
  keep the files small, so that the file is mostly not fraud, as a real log is.

Gangs move each landing page to a fresh domain every ``URL_LIFETIME_DAYS`` and repackage each app
under a new name every ``APP_LIFETIME_DAYS`` (the gang's contacts then list every domain and name it
used), so a site flagged from one report catches only the visits of the days after. Every gang's app
has a name of its own from the start (``gangs.APP_NAMES`` is a short list; a second gang drawing a
name already taken runs it under a fresh one), so a report on one gang's app never flags another's.
Simplified, and said so: a repackaged app gets
an unrelated name (real ones often keep a look-alike name that a fuzzy match would catch); the lure
texts keep the link and app name they were written with, and a click lands on the domain live then
(the old domain forwarding); a victim visits only their own gang's sites; the operator's log is
given whole (a real one is pushed as hits on the center's list). Draws come from the world's
seeded streams, so the same seed gives the same files.
"""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
import polars as pl

from fanzha.domain.organisation import OPERATORS
from fanzha.sim.csvout import CsvAppender, ip_text, local_times, write_csv
from fanzha.sim.gangs import TLDS, Gang
from fanzha.sim.numbering import ip_addresses
from fanzha.sim.phones import PhoneBook
from fanzha.sim.seeds import stream
from fanzha.sim.telecom import Texts
from fanzha.sim.timeline import CALL_HOURS, DAY, day_start, times_in_day
from fanzha.sim.victims import Victim

VISIT_HEADER = ["本机号码", "访问时间", "访问类型", "访问目标", "目的IP", "运营商"]
URL, APP = 0, 1
KIND_ZH = ("网址", "应用")

# victims
FIRST_VISIT_MEDIAN_S = 15 * 60  # the link or download page is opened within minutes of the fraudster sending it
FIRST_VISIT_SIGMA = 1.0  # some open it at once, some hours later
FIRST_VISIT_BY = 0.5  # ... but always in the first half of the time from first contact to first payment
PAY_PAGE_S = (60, 15 * 60)  # the pay (or "task") page is opened one to fifteen minutes before each payment
REPEAT_VISITS_MEAN = 2.0  # a few more looks at the fake balance or the app's "customer service"
REPEAT_AFTER_LAST_S = 2 * DAY  # ... up to two days after the last payment (still hoping to withdraw)
BARE_HOST_SHARE = 0.5  # a DNS log sees only the host; a traffic log the whole URL
URL_LIFETIME_DAYS = (2, 6)  # a gang moves each landing page to a fresh domain every few days, before lists catch up
APP_LIFETIME_DAYS = (7, 21)  # repackaging an app under a new name takes longer than registering a domain

# residents who got a lure SMS and did not fall for it
CLICK_P = 0.03  # a few in a hundred open a stranger's link out of curiosity, once
CLICK_DELAY_MEDIAN_S = 10 * 60  # when they read the SMS
CLICK_DELAY_SIGMA = 1.5

# ordinary browsing
BACKGROUND_PER_PHONE_DAY = 0.2  # far below real browsing: the file stays small and is still mostly not fraud
ORDINARY_SITES = 300  # the pool of made-up ordinary domains
ORDINARY_APP_SHARE = 0.3  # of ordinary visits, to an app rather than a web address
ORDINARY_ZIPF = 1.1  # a few sites take most visits, as in any traffic log

_ORDINARY_WORDS = ("xinwen", "shipin", "tianqi", "ditu", "youxiang", "gouwu", "waimai", "yinyue", "xuexi", "lvyou",
                   "jiankang", "qiche", "fangchan", "tiyu", "caijing", "meishi", "yuedu", "zhaopin", "jiaoyu", "keji",
                   "putian", "mulan", "meizhou", "xianyou", "hanjiang", "licheng", "xiuyu", "chengxiang", "fujian",
                   "minnan")
_ORDINARY_ENDS = ("", "wang", "zhan", "365", "8", "hao", "go", "online")
_ORDINARY_TLDS = ("com", "cn", "com.cn", "net", "org.cn")
_ORDINARY_PATHS = ("", "/", "/index.html", "/news", "/m", "/search?q=1", "/video/1", "/login")
ORDINARY_APPS = ("天气预报", "城市公交", "菜谱大全", "运动计步", "掌上阅读", "地图导航", "健康打卡", "短视频",
                 "音乐播放器", "网上菜场", "拍照美颜", "学习强国", "铁路出行", "社区团购", "记账本")
_APP_WORDS = np.array(list("鑫金汇盛富聚云易速安信优乐星瑞恒达华通宝"))
_URL = re.compile(r"https?://[A-Za-z0-9./_\-]+")


def host_of(url: str) -> str:
    """The host the contract compares: lower case, without scheme, port, path or a leading ``www.``."""
    parts = urlsplit(url if "://" in url else "http://" + url)
    return (parts.hostname or "").lower().rstrip(".").removeprefix("www.")


class _Visits:
    """Visits collected as columns: phone index, local second, kind, target text, server IP."""

    def __init__(self) -> None:
        self.phone: list[int] = []
        self.t: list[int] = []
        self.kind: list[int] = []
        self.target: list[str] = []
        self.ip: list[int] = []

    def add(self, phone: int, t: int, kind: int, target: str, ip: int) -> None:
        self.phone.append(phone)
        self.t.append(t)
        self.kind.append(kind)
        self.target.append(target)
        self.ip.append(ip)

    def frame(self) -> pl.DataFrame:
        return pl.DataFrame({"phone": self.phone, "t": self.t, "kind": self.kind, "target": self.target,
                             "ip": self.ip}, schema={"phone": pl.Int64, "t": pl.Int64, "kind": pl.Int8,
                                                     "target": pl.String, "ip": pl.Int64})


class _Sites:
    """Every gang's sites: each URL it started with moves to a fresh domain every few days, and each app
    to a new name every week or few (a slot of values, one live at a time). Each value has a server IP."""

    def __init__(self, rng: np.random.Generator, gangs: list[Gang], start: int, end: int) -> None:
        self.slots: dict[tuple[int, str, int], list[tuple[int, int, str]]] = {}  # (gang, kind, slot) → (from, to, value)
        self.slot_of: dict[tuple[int, str, str], int] = {}  # (gang, kind, a value it started with) → its slot
        self.ip: dict[tuple[int, str, str], int] = {}
        self.rows: list[tuple[str, str, str, str, int, int]] = []  # gang, kind, value, host or name, from, to
        taken = {"url": {host_of(u) for gang in gangs for u in gang.contacts.get("url", [])},
                 "app": {a for gang in gangs for a in gang.contacts.get("app", [])} | set(ORDINARY_APPS)}
        claimed: set[str] = set()  # app names some gang already runs
        for g, gang in enumerate(gangs):
            for kind, lifetime in (("url", URL_LIFETIME_DAYS), ("app", APP_LIFETIME_DAYS)):
                used: list[str] = []
                for i, value in enumerate(gang.contacts.get(kind, [])):
                    self.slot_of[(g, kind, value)] = i
                    first = value
                    if kind == "app":
                        first = _renamed(rng, value, taken[kind]) if value in claimed else value
                        claimed.add(first)
                    periods = _periods(rng, first, kind, lifetime, start, end, taken[kind])
                    self.slots[(g, kind, i)] = periods
                    used += [v for _, _, v in periods]
                    self.rows += [(gang.gang_id, kind, v, host_of(v) if kind == "url" else v, a, b)
                                  for a, b, v in periods]
                ips = ip_addresses(rng, len(used), local=False)  # offshore or rented servers
                self.ip.update({(g, kind, v): int(ip) for v, ip in zip(used, ips, strict=True)})
                gang.contacts[kind] = used  # every domain and app name it used, for the truth's list of its contacts

    def live(self, g: int, kind: str, slot: int, t: int) -> str:
        """The slot's value at ``t`` (the last one after the period)."""
        periods = self.slots[(g, kind, slot)]
        return next((v for a, b, v in periods if a <= t < b), periods[-1][2])

    def target(self, rng: np.random.Generator, kind: str, value: str) -> str:
        """As the log writes it: an app's name; a URL whole, or only its host."""
        if kind == "app" or rng.random() >= BARE_HOST_SHARE:
            return value
        return host_of(value)

    def frame(self) -> pl.DataFrame:
        frame = pl.DataFrame(self.rows, schema={"gang_id": pl.String, "kind": pl.String, "value": pl.String,
                                                "host": pl.String, "a": pl.Int64, "b": pl.Int64}, orient="row")
        return frame.select("gang_id", "kind", "value", "host", live_from=local_times(frame["a"].to_numpy()),
                            live_until=local_times(frame["b"].to_numpy()))


def _periods(rng: np.random.Generator, value: str, kind: str, lifetime: tuple[int, int], start: int, end: int,
             taken: set[str]) -> list[tuple[int, int, str]]:
    """When each successive value of a slot is live; the first was set up before the period began, so its first
    lifetime is partly used up."""
    t, until, live = start, start + int(rng.integers(DAY // 2, lifetime[1] * DAY)), value
    periods = []
    while True:
        periods.append((t, min(until, end), live))
        if until >= end:
            return periods
        t, until = until, until + int(rng.integers(lifetime[0] * DAY, lifetime[1] * DAY))
        live = _moved(rng, live, taken) if kind == "url" else _renamed(rng, value, taken)


def _moved(rng: np.random.Generator, url: str, taken: set[str]) -> str:
    """The same landing page on a fresh domain: same scheme, first label and path; a new name and TLD."""
    scheme, rest = url.split("://", 1)
    label, _, tail = rest.partition(".")
    path = "/" + tail.split("/", 1)[1] if "/" in tail else ""
    letters = np.array(list("abcdefghjkmnpqrstuvwxyz23456789"))
    while True:
        host = f"{label}.{''.join(rng.choice(letters, 6))}.{rng.choice(TLDS)}"
        if host_of(host) not in taken:
            taken.add(host_of(host))
            return f"{scheme}://{host}{path}"


def _renamed(rng: np.random.Generator, app: str, taken: set[str]) -> str:
    """The app repackaged under a new name that keeps its trade (``鑫享投资`` → ``瑞盛投资``), unused so far."""
    while True:
        name = "".join(rng.choice(_APP_WORDS, 2)) + app[-2:]
        if name not in taken:
            taken.add(name)
            return name


def _victim_visits(rng: np.random.Generator, victims: list[Victim], sites: _Sites, end: int, out: _Visits) -> None:
    """Each victim's visits to their gang's sites; their report then names every domain and app they used."""
    for v in victims:
        named = [(k, x) for k, x in v.online if k in ("url", "app")]  # what the report names (QQ/WeChat: no site)
        if not named or not v.payments:
            continue
        slot = {k: sites.slot_of[(v.gang, k, x)] for k, x in named}
        first_pay = v.payments[0].t_out
        room = first_pay - v.first_contact
        delay = min(rng.lognormal(np.log(FIRST_VISIT_MEDIAN_S), FIRST_VISIT_SIGMA), FIRST_VISIT_BY * room)
        first = v.first_contact + max(1, int(delay))
        visited: dict[str, list[str]] = {k: [] for k in slot}

        def visit(t: int, kind: str, v: Victim = v, slot: dict[str, int] = slot,
                  visited: dict[str, list[str]] = visited) -> None:
            if t >= end:
                return
            value = sites.live(v.gang, kind, slot[kind], t)
            if value not in visited[kind]:
                visited[kind].append(value)
            out.add(v.phone, int(t), URL if kind == "url" else APP, sites.target(rng, kind, value),
                    sites.ip[(v.gang, kind, value)])

        # the link first (it leads to the download page), then the app it installs
        if "url" in slot:
            visit(first, "url")
        if "app" in slot:
            visit(first if "url" not in slot else first + int(rng.uniform(0, 1) * (first_pay - first) / 2), "app")
        for p in v.payments:  # the fake platform's pay page: in the app if there is one
            visit(max(first, p.t_out - int(rng.integers(*PAY_PAGE_S))), "app" if "app" in slot else "url")
        last = v.payments[-1].t_out + REPEAT_AFTER_LAST_S
        for t in np.sort(rng.integers(first, max(first + 1, last), int(rng.poisson(REPEAT_VISITS_MEAN)))):
            visit(int(t), named[int(rng.integers(0, len(named)))][0])
        for kind, x in named:  # the report names the links and apps the victim used, in order
            at = v.online.index((kind, x))
            v.online[at:at + 1] = [(kind, u) for u in visited[kind] or [sites.live(v.gang, kind, slot[kind], first)]]


def _clicks(rng: np.random.Generator, lures: Texts, lure_gang: np.ndarray, pool: list[str], victims: list[Victim],
            sites: _Sites, end: int, out: _Visits) -> None:
    """Lure SMS recipients (not that gang's victims) who open the link once: the link's domain live then
    (the lure texts keep the link they were written with; the old domain forwards to the live one)."""
    fell = {(v.phone, v.gang) for v in victims}
    link: dict[int, str | None] = {}
    clicked: set[tuple[int, int, int]] = set()
    opens = rng.random(len(lures.time)) < CLICK_P
    delays = rng.lognormal(np.log(CLICK_DELAY_MEDIAN_S), CLICK_DELAY_SIGMA, len(lures.time)).astype(np.int64)
    for i in np.flatnonzero(opens):
        phone, g, text = int(lures.receiver[i]), int(lure_gang[i]), int(lures.text[i])
        if text not in link:
            found = _URL.search(pool[text])
            link[text] = found.group(0) if found else None
        slot = sites.slot_of.get((g, "url", link[text] or ""))
        if slot is None or (phone, g) in fell or (phone, g, slot) in clicked:
            continue
        t = int(lures.time[i]) + max(1, int(delays[i]))
        if t < end:
            clicked.add((phone, g, slot))
            url = sites.live(g, "url", slot, t)
            out.add(phone, t, URL, sites.target(rng, "url", url), sites.ip[(g, "url", url)])


class _Ordinary:
    """The pool of ordinary sites and apps: target texts (a domain in a few written forms) and server IPs."""

    def __init__(self, rng: np.random.Generator, fraud_hosts: set[str]) -> None:
        names: list[str] = []
        while len(names) < ORDINARY_SITES:
            name = (f"{rng.choice(_ORDINARY_WORDS)}{rng.choice(_ORDINARY_ENDS)}.{rng.choice(_ORDINARY_TLDS)}")
            if name not in names and name not in fraud_hosts:
                names.append(name)
        self.targets = pl.Series([form for n in names for form in (
            n, f"www.{n}", f"https://www.{n}{rng.choice(_ORDINARY_PATHS)}", f"http://{n}{rng.choice(_ORDINARY_PATHS)}")]
            + list(ORDINARY_APPS))
        self.forms = 4
        self.apps_from = len(names) * self.forms
        self.ip = ip_addresses(rng, len(names) + len(ORDINARY_APPS), local=True)  # hosted in China
        weight = 1.0 / np.arange(1, len(names) + 1) ** ORDINARY_ZIPF
        self.site_p = weight / weight.sum()
        weight = 1.0 / np.arange(1, len(ORDINARY_APPS) + 1) ** ORDINARY_ZIPF
        self.app_p = weight / weight.sum()
        self.sites = len(names)

    def day(self, rng: np.random.Generator, phones: np.ndarray, midnight: int) -> pl.DataFrame:
        n = int(rng.poisson(BACKGROUND_PER_PHONE_DAY * len(phones)))
        app = rng.random(n) < ORDINARY_APP_SHARE
        site = np.where(app, rng.choice(len(ORDINARY_APPS), n, p=self.app_p),
                        rng.choice(self.sites, n, p=self.site_p))
        target = np.where(app, self.apps_from + site, site * self.forms + rng.integers(0, self.forms, n))
        return pl.DataFrame({
            "phone": phones[rng.integers(0, len(phones), n)] if len(phones) else np.zeros(0, np.int64),
            "t": times_in_day(rng, n, midnight, CALL_HOURS),
            "kind": app.astype(np.int8),
            "target": self.targets.gather(target),
            "ip": self.ip[np.where(app, self.sites + site, site)],
        }, schema={"phone": pl.Int64, "t": pl.Int64, "kind": pl.Int8, "target": pl.String, "ip": pl.Int64})


def write_visits(seed: int, out: Path, start, days: int, phones: PhoneBook, resident_phones: np.ndarray,
                 gangs: list[Gang], victims: list[Victim], lures: Texts, lure_gang: np.ndarray, pool: list[str],
                 advance=None) -> dict[str, int]:
    """``operators/<OP>/visits.csv`` and ``truth/fraud_sites.csv``; returns the rows written per file.

    ``lures`` are the gangs' SMS to residents (``lure_gang`` their gang), ``pool`` the SMS texts they index;
    ``advance`` is called once per day written (the progress bar). It sets each gang's url and app contacts to
    every domain and app name it used and each victim's named sites to those they visited, so call it before
    the reports and the truth are written."""
    end = day_start(start, days)
    rng = stream(seed, "fraud visits")
    sites = _Sites(rng, gangs, day_start(start, 0), end)
    fraud = _Visits()
    _victim_visits(rng, victims, sites, end, fraud)
    _clicks(rng, lures, lure_gang, pool, victims, sites, end, fraud)
    fraud_rows = fraud.frame().sort("t")
    ordinary = _Ordinary(stream(seed, "ordinary sites"), {row[3] for row in sites.rows})
    files = [CsvAppender(out / "operators" / op.code / "visits.csv", VISIT_HEADER) for op in OPERATORS]
    kind_zh = pl.Series(KIND_ZH)
    operator_zh = pl.Series([op.name_zh for op in OPERATORS])
    for day in range(days):
        midnight = day_start(start, day)
        today = fraud_rows.filter((pl.col("t") >= midnight) & (pl.col("t") < midnight + DAY))
        rows = pl.concat([ordinary.day(stream(seed, "visits", day), resident_phones, midnight), today])
        op = phones.operator[rows["phone"].to_numpy()].astype(np.int64)
        rows = rows.with_columns(op=pl.Series(op), 本机号码=pl.Series(phones.number[rows["phone"].to_numpy()])
                                 ).sort(["t", "本机号码", "target"])
        rows = rows.with_columns(
            访问时间=local_times(rows["t"].to_numpy()),
            访问类型=kind_zh.gather(rows["kind"].cast(pl.Int64)),
            访问目标=pl.col("target"),
            目的IP=ip_text(rows["ip"].to_numpy()),
            运营商=operator_zh.gather(rows["op"]),
        )
        for o in range(len(OPERATORS)):
            files[o].append(rows.filter(pl.col("op") == o))
        if advance is not None:
            advance()
    counts = {}
    for f in files:
        f.close()
        counts[str(f.path.relative_to(f.path.parents[2]))] = f.rows
    counts["truth/fraud_sites.csv"] = write_csv(sites.frame(), out / "truth" / "fraud_sites.csv")
    return counts
