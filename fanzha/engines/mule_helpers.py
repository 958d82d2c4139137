"""The people behind flagged mule cards (帮信 嫌疑人), measured against the 帮信 rule.

A person's cards are the accounts held in their name (their identity number where the bank's
register gives it, else the holder's name on the statements). Only the cards the mule model
flags count, and for them:

- **parties served**: distinct accounts, not the person's own, whose money came into those cards
  (the payers the cards settled for: victims, or the gang's cards a level up);
- **settled**: the money those accounts paid into the cards (transfers in, fen, counted once);
- **earned (an estimate)**: what the cards kept: per card, money in minus money out over the
  window, never below zero, summed. Card renters are paid by keeping a cut of what passes; money
  still waiting to move on when the window ends counts too, so it can over-estimate.

``helping_rule.assess_helping`` decides which criteria are met; the evidence lists the accounts,
the largest parties and how each figure was reached.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import polars as pl

from fanzha.domain.helping_rule import HelpingAssessment, assess_helping

EARNED_ESTIMATE = ("money the flagged cards kept: per card, money in minus money out over the window, never "
                   "below zero, summed (a renter's cut stays in the card; money not yet moved on counts too, "
                   "so this can over-estimate)")
SETTLED_MEANING = "transfers into the flagged cards from accounts that are not the person's own"
PARTIES_MEANING = "distinct accounts, not the person's own, that paid into the flagged cards"
TOP_PARTIES = 20


@dataclass
class HelperEvaluation:
    """One person's figures, the rule's verdict and the evidence behind it."""

    person_key: str  # the identity number, or "name:<holder name>" when none is known
    name: str | None
    id_number: str | None
    assessment: HelpingAssessment
    accounts: list[dict] = field(default_factory=list)  # flagged cards: account, bank, score, typology, in/out
    parties: list[dict] = field(default_factory=list)  # the largest payers: account, fen
    all_accounts: list[str] = field(default_factory=list)  # every card in the person's name seen

    @property
    def evidence(self) -> dict:
        return {
            "accounts": self.accounts, "all_accounts": self.all_accounts,
            "parties": self.parties, "parties_total": self.assessment.parties,
            "parties_meaning": PARTIES_MEANING, "settled_meaning": SETTLED_MEANING,
            "earned_estimate": EARNED_ESTIMATE, "explanation": self.assessment.explanation(),
        }


def evaluate_helpers(scored: pl.DataFrame, features: pl.DataFrame, flows: pl.DataFrame, *,
                     id_numbers: Mapping[str, str] | None = None) -> list[HelperEvaluation]:
    """Every person holding at least one flagged card, with the 帮信 figures (serious or not).

    ``scored``: ``score_accounts`` output (account, holder, bank, score, flagged, typology).
    ``features``: the feature table (account, in_fen, out_fen). ``flows``: src, dst, fen.
    ``id_numbers``: account → the holder's identity number, where known.
    """
    ids = dict(id_numbers or {})
    table = scored.join(features.select("account", "in_fen", "out_fen"), on="account", how="left")
    holder = table["holder"].to_list()
    keys = [ids[a] if a in ids else (f"name:{h}" if h else None)
            for a, h in zip(table["account"].to_list(), holder, strict=True)]
    table = table.with_columns(person_key=pl.Series(keys, dtype=pl.String)).filter(pl.col("person_key").is_not_null())
    flagged_people = table.filter("flagged")["person_key"].unique().to_list()
    if not flagged_people:
        return []
    mine = table.filter(pl.col("person_key").is_in(flagged_people))
    own = mine.select("account", "person_key")
    cards = mine.filter("flagged")
    payments = (flows.join(cards.select(pl.col("account").alias("dst"), "person_key"), on="dst", how="inner")
                .join(own.rename({"account": "src", "person_key": "payer_key"}), on="src", how="left")
                .filter(pl.col("payer_key").is_null() | (pl.col("payer_key") != pl.col("person_key"))))
    by_party = payments.group_by("person_key", "src").agg(pl.col("fen").sum()).sort(
        ["person_key", "fen", "src"], descending=[False, True, False])
    parties = {k[0]: g for k, g in by_party.group_by("person_key")}
    everyone = {k[0]: g for k, g in mine.group_by("person_key")}
    out = []
    for key in sorted(flagged_people):
        rows = everyone[key]
        theirs = rows.filter("flagged").sort("score", descending=True)
        paid = parties.get(key)
        settled = int(paid["fen"].sum()) if paid is not None else 0
        earned = int(sum(max(0, int(i or 0) - int(o or 0))
                         for i, o in zip(theirs["in_fen"].to_list(), theirs["out_fen"].to_list(), strict=True)))
        assessment = assess_helping(paid.height if paid is not None else 0, settled, earned)
        name = rows["holder"].drop_nulls().first() if rows["holder"].drop_nulls().len() else None
        out.append(HelperEvaluation(
            person_key=key, name=name, id_number=None if key.startswith("name:") else key, assessment=assessment,
            accounts=[{"account": r["account"], "bank": r["bank"], "score": round(float(r["score"]), 4),
                       "typology": r.get("typology"), "in_fen": int(r["in_fen"] or 0), "out_fen": int(r["out_fen"] or 0),
                       "kept_fen": max(0, int(r["in_fen"] or 0) - int(r["out_fen"] or 0))}
                      for r in theirs.iter_rows(named=True)],
            parties=[{"account": a, "fen": int(f)} for a, f in
                     zip(paid["src"].to_list()[:TOP_PARTIES], paid["fen"].to_list()[:TOP_PARTIES], strict=True)]
            if paid is not None else [],
            all_accounts=sorted(rows["account"].to_list()),
        ))
    return out
