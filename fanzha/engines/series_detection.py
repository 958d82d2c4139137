"""Series detection (串并案): link cases that share an entity, then split links that join gangs.

Input is the case–entity incidence as a CSR matrix (rows cases, columns entities: a phone, card,
URL, device... the case involves). The rule, stated:

1. An entity links cases only if it can point at a gang: the victims' own phones, cards and the
   victim persons are left out by whoever builds the incidence (``linkable``), and each entity kind
   has a weight (``SeriesRules.kind_weight``): identifiers (cards, phones, URLs, social accounts,
   devices, IPs) weigh 1, an app's name 0.1 (many gangs call their app 易兼职, so a shared name
   alone links nothing).
2. Hubs are damped: an entity seen in more than ``hub_cases`` cases weighs ``hub_cases / n`` of its
   kind weight, and one seen in more than ``hub_max`` cases (a payment platform's account, a
   carrier gateway IP) links nothing at all. It still shows among a series' key entities.
3. Two cases are linked when the weights of the entities they share add up to ``min_link``.
   Linked components are the first candidates (method ``components``).
4. Each component of at least ``leiden_min_cases`` cases is given to igraph's Leiden (modularity,
   weighted, seeded); the split is kept only when its modularity reaches ``split_quality``, i.e.
   the component is really two or more dense groups joined by a few shared entities (method
   ``leiden``). A case Leiden leaves alone goes back to the group it is most linked to.

Series of one case are not series: such cases carry label -1. Key entities of a series are ranked
by the victims they touch, then the cases (a card that took money from 40 victims comes first).
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field

import igraph as ig
import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from fanzha.domain.entity_graph import EntityKind

ENTITY_KINDS: tuple[EntityKind, ...] = tuple(EntityKind)
KIND_CODE: dict[str, int] = {k.value: i for i, k in enumerate(ENTITY_KINDS)}

_TIE_ORDER = ("account", "phone", "wechat", "qq", "url", "app", "imei", "mac", "ip")
_DEFAULT_WEIGHTS = {k.value: 1.0 for k in ENTITY_KINDS} | {"app": 0.1, "case": 0.0, "person": 0.0}


@dataclass(frozen=True)
class SeriesRules:
    kind_weight: dict[str, float] = field(default_factory=lambda: dict(_DEFAULT_WEIGHTS))
    hub_cases: int = 50  # above this many cases an entity weighs hub_cases / n
    hub_max: int = 500  # above this it links nothing (and costs nothing: pairs grow as n²)
    min_link: float = 0.5  # shared weight that links two cases
    leiden_min_cases: int = 4  # smaller components are kept whole
    split_quality: float = 0.3  # modularity a Leiden split must reach to be kept
    resolution: float = 1.0
    key_entities: int = 20  # key entities kept per series
    reasons_per_case: int = 10
    seed: int = 7

    def describe(self) -> str:
        return (f"entities weigh by kind ({', '.join(f'{k} {w:g}' for k, w in sorted(self.kind_weight.items()) if w)}); "
                f"damped as {self.hub_cases}/n above {self.hub_cases} cases, ignored above {self.hub_max}; "
                f"cases linked at shared weight ≥ {self.min_link:g}; components of {self.leiden_min_cases}+ cases "
                f"split by Leiden when modularity ≥ {self.split_quality:g}")


@dataclass
class Incidence:
    """Which entities each case involves, with what the series summary needs per case."""

    matrix: sp.csr_matrix  # n_cases × n_entities, non-zero where the case involves the entity
    entity_kind: np.ndarray  # int8 code (KIND_CODE) per entity column
    victim: np.ndarray  # int64 victim id per case row (-1: unknown)
    linkable: np.ndarray | None = None  # bool per entity: False for the victims' own

    @classmethod
    def from_pairs(cls, case_index: np.ndarray, entity_index: np.ndarray, n_cases: int,
                   entity_kind: np.ndarray, victim: np.ndarray | None = None,
                   linkable: np.ndarray | None = None) -> Incidence:
        """Build from (case row, entity column) pairs; duplicates count once."""
        case_index = np.asarray(case_index, dtype=np.int64)
        entity_index = np.asarray(entity_index, dtype=np.int64)
        n_entities = len(entity_kind)
        m = sp.csr_matrix((np.ones(len(case_index), dtype=np.float32), (case_index, entity_index)),
                          shape=(n_cases, n_entities))
        m.sum_duplicates()
        m.data[:] = 1.0
        if victim is None:
            victim = np.arange(n_cases, dtype=np.int64)
        return cls(m, np.asarray(entity_kind, dtype=np.int8), np.asarray(victim, dtype=np.int64),
                   None if linkable is None else np.asarray(linkable, dtype=bool))


def incidence_from_graph(case_entity: np.ndarray, src: np.ndarray, dst: np.ndarray, involves: np.ndarray,
                         onward: np.ndarray, entity_kind: np.ndarray, victim: np.ndarray | None = None,
                         linkable: np.ndarray | None = None) -> Incidence:
    """The incidence from a whole graph held as edge arrays (src → dst over entity ids 0..n-1).

    Row i is the case whose entity id is ``case_entity[i]``; it involves the targets of its
    ``involves`` edges and, one step on, the targets of the ``onward`` edges (paid, used, logged
    in from) leaving those. Columns are entity ids.
    """
    n = len(entity_kind)
    row_of = np.full(n, -1, dtype=np.int64)
    row_of[case_entity] = np.arange(len(case_entity))
    inv = involves & (row_of[src] >= 0)
    a = sp.csr_matrix((np.ones(int(inv.sum()), dtype=np.float32), (row_of[src[inv]], dst[inv])),
                      shape=(len(case_entity), n))
    a.sum_duplicates()
    b = sp.csr_matrix((np.ones(int(onward.sum()), dtype=np.float32), (src[onward], dst[onward])), shape=(n, n))
    b.sum_duplicates()
    m = (a + a @ b).tocsr()
    m.data[:] = 1.0
    kinds = np.asarray(entity_kind, dtype=np.int8)
    return Incidence(m, kinds, np.arange(len(case_entity), dtype=np.int64) if victim is None else victim, linkable)


@dataclass
class SeriesDetection:
    """Per case its series (-1: none) and per series its method, key entities and reasons."""

    label: np.ndarray  # int64 per case row
    method: list[str]  # per series: components / leiden
    n_components: int
    # Pairs (series, case, entity) where the entity is shared by 2+ cases of the series, sorted.
    _pair_series: np.ndarray
    _pair_case: np.ndarray
    _pair_entity: np.ndarray
    # Per (series, entity) the cases and victims it touches, sorted by series then rank.
    _key_series: np.ndarray
    _key_entity: np.ndarray
    _key_cases: np.ndarray
    _key_victims: np.ndarray
    rules: SeriesRules

    @property
    def n_series(self) -> int:
        return len(self.method)

    def cases_of(self, k: int) -> np.ndarray:
        """Case rows of series k (the label sorted once, then sliced)."""
        if not hasattr(self, "_by_label"):
            order = np.argsort(self.label, kind="stable")
            self._by_label = (order, self.label[order])
        order, sorted_label = self._by_label
        lo, hi = np.searchsorted(sorted_label, [k, k + 1])
        return order[lo:hi]

    def key_entities(self, k: int) -> list[tuple[int, int, int]]:
        """(entity column, cases, victims) for series k, most connecting first."""
        lo, hi = np.searchsorted(self._key_series, [k, k + 1])
        hi = min(hi, lo + self.rules.key_entities)
        return [(int(e), int(c), int(v)) for e, c, v in
                zip(self._key_entity[lo:hi], self._key_cases[lo:hi], self._key_victims[lo:hi], strict=True)]

    def reasons(self, k: int) -> dict[int, list[int]]:
        """Per case row of series k, the entity columns it shares with other cases of it."""
        lo, hi = np.searchsorted(self._pair_series, [k, k + 1])
        out: dict[int, list[int]] = {}
        for c, e in zip(self._pair_case[lo:hi], self._pair_entity[lo:hi], strict=True):
            lst = out.setdefault(int(c), [])
            if len(lst) < self.rules.reasons_per_case:
                lst.append(int(e))
        return out


def entity_weights(inc: Incidence, rules: SeriesRules) -> tuple[np.ndarray, np.ndarray]:
    """(cases per entity, linking weight per entity) under the rules."""
    n_e = np.bincount(inc.matrix.indices, minlength=inc.matrix.shape[1]).astype(np.int64)
    by_kind = np.zeros(len(ENTITY_KINDS), dtype=np.float64)
    for kind, w in rules.kind_weight.items():
        if kind in KIND_CODE:
            by_kind[KIND_CODE[kind]] = w
    w = by_kind[inc.entity_kind]
    w = w * np.minimum(1.0, rules.hub_cases / np.maximum(n_e, 1))
    w[(n_e < 2) | (n_e > rules.hub_max)] = 0.0
    if inc.linkable is not None:
        w[~inc.linkable] = 0.0
    return n_e, w


def case_links(inc: Incidence, w: np.ndarray) -> sp.csr_matrix:
    """The weighted case–case matrix: shared weight per pair (upper triangle, no diagonal)."""
    m = inc.matrix
    keep = w[m.indices] > 0
    rows = np.repeat(np.arange(m.shape[0], dtype=np.int64), np.diff(m.indptr))
    counts = np.bincount(rows[keep], minlength=m.shape[0])
    indptr = np.concatenate([[0], np.cumsum(counts)])
    cols = m.indices[keep]
    a = sp.csr_matrix((w[cols].astype(np.float64), cols, indptr), shape=m.shape)
    b = sp.csr_matrix((np.ones(len(cols)), cols, indptr), shape=m.shape)
    p = (a @ b.T).tocsr()
    return sp.triu(p, k=1, format="csr")


def detect_series(inc: Incidence, rules: SeriesRules | None = None) -> SeriesDetection:
    rules = rules or SeriesRules()
    n_cases = inc.matrix.shape[0]
    n_e, w = entity_weights(inc, rules)
    links = case_links(inc, w)
    links.data[links.data < rules.min_link] = 0
    links.eliminate_zeros()
    n_comp, comp = connected_components(links, directed=False)
    sizes = np.bincount(comp, minlength=n_comp)

    # Leiden inside each big enough component, on the component's own edges.
    coo = links.tocoo()
    group = comp.astype(np.int64).copy()  # final group per case, before relabelling
    method_of_group: dict[int, str] = {}
    next_group = n_comp
    big = np.flatnonzero(sizes >= rules.leiden_min_cases)
    if len(big) and coo.nnz:
        edge_comp = comp[coo.row]
        order = np.argsort(edge_comp, kind="stable")
        er, ec, ew, eg = coo.row[order], coo.col[order], coo.data[order], edge_comp[order]
        bounds = np.searchsorted(eg, np.stack([big, big + 1]))
        case_order = np.argsort(comp, kind="stable")
        case_bounds = np.searchsorted(comp[case_order], np.stack([big, big + 1]))
        local = np.empty(n_cases, dtype=np.int64)
        for j, c in enumerate(big):
            members = case_order[case_bounds[0, j]:case_bounds[1, j]]
            local[members] = np.arange(len(members))
            lo, hi = bounds[0, j], bounds[1, j]
            membership = _leiden_split(len(members), local[er[lo:hi]], local[ec[lo:hi]], ew[lo:hi], rules)
            if membership is None:
                continue
            for part in range(1, int(membership.max()) + 1):
                group[members[membership == part]] = next_group
                method_of_group[next_group] = "leiden"
                next_group += 1
            method_of_group[int(c)] = "leiden"

    # Relabel: groups of 2+ cases become series 0..k-1 (largest first), the rest -1.
    gsizes = np.bincount(group, minlength=next_group)
    multi = np.flatnonzero(gsizes >= 2)
    multi = multi[np.argsort(-gsizes[multi], kind="stable")]
    relabel = np.full(next_group, -1, dtype=np.int64)
    relabel[multi] = np.arange(len(multi))
    label = relabel[group]
    methods = [method_of_group.get(int(g), "components") for g in multi]
    return _summarise(inc, rules, label, methods, n_comp, n_e, w)


def _leiden_split(n: int, src: np.ndarray, dst: np.ndarray, weight: np.ndarray,
                  rules: SeriesRules) -> np.ndarray | None:
    """Membership 0..k-1 when Leiden finds a split worth keeping, else None."""
    g = ig.Graph(n=n, edges=np.column_stack([src, dst]).tolist())
    wl = weight.tolist()
    # Leiden draws from igraph's generator: seeded per component (the same graph, the same split),
    # the default one back after.
    ig.set_random_number_generator(random.Random(rules.seed))
    try:
        part = g.community_leiden(objective_function="modularity", weights=wl,
                                  resolution=rules.resolution, n_iterations=-1)
    finally:
        ig.set_random_number_generator(random)
    membership = np.asarray(part.membership, dtype=np.int64)
    if membership.max() == 0:
        return None
    # A case left on its own goes back to the group it is most linked to.
    sizes = np.bincount(membership)
    for v in np.flatnonzero(sizes[membership] == 1):
        nbrs = g.incident(int(v))
        best, best_w = None, -1.0
        for eid in nbrs:
            other = g.es[eid].target if g.es[eid].source == v else g.es[eid].source
            if sizes[membership[other]] > 1 and wl[eid] > best_w:
                best, best_w = membership[other], wl[eid]
        if best is not None:
            sizes[membership[v]] -= 1
            membership[v] = best
            sizes[best] += 1
    _, membership = np.unique(membership, return_inverse=True)
    if membership.max() == 0 or g.modularity(membership.tolist(), weights=wl) < rules.split_quality:
        return None
    return membership


def _summarise(inc: Incidence, rules: SeriesRules, label: np.ndarray, methods: list[str],
               n_comp: int, n_e: np.ndarray, w: np.ndarray) -> SeriesDetection:
    m = inc.matrix
    rows = np.repeat(np.arange(m.shape[0], dtype=np.int64), np.diff(m.indptr))
    cols = m.indices.astype(np.int64)
    s = label[rows]
    # Entities that can speak for a gang (linkable, not a lone case's) inside a series.
    linkable = np.ones(m.shape[1], dtype=bool) if inc.linkable is None else inc.linkable
    usable = (s >= 0) & linkable[cols] & (n_e[cols] >= 2) & (inc.entity_kind[cols] != KIND_CODE["person"]) \
        & (inc.entity_kind[cols] != KIND_CODE["case"])
    s, rows, cols = s[usable], rows[usable], cols[usable]
    n_ent = m.shape[1]
    key = s * n_ent + cols
    uk, inv, case_count = np.unique(key, return_inverse=True, return_counts=True)
    shared = case_count[inv] >= 2
    ps, pc, pe, pw = s[shared], rows[shared], cols[shared], w[cols[shared]]
    order = np.lexsort((-pw, pc, ps))
    ps, pc, pe = ps[order], pc[order], pe[order]
    # Key entities: per (series, entity) its cases and distinct victims.
    multi = case_count >= 2
    ks, ke, kc = uk[multi] // n_ent, uk[multi] % n_ent, case_count[multi]
    vk, vv = key[shared], inc.victim[rows[shared]]
    o = np.lexsort((vv, vk))
    vk, vv = vk[o], vv[o]
    first = np.ones(len(vk), dtype=bool)
    first[1:] = (vk[1:] != vk[:-1]) | (vv[1:] != vv[:-1])
    vk_unique, vk_counts = np.unique(vk[first], return_counts=True)
    kv = vk_counts[np.searchsorted(vk_unique, uk[multi])] if len(vk_unique) else np.zeros(0, np.int64)
    # Ties broken by kind: a card before a phone before an online identity before a device or IP.
    rank = np.full(len(ENTITY_KINDS), len(_TIE_ORDER), dtype=np.int64)
    for i, kind in enumerate(_TIE_ORDER):
        rank[KIND_CODE[kind]] = i
    order = np.lexsort((ke, rank[inc.entity_kind[ke]], -kc, -kv, ks))
    return SeriesDetection(label=label, method=methods, n_components=n_comp,
                           _pair_series=ps, _pair_case=pc, _pair_entity=pe,
                           _key_series=ks[order], _key_entity=ke[order], _key_cases=kc[order],
                           _key_victims=kv[order], rules=rules)


def summarise(inc: Incidence, label: np.ndarray, methods: list[str], rules: SeriesRules | None = None) -> SeriesDetection:
    """Key entities and reasons for a grouping chosen elsewhere (an analyst's merge or split)."""
    rules = rules or SeriesRules()
    n_e, w = entity_weights(inc, rules)
    return _summarise(inc, rules, np.asarray(label, dtype=np.int64), methods, len(methods), n_e, w)


def grouping_quality(truth: np.ndarray, label: np.ndarray) -> dict:
    """Purity and completeness of a grouping against the true gangs, case-weighted.

    ``truth`` is the true gang code per case, ``label`` the series per case (-1: none, each such
    case its own group). Purity: the share of cases whose group's majority gang is theirs;
    completeness: the share of cases in the group holding most of their gang's cases. Per gang,
    the same two figures over that gang's cases.
    """
    truth = np.asarray(truth, dtype=np.int64)
    label = np.asarray(label, dtype=np.int64).copy()
    n = len(truth)
    if n == 0:
        return {"cases": 0, "purity": 1.0, "completeness": 1.0, "per_gang": {}}
    alone = label < 0
    label[alone] = label.max(initial=-1) + 1 + np.arange(int(alone.sum()))
    _, t = np.unique(truth, return_inverse=True)
    _, g = np.unique(label, return_inverse=True)
    n_t = int(t.max()) + 1
    key, counts = np.unique(g * n_t + t, return_counts=True)
    pg, pt = key // n_t, key % n_t
    group_max = np.zeros(int(pg.max()) + 1, dtype=np.int64)
    np.maximum.at(group_max, pg, counts)
    gang_max = np.zeros(n_t, dtype=np.int64)
    np.maximum.at(gang_max, pt, counts)
    pure = np.bincount(pt, weights=np.where(counts == group_max[pg], counts, 0), minlength=n_t)
    groups = np.bincount(pt, minlength=n_t)
    total = np.bincount(t, minlength=n_t)
    codes = np.unique(truth)
    per_gang = {int(codes[i]): {"cases": int(total[i]), "groups": int(groups[i]),
                                "completeness": round(float(gang_max[i] / total[i]), 4),
                                "purity": round(float(pure[i] / total[i]), 4)} for i in range(n_t)}
    purity_hits = int(group_max.sum())
    return {"cases": n, "purity": round(purity_hits / n, 4), "completeness": round(int(gang_max.sum()) / n, 4),
            "per_gang": per_gang}
