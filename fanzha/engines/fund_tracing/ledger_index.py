"""The ledger index (流水索引): every account's postings in time order, as CSR arrays.

Tracing touches a few hundred accounts out of millions, and within each only the postings after
the stolen money arrived. So the postings are sorted by account, then time (then file order), and
``offsets[a]:offsets[a + 1]`` is account ``a``'s statement. Per posting the index keeps what the
tracer reads, as numpy arrays: time (µs since the epoch, UTC), amount (fen), direction,
counterparty (account code, -1 for none), what kind of outflow it is (transfer, cash, purchase),
the other side of the same transfer when both statements are in hand (``pair``), and the balance
just before it as the amounts give it.

Balances: the opening balance is read from the first posting that has a balance column (its
balance minus or plus its own amount, and the amounts in between), else zero. From there the
amounts decide. Where an outflow would take the balance below zero the statements miss money that
came in; that money is taken to be clean, the running balance stops at zero and the place is
noted (``balance_deficit``). Where the balance column disagrees with the previous row's balance
and the amounts in between, the place is noted too (``balance_conflict``); the amounts still
decide.

Accounts are numbered in sorted order of their numbers, so ``code_of`` is a binary search.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import polars as pl

from fanzha.domain.attribution import PURCHASE_CHANNELS, PURCHASE_MARKERS
from fanzha.domain.posting import CASH_MARKERS
from fanzha.engines.fund_tracing.pairing import pair_postings
from fanzha.engines.transfer_matching import WINDOW_SECONDS

TRANSFER, CASH, PURCHASE = 0, 1, 2  # what an outflow is; in-postings are TRANSFER

REQUIRED = ("account", "time", "direction", "amount_fen")
TEXT_COLUMNS = ("account_name", "bank", "counterparty_account", "counterparty_name", "counterparty_bank",
                "channel", "memo", "txn_id", "place")
# What makes two rows the same posting (as the importer keys them): a posting in two files counts once.
SAME_POSTING = ("account", "time", "direction", "amount_fen", "balance_fen", "counterparty_account", "txn_id")
# Per-posting text the result quotes; kept in the index in posting order.
DETAIL_COLUMNS = ("place", "counterparty_name", "counterparty_bank", "memo", "channel", "txn_id")


@dataclass
class LedgerIndex:
    """Postings per account in time order (CSR), with balances, outflow kinds and transfer pairs."""

    names: pl.Series  # account numbers, sorted; the code of an account is its position
    offsets: np.ndarray  # int64 [accounts + 1]; account a's postings are offsets[a]:offsets[a + 1]
    time: np.ndarray  # int64 µs since the epoch, UTC
    amount: np.ndarray  # int64 fen, > 0
    incoming: np.ndarray  # bool
    counterparty: np.ndarray  # int32 account code, -1 for none
    kind: np.ndarray  # int8 TRANSFER / CASH / PURCHASE
    pair: np.ndarray  # int32 the other side's posting, -1 when not in hand
    balance_before: np.ndarray  # int64 fen, the balance just before the posting (never below zero)
    banks: pl.Series  # per account, from its statement or else from the counterparty columns naming it
    holders: pl.Series  # per account: the holder's name, likewise
    details: pl.DataFrame  # per posting: DETAIL_COLUMNS present in the input
    issues: pl.DataFrame  # account, posting, kind, amount_fen: what the statements do not reconcile
    duplicates: int = 0  # postings that appeared more than once (overlapping files), counted once
    window_s: int = WINDOW_SECONDS
    _has_statement: np.ndarray = field(default=None, repr=False)  # type: ignore[assignment]
    _names: np.ndarray | None = field(default=None, repr=False)  # the names as Python strings, for look-ups
    _issues_by_account: dict[int, list[tuple]] | None = field(default=None, repr=False)
    _in_hand_bytes: bytes | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self._has_statement is None:
            self._has_statement = np.diff(self.offsets) > 0

    @property
    def _numbers(self) -> np.ndarray:
        if self._names is None:
            self._names = self.names.to_numpy()
        return self._names

    # --- construction ----------------------------------------------------------------------

    @classmethod
    def from_postings(cls, postings: pl.DataFrame, *, dedupe: bool = True,
                      window_s: int = WINDOW_SECONDS) -> LedgerIndex:
        """Index statement postings as the importer reads them (``read_statements``).

        Columns: ``account``, ``time`` (a Datetime, or Int64 µs since the epoch UTC),
        ``direction`` ("in"/"out"), ``amount_fen`` (> 0) are required; ``balance_fen``,
        ``counterparty_account``, ``account_name``, ``bank``, ``counterparty_name``,
        ``counterparty_bank``, ``channel``, ``memo``, ``txn_id`` and ``place`` (where the row is,
        e.g. ``icbc.csv:line 17``) are used when present. Account columns may be text or integers.
        Rows that cannot be used (no account or time, an unknown direction, an amount not above
        zero) are left out and listed in ``issues`` as ``unusable_posting``. With ``dedupe`` a
        posting that appears twice (overlapping files) counts once.
        """
        missing = [c for c in REQUIRED if c not in postings.columns]
        if missing:
            raise ValueError(f"postings lack the column(s) {', '.join(missing)}; "
                             f"required: {', '.join(REQUIRED)}")
        frame = _normalise(postings)
        usable = (pl.col("account").is_not_null() & pl.col("time").is_not_null()
                  & pl.col("direction").is_in(["in", "out"]) & pl.col("amount_fen").is_not_null()
                  & (pl.col("amount_fen") > 0))
        unusable = frame.filter(~usable)
        frame = frame.filter(usable)
        duplicates = 0
        if dedupe and frame.height:
            frame, duplicates = _drop_repeats(frame, [c for c in SAME_POSTING if c in frame.columns])

        names, account, counterparty = _codes(frame["account"], frame["counterparty_account"])
        if unusable.height:
            bad_names = unusable["account"].drop_nulls().unique()
            extra = bad_names.filter(~bad_names.is_in(names.implode()))
            if extra.len():  # an account seen only on unusable rows still gets a code, for its issue
                names, account, counterparty = _widen(names, extra, account, counterparty)
        n_accounts = names.len()
        time = frame["time"].to_numpy().astype(np.int64, copy=False)
        incoming = (frame["direction"] == "in").to_numpy()
        kind = _outflow_kinds(frame, incoming, counterparty)
        banks, holders = _account_texts(frame, account, counterparty, n_accounts)
        # by account, then time; stable: equal times keep the file order
        order = pl.DataFrame({"a": account, "t": time}).select(
            pl.arg_sort_by(["a", "t"], maintain_order=True)).to_series().to_numpy()
        account, counterparty, time = account[order], counterparty[order], time[order]
        incoming, kind = incoming[order], kind[order]
        gather = pl.Series(order)
        amount = frame["amount_fen"].gather(gather).to_numpy().astype(np.int64, copy=False)
        balance_col = frame["balance_fen"].gather(gather)
        kept = [c for c in DETAIL_COLUMNS if frame[c].null_count() < frame.height]
        details = frame.select(pl.col(kept).gather(gather)) if kept else pl.DataFrame()
        del frame
        offsets = np.zeros(n_accounts + 1, np.int64)
        np.cumsum(np.bincount(account, minlength=n_accounts), out=offsets[1:])
        before, issues = _balances(account, offsets, incoming, amount, balance_col)
        has_statement = np.diff(offsets) > 0
        pair = pair_postings(account, counterparty, incoming, amount, time, kind == TRANSFER, has_statement,
                             window_s)
        if unusable.height:
            issues = pl.concat([issues, _unusable_issues(unusable, names)], how="vertical")
        return cls(names=names, offsets=offsets, time=time, amount=amount, incoming=incoming,
                   counterparty=counterparty.astype(np.int32), kind=kind, pair=pair, balance_before=before,
                   banks=banks, holders=holders, details=details, issues=issues, duplicates=duplicates,
                   window_s=window_s, _has_statement=has_statement)

    # --- look-ups --------------------------------------------------------------------------

    @property
    def accounts(self) -> int:
        return self.names.len()

    @property
    def postings(self) -> int:
        return len(self.time)

    def has_statement(self, code: int) -> bool:
        return bool(self._has_statement[code])

    @property
    def statement_in_hand(self) -> np.ndarray:
        return self._has_statement

    @property
    def in_hand_bytes(self) -> bytes:
        """``statement_in_hand`` as bytes: indexing gives a Python int, fast in the tracer's loop."""
        if self._in_hand_bytes is None:
            self._in_hand_bytes = self._has_statement.tobytes()
        return self._in_hand_bytes

    def code_of(self, account: str | int | None) -> int:
        """The account's code, or -1 when no posting names it."""
        if account is None:
            return -1
        value = str(account).strip()
        numbers = self._numbers
        i = int(np.searchsorted(numbers, value))
        if i < len(numbers) and numbers[i] == value:
            return i
        return -1

    def name(self, code: int) -> str:
        return self._numbers[code]

    def bank(self, code: int) -> str | None:
        return self.banks[code]

    def holder(self, code: int) -> str | None:
        return self.holders[code]

    def detail(self, posting: int, column: str) -> str | None:
        if posting < 0 or column not in self.details.columns:
            return None
        return self.details[column][posting]

    def place(self, posting: int) -> str:
        """Where a posting is, for a person: the file and line when known."""
        place = self.detail(posting, "place")
        if place:
            return place
        return f"statement of {self.name(self.account_of(posting))}, posting {posting - self.offsets[self.account_of(posting)] + 1}"

    def account_of(self, posting: int) -> int:
        return int(np.searchsorted(self.offsets, posting, side="right") - 1)

    def statement_period(self, code: int) -> tuple[int, int] | None:
        """First and last posting time (µs) of the account's statement, or None when not in hand."""
        lo, hi = int(self.offsets[code]), int(self.offsets[code + 1])
        if lo == hi:
            return None
        return int(self.time[lo]), int(self.time[hi - 1])

    def balance_after(self, posting: int) -> int:
        signed = int(self.amount[posting]) if self.incoming[posting] else -int(self.amount[posting])
        return max(int(self.balance_before[posting]) + signed, 0)

    def balance_at(self, code: int, posting: int) -> int:
        """The balance just before ``posting`` of account ``code`` (its closing balance at the end)."""
        if posting < int(self.offsets[code + 1]):
            return int(self.balance_before[posting])
        last = int(self.offsets[code + 1]) - 1
        return self.balance_after(last) if last >= int(self.offsets[code]) else 0

    def issues_of(self, codes: list[int]) -> list[tuple]:
        """The issues of these accounts, in account and posting order: (account, posting, kind, fen, place, reason)."""
        if not codes or self.issues.height == 0:
            return []
        if self._issues_by_account is None:
            grouped: dict[int, list[tuple]] = {}
            for row in self.issues.sort(["account", "posting"]).iter_rows():
                grouped.setdefault(row[0], []).append(row)
            self._issues_by_account = grouped
        return [row for code in sorted(codes) for row in self._issues_by_account.get(code, ())]


