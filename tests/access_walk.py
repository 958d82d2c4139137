"""Walking the app's routes: each route's declared access rule, and a request to each with its
path parameters filled in. Shared by the route-walk test and the schema checks."""
from __future__ import annotations

from dataclasses import dataclass

from fastapi import routing
from fastapi.routing import APIRoute
from starlette.routing import Mount, Route

from fanzha.web.auth import AccessRule, rule_of

# Routes the framework adds, which serve no data of the center.
FRAMEWORK_PATHS = {"/openapi.json", "/static"}


@dataclass(frozen=True)
class RouteRule:
    path: str
    methods: tuple[str, ...]
    rule: AccessRule
    name: str


def _rules_in(dependant) -> list[AccessRule]:
    found = []
    for dep in dependant.dependencies:
        rule = rule_of(dep.call)
        if rule is not None:
            found.append(rule)
        found.extend(_rules_in(dep))
    return found


def _routes(app):
    """The app's routes as served, with included routers' prefixes applied (FastAPI versions that
    include routers lazily list them through iter_route_contexts)."""
    if hasattr(routing, "iter_route_contexts"):
        for context in routing.iter_route_contexts(app.routes):
            yield context.original_route, context
    else:
        for route in app.routes:
            yield route, route


def route_rules(app) -> tuple[list[RouteRule], list[str]]:
    """Every route with its rule, and the routes that declare none (or more than one)."""
    rules, missing = [], []
    for route, served in _routes(app):
        if isinstance(route, APIRoute):
            declared = _rules_in(served.dependant)
            if len(declared) != 1:
                missing.append(f"{sorted(served.methods)} {served.path}: {len(declared)} access rules declared")
                continue
            rules.append(RouteRule(served.path, tuple(sorted(served.methods)), declared[0], served.name))
        elif isinstance(route, Mount | Route) and served.path in FRAMEWORK_PATHS:
            continue
        else:
            missing.append(f"{served.path}: {type(route).__name__} cannot declare an access rule")
    return rules, missing


def fill(path: str, params: dict[str, object]) -> str:
    for key, value in params.items():
        path = path.replace("{" + key + "}", str(value))
    assert "{" not in path, f"no value for a path parameter of {path}"
    return path
