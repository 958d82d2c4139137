"""Series detection on a simulated city's files (串并案评估), without a database.

What the police would hold: the victims' reports (the cards they paid, the numbers, URLs, apps
and social accounts that reached them) and, for each card a victim paid, the bank's statement
(调证): where that card sent money on (the next cards) and the IPs and MACs it was used from.
The victims' own phones and cards are left out: they belong to victims, not to gangs. The truth
(truth/victims.csv: report → gang) is only read to measure the grouping.
"""
from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from fanzha.engines.series_detection import (
    KIND_CODE,
    Incidence,
    SeriesDetection,
    SeriesRules,
    detect_series,
    grouping_quality,
)
from fanzha.services.analysis.graph_keys import entity_key


@dataclass
class WorldIncidence:
    report_ids: list[str]
    entities: list[tuple[str, str]]  # (kind, key) per column
    incidence: Incidence
    loss_fen: np.ndarray


def _yuan_to_fen(text: str) -> int:
    whole, _, frac = str(text).strip().partition(".")
    return int(whole or 0) * 100 + int((frac + "00")[:2])


def world_incidence(world: Path, statements: bool = True) -> WorldIncidence:
    reports = json.loads((world / "reports" / "reports.json").read_text(encoding="utf-8"))
    if isinstance(reports, dict):
        reports = [reports]
    columns: dict[tuple[str, str], int] = {}
    rows: list[int] = []
    cols: list[int] = []
    victim_own: set[tuple[str, str]] = set()
    victims: dict[str, int] = {}
    victim_of: list[int] = []
    loss: list[int] = []
    paid: dict[str, list[int]] = {}

    def add(case: int, kind: str, value: str) -> None:
        key = entity_key(kind, value)
        if key is None:
            return
        col = columns.setdefault(key, len(columns))
        rows.append(case)
        cols.append(col)

    for i, rep in enumerate(reports):
        v = rep.get("victim") or {}
        ident = v.get("id_number") or v.get("name") or rep["report_id"]
        victim_of.append(victims.setdefault(ident, len(victims)))
        if v.get("phone"):
            victim_own.add(entity_key("phone", v["phone"]))
        total = 0
        for t in rep.get("transfers") or []:
            if t.get("from_account"):
                victim_own.add(entity_key("account", t["from_account"]))
            add(i, "account", t["to_account"])
            paid.setdefault(entity_key("account", t["to_account"])[1], []).append(i)
            total += _yuan_to_fen(t["amount"])
        loss.append(total)
        for c in rep.get("contacts") or []:
            add(i, c["kind"], c["value"])

    if statements and paid:
        _add_statements(world, paid, add)

    entities = list(columns)
    kinds = np.array([KIND_CODE[k] for k, _ in entities], dtype=np.int8)
    linkable = np.array([e not in victim_own for e in entities], dtype=bool)
    inc = Incidence.from_pairs(np.array(rows), np.array(cols), len(reports), kinds,
                               victim=np.array(victim_of), linkable=linkable)
    return WorldIncidence([r["report_id"] for r in reports], entities, inc, np.array(loss, dtype=np.int64))


def _add_statements(world: Path, paid: dict[str, list[int]], add) -> None:
    """The statements of the cards victims paid: onward cards, IPs and MACs (调证)."""
    files = sorted((world / "banks").glob("*/statements.csv"))
    if not files:
        return
    names = {"交易卡号": "account", "收付标志": "direction", "对手账号": "counterparty",
             "IP地址": "ip", "MAC地址": "mac"}
    frames = []
    for f in files:
        df = pl.read_csv(f, infer_schema=False, columns=list(names))
        frames.append(df.rename(names).filter(pl.col("account").is_in(list(paid))))
    df = pl.concat(frames)
    for acct, direction, other, ip, mac in df.iter_rows():
        for case in paid.get(acct, ()):
            if direction in ("出", "付", "借", "out") and other:
                add(case, "account", other)
            if ip:
                add(case, "ip", ip)
            if mac:
                add(case, "mac", mac)


def world_truth(world: Path, report_ids: list[str]) -> tuple[np.ndarray, list[str]]:
    """The true gang code per report (reports without a gang get a code of their own)."""
    gang_of = {}
    with (world / "truth" / "victims.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row.get("report_id"):
                gang_of[row["report_id"]] = row["gang_id"]
    names: list[str] = []
    codes: dict[str, int] = {}
    out = []
    for rid in report_ids:
        gang = gang_of.get(rid) or f"none:{rid}"
        if gang not in codes:
            codes[gang] = len(names)
            names.append(gang)
        out.append(codes[gang])
    return np.array(out, dtype=np.int64), names


def evaluate_world(world: Path, rules: SeriesRules | None = None, statements: bool = True) -> dict:
    """Detect series on the world's files and measure them against the true gangs."""
    wi = world_incidence(world, statements=statements)
    det: SeriesDetection = detect_series(wi.incidence, rules)
    truth, names = world_truth(world, wi.report_ids)
    q = grouping_quality(truth, det.label)
    per_gang = {names[t]: v for t, v in q["per_gang"].items()}
    methods = {m: det.method.count(m) for m in sorted(set(det.method))}
    return {"world": str(world), "reports": len(wi.report_ids), "gangs": len(per_gang),
            "series": det.n_series, "components": det.n_components, "methods": methods,
            "unlinked_cases": int((det.label < 0).sum()),
            "purity": q["purity"], "completeness": q["completeness"],
            "rule": det.rules.describe(), "per_gang": dict(sorted(per_gang.items()))}