def _normalise(postings: pl.DataFrame) -> pl.DataFrame:
    """The columns the index reads, with the types it expects; absent optional columns are null."""
    time = postings.schema["time"]
    if isinstance(time, pl.Datetime):
        time_expr = pl.col("time").dt.convert_time_zone("UTC").dt.epoch("us") if time.time_zone else \
            pl.col("time").dt.epoch("us")
    else:
        time_expr = pl.col("time").cast(pl.Int64)
    columns = [
        pl.col("account").cast(pl.String).str.strip_chars().alias("account"),
        time_expr.alias("time"),
        pl.col("direction").cast(pl.String).str.strip_chars().str.to_lowercase().alias("direction"),
        pl.col("amount_fen").cast(pl.Int64).alias("amount_fen"),
        (pl.col("balance_fen").cast(pl.Int64) if "balance_fen" in postings.columns
         else pl.lit(None, dtype=pl.Int64)).alias("balance_fen"),
    ]
    for name in TEXT_COLUMNS:
        if name in postings.columns:
            expr = pl.col(name).cast(pl.String)
            if name == "counterparty_account":
                expr = expr.str.strip_chars()
                expr = pl.when(expr == "").then(None).otherwise(expr)
            columns.append(expr.alias(name))
        elif name == "place" and "line" in postings.columns:
            prefix = (pl.col("file").cast(pl.String) + pl.lit(":line ")) if "file" in postings.columns else pl.lit("line ")
            columns.append((prefix + pl.col("line").cast(pl.String)).alias("place"))
        else:
            columns.append(pl.lit(None, dtype=pl.String).alias(name))
    return postings.select(columns)


