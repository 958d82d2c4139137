"""Labelled texts from a simulated world (训练语料): SMS with fraud/normal, narratives with types.

A world directory (``fanzha simulate``) holds the operators' SMS records
(``operators/*/sms.csv``, content in 短信内容), the victims' reports
(``reports/reports.json``, the story in ``narrative``) and the ground truth beside them:
``truth/fraud_sms.csv`` names every fraud SMS by sender, receiver and time, and
``truth/victims.csv`` gives every report's true fraud type (a fifth of the reports come in
without one). This module reads them into labelled lists; it does not import the simulator.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from fanzha.domain.fraud_type import FraudType

FRAUD = "fraud"
NORMAL = "normal"


@dataclass
class LabelledTexts:
    texts: list[str]
    labels: list[str]

    def __len__(self) -> int:
        return len(self.texts)


def world_sms(world: Path, unique: bool = True) -> LabelledTexts:
    """Every SMS content of the world labelled fraud or normal (each distinct text once by default).

    An SMS is fraud when truth/fraud_sms.csv lists its sender, receiver and time. A text that
    occurs as both (which the simulator does not produce) counts as fraud.
    """
    world = Path(world)
    files = sorted((world / "operators").glob("*/sms.csv"))
    if not files:
        raise FileNotFoundError(f"{world}: no operators/*/sms.csv; is this a world made by `fanzha simulate`?")
    frames = [pl.read_csv(f, infer_schema=False, columns=["本机号码", "对方号码", "收发标志", "时间", "短信内容"])
              for f in files]
    sms = pl.concat(frames).filter(pl.col("短信内容").is_not_null())
    sent = pl.col("收发标志") == "发"
    sms = sms.select(
        sender=pl.when(sent).then(pl.col("本机号码")).otherwise(pl.col("对方号码")),
        receiver=pl.when(sent).then(pl.col("对方号码")).otherwise(pl.col("本机号码")),
        time=pl.col("时间"), text=pl.col("短信内容"))
    truth_path = world / "truth" / "fraud_sms.csv"
    if not truth_path.exists():
        raise FileNotFoundError(f"{truth_path}: missing; the world has no ground truth for its SMS")
    truth = pl.read_csv(truth_path, infer_schema=False).select(
        sender="msisdn", receiver="other", time="time").unique().with_columns(fraud=pl.lit(True))
    labelled = sms.join(truth, on=["sender", "receiver", "time"], how="left").with_columns(
        label=pl.when(pl.col("fraud")).then(pl.lit(FRAUD)).otherwise(pl.lit(NORMAL)))
    if unique:
        labelled = labelled.group_by("text").agg(pl.col("label").min()).sort("text")  # "fraud" < "normal"
    return LabelledTexts(labelled["text"].to_list(), labelled["label"].to_list())


def world_narratives(world: Path) -> LabelledTexts:
    """Every report's narrative with its true fraud type (Chinese name), from truth/victims.csv."""
    world = Path(world)
    path = world / "reports" / "reports.json"
    if not path.exists():
        raise FileNotFoundError(f"{path}: missing; is this a world made by `fanzha simulate`?")
    reports = json.loads(path.read_text(encoding="utf-8"))
    truth: dict[str, str] = {}
    victims = world / "truth" / "victims.csv"
    if victims.exists():
        frame = pl.read_csv(victims, infer_schema=False)
        truth = {r: t for r, t in zip(frame["report_id"].to_list(), frame["fraud_type"].to_list(), strict=True) if r}
    texts, labels = [], []
    for report in reports:
        code = truth.get(report.get("report_id") or "")
        fraud_type = FraudType(code) if code else FraudType.parse(report.get("fraud_type"))
        if fraud_type is not None and report.get("narrative"):
            texts.append(report["narrative"])
            labels.append(fraud_type.label_zh)
    return LabelledTexts(texts, labels)
