"""Importing bank statements (交易流水导入), and pairing the two sides of each transfer.

A transfer between two accounts whose statements are both in hand appears twice: 出 on the
payer's statement and 进 on the payee's. Both postings get the same ``transfer_key`` (the pair's
own key), so the transfer is counted once. Pairing looks across files and imports: a new import
is matched against the unpaired postings already stored for the accounts involved. A posting no
other posting has been paired with keeps ``transfer_key`` empty and is a transfer seen from one
side only.
"""
from __future__ import annotations

from collections.abc import Iterable

import polars as pl
from sqlalchemy import Connection, bindparam, func, select, update

from fanzha.domain.actor import Actor
from fanzha.domain.posting import Direction
from fanzha.engines.transfer_matching import WINDOW_SECONDS, match_transfers
from fanzha.services.importing import values as v
from fanzha.services.importing.headers import STATEMENTS
from fanzha.services.importing.keys import pair_key
from fanzha.services.importing.progress import Steps
from fanzha.services.importing.result import ImportResult
from fanzha.services.importing.tabular import check, open_sheet, store, with_keys
from fanzha.services.importing.values import absent
from fanzha.store.db import Database
from fanzha.store.models import StatementPosting

TABLE = StatementPosting.__table__
KEY = "posting_key"
# What makes two rows the same posting: a re-exported statement yields the same keys.
KEY_FIELDS = ["account", "time", "direction", "amount_fen", "balance_fen", "counterparty_account", "txn_id"]
DIRECTIONS = "进/出, 收/付, 贷/借 or in/out"
LINE_COLUMN = "line"  # read_statements: each row's line number in the file
ACCOUNT_LOOKUP_CHUNK = 500


def _direction(text: str) -> str:
    return Direction.parse(text).value


def read_statements(data: bytes, result: ImportResult, steps: Steps | None = None, *,
                    keyed: bool = True) -> pl.DataFrame | None:
    """Read and check a statements file into a DataFrame, without a database (读取流水).

    Returns the good rows with ``line``, each row's spreadsheet line number; ``keyed`` adds
    ``posting_key`` and drops rows repeated within the file (counted in ``result.rows_duplicate``). Every
    refused cell is a problem in ``result``. Returns None, with ``result`` refused, when the file is
    not a table or lacks a required column. Bad rows are left out; the caller decides whether the
    file is refused (the importer does, unless asked to skip them).
    """
    sheet = open_sheet(data, STATEMENTS, result)
    if sheet is None:
        return None
    if steps is not None:
        steps.step("checking rows", sheet.height)
    parsed = {
        "account": ("account", sheet.parse("account", v.identifier, 32, required=True,
                                           what="the statement's account number")),
        "account_name": ("account_name", sheet.parse("account_name", v.text, 64)),
        "bank": ("bank", sheet.parse("bank", v.text, 64)),
        "time": ("time", sheet.parse("time", v.times, dtype=v.UTC_US)),
        "direction": ("direction", sheet.parse("direction", v.coded, _direction, DIRECTIONS,
                                               what="a direction")),
        "amount_fen": ("amount", sheet.parse("amount", v.amount_fen, dtype=pl.Int64)),
        "balance_fen": ("balance", sheet.parse("balance", v.amount_fen, required=False, signed=True,
                                               dtype=pl.Int64)),
        "counterparty_account": ("counterparty_account", sheet.parse("counterparty_account", v.identifier, 32)),
        "counterparty_name": ("counterparty_name", sheet.parse("counterparty_name", v.text, 64)),
        "counterparty_bank": ("counterparty_bank", sheet.parse("counterparty_bank", v.text, 64)),
        "channel": ("channel", sheet.parse("channel", v.text, 32)),
        "memo": ("memo", sheet.parse("memo", v.text, 128)),
        "txn_id": ("txn_id", sheet.parse("txn_id", v.identifier, 64, what="a transaction id")),
        "ip": ("ip", sheet.parse("ip", v.text, 64)),
        "mac": ("mac", sheet.parse("mac", v.text, 64)),
        # not a field of the file: carried through so each row can be placed later
        LINE_COLUMN: (LINE_COLUMN, (sheet.lines, absent(sheet.height)[1])),
    }
    rows = check(sheet, parsed, result, TABLE)
    if steps is not None:
        steps.advance(sheet.height)
    return with_keys(rows, KEY, KEY_FIELDS, "posting", result) if keyed else rows