def _drop_repeats(frame: pl.DataFrame, subset: list[str]) -> tuple[pl.DataFrame, int]:
    """Keep the first of postings repeated across files; rows are compared exactly, hashed first."""
    maybe = frame.select(subset).hash_rows().is_duplicated()
    if not maybe.any():
        return frame, 0
    rows = maybe.arg_true()
    first = frame[rows].select(pl.struct(subset).is_first_distinct()).to_series()
    repeats = rows.filter(~first)
    if repeats.len() == 0:
        return frame, 0
    keep = np.ones(frame.height, bool)
    keep[repeats.to_numpy()] = False
    return frame.filter(pl.Series(keep)), repeats.len()


def _codes(account: pl.Series, counterparty: pl.Series) -> tuple[pl.Series, np.ndarray, np.ndarray]:
    """Number every account seen (statement or counterparty) in sorted order of account number."""
    n = account.len()
    both = pl.concat([account, counterparty]).cast(pl.Categorical).to_physical()
    raw = both.fill_null(-1).cast(pl.Int64).to_numpy()
    present = raw >= 0
    if not present.any():
        return pl.Series("account", [], dtype=pl.String), np.zeros(n, np.int64), np.full(n, -1, np.int64)
    seen = np.zeros(int(raw.max()) + 1, bool)
    seen[raw[present]] = True
    compact = np.cumsum(seen) - 1
    k = int(seen.sum())
    where = np.zeros(k, np.int64)
    where[compact[raw[present]]] = np.flatnonzero(present)  # any row naming the account
    text = pl.concat([account, counterparty])
    unsorted = text.gather(where)
    order = unsorted.arg_sort().to_numpy()
    rank = np.empty(k, np.int64)
    rank[order] = np.arange(k)
    names = unsorted.gather(order).rename("account")
    codes = np.full(len(raw), -1, np.int64)
    codes[present] = rank[compact[raw[present]]]
    return names, codes[:n], codes[n:]


