"""`/v1/export`: the log as CSV or JSON Lines, streamed page by page."""

from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from samverkan_audit_log.dependencies import AuditReader, EngineDep
from samverkan_audit_log.entries.schemas import MAX_INDEX
from samverkan_audit_log.entries.service import utc_filter
from samverkan_audit_log.export.schemas import ExportFormat
from samverkan_audit_log.export.service import export_jsonl, export_lines, index_lines
from samverkan_shared.rfc3339 import Rfc3339DateTime

__all__ = ["router"]

router = APIRouter(prefix="/v1", tags=["export"])
_STREAMS: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            "application/jsonl": {"schema": {"type": "string"}},
        }
    }
}


@router.get(
    "/export",
    summary="Export entries (by occurred_at: from inclusive, to exclusive)",
    response_class=StreamingResponse,
    responses=_STREAMS,
)
def export(
    caller: AuditReader,
    engine: EngineDep,
    export_format: Annotated[ExportFormat, Query(alias="format")] = ExportFormat.JSONL,
    occurred_from: Annotated[Rfc3339DateTime | None, Query(alias="from")] = None,
    occurred_to: Annotated[Rfc3339DateTime | None, Query(alias="to")] = None,
) -> StreamingResponse:
    where = utc_filter(occurred_from=occurred_from, occurred_to=occurred_to)
    filename = f"audit-log.{export_format.value}"
    lines: Iterator[str] | Iterator[bytes]
    if export_format is ExportFormat.JSONL:
        # The verifier reads the whole log this way: lines built from raw columns.
        lines = export_jsonl(engine, where)
    else:
        lines = export_lines(engine, export_format, where)
    return StreamingResponse(
        lines,
        media_type=export_format.media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get(
    "/export/indexes",
    summary="The legal-basis, subject and tip indexes the look-ups read, per entry",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/jsonl": {"schema": {"type": "string"}}}}},
)
def export_indexes(
    caller: AuditReader,
    engine: EngineDep,
    below: Annotated[int | None, Query(ge=0, le=MAX_INDEX)] = None,
) -> StreamingResponse:
    """``samverkan audit verify`` rebuilds these from the leaves and compares."""
    return StreamingResponse(
        index_lines(engine, below), media_type=ExportFormat.JSONL.media_type
    )
