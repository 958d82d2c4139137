"""Where the entity graph's edges come from (关系来源): each source turns rows of the store into
facts, one per piece of evidence: (source entity, target entity, relation, evidence reference,
amount, time).

| source | facts | evidence |
| --- | --- | --- |
| cases | case → victim person, → each contact, → each card paid (involves); victim's card → card paid (paid) | case:12, case:12/transfer:5 |
| statement postings | card → counterparty (paid, following 出/进), card → IP (logged in from), card → MAC (used) | posting:88 (one transfer seen on both statements is one piece: the lower posting id) |
| call records | phone → phone (called: caller to callee), phone → IMEI (used) | call:4051 |
| SMS records | phone → phone (texted: sender to receiver) | sms:77 |
| registry | person → phone, person → card (owns) | phone:3, account:9, person:5 |
| orders | case → card stopped, case → number ordered (involves) | order:7, number_order:3 |

Keys are normalised here (see graph_keys) so one card is one node whatever wrote it. Every source
takes an optional filter so a hook can read only what just arrived.
"""
from __future__ import annotations

from collections.abc import Iterator

import polars as pl
from sqlalchemy import Connection, DateTime, String, func, select, type_coerce

from fanzha.domain.privacy import mask_name
from fanzha.services.analysis.graph_keys import entity_key
from fanzha.store.models import (
    Account,
    CallRecord,
    Case,
    CaseContact,
    CaseTransfer,
    NumberOrder,
    Person,
    Phone,
    SmsRecord,
    StatementPosting,
    StopPaymentOrder,
)

FACT_SCHEMA = {"src_kind": pl.String, "src_key": pl.String, "dst_kind": pl.String, "dst_key": pl.String,
               "rel": pl.String, "ref": pl.String, "amount": pl.Int64,
               "at": pl.Datetime("us", "UTC")}
ATTR_SCHEMA = {"kind": pl.String, "key": pl.String, "label": pl.String, "case_id": pl.Int64,
               "person_id": pl.Int64}
CHUNK = 200_000  # rows read per round trip from the big tables


def empty_facts() -> pl.DataFrame:
    return pl.DataFrame(schema=FACT_SCHEMA)


def empty_attrs() -> pl.DataFrame:
    return pl.DataFrame(schema=ATTR_SCHEMA)


# --- vectorised key normalisation (same rules as graph_keys.entity_key) ---------------------------

def _digits(col: str) -> pl.Expr:
    return pl.col(col).str.replace_all(r"\D", "")


def _phone(col: str) -> pl.Expr:
    d = _digits(col)
    return (pl.when(d.str.starts_with("0086")).then(d.str.slice(4))
            .when(d.str.starts_with("86") & (d.str.len_chars() == 13)).then(d.str.slice(2))
            .otherwise(d))


def _mac(col: str) -> pl.Expr:
    h = pl.col(col).str.replace_all(r"[^0-9A-Fa-f]", "").str.to_uppercase()
    pairs = h.str.replace(r"^(..)(..)(..)(..)(..)(..)$", "$1:$2:$3:$4:$5:$6")
    return pl.when(pairs.str.len_chars() == 17).then(pairs).otherwise(pl.col(col).str.strip_chars().str.to_uppercase())


def _blank_to_null(expr: pl.Expr) -> pl.Expr:
    return pl.when(expr.str.len_chars() > 0).then(expr).otherwise(None)


def _frame(rows: list, schema: dict) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=schema, orient="row")


def _facts(df: pl.DataFrame, src_kind: str, src: pl.Expr, dst_kind: str, dst: pl.Expr, rel: str, ref: pl.Expr,
           amount: pl.Expr | None = None, at: str = "at") -> pl.DataFrame:
    out = df.select(
        pl.lit(src_kind).alias("src_kind"), _blank_to_null(src).alias("src_key"),
        pl.lit(dst_kind).alias("dst_kind"), _blank_to_null(dst).alias("dst_key"),
        pl.lit(rel).alias("rel"), ref.alias("ref"),
        (amount if amount is not None else pl.lit(0)).cast(pl.Int64).alias("amount"),
        pl.col(at).cast(FACT_SCHEMA["at"]).alias("at"),
    )
    return out.drop_nulls(["src_key", "dst_key"]).filter(
        ~((pl.col("src_kind") == pl.col("dst_kind")) & (pl.col("src_key") == pl.col("dst_key"))))


