"""`/v1/tips`: file, read, list and move tips through the workflow."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response

from samverkan_shared.cursors import Order
from samverkan_shared.location import created_responses, location_header
from samverkan_shared.problems import problem_responses
from samverkan_shared.sessions import ReadingOnThread, ReadingSession, WritingSession
from samverkan_tips.dependencies import (
    Cursor,
    FilingsDep,
    IdempotencyKey,
    KeyringDep,
    Limit,
    ListOrder,
    OrgNumberQuery,
    TipsManager,
    TipsReader,
    TipsWriter,
)
from samverkan_tips.tips import service
from samverkan_tips.tips.access import Caller
from samverkan_tips.tips.filing import Filing
from samverkan_tips.tips.repository import TipFilter
from samverkan_tips.tips.schemas import Page, Tip, TipCreate, TipTransition
from samverkan_tips.tips.workflow import TipStatus

__all__ = ["router"]

router = APIRouter(prefix="/v1/tips", tags=["tips"])


@router.post(
    "",
    status_code=201,
    response_model=Tip,
    responses={**created_responses("/v1/tips/{id}"), **problem_responses(403, 422)},
)
async def file_tip(
    body: TipCreate,
    token: TipsWriter,
    filings: FilingsDep,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """File a tip; a retry with the same Idempotency-Key and body returns the same tip."""
    caller = Caller.from_token(token)
    caller.check_reporter(body)
    filing = Filing(body, caller, idempotency_key)
    # Filed with the other requests waiting (group commit); the tip is built from
    # the validated model, so it is serialised without validating it again.
    tip = await filings.file_async(filing)
    return Response(
        tip.model_dump_json(by_alias=True),
        201,
        headers=location_header(f"/v1/tips/{tip.id}"),
        media_type="application/json",
    )


@router.get("", response_model=Page[Tip], responses=problem_responses(422))
async def list_tips(
    token: TipsReader,
    reader: ReadingOnThread,
    keyring: KeyringDep,
    supplier: OrgNumberQuery = None,
    status: Annotated[TipStatus | None, Query()] = None,
    agreement_id: Annotated[str | None, Query(max_length=64)] = None,
    overdue: Annotated[
        bool | None,
        Query(
            description="true: only tips past a due date not met (acknowledge_by "
            "while received, decide_by until a verdict); false: only the others"
        ),
    ] = None,
    cursor: Cursor = None,
    limit: Limit = 50,
    order: ListOrder = Order.ASC,
) -> Response:
    """Tips by the time received, oldest first unless `order=desc`: those filed by
    the caller's organisation and, with tips:manage, those on the agreements it owns."""
    where = TipFilter(
        supplier=supplier, status=status, agreement_id=agreement_id, overdue=overdue
    )
    caller = Caller.from_token(token)
    page = await reader(
        lambda session: service.list_tips(
            session,
            where,
            caller=caller,
            keyring=keyring,
            cursor=cursor,
            limit=limit,
            order=order,
        )
    )
    return Response(page.json(), media_type="application/json")


@router.get(
    "/{tip_id}",
    summary="One tip, with its status history",
    responses=problem_responses(404),
)
def get_tip(
    tip_id: uuid.UUID, token: TipsReader, session: ReadingSession, keyring: KeyringDep
) -> Tip:
    """A tip the caller's organisation filed or, with tips:manage, one on an
    agreement it owns; any other tip is 404, as if it did not exist."""
    caller = Caller.from_token(token)
    return service.get_tip(session, tip_id, caller=caller, keyring=keyring)


@router.post("/{tip_id}/transitions", responses=problem_responses(403, 404, 409))
def transition_tip(
    tip_id: uuid.UUID,
    body: TipTransition,
    token: TipsManager,
    session: WritingSession,
    keyring: KeyringDep,
) -> Tip:
    """Move the tip one step; an illegal move is a 409 listing the `allowed` ones.
    Only the clients of the tip's agreement owner move it (403 for a tip the caller
    reads as its filer, 404 for one it cannot read)."""
    caller = Caller.from_token(token)
    return service.transition_tip(session, tip_id, body, caller=caller, keyring=keyring)
