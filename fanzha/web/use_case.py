"""Running one use case for an API route: its own transaction, and a refusal turned into the
router's own error (404, 409 or 422 with the problems), so routes do not each repeat the try."""
from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.orm import Session

from fanzha.domain.errors import InputRejected
from fanzha.store.db import Database
from fanzha.web.errors import ApiError

T = TypeVar("T")


def in_session(db: Database, refused: Callable[[InputRejected], ApiError], work: Callable[[Session], T]) -> T:
    try:
        with db.session() as session:
            return work(session)
    except InputRejected as exc:
        raise refused(exc) from None
