"""Who the client is, as the API sees it: role, organisation, area and permissions. A machine
client calls this first to check its token."""
from __future__ import annotations

from fastapi import APIRouter, Depends

from fanzha.domain.actor import Actor
from fanzha.domain.permissions import permissions_of
from fanzha.web.auth import signed_in
from fanzha.web.schemas import MeOut, OrganisationOut, api_responses

router = APIRouter(prefix="/api", tags=["account"])


@router.get("/me", response_model=MeOut, responses=api_responses())
def me(actor: Actor = Depends(signed_in())) -> MeOut:
    """The signed-in user or the API token's identity, with the permissions its role holds."""
    return MeOut(
        username=actor.username, display_name=actor.display_name, role=actor.role.value,
        role_zh=actor.role.label_zh,
        organisation=OrganisationOut(code=actor.org_code or "", name=actor.org_name or "",
                                     kind=actor.org_kind.value if actor.org_kind else ""),
        scope=actor.scope.value, permissions=sorted(p.value for p in permissions_of(actor.role)), via=actor.via,
    )
