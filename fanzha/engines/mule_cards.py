"""Phone cards sold or rented to gangs (两卡 电话卡, 卡农): per-number features and their model.

A sold or rented SIM works in a gang's handset beside other numbers (一机多卡), calls many
strangers, and is often registered to a person who holds many cards. The per-number behaviour
comes from ``number_features`` (calls, callees, dispersion, short calls, night share, handsets,
cells, SMS ...); this module adds what is particular to the card:

- ``handset_numbers``: the most other numbers seen in one handset (IMEI) the number used;
- ``holder_numbers``: numbers registered to the same person (NaN where the registration is not
  known: a number from outside the city, or no register in hand).

The model is the fraud-number model (``number_model.NumberModel``) without the contact graph.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import duckdb
import numpy as np
import polars as pl

from fanzha.engines.number_features import (
    CALL_COLUMNS,
    CALL_REQUIRED,
    Source,
    _register,
    _text,
    number_features,
)
from fanzha.engines.number_features import (
    FEATURES as NUMBER_FEATURES,
)
from fanzha.engines.number_model import NumberModel

CARD_FEATURES = (*NUMBER_FEATURES, "handset_numbers", "holder_numbers")


def card_features(calls: Source, sms: Source | None = None, *, holders: Mapping[str, str] | None = None,
                  known_fraud: Sequence[str] = (), known_victims: Sequence[str] = (), **window) -> pl.DataFrame:
    """``msisdn`` then CARD_FEATURES for every own number in the records.

    ``holders``: number → its registered holder (any key: a person id or identity number).
    ``window``: ``start``/``end`` passed on to ``number_features``.
    """
    base = number_features(calls, sms, known_fraud=known_fraud, known_victims=known_victims, **window).table
    con = duckdb.connect()
    try:
        cols = _register(con, "calls_raw", calls, CALL_COLUMNS, CALL_REQUIRED, "call records")
        if "imei" in cols:
            shared = con.sql(f"""
            WITH used AS (SELECT DISTINCT {_text(cols['msisdn'])} AS msisdn, {_text(cols['imei'])} AS imei
                          FROM calls_raw WHERE {cols['imei'].name} IS NOT NULL),
            per_imei AS (SELECT imei, count(*) AS numbers FROM used GROUP BY imei)
            SELECT msisdn, max(numbers) - 1 AS handset_numbers FROM used JOIN per_imei USING (imei)
            GROUP BY msisdn""").pl()
        else:
            shared = pl.DataFrame(schema={"msisdn": pl.String, "handset_numbers": pl.Int64})
    finally:
        con.close()
    table = base.join(shared, on="msisdn", how="left").with_columns(pl.col("handset_numbers").fill_null(0))
    if holders:
        counts: dict[str, int] = {}
        for person in holders.values():
            counts[person] = counts.get(person, 0) + 1
        held = [counts[holders[n]] if n in holders else np.nan for n in table["msisdn"].to_list()]
        table = table.with_columns(holder_numbers=pl.Series(held, dtype=pl.Float64))
    else:
        table = table.with_columns(holder_numbers=pl.lit(None, pl.Float64))
    return table.select(["msisdn", *CARD_FEATURES])


def card_model(**params) -> NumberModel:
    """The card model: the fraud-number model's trees over CARD_FEATURES, no contact graph."""
    defaults = {"n_estimators": 200, "learning_rate": 0.05, "inner_folds": 3}
    return NumberModel(**{**defaults, **params, "graph_structure": False, "known_labels": False})