def _widen(names: pl.Series, extra: pl.Series, account: np.ndarray, counterparty: np.ndarray
           ) -> tuple[pl.Series, np.ndarray, np.ndarray]:
    """Add accounts known only from unusable rows; renumber so names stay sorted."""
    merged = pl.concat([names, extra]).sort()
    remap = merged.search_sorted(names).to_numpy().astype(np.int64)
    account = remap[account] if len(account) else account
    counterparty = np.where(counterparty >= 0, remap[np.maximum(counterparty, 0)], -1) if len(counterparty) else counterparty
    return merged, account, counterparty


def _balances(account: np.ndarray, offsets: np.ndarray, incoming: np.ndarray, amount: np.ndarray,
              balance_col: pl.Series) -> tuple[np.ndarray, pl.DataFrame]:
    """The balance before each posting (floored at zero), and where the statements disagree."""
    n = len(amount)
    signed = np.where(incoming, amount, -amount)
    if n == 0:
        return np.zeros(0, np.int64), _empty_issues()
    counts = np.diff(offsets)
    starts = offsets[:-1][counts > 0]
    group = account  # sorted; group id = account code
    csum = np.cumsum(signed)
    base = np.zeros(len(offsets) - 1, np.int64)
    base[counts > 0] = csum[starts] - signed[starts]
    prefix = csum - base[group]  # running sum of the account's amounts, after each posting
    has_bal = balance_col.is_not_null().to_numpy()
    bal = balance_col.fill_null(0).to_numpy().astype(np.int64, copy=False)
    # opening: from the first posting with a balance column
    idx = np.where(has_bal, np.arange(n), n)
    first_bal = np.full(len(offsets) - 1, n, np.int64)
    first_bal[counts > 0] = np.minimum.reduceat(idx, starts)
    opening = np.zeros(len(offsets) - 1, np.int64)
    known = first_bal < n
    opening[known] = bal[first_bal[known]] - prefix[first_bal[known]]
    running = opening[group] + prefix  # after each posting, by the amounts
    # floored at zero: the lowest point so far (and the opening, and zero) is lifted back to zero
    low = pl.DataFrame({"g": group, "x": running}).select(pl.col("x").cum_min().over("g")).to_series().to_numpy()
    floor = np.minimum(np.minimum(low, opening[group]), 0)
    after = running - floor
    before = np.empty(n, np.int64)
    before[1:] = after[:-1]
    before[starts] = np.maximum(opening[account[starts]], 0)
    # a deficit: the floor moved at this posting (it took more than the balance held)
    prev_floor = np.empty(n, np.int64)
    prev_floor[1:] = floor[:-1]
    prev_floor[starts] = np.minimum(opening[account[starts]], 0)
    deficit = prev_floor - floor
    pieces = []
    hit = np.flatnonzero(deficit > 0)
    if len(hit):
        pieces.append(pl.DataFrame({"account": account[hit], "posting": hit, "kind": "balance_deficit",
                                    "amount_fen": deficit[hit]}))
    # conflicts: the gap between the balance column and the amounts changes between two rows
    rows = np.flatnonzero(has_bal)
    if len(rows) > 1:
        gap = bal[rows] - running[rows]
        same_account = account[rows[1:]] == account[rows[:-1]]
        moved = same_account & (gap[1:] != gap[:-1])
        at = rows[1:][moved]
        if len(at):
            pieces.append(pl.DataFrame({"account": account[at], "posting": at, "kind": "balance_conflict",
                                        "amount_fen": (gap[1:] - gap[:-1])[moved]}))
    if not pieces:
        return before, _empty_issues()
    issues = pl.concat(pieces, how="vertical").with_columns(
        pl.lit(None, dtype=pl.String).alias("place"), pl.lit(None, dtype=pl.String).alias("reason"))
    return before, issues.cast(_empty_issues().schema)


