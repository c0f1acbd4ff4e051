"""`/v1/entries`: append (the sharing service) and read (compliance officers);
`/v1/subjects/lookup`: every disclosure about a person or organisation."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Path, Query, Response

from samverkan_audit_log.dependencies import (
    AuditAppender,
    AuditReader,
    LogDep,
)
from samverkan_audit_log.entries import service
from samverkan_audit_log.entries.schemas import (
    LEGAL_BASIS,
    MAX_INDEX,
    PSEUDONYM,
    RECIPIENT_CODE,
    Entry,
    EntryItem,
    EntryPage,
    Receipt,
    SubjectLookup,
)
from samverkan_shared.cursors import Order
from samverkan_shared.location import created_responses, location_header
from samverkan_shared.problems import problem_responses
from samverkan_shared.rfc3339 import Rfc3339DateTime
from samverkan_shared.sessions import ReadingSession

__all__ = ["router", "subjects_router"]

router = APIRouter(prefix="/v1/entries", tags=["entries"])
subjects_router = APIRouter(prefix="/v1/subjects", tags=["subjects"])


@router.post(
    "",
    status_code=201,
    response_model=Receipt,
    summary="Append an audit entry and get its receipt",
    responses={**created_responses("/v1/entries/{index}"), **problem_responses(409)},
)
async def append(body: Entry, caller: AuditAppender, log: LogDep) -> Response:
    # Concurrent appends of this process are committed together (group commit).
    outcome = await log.appends.append_async(body)
    # The receipt was built by the writer from validated parts: serialised as is,
    # not validated a second time as a response model.
    headers = location_header(f"{router.prefix}/{outcome.receipt.index}")
    if outcome.replayed:
        headers["Idempotent-Replayed"] = "true"
    return Response(
        outcome.receipt.model_dump_json(),
        201,
        headers=headers,
        media_type="application/json",
    )


@router.get("", summary="List entries, filtered, by index", response_model=EntryPage)
def list_entries(
    caller: AuditReader,
    session: ReadingSession,
    recipient: Annotated[str | None, Query(pattern=RECIPIENT_CODE)] = None,
    legal_basis: Annotated[str | None, Query(pattern=LEGAL_BASIS)] = None,
    occurred_from: Annotated[Rfc3339DateTime | None, Query(alias="from")] = None,
    occurred_to: Annotated[Rfc3339DateTime | None, Query(alias="to")] = None,
    subject: Annotated[str | None, Query(pattern=PSEUDONYM)] = None,
    tip_id: Annotated[
        UUID | None,
        Query(description="entries whose disclosure was about this tip"),
    ] = None,
    cursor: Annotated[str | None, Query(max_length=100)] = None,
    limit: Annotated[int, Query(ge=1, le=service.MAX_PAGE_SIZE)] = service.PAGE_SIZE,
    order: Annotated[
        Order, Query(description="asc (the default): oldest first; desc: newest first")
    ] = Order.ASC,
) -> Response:
    """Entries by index, oldest first unless `order=desc`; a cursor is valid for the
    order it was handed out in."""
    where = service.utc_filter(
        recipient=recipient,
        legal_basis=legal_basis,
        subject=subject,
        occurred_from=occurred_from,
        occurred_to=occurred_to,
        tip_id=str(tip_id) if tip_id else None,
    )
    # Built by hand (no per-row model): the same EntryPage, far cheaper per entry.
    body = service.page_json(session, where, cursor, limit, order)
    return Response(body, media_type="application/json")


@router.get(
    "/{index}",
    summary="One entry, by its index in the log",
    responses=problem_responses(404),
)
def get_entry(
    index: Annotated[int, Path(ge=0, le=MAX_INDEX)],
    caller: AuditReader,
    session: ReadingSession,
) -> EntryItem:
    """The entry at `index` (`audit:read`): what was disclosed to whom, on which
    legal basis and when, never the data itself; 404 past the end of the log. Prove
    it against a checkpoint with `/v1/proofs/inclusion`."""
    return service.get_entry(session, index)


@subjects_router.post(
    "/lookup",
    summary="Disclosures about an identity number (in the body)",
    response_model=EntryPage,
)
def lookup(
    body: SubjectLookup,
    caller: AuditReader,
    session: ReadingSession,
    log: LogDep,
    cursor: Annotated[str | None, Query(max_length=100)] = None,
) -> Response:
    """Every entry that names this personal, coordination or organisation number
    (`audit:read`; GDPR art. 15.1 c). The number travels in the body, never in a
    URL, and is matched by the keyed pseudonym sharing wrote: it is neither stored
    nor echoed. Pages of entries, oldest first; `next_cursor` continues."""
    page = service.lookup_subject(session, body.identifier, log.pseudonym_key, cursor)
    return Response(page, media_type="application/json")
