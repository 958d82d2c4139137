"""The navigation: the home dashboard, the desks, the audit log and the admin pages, each shown
only to roles that may open it (the same permissions the routes require)."""
from __future__ import annotations

from dataclasses import dataclass

from fanzha.domain.actor import Actor
from fanzha.domain.permissions import Permission


@dataclass(frozen=True)
class NavItem:
    area: str  # highlighted when a page sets ``area`` to this
    href: str
    key: str  # catalog key of the label
    permission: Permission | None = None  # None: anyone (a public page)

    def open_to(self, actor: Actor | None) -> bool:
        return self.permission is None or (actor is not None and actor.may(self.permission))


# The desks after intake, each with the permission that opens it (the public desk is open to everyone).
DESK_PERMISSIONS: dict[str, Permission | None] = {
    "funds": Permission.ORDERS_READ,
    "telecom": Permission.NUMBERS_READ,
    "warning": Permission.LEADS_READ,
    "analysis": Permission.ANALYSIS_READ,
    "command": Permission.STATS_READ,
    "public": None,
}
# Each desk's home page: where the navigation (and an old /desks/<code> address) opens it.
DESK_HOMES: dict[str, str] = {"funds": "/funds", "telecom": "/telecom/orders", "warning": "/warning/leads",
                              "analysis": "/analysis/series", "command": "/command", "public": "/public"}

NAV: tuple[NavItem, ...] = (
    NavItem("home", "/", "nav.home", Permission.DASHBOARD_READ),
    NavItem("intake", "/intake/cases", "nav.intake", Permission.CASE_READ),
    *(NavItem(code, DESK_HOMES[code], f"desk.{code}.name", perm)
      for code, perm in DESK_PERMISSIONS.items()),
    NavItem("audit", "/audit", "nav.audit", Permission.AUDIT_READ),
    NavItem("admin", "/admin/users", "nav.admin", Permission.USERS_MANAGE),
)

# The intake desk's own pages, shown as tabs on its pages.
INTAKE_TABS: tuple[NavItem, ...] = (
    NavItem("cases", "/intake/cases", "intake.tab.cases", Permission.CASE_READ),
    NavItem("new", "/intake/new", "intake.tab.new", Permission.CASE_CREATE),
    NavItem("imports", "/imports", "intake.tab.imports", Permission.IMPORT_RUN),
    NavItem("public_reports", "/public/reports", "intake.tab.public_reports", Permission.CASE_CREATE),
)

ADMIN_TABS: tuple[NavItem, ...] = (
    NavItem("users", "/admin/users", "admin.tab.users", Permission.USERS_MANAGE),
    NavItem("tokens", "/admin/tokens", "admin.tab.tokens", Permission.USERS_MANAGE),
)


def home_for(actor: Actor) -> str:
    """Where a signed-in user lands: the dashboard, or the first page their role opens."""
    for item in NAV:
        if item.permission is not None and actor.may(item.permission):
            return item.href
    return "/public"
