"""``POST /v1/import/{kind}``: upload a CSV export and get the import summary back.

The import commits in its own chunks through ``runtime.sessions`` (see
``services/imports.py``), so this route takes no request-wide session. It is a plain
``def``: FastAPI runs it in the thread pool, keeping the event loop free while it works.
"""

from __future__ import annotations

import io
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, UploadFile

from shopkeeper.api.deps import RuntimeDep, require
from shopkeeper.data.database import transaction
from shopkeeper.data.importers.records import ImportFormat, ImportKind
from shopkeeper.domain.access import Scope
from shopkeeper.services.access.principal import Principal
from shopkeeper.services.imports import ImportResult, run_import
from shopkeeper.services.shops import get_shop

router = APIRouter(prefix="/v1/import", tags=["imports"])
MAX_UPLOAD_BYTES = 50 * 1024 * 1024


@router.post(
    "/{kind}",
    response_model=ImportResult,
    responses={
        413: {"description": "File larger than 50 MiB"},
        422: {"description": "Unreadable file"},
    },
)
def import_file(
    kind: ImportKind,
    file: UploadFile,
    runtime: RuntimeDep,
    who: Annotated[Principal, Depends(require(Scope.IMPORT_WRITE))],
    format: Annotated[
        ImportFormat, Query(description="File format; auto recognises it from the header")
    ] = ImportFormat.AUTO,
) -> ImportResult:
    """Import products, customers, orders, stock or suppliers from a CSV file.

    Rejected rows are listed with their line numbers; the rest is imported.
    """
    stream = file.file
    size = stream.seek(0, io.SEEK_END)
    stream.seek(0)
    if size > MAX_UPLOAD_BYTES:
        raise HTTPException(
            413, f"the file is {size} bytes; split it below {MAX_UPLOAD_BYTES} bytes"
        )
    with transaction(runtime.sessions) as session:
        shop = get_shop(session, who.shop_id)
    return run_import(
        runtime.sessions,
        runtime.clock,
        runtime.cipher,
        shop,
        kind,
        stream,
        format,
        actor=who.actor,
    )
