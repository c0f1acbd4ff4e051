"""`/v1/suppliers/{org_number}`: the supplier's record, and call-off stop and lift."""

from fastapi import APIRouter, Response

from samverkan_shared.location import created_responses, location_header
from samverkan_shared.problems import problem_responses
from samverkan_shared.sessions import ReadingSession, WritingSession
from samverkan_tips.dependencies import (
    OrgNumberPath,
    TipsManager,
    TipsReader,
)
from samverkan_tips.suppliers import service
from samverkan_tips.suppliers.schemas import CallOffLift, CallOffStopCreate, Supplier
from samverkan_tips.tips.access import Caller

__all__ = ["router"]

router = APIRouter(prefix="/v1/suppliers", tags=["suppliers"])


@router.get("/{org_number}", responses=problem_responses(404))
def get_supplier(
    org_number: OrgNumberPath, token: TipsReader, session: ReadingSession
) -> Supplier:
    """Tips in numbers, the call-off stop state and the history of stops and lifts:
    the same for every tips:read caller, no tip's content."""
    return service.supplier_view(session, org_number)


@router.post(
    "/{org_number}/call-off-stop",
    status_code=201,
    responses={
        **created_responses("/v1/suppliers/{org_number}"),
        **problem_responses(403, 404, 409),
    },
)
def stop_call_offs(
    org_number: OrgNumberPath,
    body: CallOffStopCreate,
    token: TipsManager,
    session: WritingSession,
    response: Response,
) -> Supplier:
    """Stop call-offs: the supplier disappears from every selection list; the stop
    is read in the supplier's record (`Location`). Only by the clients of an owner
    of an agreement the supplier is on (403 for others)."""
    caller = Caller.from_token(token)
    supplier = service.stop_call_offs(session, org_number, body, caller=caller)
    response.headers.update(location_header(f"/v1/suppliers/{supplier.org_number}"))
    return supplier


@router.delete(
    "/{org_number}/call-off-stop", responses=problem_responses(403, 404, 409, 413)
)
def lift_call_offs(
    org_number: OrgNumberPath,
    body: CallOffLift,
    token: TipsManager,
    session: WritingSession,
) -> Supplier:
    """Lift the stop; the reason (and optionally tip ids) come as a JSON body."""
    caller = Caller.from_token(token)
    return service.lift_call_offs(session, org_number, body, caller=caller)
