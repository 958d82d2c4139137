"""Request-scoped handles the routers share: the application's database."""
from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import Request

if TYPE_CHECKING:
    from fanzha.store.db import Database


def get_db(request: Request) -> Database:
    """The Database opened by create_app; routes open a unit of work with ``db.session()``."""
    return request.app.state.db
