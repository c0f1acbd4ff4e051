"""`/internal/v1/tip-disclosures`: sharing reports the disclosures it made about tips,
after the releases. Scope ``tips:internal`` (the sharing service's own client)."""

from fastapi import APIRouter

from samverkan_shared.problems import problem_responses
from samverkan_shared.sessions import WritingSession
from samverkan_tips.dependencies import TipsInternal
from samverkan_tips.disclosures import service
from samverkan_tips.disclosures.schemas import DisclosureReportBatch, ReportResults

__all__ = ["router"]

router = APIRouter(prefix="/internal/v1", tags=["internal"])


@router.post(
    "/tip-disclosures",
    summary="Report disclosures made about tips",
    responses=problem_responses(422),
)
def report_disclosures(
    body: DisclosureReportBatch, token: TipsInternal, session: WritingSession
) -> ReportResults:
    """Each report: the tip, recipient, legal basis, data categories, time and audit
    index; never the payload. Idempotent per tip and (disclosure_id, audit_index): a
    repeat is `recorded` again and changes nothing; a report about a tip tips does
    not know is `unknown_tip` (nothing stored). A release about several tips is
    reported to each; all reports of one request are stored together."""
    return service.record_disclosures(session, body.reports)