def _raw_time(conn: Connection, column):
    """Times without the per-row conversion: on SQLite the stored text (UTC), parsed by Polars at
    once; on PostgreSQL the driver's own zoned datetime."""
    return type_coerce(column, String) if conn.dialect.name == "sqlite" else type_coerce(column, DateTime(timezone=True))


def _timed_frame(conn: Connection, rows: list, schema: dict) -> pl.DataFrame:
    if conn.dialect.name != "sqlite":
        return _frame(rows, schema)
    df = _frame(rows, schema | {"at": pl.String})
    return df.with_columns(pl.col("at").str.to_datetime("%Y-%m-%d %H:%M:%S%.f", time_zone="UTC", strict=False))


def _chunks(conn: Connection, stmt, id_col) -> Iterator[list]:
    """Rows of a big table in id order, CHUNK at a time (keeps memory flat, lets progress move)."""
    last = 0
    while True:
        rows = conn.execute(stmt.where(id_col > last).order_by(id_col).limit(CHUNK)).all()
        if not rows:
            return
        yield rows
        last = rows[-1][0]
        if len(rows) < CHUNK:
            return


# --- cases ---------------------------------------------------------------------------------------

def case_facts(conn: Connection, case_ids: list[int] | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Case → victim, contacts and cards paid (involves); victim's card → card paid (paid)."""
    where = [Case.id.in_(case_ids)] if case_ids is not None else []
    cases = conn.execute(select(Case.id, Case.report_id, Case.reported_at, Case.victim_id, Person.name)
                         .join(Person, Person.id == Case.victim_id).where(*where)).all()
    if not cases:
        return empty_facts(), empty_attrs()
    report_of = {c.id: c.report_id for c in cases}
    at_of = {c.id: c.reported_at for c in cases}
    facts: list[tuple] = []
    attrs = [("case", c.report_id, c.report_id, c.id, None) for c in cases]
    attrs += [("person", str(c.victim_id), mask_name(c.name), None, c.victim_id) for c in cases]
    for c in cases:
        facts.append(("case", c.report_id, "person", str(c.victim_id), "involves", f"case:{c.id}", 0, c.reported_at))
    twhere = [CaseTransfer.case_id.in_(case_ids)] if case_ids is not None else []
    for t in conn.execute(select(CaseTransfer.id, CaseTransfer.case_id, CaseTransfer.time, CaseTransfer.amount_fen,
                                 CaseTransfer.from_account, CaseTransfer.to_account).where(*twhere)):
        to = entity_key("account", t.to_account)
        if to is None:
            continue
        rid = report_of[t.case_id]
        facts.append(("case", rid, "account", to[1], "involves", f"case:{t.case_id}/transfer:{t.id}", t.amount_fen, t.time))
        frm = entity_key("account", t.from_account)
        if frm is not None and frm != to:
            facts.append(("account", frm[1], "account", to[1], "paid", f"case:{t.case_id}/transfer:{t.id}",
                          t.amount_fen, t.time))
    cwhere = [CaseContact.case_id.in_(case_ids)] if case_ids is not None else []
    for c in conn.execute(select(CaseContact.id, CaseContact.case_id, CaseContact.kind, CaseContact.value).where(*cwhere)):
        key = entity_key(c.kind, c.value)
        if key is None:
            continue
        facts.append(("case", report_of[c.case_id], key[0], key[1], "involves", f"case:{c.case_id}",
                      0, at_of[c.case_id]))
    return _frame(facts, FACT_SCHEMA), _frame(attrs, ATTR_SCHEMA)


def order_facts(conn: Connection, case_ids: list[int] | None = None, stop_ids: list[int] | None = None,
                number_ids: list[int] | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Case → the card a stop-payment names, case → the number an operator order names (involves)."""
    facts: list[tuple] = []
    attrs: list[tuple] = []
    sw = [StopPaymentOrder.case_id.in_(case_ids)] if case_ids is not None else []
    if stop_ids is not None:
        sw.append(StopPaymentOrder.id.in_(stop_ids))
    for o in conn.execute(select(StopPaymentOrder.id, StopPaymentOrder.account_number, StopPaymentOrder.created_at,
                                 StopPaymentOrder.case_id, Case.report_id)
                          .join(Case, Case.id == StopPaymentOrder.case_id).where(*sw)):
        key = entity_key("account", o.account_number)
        if key:
            facts.append(("case", o.report_id, "account", key[1], "involves", f"order:{o.id}", 0, o.created_at))
            attrs.append(("case", o.report_id, o.report_id, o.case_id, None))
    nw = [NumberOrder.case_id.in_(case_ids)] if case_ids is not None else [NumberOrder.case_id.is_not(None)]
    if number_ids is not None:
        nw.append(NumberOrder.id.in_(number_ids))
    for o in conn.execute(select(NumberOrder.id, NumberOrder.number, NumberOrder.raised_at, NumberOrder.case_id,
                                 Case.report_id).join(Case, Case.id == NumberOrder.case_id).where(*nw)):
        key = entity_key("phone", o.number)
        if key:
            facts.append(("case", o.report_id, "phone", key[1], "involves", f"number_order:{o.id}", 0, o.raised_at))
            attrs.append(("case", o.report_id, o.report_id, o.case_id, None))
    return _frame(facts, FACT_SCHEMA), _frame(attrs, ATTR_SCHEMA)


# --- registry ------------------------------------------------------------------------------------

def ownership_facts(conn: Connection, person_ids: list[int] | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Person → phone (the phone registry and the person's own number), person → card (owns)."""
    pw = [Person.id.in_(person_ids)] if person_ids is not None else []
    persons = conn.execute(select(Person.id, Person.name, Person.phone).where(*pw)).all()
    attrs = [("person", str(p.id), mask_name(p.name), None, p.id) for p in persons]
    facts: list[tuple] = []
    for p in persons:
        key = entity_key("phone", p.phone)
        if key:
            facts.append(("person", str(p.id), "phone", key[1], "owns", f"person:{p.id}", 0, None))
    phw = [Phone.person_id.in_(person_ids)] if person_ids is not None else [Phone.person_id.is_not(None)]
    for ph in conn.execute(select(Phone.id, Phone.number, Phone.person_id).where(*phw)):
        key = entity_key("phone", ph.number)
        if key:
            facts.append(("person", str(ph.person_id), "phone", key[1], "owns", f"phone:{ph.id}", 0, None))
    aw = [Account.person_id.in_(person_ids)] if person_ids is not None else [Account.person_id.is_not(None)]
    for a in conn.execute(select(Account.id, Account.number, Account.person_id).where(*aw)):
        key = entity_key("account", a.number)
        if key:
            facts.append(("person", str(a.person_id), "account", key[1], "owns", f"account:{a.id}", 0, None))
    return _frame(facts, FACT_SCHEMA), _frame(attrs, ATTR_SCHEMA)


# --- statements, calls, SMS ----------------------------------------------------------------------

_POSTING_COLS = {"id": pl.Int64, "account": pl.String, "direction": pl.String, "counterparty": pl.String,
                 "amount": pl.Int64, "at": pl.Datetime("us", "UTC"), "ip": pl.String, "mac": pl.String,
                 "transfer_key": pl.String}


def posting_facts(conn: Connection, batch_id: int | None = None) -> Iterator[pl.DataFrame]:
    """Card → counterparty (paid), card → IP (logged in from), card → MAC (used): read in chunks,
    given as one set (the two sides of a transfer must meet)."""
    sp = StatementPosting
    stmt = select(sp.id, sp.account, sp.direction, sp.counterparty_account, sp.amount_fen, _raw_time(conn, sp.time),
                  sp.ip, sp.mac,
                  sp.transfer_key)
    if batch_id is not None:
        stmt = stmt.where(sp.import_batch_id == batch_id)
    frames = [_timed_frame(conn, rows, _POSTING_COLS) for rows in _chunks(conn, stmt, sp.id)]
    if frames:
        df = _first_sides(conn, pl.concat(frames))
        out_side = pl.col("direction") == "out"
        acct, other = _digits("account"), _digits("counterparty")
        paid = _facts(df.filter(pl.col("counterparty").is_not_null()), "account",
                      pl.when(out_side).then(acct).otherwise(other), "account",
                      pl.when(out_side).then(other).otherwise(acct), "paid",
                      pl.format("posting:{}", pl.col("ref_id")), pl.col("amount"))
        ip = _facts(df.filter(pl.col("ip").is_not_null()), "account", acct, "ip", pl.col("ip").str.strip_chars(),
                    "logged_in_from", pl.format("posting:{}", pl.col("id")))
        with_mac = df.filter(pl.col("mac").is_not_null())
        keys = with_mac.select(pl.col("mac").unique()).with_columns(_mac("mac").alias("mac_key"))  # few distinct
        mac = _facts(with_mac.join(keys, on="mac"), "account", acct, "mac", pl.col("mac_key"), "used",
                     pl.format("posting:{}", pl.col("id")))
        yield pl.concat([paid, ip, mac])


def _first_sides(conn: Connection, df: pl.DataFrame) -> pl.DataFrame:
    """A transfer on both statements is one piece of evidence: the lower posting id of the two.
    Both sides in hand are paired here; only a side whose partner came earlier is looked up."""
    df = df.with_columns(pl.col("id").min().over("transfer_key").alias("first_id"),
                         pl.len().over("transfer_key").alias("sides"))
    alone = df.filter(pl.col("transfer_key").is_not_null() & (pl.col("sides") == 1))["transfer_key"].to_list()
    sp = StatementPosting
    found: list = []
    for i in range(0, len(alone), 500):
        found += conn.execute(select(sp.transfer_key, func.min(sp.id)).where(sp.transfer_key.in_(alone[i:i + 500]))
                              .group_by(sp.transfer_key)).all()
    if found:
        earlier = pl.DataFrame(found, schema={"transfer_key": pl.String, "stored_id": pl.Int64}, orient="row")
        df = df.join(earlier, on="transfer_key", how="left").with_columns(
            pl.min_horizontal("first_id", pl.col("stored_id").fill_null(pl.col("first_id"))).alias("first_id"))
    return df.with_columns(pl.when(pl.col("transfer_key").is_null()).then(pl.col("id"))
                           .otherwise(pl.col("first_id")).alias("ref_id"))


_CALL_COLS = {"id": pl.Int64, "msisdn": pl.String, "other": pl.String, "call_type": pl.String,
              "at": pl.Datetime("us", "UTC"), "imei": pl.String}


def call_facts(conn: Connection, batch_id: int | None = None,
               streamed: tuple[int, int] | None = None) -> Iterator[pl.DataFrame]:
    """Phone → phone (called, from the caller), phone → IMEI (used), per chunk: all calls, one
    import batch's, or the streamed ones (no batch) with ids in ``streamed`` = (after, up to)."""
    cr = CallRecord
    stmt = select(cr.id, cr.msisdn, cr.other, cr.call_type, _raw_time(conn, cr.start_time), cr.imei)
    if batch_id is not None:
        stmt = stmt.where(cr.import_batch_id == batch_id)
    if streamed is not None:
        stmt = stmt.where(cr.import_batch_id.is_(None), cr.id > streamed[0], cr.id <= streamed[1])
    for rows in _chunks(conn, stmt, cr.id):
        df = _timed_frame(conn, rows, _CALL_COLS)
        me, other = _phone("msisdn"), _phone("other")
        incoming = pl.col("call_type") == "called"
        ref = pl.format("call:{}", pl.col("id"))
        called = _facts(df, "phone", pl.when(incoming).then(other).otherwise(me), "phone",
                        pl.when(incoming).then(me).otherwise(other), "called", ref)
        imei = _facts(df.filter(pl.col("imei").is_not_null()), "phone", me, "imei", _digits("imei"), "used", ref)
        yield pl.concat([called, imei])


_SMS_COLS = {"id": pl.Int64, "msisdn": pl.String, "other": pl.String, "direction": pl.String,
             "at": pl.Datetime("us", "UTC")}


def sms_facts(conn: Connection, batch_id: int | None = None,
              streamed: tuple[int, int] | None = None) -> Iterator[pl.DataFrame]:
    """Phone → phone (texted, from the sender), per chunk; ``batch_id`` and ``streamed`` as for calls."""
    sr = SmsRecord
    stmt = select(sr.id, sr.msisdn, sr.other, sr.direction, _raw_time(conn, sr.time))
    if batch_id is not None:
        stmt = stmt.where(sr.import_batch_id == batch_id)
    if streamed is not None:
        stmt = stmt.where(sr.import_batch_id.is_(None), sr.id > streamed[0], sr.id <= streamed[1])
    for rows in _chunks(conn, stmt, sr.id):
        df = _timed_frame(conn, rows, _SMS_COLS)
        me, other = _phone("msisdn"), _phone("other")
        incoming = pl.col("direction") == "in"
        yield _facts(df, "phone", pl.when(incoming).then(other).otherwise(me), "phone",
                     pl.when(incoming).then(me).otherwise(other), "texted", pl.format("sms:{}", pl.col("id")))


def table_size(conn: Connection, model) -> int:
    return int(conn.scalar(select(func.count()).select_from(model)) or 0)


__all__ = ["case_facts", "order_facts", "ownership_facts", "posting_facts", "call_facts", "sms_facts",
           "empty_facts", "empty_attrs", "FACT_SCHEMA", "ATTR_SCHEMA", "table_size"]
