"""The actor (操作人): who is asking a service to do something, and on whose behalf.

Every service that reads or changes the center's data takes an ``Actor``: a signed-in user, a
machine client holding an API token (a bank's or operator's own system), or the system itself
(the command line on the server, the demo loader). The actor carries what the permission table
needs to decide: the role, the organisation's kind and the area it covers.
"""
from __future__ import annotations

from dataclasses import dataclass

from fanzha.domain.organisation import OrgKind
from fanzha.domain.permissions import Permission, Scope, allows, scope_of
from fanzha.domain.role import Role


@dataclass(frozen=True)
class Actor:
    username: str  # the user's login; "token:<id>" for a token; "cli" / "system" for the system
    role: Role | None  # None only for the system
    org_id: int | None = None
    org_code: str | None = None
    org_name: str | None = None
    org_kind: OrgKind | None = None
    region: str | None = None  # the county the organisation covers (None for city, banks, operators)
    user_id: int | None = None
    token_id: int | None = None
    display_name: str = ""
    ip: str | None = None
    via: str = "session"  # session, token or system

    @classmethod
    def system(cls, name: str = "system") -> Actor:
        """The platform itself: command-line tools run on the server, loaders, tests."""
        return cls(username=name, role=None, display_name=name, via="system")

    @property
    def is_system(self) -> bool:
        return self.via == "system"

    @property
    def scope(self) -> Scope:
        if self.is_system:
            return Scope.ALL
        return scope_of(self.org_kind) if self.org_kind is not None else Scope.NONE

    def may(self, permission: Permission) -> bool:
        return self.is_system or allows(self.role, permission)

    @property
    def bank_code(self) -> str | None:
        """ICBC for the organisation bank-ICBC; None unless the actor works for a bank."""
        if self.org_kind is OrgKind.BANK and self.org_code:
            return self.org_code.removeprefix("bank-")
        return None

    @property
    def operator_code(self) -> str | None:
        if self.org_kind is OrgKind.OPERATOR and self.org_code:
            return self.org_code.removeprefix("operator-")
        return None

    @property
    def area_zh(self) -> str:
        """The actor's area as a person reads it: 城厢区, 城厢区龙桥派出所, 工商银行."""
        if self.scope is Scope.ALL:
            return "全市"
        return (self.org_name if self.scope is not Scope.COUNTY else self.region) or "—"

    @property
    def area_en(self) -> str:
        if self.scope is Scope.ALL:
            return "the whole city"
        return (self.org_name if self.scope is not Scope.COUNTY else self.region) or "—"
