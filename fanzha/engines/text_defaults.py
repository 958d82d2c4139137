"""The default text models shipped with Fanzha (默认文本模型), and how they are built.

Two models ship in ``fanzha/models/``:

- ``sms_fraud.npz``: an SMS's content → ``fraud`` or ``normal``;
- ``narrative_fraud_type.npz``: a victim's story (简要案情) → one of the ten fraud types or 其他,
  by their Chinese names (``FraudType.label_zh``).

Both are trained on the simulated city's texts only, so they know the simulator's wordings
and the cue groups of ``text_cues``; on a center's real texts they are a starting point, and a
center should retrain on its own labelled cases (``fanzha text train``) and compare
(``fanzha text evaluate``).

They were built, deterministically (the same command gives byte-identical files), with::

    .venv/bin/fanzha text build-defaults --out fanzha/models

which simulates the demo city (20,000 residents, 30 days, seed 7), takes every distinct SMS
text (labelled by truth/fraud_sms.csv) and every report's narrative (labelled by
truth/victims.csv), adds 300 stories per fraud type from the simulator's story generator (a
month of a 20,000-resident city has only a few dozen reports), adds one disguised copy of every
text (``text_noise``, seed 7), and trains ``TextClassifier`` with its default settings.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

from fanzha.engines.text_classifier import TextClassifier
from fanzha.engines.text_corpus import FRAUD, LabelledTexts
from fanzha.engines.text_model_file import TextModelError
from fanzha.engines.text_noise import augment

MODELS_DIR = Path(__file__).resolve().parents[1] / "models"
SMS_MODEL_FILE = "sms_fraud.npz"
NARRATIVE_MODEL_FILE = "narrative_fraud_type.npz"
DEFAULT_NAMES = {"sms": SMS_MODEL_FILE, "narrative": NARRATIVE_MODEL_FILE}


def default_model_path(name: str) -> Path:
    """The shipped file of the default model ``sms`` or ``narrative``."""
    if name not in DEFAULT_NAMES:
        raise ValueError(f"unknown default model {name!r}; use one of {', '.join(DEFAULT_NAMES)}")
    return MODELS_DIR / DEFAULT_NAMES[name]


def _load_default(name: str) -> TextClassifier:
    path = default_model_path(name)
    if not path.exists():
        raise TextModelError(f"{path}: the default {name} model is missing; rebuild it with "
                             "`fanzha text build-defaults --out fanzha/models`")
    return TextClassifier.load(path)


@lru_cache(maxsize=1)
def default_sms_model() -> TextClassifier:
    """The shipped SMS model (labels ``fraud``/``normal``), loaded once per process."""
    return _load_default("sms")


@lru_cache(maxsize=1)
def default_narrative_model() -> TextClassifier:
    """The shipped narrative model (labels: the fraud types' Chinese names), loaded once."""
    return _load_default("narrative")


def sms_fraud_probability(texts: list[str], model: TextClassifier | None = None) -> np.ndarray:
    """The probability that each SMS is fraud (default model unless one is given)."""
    model = model or default_sms_model()
    return model.predict_proba(texts)[:, model.labels.index(FRAUD)]


def train_default_models(sms: LabelledTexts, narratives: LabelledTexts, out: Path, seed: int = 7,
                         noisy_copies: int = 1) -> dict[str, dict]:
    """Train and write both default models into ``out``; returns what each was trained on."""
    out = Path(out)
    summary: dict[str, dict] = {}
    for name, corpus, description in (
        ("sms", sms, "SMS content -> fraud/normal, trained on the simulated city's SMS"),
        ("narrative", narratives, "victim's narrative -> fraud type (Chinese name), trained on the "
                                  "simulated city's reports and story generator"),
    ):
        rng = np.random.default_rng([seed, len(name)])
        texts, labels = augment(corpus.texts, corpus.labels, rng, copies=noisy_copies)
        model = TextClassifier(name=f"default-{name}", description=description).fit(texts, labels)
        path = model.save(out / DEFAULT_NAMES[name])
        summary[name] = {"path": str(path), "bytes": path.stat().st_size, **model.training_}
    default_sms_model.cache_clear()
    default_narrative_model.cache_clear()
    return summary
