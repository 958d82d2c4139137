"""Series API (串并案) for the analysis desk's own tools: the list, one series, detection and the
analysts' decisions (confirm, reject, rename, split, merge). Numbers come masked, as on the pages."""
from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from fanzha.domain.actor import Actor
from fanzha.domain.errors import InputRejected
from fanzha.domain.permissions import Permission
from fanzha.services.analysis.series_decide import (
    SeriesNotFound,
    confirm,
    merge,
    reject,
    rename,
    split,
)
from fanzha.services.analysis.series_detect import detect_and_store
from fanzha.services.analysis.series_read import list_series, series_detail, summary
from fanzha.web.auth import requires
from fanzha.web.deps import get_db
from fanzha.web.errors import ApiError
from fanzha.web.use_case import in_session

router = APIRouter(prefix="/api/analysis/series", tags=["analysis: series"])
SeriesId = Annotated[int, Path(ge=1, le=2_147_483_647)]


class NoteIn(BaseModel):
    note: str = Field("", max_length=2000)


class RenameIn(NoteIn):
    name: str = Field(min_length=1, max_length=128)


class SplitIn(NoteIn):
    case_ids: list[int] = Field(min_length=1, max_length=10_000, description="the cases that go into the new series")


class MergeIn(NoteIn):
    series_ids: list[int] = Field(min_length=2, max_length=200)
    name: str | None = Field(None, max_length=128)


def _refused(exc: InputRejected, what: str) -> ApiError:
    if isinstance(exc, SeriesNotFound):
        return ApiError(404, "no such series; list them with GET /api/analysis/series", exc.problems)
    return ApiError(422, f"the {what} was refused, nothing changed; fix what is named and send it again", exc.problems)


def _in_session(db, what: str, work: Callable[[Session], dict]) -> dict:
    """Run one use case in its own transaction; a refusal becomes the API's 404 or 422."""
    return in_session(db, lambda exc: _refused(exc, what), work)


@router.get("")
def list_route(state: Annotated[str | None, Query(max_length=16)] = None,
               limit: Annotated[int, Query(ge=1, le=200)] = 50, offset: Annotated[int, Query(ge=0)] = 0,
               actor: Actor = Depends(requires(Permission.ANALYSIS_READ)), db=Depends(get_db)) -> dict:
    """Series by loss, largest first; ``state`` filters (candidate, confirmed, rejected, merged, split)."""
    return _in_session(db, "query", lambda session: list_series(session, actor, state, limit=limit, offset=offset))


@router.post("/detect")
async def detect_route(actor: Actor = Depends(requires(Permission.ANALYSIS_WORK)), db=Depends(get_db)) -> dict:
    """Run detection on the graph now; decided series are kept."""
    def work() -> dict:
        with db.session() as session:
            return detect_and_store(session, actor).as_dict()

    return await run_in_threadpool(work)


@router.post("/merge")
def merge_route(body: MergeIn, actor: Actor = Depends(requires(Permission.ANALYSIS_WORK)), db=Depends(get_db)) -> dict:
    return _in_session(db, "merge", lambda session: summary(merge(session, actor, body.series_ids, body.name, body.note)))


@router.get("/{series_id}")
def read_route(series_id: SeriesId, actor: Actor = Depends(requires(Permission.ANALYSIS_READ)),
               db=Depends(get_db)) -> dict:
    return _in_session(db, "query", lambda session: series_detail(session, actor, series_id))


@router.post("/{series_id}/confirm")
def confirm_route(series_id: SeriesId, body: NoteIn, actor: Actor = Depends(requires(Permission.ANALYSIS_WORK)),
                  db=Depends(get_db)) -> dict:
    return _in_session(db, "decision", lambda session: summary(confirm(session, actor, series_id, body.note)))


@router.post("/{series_id}/reject")
def reject_route(series_id: SeriesId, body: NoteIn, actor: Actor = Depends(requires(Permission.ANALYSIS_WORK)),
                 db=Depends(get_db)) -> dict:
    return _in_session(db, "decision", lambda session: summary(reject(session, actor, series_id, body.note)))


@router.post("/{series_id}/rename")
def rename_route(series_id: SeriesId, body: RenameIn, actor: Actor = Depends(requires(Permission.ANALYSIS_WORK)),
                 db=Depends(get_db)) -> dict:
    return _in_session(db, "rename", lambda session: summary(rename(session, actor, series_id, body.name, body.note)))


@router.post("/{series_id}/split")
def split_route(series_id: SeriesId, body: SplitIn, actor: Actor = Depends(requires(Permission.ANALYSIS_WORK)),
                db=Depends(get_db)) -> dict:
    def work(session: Session) -> dict:
        first, rest = split(session, actor, series_id, body.case_ids, body.note)
        return {"split_out": summary(first), "rest": summary(rest)}

    return _in_session(db, "split", work)
