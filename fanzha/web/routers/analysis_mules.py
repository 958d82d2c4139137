"""Mule cards and helpers pages (两卡、帮信): scored accounts and phone cards, flagged persons.

The page lists the accounts the mule model flags (score, typology guess, reasons, bank, a link to
the link chart), the phone cards scored as sold or rented, and the persons whose cards meet the
帮信 rule with the criteria and the evidence; a chart shows how the kept scores are spread. The
JSON API gives the same lists. Personal data is masked everywhere. Scores come from
``fanzha analyze mules`` (the store's run).
"""
from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from fanzha.domain.actor import Actor
from fanzha.domain.helping_rule import EARNED_MIN_FEN, PARTIES_MIN, SETTLED_MIN_FEN
from fanzha.domain.permissions import Permission
from fanzha.engines.mule_structure import TYPOLOGIES
from fanzha.services.analysis.mule_read import (
    card_rows,
    helper_rows,
    mule_rows,
    score_distribution,
    summary,
)
from fanzha.web.auth import requires
from fanzha.web.deps import get_db
from fanzha.web.i18n import translate
from fanzha.web.templating import render

router = APIRouter()
Limit = Annotated[int, Query(ge=1, le=500, description="at most this many rows, highest first")]


@router.get("/analysis/mules", include_in_schema=False)
def mules_page(request: Request, actor: Actor = Depends(requires(Permission.ANALYSIS_READ)), db=Depends(get_db)):
    typology = request.query_params.get("typology") or None
    typology = typology if typology in TYPOLOGIES else None
    with db.session() as session:
        accounts = mule_rows(session, actor, typology=typology)
        cards = card_rows(session, actor, limit=100)
        helpers = helper_rows(session, actor)
        spread = score_distribution(session, actor)
        head = summary(session, actor)
    return render(request, "analysis/mules.html", {
        "area": "analysis", "accounts": accounts, "cards": cards, "helpers": helpers, "spread": spread,
        "head": head, "typology": typology, "typologies": TYPOLOGIES,
        "scored_at": datetime.fromisoformat(head["scored_at"]) if head["scored_at"] else None,
        "rule": {"parties": PARTIES_MIN, "settled_fen": SETTLED_MIN_FEN, "earned_fen": EARNED_MIN_FEN},
        "chart": {"bins": spread["bins"], "labels": {"accounts": _word(request, "analysis.mules.chart.accounts")}},
    })


def _word(request: Request, key: str) -> str:
    return translate(key, getattr(request.state, "lang", "zh"))


@router.get("/api/analysis/mules", tags=["analysis: mule cards"])
def mules_api(actor: Actor = Depends(requires(Permission.ANALYSIS_READ)), db=Depends(get_db),
              typology: Annotated[str | None, Query(description="fan_in, fan_out, chain, cycle or scatter_gather")] = None,
              flagged_only: Annotated[bool, Query(description="only accounts at or above the threshold")] = True,
              limit: Limit = 200) -> dict:
    """Scored accounts (两卡 银行卡), highest first, account numbers and names masked; with the
    phone cards and the spread of scores."""
    typology = typology if typology in TYPOLOGIES else None
    with db.session() as session:
        accounts = mule_rows(session, actor, flagged_only=flagged_only, typology=typology, limit=limit)
        return {**summary(session, actor), "accounts": [_masked(a) for a in accounts],
                "phone_cards": card_rows(session, actor, limit=limit),
                "distribution": score_distribution(session, actor)}


@router.get("/api/analysis/helpers", tags=["analysis: mule cards"])
def helpers_api(actor: Actor = Depends(requires(Permission.ANALYSIS_READ)), db=Depends(get_db),
                serious_only: Annotated[bool, Query(description="only persons meeting a 帮信 criterion")] = True,
                limit: Limit = 200) -> dict:
    """Persons whose cards helped gangs (帮信), with the criteria met, the figures (fen) and the
    evidence; names, identity and account numbers masked."""
    with db.session() as session:
        return {"rule": {"parties_min": PARTIES_MIN, "settled_min_fen": SETTLED_MIN_FEN,
                         "earned_min_fen": EARNED_MIN_FEN},
                "persons": helper_rows(session, actor, serious_only=serious_only, limit=limit)}


def _masked(row: dict) -> dict:
    out = {k: v for k, v in row.items() if k not in ("account", "account_masked")}
    return {"account": row["account_masked"], **out}
