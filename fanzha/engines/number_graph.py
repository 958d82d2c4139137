"""Contact-graph structure (通联图结构特征): per-number features of who is in contact with whom.

The graph is a square matrix in the feature table's row order: entry (i, j) is non-zero when
numbers i and j were in contact. It is made symmetric and 0/1 with no self-contacts before
anything is computed, so a one-directional (upper-triangular) matrix and a weighted one give the
same features. Nothing here reads labels: these features may be computed once for a whole table.
"""
from __future__ import annotations

import hashlib
from collections import OrderedDict

import numpy as np
import scipy.sparse as sp

STRUCTURE_FEATURES = (
    "graph_degree",  # numbers in contact
    "graph_neighbour_degree_mean",  # how connected those contacts are
    "graph_two_hop_walks",  # walks of length two, a measure of the reach one step further
    "graph_triangles",  # pairs of contacts that are in contact with each other
    "graph_clustering",  # triangles over possible pairs (NaN below two contacts)
    "graph_pagerank",  # PageRank scaled so the mean is 1
)

# Counting triangles costs about the sum of squared degrees; above this the count is skipped (NaN).
TRIANGLE_BUDGET = 4_000_000_000


def contact_graph(graph, n: int | None = None) -> sp.csr_matrix:
    """The symmetric 0/1 contact matrix without self-contacts, as float64 CSR.

    ``graph`` is any scipy sparse matrix or a dense 2-D array. ``n``, when given, is the number of
    rows it must have (the feature table's). Raises ValueError when it is not square or does not
    match.
    """
    if not sp.issparse(graph):
        graph = np.asarray(graph)
        if graph.ndim != 2:
            raise ValueError(f"the contact graph must be a 2-D matrix, got {graph.ndim} dimensions")
    rows, cols = graph.shape
    if rows != cols:
        raise ValueError(f"the contact graph must be square, got {rows} x {cols}")
    if n is not None and rows != n:
        raise ValueError(f"the contact graph is {rows} x {cols} but the table has {n} rows; "
                         "it must be in the table's row order")
    a = sp.csr_matrix(graph, dtype=np.float64)
    a = (a + a.T).tocsr()
    a.setdiag(0)
    a.eliminate_zeros()
    a.data[:] = 1.0
    a.sort_indices()
    return a


def degrees(a: sp.csr_matrix) -> np.ndarray:
    return np.diff(a.indptr).astype(np.float64)


def triangles(a: sp.csr_matrix, chunk: int = 2048) -> np.ndarray:
    """Per node, how many pairs of its contacts are in contact with each other.

    Computed in row chunks, so memory stays near the size of ``a`` times the chunk's share.
    """
    n = a.shape[0]
    deg = degrees(a)
    if float(np.dot(deg, deg)) > TRIANGLE_BUDGET:
        return np.full(n, np.nan)
    out = np.zeros(n)
    for begin in range(0, n, chunk):
        rows = a[begin:begin + chunk]
        out[begin:begin + chunk] = np.asarray((rows @ a).multiply(rows).sum(axis=1)).ravel() / 2
    return out


def pagerank(a: sp.csr_matrix, damping: float = 0.85, tol: float = 1e-10, max_iter: int = 200) -> np.ndarray:
    """PageRank on the undirected graph, numbers without contacts spreading their share evenly.

    Scaled by the number of nodes, so 1 is the average.
    """
    n = a.shape[0]
    if n == 0:
        return np.zeros(0)
    deg = degrees(a)
    isolated = deg == 0
    walk = sp.diags(np.divide(1.0, deg, out=np.zeros(n), where=~isolated)) @ a
    walk_t = walk.T.tocsr()
    rank = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        new = damping * (walk_t @ rank) + (damping * rank[isolated].sum() + 1.0 - damping) / n
        done = np.abs(new - rank).sum() < tol
        rank = new
        if done:
            break
    return rank * n


_CACHE: OrderedDict[bytes, dict[str, np.ndarray]] = OrderedDict()
_CACHE_SIZE = 4


def structure_features(a: sp.csr_matrix) -> dict[str, np.ndarray]:
    """The STRUCTURE_FEATURES of every node of a matrix made by ``contact_graph``.

    The last few results are kept by the matrix's content, because fitting and scoring (and every
    fold of an evaluation) ask again for the same graph's.
    """
    digest = hashlib.blake2b(np.asarray(a.shape, dtype=np.int64).tobytes(), digest_size=16)
    digest.update(np.ascontiguousarray(a.indptr).tobytes())
    digest.update(np.ascontiguousarray(a.indices).tobytes())
    key = digest.digest()
    if key in _CACHE:
        _CACHE.move_to_end(key)
        return {name: values.copy() for name, values in _CACHE[key].items()}
    features = _structure_features(a)
    _CACHE[key] = features
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return {name: values.copy() for name, values in features.items()}


def _structure_features(a: sp.csr_matrix) -> dict[str, np.ndarray]:
    deg = degrees(a)
    with np.errstate(divide="ignore", invalid="ignore"):
        neighbour_degree = np.where(deg > 0, (a @ deg) / deg, np.nan)
        tri = triangles(a)
        clustering = np.where(deg > 1, tri / (deg * (deg - 1) / 2), np.nan)
    return {
        "graph_degree": deg,
        "graph_neighbour_degree_mean": neighbour_degree,
        "graph_two_hop_walks": a @ deg,
        "graph_triangles": tri,
        "graph_clustering": clustering,
        "graph_pagerank": pagerank(a),
    }

