"""Text features (文本特征): character n-grams, rjieba words and cue groups, hashed.

A text is normalised (``text_normalise``), then cut into

- character n-grams, 1 to 3 characters by default: they need no dictionary, survive new words,
  typos and words split by noise, and suit Chinese, where words are not spaced;
- rjieba words of two or more characters: whole words such as 安全账户 or 保证金;
- cue groups (``text_cues``): one feature per fraud move a phrase of the text names, plus the
  text's length class.

Each kind has its own prefix, so the word 账户 and the bigram 账户 are separate features. The
strings are hashed into ``n_features`` columns (scikit-learn's ``FeatureHasher``: MurmurHash3
with a fixed seed, so the same string gives the same column on every machine), so there is no
vocabulary to learn or store. Counts become 1 + log(count).

``transform`` gives two matrices with one row per text, each row scaled to unit length:

- ``full``: n-grams, words, and the cue features weighted by ``cue_weight`` (a weight above 1
  makes the cues cheaper for the model to use than the exact wording, which generalises
  better to wordings it has not seen);
- ``cues``: the cue features alone, for a second model that cannot memorise wordings.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

import numpy as np
import rjieba
import scipy.sparse as sp
from sklearn.feature_extraction import FeatureHasher

from fanzha.engines.text_cues import cues as cue_names
from fanzha.engines.text_normalise import normalise

_WORD = "\x01"
_CUE = "\x02"
_LENGTH = "\x03"
_LENGTH_CLASSES = (8, 16, 32, 64, 128, 256)


@dataclass(frozen=True)
class TextFeatures:
    """How texts become feature vectors; stored with a model so predictions cut texts alike."""

    n_features: int = 2**20
    char_min: int = 1
    char_max: int = 3
    words: bool = True
    cues: bool = True
    cue_weight: float = 3.0
    normalise: bool = True

    def __post_init__(self) -> None:
        if not 1 <= self.char_min <= self.char_max <= 8:
            raise ValueError("character n-grams need 1 <= char_min <= char_max <= 8")
        if not 2**10 <= self.n_features <= 2**24:
            raise ValueError("n_features must be between 2**10 and 2**24")
        if not self.cue_weight >= 0:
            raise ValueError("cue_weight must be 0 or more")

    def tokens(self, text: str) -> tuple[list[str], list[str]]:
        """The feature strings of one text before hashing: (n-grams and words, cues and length)."""
        t = normalise(text) if self.normalise else (text or "")
        n = len(t)
        grams = [t[i:i + k] for k in range(self.char_min, self.char_max + 1) for i in range(n - k + 1)]
        cues = []
        if self.cues:
            short = set(grams) if self.char_min == 1 and self.char_max >= 3 else None
            if short is not None and self.char_max > 3:
                short = {g for g in short if len(g) <= 3}
            cues = [_CUE + c for c in cue_names(t, short)]
        if self.words and t:
            grams += [_WORD + w for w in rjieba.cut(t) if len(w) > 1 and not w.isspace()]
        cues.append(_LENGTH + str(sum(n >= b for b in _LENGTH_CLASSES)))
        return grams, cues

    def transform(self, texts: Iterable[str]) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        """(full, cues): hashed, sublinear, unit-length rows, one per text (module docstring)."""
        grams, cues = [], []
        for text in texts:
            g, c = self.tokens(text)
            grams.append(g)
            cues.append(c)
        x_cues = self._hash(cues)
        full = self._hash(grams)
        full += x_cues * np.float32(self.cue_weight) if self.cue_weight != 1 else x_cues
        return _unit_rows(full.tocsr()), _unit_rows(x_cues)

    def _hash(self, token_lists: list[list[str]]) -> sp.csr_matrix:
        hasher = FeatureHasher(n_features=self.n_features, input_type="string", alternate_sign=False,
                               dtype=np.float32)
        x = hasher.transform(token_lists).tocsr()
        x.sum_duplicates()
        np.log(x.data, out=x.data)
        x.data += 1.0
        return x

    def columns(self, tokens: Sequence[str]) -> np.ndarray:
        """The hashed column of each token string (for explanations)."""
        if not tokens:
            return np.zeros(0, np.int64)
        hasher = FeatureHasher(n_features=self.n_features, input_type="string", alternate_sign=False)
        return hasher.transform([[t] for t in tokens]).tocsr().indices.astype(np.int64)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> TextFeatures:
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})


def _unit_rows(x: sp.csr_matrix) -> sp.csr_matrix:
    lengths = np.diff(x.indptr)
    rows = np.repeat(np.arange(x.shape[0]), lengths)
    norms = np.sqrt(np.bincount(rows, weights=np.square(x.data, dtype=np.float64), minlength=x.shape[0]))
    norms[norms == 0] = 1.0
    x.data *= np.repeat((1.0 / norms).astype(np.float32), lengths)
    return x


def describe(token: str) -> str:
    """A feature string as a person reads it: 'word 安全账户', 'cue safe_account', 'chars 账户'."""
    if token.startswith(_WORD):
        return "word " + token[1:]
    if token.startswith(_CUE):
        return "cue " + token[1:]
    if token.startswith(_LENGTH):
        return "length class " + token[1:]
    return "chars " + token
