"""Importing site visits (上网访问记录导入) from an operator, screened against the fraud sites.

One row per visit: the subscriber, when, 网址 or 应用, the address or app reached, optionally the
destination IP and the operator (docs/warning-desk.md). Rows are checked like calls and SMS
(every bad cell named by line and column; a bad row refuses the whole file unless ``skip_bad``),
keyed by content (the stream's visit event computes the same key, so a visit is stored once), and
written in one transaction together with the warning signals for the visits to listed fraud
sites (services/warning/from_visits.py): the file is a signal source like the stream.
"""
from __future__ import annotations

import ipaddress
import time
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from sqlalchemy import Connection
from sqlalchemy.orm import Session

from fanzha.domain.access import check as check_permission
from fanzha.domain.actor import Actor
from fanzha.domain.errors import Problem
from fanzha.domain.fraud_site import KINDS_EXPECTED, site_key, visit_kind
from fanzha.domain.permissions import Permission
from fanzha.services.importing import values as v
from fanzha.services.importing.batch import audit_import
from fanzha.services.importing.calls import operator_code
from fanzha.services.importing.headers import Column, Layout
from fanzha.services.importing.progress import Steps, steps
from fanzha.services.importing.result import ImportResult
from fanzha.services.importing.tabular import check, open_sheet, store, with_keys
from fanzha.services.warning.from_visits import FraudSites, Visit, signals_for_visits
from fanzha.store.db import Database
from fanzha.store.models import SiteVisit

TABLE = SiteVisit.__table__
KEY = "record_key"
KEY_FIELDS = ["msisdn", "visit_time", "visit_kind", "target"]
KIND = "visits"
TARGET_MAX = 1024
HOST_MAX = 256
SYSTEM = Actor.system("import")

VISITS = Layout(KIND, (
    Column("msisdn", ("本机号码", "msisdn", "本方号码", "用户号码"), required=True),
    Column("visit_time", ("访问时间", "visit_time", "时间"), required=True),
    Column("visit_kind", ("访问类型", "visit_kind", "类型"), required=True),
    Column("target", ("访问目标", "target", "网址", "URL", "应用名称"), required=True),
    Column("dest_ip", ("目的IP", "dest_ip", "目的地址", "IP")),
    Column("operator", ("运营商", "operator")),
))


def visit_kind_code(text: str) -> str:
    return visit_kind(text).value


def _site_keys(kinds: pl.Series, targets: pl.Series) -> tuple[pl.Series, pl.Series]:
    """Each row's site key, and why there is none (a 网址 without a host, an over-long name)."""
    keys: list[str | None] = []
    reasons: list[str | None] = []
    cache: dict[tuple[str, str], tuple[str | None, str | None]] = {}
    for kind, target in zip(kinds.to_list(), targets.to_list(), strict=True):
        if kind is None or target is None:
            keys.append(None)
            reasons.append(None)
            continue
        found = cache.get((kind, target))
        if found is None:
            try:
                key = site_key(kind, target)
                found = (key, None) if len(key) <= HOST_MAX else (None, f"names a site longer than {HOST_MAX} characters")
            except ValueError as exc:
                found = (None, str(exc))
            cache[(kind, target)] = found
        keys.append(found[0])
        reasons.append(found[1])
    return pl.Series("host", keys, dtype=pl.String), pl.Series("reason", reasons, dtype=pl.String)


def ip_text(text: str) -> str:
    """An IPv4 or IPv6 address as written (trimmed); ValueError saying what one looks like."""
    text = text.strip()
    try:
        ipaddress.ip_address(text)
    except ValueError:
        raise ValueError(f"{text[:40]!r} is not an IP address; write it like 203.0.113.7 or 2001:db8::1") from None
    return text


def ip_address(raw: pl.Series) -> tuple[pl.Series, pl.Series]:
    """An optional IPv4 or IPv6 address, as written."""
    value = v.clean_text(raw)
    bad: dict[str, str] = {}
    for text in value.drop_nulls().unique().to_list():
        try:
            ip_text(text)
        except ValueError as exc:
            bad[text] = str(exc)
    reason = (value.replace_strict(bad, default=None, return_dtype=pl.String) if bad
              else pl.Series(values=[None] * value.len(), dtype=pl.String))
    return value, reason


