"""Bulk import (批量导入): upload a bank statement, victim reports, call or SMS records, site visits.

The page and the API both hand the file to the importers (services.importing), which either
import everything, or refuse the file whole, or, when asked to skip bad rows, import the rest;
each bad row comes back with its place and reason.
"""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from fanzha.domain.actor import Actor
from fanzha.domain.errors import InputRejected, Problem
from fanzha.domain.permissions import Permission
from fanzha.services.importing import import_file
from fanzha.web.auth import requires
from fanzha.web.deps import get_db
from fanzha.web.errors import ApiError
from fanzha.web.schemas import ImportResultOut, api_responses
from fanzha.web.templating import render

router = APIRouter()
KINDS = ("reports", "statements", "calls", "sms", "visits")
Kind = Literal["reports", "statements", "calls", "sms", "visits"]
SUFFIXES = (".csv", ".xlsx", ".json", ".txt")


def run_upload_import(db, kind: str, upload: UploadFile, skip_bad: bool, actor: Actor):
    """Keep the upload in a temporary file with its own suffix (the importer reads by type)."""
    name = Path(upload.filename or "upload").name
    suffix = Path(name).suffix.lower()
    with tempfile.TemporaryDirectory(prefix="fanzha-upload-") as folder:
        path = Path(folder) / f"upload{suffix if suffix in SUFFIXES else ''}"
        with path.open("wb") as out:
            shutil.copyfileobj(upload.file, out)
        return import_file(db, kind, path, skip_bad=skip_bad, actor=actor, display_name=name)


@router.get("/imports", include_in_schema=False)
def import_page(request: Request, kind: str = "reports", actor: Actor = Depends(requires(Permission.IMPORT_RUN))):
    return render(request, "imports/index.html", {"area": "intake", "kinds": KINDS,
                                                  "kind": kind if kind in KINDS else "reports"})


@router.post("/imports", include_in_schema=False)
async def import_upload(
    request: Request,
    kind: Annotated[str, Form()] = "reports",
    skip_bad: Annotated[bool, Form()] = False,
    file: Annotated[UploadFile | None, File()] = None,
    actor: Actor = Depends(requires(Permission.IMPORT_RUN)),
    db=Depends(get_db),
):
    kind = kind if kind in KINDS else "reports"
    context = {"area": "intake", "kinds": KINDS, "kind": kind, "skip_bad": skip_bad}
    if file is None or not file.filename:
        context["outcome"] = _failure(kind, "", "imports.no_file")
        return render(request, "imports/index.html", context, status_code=422)
    try:
        result = await run_in_threadpool(run_upload_import, db, kind, file, skip_bad, actor)
    except InputRejected as exc:
        context["outcome"] = _failure(kind, file.filename, "imports.failed", exc.problems)
        return render(request, "imports/index.html", context, status_code=422)
    except (ValueError, UnicodeError) as exc:
        context["outcome"] = _failure(kind, file.filename, "imports.failed", [Problem("", str(exc))])
        return render(request, "imports/index.html", context, status_code=422)
    context["outcome"] = {**result.as_dict(), "filename": file.filename, "problems": result.problems, "error": None}
    return render(request, "imports/index.html", context, status_code=422 if result.rejected else 200)


def _failure(kind: str, filename: str, key: str, problems: list[Problem] | None = None) -> dict:
    """An upload that never became an import result: no file, or a file that cannot be read."""
    return {"kind": kind, "filename": filename, "error": key, "rejected": True,
            "problems": problems or [], "extra_columns": []}


@router.post("/api/imports/{kind}", response_model=ImportResultOut, tags=["imports"],
             responses=api_responses(more={422: {
                 "description": "refused: nothing imported; see problems (a request without a file: "
                                "the error shape)",
                 "content": {"application/json": {"schema": {"anyOf": [
                     {"$ref": "#/components/schemas/ImportResultOut"},
                     {"$ref": "#/components/schemas/ErrorOut"}]}}}}}))
def import_api(
    kind: Kind,
    file: Annotated[UploadFile, File(description="CSV, .xlsx or (reports) JSON; UTF-8 or GB18030")],
    skip_bad: Annotated[bool, Form(description="import the good rows and report the bad ones")] = False,
    actor: Actor = Depends(requires(Permission.IMPORT_RUN)),
    db=Depends(get_db),
):
    """Import one file (FORMATS.md). Answers 200 with the counts and any skipped rows' problems,
    or 422 when the file was refused whole (nothing written) with every problem to fix."""
    try:
        result = run_upload_import(db, kind, file, skip_bad, actor)
    except InputRejected as exc:
        raise ApiError(422, "the file was refused; fix the problems and upload it again", exc.problems) from None
    except (ValueError, UnicodeError) as exc:
        raise ApiError(422, f"the file could not be read ({exc}); check its format against FORMATS.md") from None
    body = ImportResultOut(**result.as_dict())
    return JSONResponse(body.model_dump(mode="json"), status_code=422 if result.rejected else 200)
