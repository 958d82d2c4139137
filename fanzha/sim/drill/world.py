"""What the funds drill reads from a simulated world's files (never the database).

- ``truth/stolen_transfers.csv``: every movement that carried stolen money, one row per movement
  and victim. Rows out of an account that is not a gang's card are the victims' payments; rows to
  no account are cash, rows to a merchant (``registry/accounts.csv`` kind ``merchant``) are
  purchases; the rest move money between the gang's cards. This is the gangs' behaviour the drill
  replays.
- ``truth/victims.csv``: each victim's first payment, whether and when they reported, the loss.
- ``banks/*/statements.csv``: the statements (流水) the banks send back, kept only for accounts the
  stolen money passes through (the only ones the center can come to order), read as the importer
  reads them.
- ``world.json``: the seed, the size and the period (its end is when the replay stops).

Times are whole seconds since the epoch (UTC) inside the drill; the truth's times, written without
a zone, are the center's local time (Asia/Shanghai).
"""
from __future__ import annotations

import io
import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import polars as pl

from fanzha.domain.clock import CENTER_TZ

REQUIRED_FILES = ("world.json", "truth/stolen_transfers.csv", "truth/victims.csv", "registry/accounts.csv")
_TRUTH_TIME = "%Y-%m-%d %H:%M:%S"


class NotAWorld(ValueError):
    """The folder is not a simulated world the drill can read; the message says what to do."""


def world_header(path: Path, required: tuple[str, ...]) -> tuple[int, int, int, int]:
    """(seed, residents, start, end) of the world at ``path``, the period in s since the epoch;
    refuses a folder that lacks any of ``required`` or whose world.json cannot be read."""
    if not path.is_dir():
        raise NotAWorld(f"{path}: no such folder; make a world with "
                        f"`fanzha simulate --residents 20000 --days 30 --seed 7 --out {path}`")
    missing = [f for f in required if not (path / f).is_file()]
    if missing:
        raise NotAWorld(f"{path} is not a simulated world (missing {', '.join(missing)}); make one with "
                        f"`fanzha simulate --residents 20000 --days 30 --seed 7 --out {path}` and point --world at it")
    try:
        meta = json.loads((path / "world.json").read_text(encoding="utf-8"))
        first_day = date.fromisoformat(meta["start"])
        days, seed, residents = int(meta["days"]), int(meta["seed"]), int(meta["residents"])
    except (ValueError, KeyError, TypeError) as exc:
        raise NotAWorld(f"{path / 'world.json'}: not a world description ({exc}); simulate the world again") from None
    start = int(datetime.combine(first_day, datetime.min.time(), CENTER_TZ).timestamp())
    return seed, residents, start, start + int(timedelta(days=days).total_seconds())


@dataclass
class Movement:
    """One movement of stolen money (the gang's, or a victim's payment), with each victim's share."""

    time: int  # s since the epoch, UTC: when the payer's bank posted it
    txn_id: str
    src: str
    dst: str | None  # None for cash
    exit: str | None  # "cash" or "purchase" when the money leaves the accounts; None for a transfer
    payment: bool  # a victim's payment into a level-1 account
    shares: list[tuple[int, int]]  # (victim index, stolen fen)


@dataclass
class VictimRecord:
    person_id: str
    first_payment: int  # s since the epoch
    reported_at: int | None
    loss_fen: int


@dataclass
class DrillWorld:
    path: Path
    seed: int
    residents: int
    start: int  # the period, s since the epoch
    end: int
    victims: list[VictimRecord]
    movements: list[Movement]  # in time order
    statements: pl.DataFrame  # postings (as ``read_statements`` gives them) of the accounts money passed through

    @classmethod
    def load(cls, path: Path) -> DrillWorld:
        path = Path(path)
        seed, residents, start, end = world_header(path, REQUIRED_FILES)
        try:
            victims, index = _victims(path / "truth" / "victims.csv")
            kinds = _account_kinds(path / "registry" / "accounts.csv")
            movements, accounts = _movements(path / "truth" / "stolen_transfers.csv", index, kinds)
        except (pl.exceptions.PolarsError, KeyError, ValueError) as exc:
            raise NotAWorld(f"{path}: the truth files cannot be read ({exc}); simulate the world again") from None
        statements = _statements(path, accounts)
        return cls(path=path, seed=seed, residents=residents, start=start, end=end, victims=victims,
                   movements=movements, statements=statements)


