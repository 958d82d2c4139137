"""Flash messages: a note kept in the session across one redirect ("case saved", "status changed").

Messages are stored as catalog keys with parameters, so they show in the language of the page
that displays them, not the one that set them.
"""
from __future__ import annotations

from fastapi import Request


def flash(request: Request, key: str, kind: str = "ok", **params: object) -> None:
    request.session["flash"] = [*request.session.get("flash", []), [kind, key, params]]


def pop_flashes(request: Request) -> list[tuple[str, str, dict]]:
    if "session" not in request.scope:
        return []
    return [tuple(item) for item in request.session.pop("flash", [])]
