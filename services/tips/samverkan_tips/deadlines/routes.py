"""`/v1/deadline-policy`: the caller's organisation's working days to acknowledge and
to decide the tips on the agreements it owns."""

from fastapi import APIRouter

from samverkan_shared.problems import problem_responses
from samverkan_shared.sessions import ReadingSession, WritingSession
from samverkan_tips.deadlines import service
from samverkan_tips.deadlines.schemas import DeadlinePolicyUpdate, DeadlinePolicyView
from samverkan_tips.dependencies import DefaultDeadlinesDep, TipsManager
from samverkan_tips.tips.access import Caller

__all__ = ["router"]

router = APIRouter(prefix="/v1/deadline-policy", tags=["deadlines"])


@router.get(
    "",
    summary="Read the organisation's deadline policy",
    responses=problem_responses(403),
)
def read_deadline_policy(
    token: TipsManager, session: ReadingSession, default: DefaultDeadlinesDep
) -> DeadlinePolicyView:
    """The working days the caller's organisation (its token's `org_number`) gives
    itself to acknowledge and to decide a tip; the service's default until it sets
    its own."""
    caller = Caller.from_token(token)
    return service.read_policy(session, caller=caller, default=default)


@router.put(
    "",
    summary="Set the organisation's deadline policy",
    responses=problem_responses(403, 422),
)
def set_deadline_policy(
    body: DeadlinePolicyUpdate, token: TipsManager, session: WritingSession
) -> DeadlinePolicyView:
    """Tips filed from now on, on the agreements the organisation owns, get their due
    dates from this policy; tips filed before keep theirs."""
    caller = Caller.from_token(token)
    return service.set_policy(session, body, caller=caller)
