"""Known-label graph features (已知涉诈关联特征): how close a number is to numbers known to be fraud.

``known`` holds, per node of the contact graph, 1 for a number known to be fraud, 0 for one known
to be clean and -1 for one whose label is unknown. A node's own label is never read for its own
features: one-hop counts only look at contacts (the graph has no self-contacts) and the two-hop
counts leave out the walks that come back to the node itself. So a node whose label is known gets
the same features it would get if its label were hidden, which is what makes these features safe
to compute for training rows as long as the labels they read are out of fold (see NumberModel).
"""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp

LABEL_FEATURES = (
    "known_fraud_contacts",  # contacts known to be fraud
    "known_clean_contacts",  # contacts known to be clean
    "known_fraud_share",  # fraud share of the contacts whose label is known (NaN if none is)
    "known_fraud_per_contact",  # known fraud contacts over all contacts
    "two_hop_known_fraud",  # walks i - j - k with k known fraud and k != i
    "two_hop_known_fraud_share",  # the same over walks ending at any known number
)


def known_label_features(a: sp.csr_matrix, known: np.ndarray) -> dict[str, np.ndarray]:
    """The LABEL_FEATURES of every node of ``a`` (from ``contact_graph``) given ``known``."""
    known = np.asarray(known)
    n = a.shape[0]
    if known.shape != (n,):
        raise ValueError(f"known labels must have one entry per node ({n}), got shape {known.shape}")
    fraud = (known == 1).astype(np.float64)
    labelled = (known >= 0).astype(np.float64)
    fraud_contacts = a @ fraud
    labelled_contacts = a @ labelled
    deg = np.diff(a.indptr).astype(np.float64)

    # Two hops, node i through contact j: j's known contacts other than i itself.
    rows = np.repeat(np.arange(n), np.diff(a.indptr))
    cols = a.indices
    hop_fraud = np.bincount(rows, weights=fraud_contacts[cols] - fraud[rows], minlength=n)
    hop_labelled = np.bincount(rows, weights=labelled_contacts[cols] - labelled[rows], minlength=n)

    with np.errstate(divide="ignore", invalid="ignore"):
        return {
            "known_fraud_contacts": fraud_contacts,
            "known_clean_contacts": labelled_contacts - fraud_contacts,
            "known_fraud_share": np.where(labelled_contacts > 0, fraud_contacts / labelled_contacts, np.nan),
            "known_fraud_per_contact": np.where(deg > 0, fraud_contacts / deg, np.nan),
            "two_hop_known_fraud": hop_fraud,
            "two_hop_known_fraud_share": np.where(hop_labelled > 0, hop_fraud / hop_labelled, np.nan),
        }
