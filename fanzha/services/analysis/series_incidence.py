"""The case–entity incidence read from the entity graph (案件—要素关联), for series detection.

A case involves what its report, its orders and the statements of its cards name: the entities
the case node points at (involves), and one step further, where those cards sent money on (paid),
the IPs and MACs they were used from and the IMEIs behind its phones. The victims' own phones and
cards (what a victim person owns, the cards victims paid from) are marked as not linking: they
belong to victims, not to gangs.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np
from sqlalchemy import Connection, and_, select
from sqlalchemy.orm import aliased

from fanzha.engines.series_detection import KIND_CODE, Incidence
from fanzha.services.analysis.graph_keys import entity_key
from fanzha.store.models import Case, CaseTransfer, GraphEntity, GraphRelation

E = GraphEntity.__table__
R = GraphRelation.__table__
ONWARD = ("paid", "logged_in_from", "used")  # one step on from what a case involves


@dataclass
class StoreIncidence:
    case_ids: np.ndarray  # cases.id per row
    entity_ids: np.ndarray  # graph_entities.id per column
    entity_kind: list[str]
    entity_key: list[str]
    incidence: Incidence
    loss_fen: np.ndarray
    fraud_type: list[str | None]
    reported_at: list[datetime]
    region: list[str]
    station_id: list[int | None]


def store_incidence(conn: Connection, case_ids: list[int] | None = None) -> StoreIncidence:
    """All cases of the graph, or only ``case_ids`` (an analyst's merge or split)."""
    only = [Case.id.in_(case_ids)] if case_ids is not None else []
    cases = conn.execute(select(E.c.id, Case.id, Case.victim_id, Case.loss_fen, Case.fraud_type, Case.reported_at,
                                Case.region, Case.station_id)
                         .join(Case, Case.id == E.c.case_id).where(E.c.kind == "case", *only).order_by(Case.id)).all()
    row_of = {c[0]: i for i, c in enumerate(cases)}
    r1 = R.alias("r1")
    r2 = R.alias("r2")
    dst = aliased(GraphEntity)
    extra = [r1.c.src_id.in_(list(row_of))] if case_ids is not None else []
    direct = conn.execute(select(r1.c.src_id, r1.c.dst_id).join(E, E.c.id == r1.c.src_id)
                          .where(E.c.kind == "case", r1.c.kind == "involves", *extra)).all()
    onward = conn.execute(select(r1.c.src_id, r2.c.dst_id)
                          .join(E, E.c.id == r1.c.src_id)
                          .join(r2, and_(r2.c.src_id == r1.c.dst_id, r2.c.kind.in_(ONWARD)))
                          .where(E.c.kind == "case", r1.c.kind == "involves", *extra)).all()
    pairs = [(row_of[s], d) for s, d in direct + onward if s in row_of]
    ent_ids = np.unique(np.array([d for _, d in pairs], dtype=np.int64)) if pairs else np.zeros(0, np.int64)
    kinds: dict[int, tuple[str, str]] = {}
    ids = ent_ids.tolist()
    for i in range(0, len(ids), 500):
        for row in conn.execute(select(dst.id, dst.kind, dst.key).where(dst.id.in_(ids[i:i + 500]))):
            kinds[row.id] = (row.kind, row.key)
    kind_list = [kinds[i][0] for i in ids]
    key_list = [kinds[i][1] for i in ids]
    # The victims' own: what victim persons own, and the cards victims paid from.
    victim_entities = {c.victim_id for c in cases}
    own = set()
    owner = E.alias("owner")
    vids = [str(v) for v in victim_entities]
    for i in range(0, len(vids), 500):
        own.update(x for (x,) in conn.execute(
            select(R.c.dst_id).join(owner, owner.c.id == R.c.src_id)
            .where(owner.c.kind == "person", owner.c.key.in_(vids[i:i + 500]), R.c.kind == "owns")))
    own_accounts = {entity_key("account", a)[1] for (a,) in conn.execute(
        select(CaseTransfer.from_account).where(CaseTransfer.from_account.is_not(None)).distinct())
        if entity_key("account", a)}
    linkable = np.array([not (i in own or (kinds[i][0] == "account" and kinds[i][1] in own_accounts))
                         for i in ids], dtype=bool)
    col = np.searchsorted(ent_ids, np.array([d for _, d in pairs], dtype=np.int64))
    rows = np.array([r for r, _ in pairs], dtype=np.int64)
    codes = np.array([KIND_CODE[k] for k in kind_list], dtype=np.int8)
    inc = Incidence.from_pairs(rows, col, len(cases), codes, victim=np.array([c[2] for c in cases], dtype=np.int64),
                               linkable=linkable)
    return StoreIncidence(np.array([c[1] for c in cases], dtype=np.int64), ent_ids, kind_list, key_list, inc,
                          np.array([c[3] or 0 for c in cases], dtype=np.int64), [c[4] for c in cases],
                          [c[5] for c in cases], [c[6] for c in cases], [c[7] for c in cases])
