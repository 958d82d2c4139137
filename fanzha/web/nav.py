"""The navigation: the home dashboard, the intake desk, and the desks still to come (DESIGN.md)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NavItem:
    area: str  # highlighted when a page sets ``area`` to this
    href: str
    key: str  # catalog key of the label


# Desks that later releases fill in; each has a placeholder page saying what it will hold.
COMING_DESKS: tuple[str, ...] = ("funds", "telecom", "warning", "analysis", "command", "public")

NAV: tuple[NavItem, ...] = (
    NavItem("home", "/", "nav.home"),
    NavItem("intake", "/intake/cases", "nav.intake"),
    *(NavItem(code, f"/desks/{code}", f"desk.{code}.name") for code in COMING_DESKS),
)

# The intake desk's own pages, shown as tabs on its pages.
INTAKE_TABS: tuple[NavItem, ...] = (
    NavItem("cases", "/intake/cases", "intake.tab.cases"),
    NavItem("new", "/intake/new", "intake.tab.new"),
    NavItem("imports", "/imports", "intake.tab.imports"),
)