def _epoch(column: str) -> pl.Expr:
    return pl.col(column).str.to_datetime(_TRUTH_TIME).dt.replace_time_zone(str(CENTER_TZ)).dt.epoch("s")


def _victims(file: Path) -> tuple[list[VictimRecord], dict[str, int]]:
    frame = pl.read_csv(file, infer_schema=False).select(
        "person_id", _epoch("first_payment_at").alias("first"), "reported_at", pl.col("loss_fen").cast(pl.Int64))
    victims = []
    for pid, first, reported, loss in frame.iter_rows():
        at = int(datetime.fromisoformat(reported).timestamp()) if reported else None
        if reported and datetime.fromisoformat(reported).tzinfo is None:
            raise ValueError(f"victim {pid}: reported_at has no zone")
        victims.append(VictimRecord(pid, int(first), at, int(loss)))
    return victims, {v.person_id: i for i, v in enumerate(victims)}


def _account_kinds(file: Path) -> dict[str, str]:
    frame = pl.read_csv(file, infer_schema=False, columns=["number", "kind"]).filter(pl.col("kind") != "resident")
    return dict(frame.iter_rows())


def _movements(file: Path, index: dict[str, int], kinds: dict[str, str]) -> tuple[list[Movement], set[str]]:
    frame = pl.read_csv(file, infer_schema=False).select(
        "txn_id", _epoch("time").alias("t"), "from_account", "to_account",
        pl.col("stolen_fen").cast(pl.Int64), "victim_person_id")
    frame = frame.with_row_index("row").sort(["t", "txn_id", "row"])
    movements: list[Movement] = []
    accounts: set[str] = set()
    last: Movement | None = None
    for _, t, txn, src, dst, fen, pid in frame.select("row", "t", "txn_id", "from_account", "to_account",
                                                      "stolen_fen", "victim_person_id").iter_rows():
        if last is None or last.txn_id != txn:
            payment = kinds.get(src) != "mule"
            exit_kind = "cash" if dst is None else ("purchase" if kinds.get(dst) == "merchant" else None)
            last = Movement(int(t), txn, src, dst, exit_kind, payment, [])
            movements.append(last)
            if not payment:
                accounts.add(src)
            if exit_kind is None:
                accounts.add(dst)
        last.shares.append((index[pid], int(fen)))
    return movements, accounts


def _statements(path: Path, accounts: set[str]) -> pl.DataFrame:
    """The statement rows of ``accounts`` from every bank's file, read as the importer reads them."""
    from fanzha.services.importing.result import ImportResult
    from fanzha.services.importing.statements import read_statements

    files = sorted((path / "banks").glob("*/statements.csv"))
    if not files:
        raise NotAWorld(f"{path}: no banks/*/statements.csv; simulate the world again")
    wanted = pl.Series(sorted(accounts), dtype=pl.String)
    frames = []
    for file in files:
        raw = pl.read_csv(file, infer_schema=False)
        key = raw.columns[0]  # the card number column (交易卡号), first in the simulator's files
        frames.append(raw.filter(pl.col(key).is_in(wanted.implode())))
    rows = pl.concat(frames, how="vertical")
    buffer = io.BytesIO()
    rows.write_csv(buffer)
    result = ImportResult(kind="statements", file=str(path / "banks"))
    postings = read_statements(buffer.getvalue(), result, keyed=False)
    if postings is None or result.problems:
        problems = "; ".join(str(p) for p in result.problems[:3])
        raise NotAWorld(f"{path / 'banks'}: the statements cannot be read ({problems}); simulate the world again")
    return postings.with_columns(pl.col("time").dt.epoch("us")).drop("line", "ip", "mac")
