"""`/v1/subjects/lookup`: every disclosure about a person or organisation."""

from typing import Annotated

from fastapi import APIRouter, Query, Response

from samverkan_audit_log import listing
from samverkan_audit_log.dependencies import AuditReader, LogDep
from samverkan_audit_log.schemas import EntryPage, SubjectLookup
from samverkan_shared.sessions import ReadingSession

__all__ = ["router"]

router = APIRouter(prefix="/v1/subjects", tags=["subjects"])


@router.post(
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
    page = listing.lookup_subject(session, body.identifier, log.pseudonym_key, cursor)
    return Response(page, media_type="application/json")