def _empty_issues() -> pl.DataFrame:
    return pl.DataFrame(schema={"account": pl.Int64, "posting": pl.Int64, "kind": pl.String, "amount_fen": pl.Int64,
                                "place": pl.String, "reason": pl.String})


def _unusable_issues(unusable: pl.DataFrame, names: pl.Series) -> pl.DataFrame:
    code = names.search_sorted(unusable["account"].fill_null("")).to_numpy().astype(np.int64)
    code = np.where(unusable["account"].is_null().to_numpy(), -1, np.minimum(code, max(names.len() - 1, 0)))
    reason = unusable.select(
        pl.when(pl.col("account").is_null()).then(pl.lit("the posting names no account"))
        .when(pl.col("time").is_null()).then(pl.lit("the posting has no time"))
        .when(~pl.col("direction").is_in(["in", "out"]))
        .then(pl.format("direction {} is not in or out", pl.col("direction").fill_null("(empty)")))
        .otherwise(pl.format("amount {} fen is not above zero", pl.col("amount_fen").cast(pl.String).fill_null("(empty)")))
        .alias("reason")).to_series()
    return pl.DataFrame({"account": code, "posting": np.full(unusable.height, -1, np.int64),
                         "kind": "unusable_posting", "amount_fen": unusable["amount_fen"].fill_null(0),
                         "place": unusable["place"], "reason": reason},
                        schema=_empty_issues().schema)


def _outflow_kinds(frame: pl.DataFrame, incoming: np.ndarray, counterparty: np.ndarray) -> np.ndarray:
    """Cash (取现/现金/取款, or no counterparty), purchase (消费/购物/POS) or transfer, per out-posting."""
    cash_pattern = "|".join(CASH_MARKERS)
    purchase_pattern = "|".join(PURCHASE_MARKERS)
    marks = frame.select(
        (pl.concat_str([pl.col("memo").fill_null(""), pl.col("channel").fill_null("")])
         .str.contains(cash_pattern)).alias("cash"),
        (pl.col("memo").fill_null("").str.contains(purchase_pattern)
         | pl.col("channel").fill_null("").str.strip_chars().str.to_uppercase().is_in(list(PURCHASE_CHANNELS)))
        .alias("purchase"),
    )
    cash = marks["cash"].to_numpy() | (counterparty < 0)
    purchase = marks["purchase"].to_numpy()
    kind = np.where(cash, CASH, np.where(purchase, PURCHASE, TRANSFER)).astype(np.int8)
    kind[incoming] = TRANSFER
    return kind


def _account_texts(frame: pl.DataFrame, account: np.ndarray, counterparty: np.ndarray,
                   n_accounts: int) -> tuple[pl.Series, pl.Series]:
    """Each account's bank and holder: from its own statement, else from postings naming it."""
    out = []
    for own, other in (("bank", "counterparty_bank"), ("account_name", "counterparty_name")):
        values = pl.Series([None] * n_accounts, dtype=pl.String)
        if frame[other].null_count() < frame.height:
            named = pl.DataFrame({"code": counterparty, "v": frame[other]}).filter(
                (pl.col("code") >= 0) & pl.col("v").is_not_null())
            firsts = named.group_by("code").agg(pl.col("v").first())
            values = values.scatter(firsts["code"].to_numpy(), firsts["v"])
        if frame[own].null_count() < frame.height:
            mine = pl.DataFrame({"code": account, "v": frame[own]}).filter(pl.col("v").is_not_null())
            firsts = mine.group_by("code").agg(pl.col("v").first())
            values = values.scatter(firsts["code"].to_numpy(), firsts["v"])
        out.append(values)
    return out[0], out[1]
