"""Saving and loading a fitted mule model (两卡模型文件) as gzipped JSON: no pickle.

The file holds the feature names, the threshold, how it was trained, and LightGBM's own text dump
of the trees. ``default_mule_model()`` loads the one shipped in ``fanzha/models`` (see its README).
"""
from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np
from lightgbm import Booster

from fanzha.engines.mule_features import FEATURES
from fanzha.engines.mule_model import MuleModel

# The shipped model leaves out the account's age: the store holds no opening dates.
DEFAULT_FEATURES = tuple(f for f in FEATURES if f != "account_age_days")
FORMAT = "fanzha-mule-model/1"
DEFAULT_PATH = Path(__file__).resolve().parents[1] / "models" / "mule_accounts.json.gz"


class _LoadedTrees:
    """What MuleModel reads from a fitted LGBMClassifier, over a Booster read from text."""

    def __init__(self, booster: Booster) -> None:
        self.booster_ = booster

    def predict_proba(self, z: np.ndarray) -> np.ndarray:
        p = self.booster_.predict(z)
        return np.column_stack([1.0 - p, p])


def save_mule_model(model: MuleModel, path: Path, trained_on: dict | None = None) -> Path:
    """Write ``model`` (fitted) to ``path``; deterministic bytes for the same model."""
    if not hasattr(model, "booster_"):
        raise ValueError("the model is not fitted yet; call fit first")
    payload = {
        "format": FORMAT, "features": list(model.model_features_), "threshold": float(model.threshold_),
        "params": {k: v for k, v in model.get_params().items() if k != "features"},
        "trained_on": trained_on or {}, "trees": model.booster_.booster_.model_to_string(),
    }
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as f:
        f.write(json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8"))
    return path


def load_mule_model(path: Path) -> MuleModel:
    """Read a model written by ``save_mule_model``; ValueError if the file is not one."""
    try:
        payload = json.loads(gzip.decompress(Path(path).read_bytes()).decode("utf-8"))
    except (OSError, ValueError) as exc:
        raise ValueError(f"{path}: not a mule model file ({exc})") from exc
    if payload.get("format") != FORMAT:
        raise ValueError(f"{path}: not a mule model file (format {payload.get('format')!r}, expected {FORMAT})")
    features = tuple(payload["features"])
    model = MuleModel(**{k: v for k, v in payload["params"].items() if k in MuleModel().get_params()},
                      features=features)
    model.feature_names_in_ = np.array(features, dtype=object)
    model.n_features_in_ = len(features)
    model.model_features_ = list(features)
    model.classes_ = np.array([0, 1])
    model.uses_graph_ = False
    model.threshold_ = float(payload["threshold"])
    model.booster_ = _LoadedTrees(Booster(model_str=payload["trees"]))
    model.known_ = np.zeros(0, np.int8)
    model.trained_on_ = payload.get("trained_on", {})
    return model


def default_mule_model() -> MuleModel:
    """The shipped model (trained on a simulated city; ``fanzha/models/README.md`` says how)."""
    if not DEFAULT_PATH.exists():
        raise FileNotFoundError(f"{DEFAULT_PATH}: the shipped mule model is missing; rebuild it with "
                                "`fanzha analyze mules --world DIR --save-model fanzha/models/mule_accounts.json.gz`")
    return load_mule_model(DEFAULT_PATH)
