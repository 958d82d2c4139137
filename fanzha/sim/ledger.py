"""Transfers and the banks' statements (交易流水) they produce.

A transfer debits the payer's card (出) and credits the payee's (进) on the payee's bank's
statement, sometimes seconds to two minutes later when the banks differ. A cash withdrawal has
no payee. Balances are recomputed per account from an opening balance, exactly, in fen.
"""
from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path

import numpy as np
import polars as pl

from fanzha.domain.organisation import BANKS
from fanzha.sim.accounts import AccountBook
from fanzha.sim.csvout import ip_text, local_times, mac_text, write_csv, yuan

CHANNELS = ("手机银行", "网银", "ATM", "柜面", "快捷支付", "POS")
MOBILE, ONLINE, ATM, COUNTER, QUICK_PAY, POS = range(6)
ONLINE_CHANNELS = np.array([True, True, False, False, True, False])
MEMOS = ("转账", "工资", "养老金", "消费", "取现", "红包", "还款", "代发工资")
TRANSFER, SALARY, PENSION, PURCHASE, CASH, RED_PACKET, REPAY, PAYROLL = range(8)

STATEMENT_HEADER = ["交易卡号", "交易户名", "开户行", "交易时间", "收付标志", "交易金额", "交易余额", "对手账号",
                    "对手户名", "对手开户行", "交易渠道", "摘要", "交易流水号", "IP地址", "MAC地址"]


@dataclass
class Transfers:
    """Columns of money movements; ``dst`` -1 is cash out, ``tag`` ≥ 0 marks a fraud movement."""

    t_out: np.ndarray  # int64 local seconds, the payer's posting
    t_in: np.ndarray  # int64, the payee's posting
    src: np.ndarray  # int64 account index
    dst: np.ndarray  # int64 account index, -1 for cash
    amount: np.ndarray  # int64 fen, > 0
    channel: np.ndarray  # int8
    memo: np.ndarray  # int8
    tag: np.ndarray  # int64, -1 for ordinary life

    def __len__(self) -> int:
        return len(self.t_out)

    @classmethod
    def concat(cls, parts: list[Transfers]) -> Transfers:
        return cls(**{f.name: np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(cls)})

    @classmethod
    def make(cls, t_out, src, dst, amount, channel, memo, t_in=None, tag=-1) -> Transfers:
        n = len(t_out)
        t_out = np.asarray(t_out, np.int64)
        return cls(t_out, t_out.copy() if t_in is None else np.asarray(t_in, np.int64), np.asarray(src, np.int64),
                   np.asarray(dst, np.int64), np.asarray(amount, np.int64),
                   np.broadcast_to(channel, n).astype(np.int8), np.broadcast_to(memo, n).astype(np.int8),
                   np.broadcast_to(tag, n).astype(np.int64))

    def in_time_order(self) -> Transfers:
        """Sorted by the payer's time (ties by accounts and amount), which fixes the serial numbers."""
        order = np.lexsort((self.tag, self.amount, self.dst, self.src, self.t_out))
        return Transfers(**{f.name: getattr(self, f.name)[order] for f in fields(self)})


def payee_lag(rng: np.random.Generator, src_bank: np.ndarray, dst_bank: np.ndarray) -> np.ndarray:
    """Seconds between the payer's and the payee's posting: inter-bank transfers sometimes lag."""
    lagged = (src_bank != dst_bank) & (rng.random(len(src_bank)) < 0.5)
    return np.where(lagged, rng.integers(3, 121, len(src_bank)), 0)


@dataclass
class Postings:
    """One bank's statement rows, in statement order, with the running balance."""

    account: np.ndarray
    time: np.ndarray
    incoming: np.ndarray
    amount: np.ndarray
    balance: np.ndarray
    counterparty: np.ndarray
    serial: np.ndarray  # index of the transfer in time order
    channel: np.ndarray
    memo: np.ndarray


