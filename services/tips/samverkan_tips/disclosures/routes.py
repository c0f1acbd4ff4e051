"""`/internal/v1/tips/{tip_id}/disclosures`: sharing reports a disclosure it made about
a tip, after the release. Scope ``tips:internal`` (the sharing service's own client)."""

import uuid

from fastapi import APIRouter, Response

from samverkan_shared.problems import problem_responses
from samverkan_shared.sessions import WritingSession
from samverkan_tips.dependencies import TipsInternal
from samverkan_tips.disclosures import service
from samverkan_tips.disclosures.schemas import DisclosureReport

__all__ = ["router"]

router = APIRouter(prefix="/internal/v1", tags=["internal"])


@router.post(
    "/tips/{tip_id}/disclosures",
    status_code=204,
    response_class=Response,
    summary="Report a disclosure made about a tip",
    responses=problem_responses(404, 422),
)
def report_disclosure(
    tip_id: uuid.UUID,
    body: DisclosureReport,
    token: TipsInternal,
    session: WritingSession,
) -> Response:
    """Recipient, legal basis, data categories, time and audit index; never the
    payload. Idempotent per tip on (disclosure_id, audit_index): a repeat is a 204
    too; a release about several tips is reported to each."""
    service.record_disclosure(session, tip_id, body)
    return Response(status_code=204)
