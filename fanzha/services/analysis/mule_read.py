"""Reading the kept scores (两卡、帮信) for the analysis desk's page and API, personal data masked.

Account and phone numbers, names and identity numbers go out masked (``domain.privacy``); the
score distribution is counted over every kept account.
"""
from __future__ import annotations

from sqlalchemy import Integer, cast, func, select
from sqlalchemy.orm import Session

from fanzha.domain.access import check
from fanzha.domain.actor import Actor
from fanzha.domain.helping_rule import EARNED_MIN_FEN, PARTIES_MIN, SETTLED_MIN_FEN
from fanzha.domain.permissions import Permission
from fanzha.domain.privacy import mask_account, mask_id, mask_name, mask_phone
from fanzha.store.models import CardScore, HelperFlag, MuleScore

BINS = 20
MAX_LIMIT = 500


def _limit(limit: int) -> int:
    return max(1, min(int(limit), MAX_LIMIT))


def mule_rows(session: Session, actor: Actor, *, flagged_only: bool = True, typology: str | None = None,
              limit: int = 200) -> list[dict]:
    check(actor, Permission.ANALYSIS_READ, object_type="mule_score")
    query = select(MuleScore)
    if flagged_only:
        query = query.where(MuleScore.flagged.is_(True))
    if typology:
        query = query.where(MuleScore.typology == typology)
    rows = session.scalars(query.order_by(MuleScore.score.desc(), MuleScore.account).limit(_limit(limit)))
    return [{"account": r.account, "account_masked": mask_account(r.account), "bank": r.bank,
             "holder": mask_name(r.holder_name), "score": round(r.score, 4), "flagged": r.flagged,
             "typology": r.typology, "reasons": r.reasons, "figures": r.figures,
             "scored_at": r.scored_at.isoformat()} for r in rows]


def card_rows(session: Session, actor: Actor, *, limit: int = 200) -> list[dict]:
    check(actor, Permission.ANALYSIS_READ, object_type="card_score")
    rows = session.scalars(select(CardScore).order_by(CardScore.score.desc(), CardScore.number).limit(_limit(limit)))
    return [{"number": mask_phone(r.number), "score": round(r.score, 4), "flagged": r.flagged,
             "reasons": r.reasons, "figures": r.figures, "scored_at": r.scored_at.isoformat()} for r in rows]


def helper_rows(session: Session, actor: Actor, *, serious_only: bool = True, limit: int = 200) -> list[dict]:
    check(actor, Permission.ANALYSIS_READ, object_type="helper_flag")
    query = select(HelperFlag)
    if serious_only:
        query = query.where(HelperFlag.serious.is_(True))
    rows = session.scalars(query.order_by(HelperFlag.settled_fen.desc(), HelperFlag.person_key).limit(_limit(limit)))
    return [_helper(r) for r in rows]


def _helper(r: HelperFlag) -> dict:
    ev = dict(r.evidence or {})
    ev["accounts"] = [{**a, "account": mask_account(a.get("account"))} for a in ev.get("accounts", [])]
    ev["all_accounts"] = [mask_account(a) for a in ev.get("all_accounts", [])]
    ev["parties"] = [{**p, "account": mask_account(p.get("account"))} for p in ev.get("parties", [])]
    return {"id": r.id, "name": mask_name(r.name), "id_number": mask_id(r.id_number) if r.id_number else None,
            "serious": r.serious, "criteria": r.criteria, "parties": r.parties, "settled_fen": r.settled_fen,
            "earned_fen": r.earned_fen, "evidence": ev, "flagged_at": r.flagged_at.isoformat()}


def score_distribution(session: Session, actor: Actor) -> dict:
    """Kept accounts per score band of 0.05, and how many are flagged."""
    check(actor, Permission.ANALYSIS_READ, object_type="mule_score")
    band = cast(MuleScore.score * BINS, Integer)  # truncation is the floor: scores are not negative
    counts: dict[int, int] = {}
    for b, n in session.execute(select(band, func.count()).group_by(band)).all():
        counts[min(int(b), BINS - 1)] = counts.get(min(int(b), BINS - 1), 0) + int(n)
    flagged = session.scalar(select(func.count()).select_from(MuleScore).where(MuleScore.flagged.is_(True))) or 0
    total = sum(counts.values())
    return {"bins": [{"from": round(i / BINS, 2), "to": round((i + 1) / BINS, 2), "accounts": int(counts.get(i, 0))}
                     for i in range(BINS)], "kept": int(total), "flagged": int(flagged)}


def summary(session: Session, actor: Actor) -> dict:
    check(actor, Permission.ANALYSIS_READ, object_type="mule_score")
    scored_at = session.scalar(select(func.max(MuleScore.scored_at)))
    by_typology = dict(session.execute(select(MuleScore.typology, func.count()).where(MuleScore.flagged.is_(True))
                                       .group_by(MuleScore.typology)).all())
    return {"scored_at": scored_at.isoformat() if scored_at else None,
            "flagged_by_typology": {str(k): int(v) for k, v in by_typology.items() if k},
            "helpers_serious": int(session.scalar(select(func.count()).select_from(HelperFlag)
                                                  .where(HelperFlag.serious.is_(True))) or 0),
            "cards_flagged": int(session.scalar(select(func.count()).select_from(CardScore)
                                                .where(CardScore.flagged.is_(True))) or 0),
            "rule": {"parties_min": PARTIES_MIN, "settled_min_fen": SETTLED_MIN_FEN, "earned_min_fen": EARNED_MIN_FEN}}