def import_statements(db: Database, data: bytes, result: ImportResult, *, skip_bad: bool, actor: Actor,
                      steps: Steps) -> ImportResult:
    steps.step("reading")
    rows = read_statements(data, result, steps, keyed=False)
    if rows is None:
        return result
    if result.rows_bad and not skip_bad:
        result.rejected = True
        return result
    steps.step("keying rows", rows.height)
    rows = with_keys(rows.drop(LINE_COLUMN), KEY, KEY_FIELDS, "posting", result)

    def pair(conn: Connection, new: pl.DataFrame, store_was_empty: bool) -> pl.DataFrame:
        steps.step("matching transfers", new.height)
        return _pair_transfers(conn, new, store_was_empty, result)

    store(db, TABLE, KEY, rows, data, actor, result, steps, prepare=pair)
    return result


_MATCH_COLUMNS = ["posting_key", "account", "counterparty_account", "direction", "amount_fen", "time"]


def _pair_transfers(conn: Connection, new: pl.DataFrame, store_was_empty: bool, result: ImportResult) -> pl.DataFrame:
    """Give matched postings their pair's key; update stored postings the new ones pair with."""
    if new.height == 0:
        return new
    stored = _unpaired_candidates(conn, new) if not store_was_empty else _empty_candidates()
    pairs = match_transfers(pl.concat([new.select(_MATCH_COLUMNS), stored], how="vertical"))
    if pairs.height == 0:
        return new.with_columns(pl.lit(None, dtype=pl.String).alias("transfer_key"))
    keys = pl.Series("transfer_key", [pair_key(o, i) for o, i in zip(pairs["out_key"].to_list(),
                                                                   pairs["in_key"].to_list(), strict=True)])
    pairs = pairs.with_columns(keys)
    by_posting = pl.concat([
        pairs.select(pl.col("out_key").alias("posting_key"), "transfer_key"),
        pairs.select(pl.col("in_key").alias("posting_key"), "transfer_key"),
    ])
    result.transfers_matched = pairs.height
    if stored.height:
        stored_updates = by_posting.join(stored.select("posting_key"), on="posting_key", how="semi")
        if stored_updates.height:
            conn.execute(
                update(TABLE).where(TABLE.c.posting_key == bindparam("pk")).values(transfer_key=bindparam("tk")),
                [{"pk": pk, "tk": tk} for pk, tk in stored_updates.iter_rows()],
            )
    return new.join(by_posting, on="posting_key", how="left", maintain_order="left")


def _empty_candidates() -> pl.DataFrame:
    return pl.DataFrame(schema={"posting_key": pl.String, "account": pl.String, "counterparty_account": pl.String,
                                "direction": pl.String, "amount_fen": pl.Int64, "time": v.UTC_US})


def _unpaired_candidates(conn: Connection, new: pl.DataFrame) -> pl.DataFrame:
    """Stored postings not yet paired that could be the other side of a new posting."""
    window = pl.duration(seconds=WINDOW_SECONDS)
    bounds = new.select((pl.col("time").min() - window).alias("lo"), (pl.col("time").max() + window).alias("hi")).row(0)
    others = new["counterparty_account"].drop_nulls().unique().sort().to_list()
    found: list[tuple] = []
    columns = [TABLE.c[c] for c in _MATCH_COLUMNS]
    for start in range(0, len(others), ACCOUNT_LOOKUP_CHUNK):
        chunk = others[start:start + ACCOUNT_LOOKUP_CHUNK]
        found.extend(conn.execute(
            select(*columns).where(
                # written so that no database walks the index of unpaired (NULL) transfer keys
                TABLE.c.account.in_(chunk), func.coalesce(TABLE.c.transfer_key, "") == "",
                TABLE.c.counterparty_account.is_not(None), TABLE.c.time.between(bounds[0], bounds[1]),
            )
        ).all())
    if not found:
        return _empty_candidates()
    frame = pl.DataFrame(found, schema=_empty_candidates().schema, orient="row")
    ours = new["account"].unique().implode()
    return frame.filter(pl.col("counterparty_account").is_in(ours))


def count_distinct_transfers(db: Database, accounts: Iterable[str] | None = None) -> int:
    """How many distinct transfers the stored statements show (双边去重后的交易笔数).

    A transfer seen from both sides counts once; a posting nobody paired counts on its own. With
    ``accounts``, only postings on those accounts' statements are counted.
    """
    transfer = func.coalesce(TABLE.c.transfer_key, TABLE.c.posting_key)
    query = select(func.count(func.distinct(transfer)))
    if accounts is not None:
        query = query.where(TABLE.c.account.in_(list(accounts)))
    with db.engine.connect() as conn:
        return int(conn.execute(query).scalar_one())