def _merge(first: pl.Series, second: pl.Series) -> pl.Series:
    return pl.DataFrame({"a": first, "b": second}).select(pl.coalesce("a", "b")).to_series()


def import_visits(db: Database, data: bytes, result: ImportResult, *, skip_bad: bool, actor: Actor,
                  steps: Steps, leads: list[int] | None = None) -> ImportResult:
    """Import one visits file; the ids of the leads given a signal are appended to ``leads``."""
    steps.step("reading")
    sheet = open_sheet(data, VISITS, result)
    if sheet is None:
        return result
    steps.step("checking rows", sheet.height)
    kinds = sheet.parse("visit_kind", v.coded, visit_kind_code, KINDS_EXPECTED, what="a visit type (访问类型)")
    target, target_reason = sheet.parse("target", v.text, TARGET_MAX, required=True,
                                        what="the address or app reached (访问目标)")
    host, host_reason = _site_keys(kinds[0], target)
    parsed = {
        "msisdn": ("msisdn", sheet.parse("msisdn", v.phone, what="the subscriber's number (本机号码)")),
        "visit_time": ("visit_time", sheet.parse("visit_time", v.times, dtype=v.UTC_US)),
        "visit_kind": ("visit_kind", kinds),
        "target": ("target", (target, _merge(target_reason, host_reason))),
        "host": ("target", (host, pl.Series(values=[None] * sheet.height, dtype=pl.String))),
        "dest_ip": ("dest_ip", sheet.parse("dest_ip", ip_address)),
        "operator": ("operator", sheet.parse("operator", operator_code)),
    }
    rows = check(sheet, parsed, result, TABLE)
    steps.advance(sheet.height)
    if result.rows_bad and not skip_bad:
        result.rejected = True
        return result
    rows = with_keys(rows, KEY, KEY_FIELDS, "visit", result)

    def screen(conn: Connection, new: pl.DataFrame, _empty: bool) -> pl.DataFrame:
        """The visits about to be stored, screened in the import's own transaction."""
        steps.step("screening against the fraud sites", new.height)
        with Session(bind=conn) as session:
            sites = FraudSites.load(session)
            if len(sites):  # only rows whose site key is listed are read out of the frame
                listed = new.filter(pl.col("host").is_in(sorted(sites.keys())))
                visits = [Visit(r[KEY], r["msisdn"], r["visit_time"], r["visit_kind"], r["target"], r["host"])
                          for r in listed.select(KEY, *KEY_FIELDS, "host").iter_rows(named=True)]
                taken = signals_for_visits(session, visits, sites)
                if leads is not None:
                    leads.extend(taken)
            session.flush()
        steps.advance(new.height)
        return new

    store(db, TABLE, KEY, rows, data, actor, result, steps, prepare=screen)
    return result


@dataclass
class VisitImport:
    result: ImportResult
    leads: list[int] = field(default_factory=list)  # leads given a fraud_url signal by this file


def import_visit_file(db: Database, path: Path, *, skip_bad: bool = False, actor: Actor = SYSTEM,
                      progress: bool = False, display_name: str | None = None) -> VisitImport:
    """Import one visits file (what ``import_file(db, "visits", ...)`` does, plus the leads touched)."""
    check_permission(actor, Permission.IMPORT_RUN, object_type="import_batch")
    path = Path(path)
    name = display_name or path.name
    started = time.perf_counter()
    outcome = VisitImport(ImportResult(kind=KIND, file=name))
    result = outcome.result
    try:
        data = path.read_bytes()
    except OSError as exc:
        result.refuse([Problem(name, f"the file cannot be read ({exc.strerror or exc}); check the path")])
        data = None
    if data is not None:
        with steps(progress, name) as tracker:
            import_visits(db, data, result, skip_bad=skip_bad, actor=actor, steps=tracker, leads=outcome.leads)
    if result.rejected:
        result.rows_imported = 0
        outcome.leads.clear()
    if not result.audited:  # refused, or nothing new: the attempt is audited
        with db.engine.begin() as conn:
            audit_import(conn, actor, result)
    result.seconds = time.perf_counter() - started
    return outcome