def bank_postings(transfers: Transfers, accounts: AccountBook, bank: int) -> Postings:
    """Both sides of every transfer touching ``bank``'s cards, with exact running balances.

    The opening balance is the account's recorded one, raised where needed so that no posting
    leaves the account below zero.
    """
    src, dst = transfers.src, transfers.dst
    serial = np.arange(len(transfers))
    out_side = (src >= 0) & (accounts.bank[np.maximum(src, 0)] == bank)
    in_side = (dst >= 0) & (accounts.bank[np.maximum(dst, 0)] == bank)
    account = np.concatenate([src[out_side], dst[in_side]])
    time = np.concatenate([transfers.t_out[out_side], transfers.t_in[in_side]])
    incoming = np.concatenate([np.zeros(out_side.sum(), bool), np.ones(in_side.sum(), bool)])
    serials = np.concatenate([serial[out_side], serial[in_side]])
    order = np.lexsort((incoming, serials, time, account))
    account, time, incoming, serials = account[order], time[order], incoming[order], serials[order]
    amount = transfers.amount[serials]
    signed = np.where(incoming, amount, -amount)
    running = np.cumsum(signed)
    starts = np.flatnonzero(np.concatenate([[True], account[1:] != account[:-1]])) if len(account) else np.zeros(0, int)
    first = np.zeros(len(account), bool)
    first[starts] = True
    group = np.cumsum(first) - 1
    prefix = running - (running[starts] - signed[starts])[group]
    lowest = np.minimum.reduceat(prefix, starts) if len(starts) else np.zeros(0, np.int64)
    opening = np.maximum(accounts.opening_fen[account[starts]], -lowest)
    counterparty = np.where(incoming, src[serials], dst[serials])
    return Postings(account, time, incoming, amount, opening[group] + prefix, counterparty, serials,
                    transfers.channel[serials], transfers.memo[serials])


def serial_text(serial: np.ndarray) -> pl.Series:
    """The payer's bank's serial number (交易流水号) for transfers in time order."""
    return "T" + pl.Series(serial, dtype=pl.Int64).cast(pl.Utf8).str.zfill(14)


def write_statements(path: Path, transfers: Transfers, accounts: AccountBook, bank: int) -> int:
    """``banks/<CODE>/statements.csv`` for one bank; returns the rows written."""
    p = bank_postings(transfers, accounts, bank)
    holder = accounts.holder
    has_cp = p.counterparty >= 0
    cp = np.maximum(p.counterparty, 0)
    bank_names = pl.Series([b.name_zh for b in BANKS])
    # the payee's bank keeps the payer's serial when it is the same bank, else often its own
    payer_bank = accounts.bank[np.where(p.incoming, cp, p.account)]
    own_serial = p.incoming & has_cp & (payer_bank != bank) & ((p.serial * 2654435761 >> 7) & 1 == 1)
    serial = serial_text(p.serial)
    own = BANKS[bank].code + pl.Series((p.serial * 7919 + 104_729) % 10**14).cast(pl.Utf8).str.zfill(14)
    online = ~p.incoming & ONLINE_CHANNELS[p.channel]
    frame = pl.DataFrame({
        "交易卡号": accounts.number[p.account],
        "交易户名": holder.gather(p.account),
        "开户行": pl.Series([BANKS[bank].name_zh]).gather(np.zeros(len(p.account), np.int64)),
        "交易时间": local_times(p.time),
        "收付标志": pl.Series(["出", "进"]).gather(p.incoming.astype(np.int64)),
        "amount": p.amount,
        "balance": p.balance,
        "has_cp": has_cp,
        "cp_number": accounts.number[cp],
        "cp_name": holder.gather(cp),
        "cp_bank": bank_names.gather(accounts.bank[cp].astype(np.int64)),
        "交易渠道": pl.Series(CHANNELS).gather(p.channel.astype(np.int64)),
        "摘要": pl.Series(MEMOS).gather(p.memo.astype(np.int64)),
        "交易流水号": pl.select(pl.when(pl.Series(own_serial)).then(own).otherwise(serial)).to_series(),
        "IP地址": ip_text(np.where(online, accounts.ip[p.account], -1)),
        "MAC地址": mac_text(np.where(online, accounts.mac[p.account], -1)),
    }).with_columns(
        交易金额=yuan(pl.col("amount")),
        交易余额=yuan(pl.col("balance")),
        对手账号=pl.when("has_cp").then(pl.col("cp_number")),
        对手户名=pl.when("has_cp").then(pl.col("cp_name")),
        对手开户行=pl.when("has_cp").then(pl.col("cp_bank")),
    ).select(STATEMENT_HEADER)
    return write_csv(frame, path)
