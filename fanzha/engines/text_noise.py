"""Text noise (文本扰动): the disguises fraud texts wear, to train and test robustness.

Senders dodge keyword filters by writing full-width letters and digits, putting spaces, dots or
emoji between characters, switching to traditional characters, spelling 微信 as 薇信 or V信
and QQ as 扣扣, or hiding characters with zero-width spaces. ``add_noise`` applies a few of
these at random; ``augment`` adds noisy copies of a labelled set. Both are deterministic for a
given random generator.

The benchmark disguises half of its texts and reports clean and disguised ones apart. Some of these
disguises are exactly the ones ``text_normalise`` undoes (its traditional table is the one
used here), so noise of those kinds is easier for the model than noise found in the wild.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from fanzha.engines.text_hanzi import SIMPLIFIED_TO_TRADITIONAL

_EMOJI = ("😀", "🔥", "💰", "👉", "✅", "❤️", "🎁", "📱", "⚠️", "💯", "🌹", "👍", "🧧", "⭐")
_SEPARATORS = (" ", "  ", "*", "-", "·", "/", "|", "丨", "~", "_", ".", "、")
_DODGES = {
    "微信": ("薇信", "V信", "vx", "VX", "威信", "wx", "微 信"),
    "QQ": ("扣扣", "Q", "qq", "Q Q", "企鹅号"),
    "加": ("+", "➕", "加"),
}
_ZERO_WIDTH = ("\u200b", "\u200c", "\u200d", "\ufeff")


def full_width(text: str, rng: np.random.Generator, share: float = 1.0) -> str:
    """ASCII letters, digits and punctuation as their full-width forms (Ａ, １, ！)."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" and rng.random() < share else c for c in text)


def spaced(text: str, rng: np.random.Generator, share: float = 0.6) -> str:
    """Separators between characters: spaces, dots, dashes, bars."""
    sep = _SEPARATORS[int(rng.integers(0, len(_SEPARATORS)))]
    return "".join(c + (sep if rng.random() < share else "") for c in text[:-1]) + text[-1:]


def emoji(text: str, rng: np.random.Generator) -> str:
    """One to four emoji at random places."""
    chars = list(text)
    for _ in range(int(rng.integers(1, 5))):
        chars.insert(int(rng.integers(0, len(chars) + 1)), _EMOJI[int(rng.integers(0, len(_EMOJI)))])
    return "".join(chars)


def traditional(text: str, rng: np.random.Generator, share: float = 1.0) -> str:
    """Simplified characters as traditional ones."""
    return "".join(SIMPLIFIED_TO_TRADITIONAL.get(c, c) if rng.random() < share else c for c in text)


def dodge(text: str, rng: np.random.Generator) -> str:
    """Filter-dodging spellings of 微信, QQ and 加."""
    for word, variants in _DODGES.items():
        if word in text:
            text = text.replace(word, variants[int(rng.integers(0, len(variants)))])
    return text


def zero_width(text: str, rng: np.random.Generator, share: float = 0.3) -> str:
    """Invisible characters between visible ones."""
    return "".join(c + (_ZERO_WIDTH[int(rng.integers(0, 4))] if rng.random() < share else "") for c in text)


def punctuation(text: str, rng: np.random.Generator) -> str:
    """Chinese and ASCII punctuation swapped, or dropped."""
    if rng.random() < 0.5:
        return text.translate(str.maketrans("，。！？：；（）", ",.!?:;()"))
    return text.translate(str.maketrans("", "", "，。！？：；、,.!?"))


_KINDS = (full_width, spaced, emoji, traditional, dodge, zero_width, punctuation)


def add_noise(text: str, rng: np.random.Generator, kinds: int | None = None) -> str:
    """The text with one to three (or ``kinds``) disguises, chosen at random."""
    if not text:
        return text
    count = kinds if kinds is not None else int(rng.integers(1, 4))
    for i in rng.choice(len(_KINDS), size=min(count, len(_KINDS)), replace=False):
        kind = _KINDS[int(i)]
        if kind in (full_width, traditional):
            text = kind(text, rng, share=float(rng.uniform(0.3, 1.0)))
        elif kind is spaced:
            text = kind(text, rng, share=float(rng.uniform(0.2, 1.0)))
        else:
            text = kind(text, rng)
    return text


def augment(texts: Sequence[str], labels: Sequence[str], rng: np.random.Generator,
            copies: int = 1) -> tuple[list[str], list[str]]:
    """The texts and labels followed by ``copies`` noisy copies of each."""
    out_texts, out_labels = list(texts), list(labels)
    for _ in range(copies):
        out_texts += [add_noise(t, rng) for t in texts]
        out_labels += list(labels)
    return out_texts, out_labels
