"""Labelled texts as they come from a center's CSV: rows with a blank text or label are set aside
and counted, the same way for training and for evaluation."""
from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple


class LabelledTexts(NamedTuple):
    texts: list[str]
    labels: list[str]
    empty_text: int  # rows skipped because the text was blank
    empty_label: int  # rows skipped because the label was blank


def usable_rows(texts: Iterable[object], labels: Iterable[object]) -> LabelledTexts:
    """Keep rows with both a text and a label (labels stripped, as text); count the rest."""
    keep_texts: list[str] = []
    keep_labels: list[str] = []
    empty_text = empty_label = 0
    for text, label in zip(texts, labels, strict=True):
        label_text = "" if label is None else str(label).strip()
        if text is None or not str(text).strip():
            empty_text += 1
        elif not label_text:
            empty_label += 1
        else:
            keep_texts.append(str(text))
            keep_labels.append(label_text)
    return LabelledTexts(keep_texts, keep_labels, empty_text, empty_label)
