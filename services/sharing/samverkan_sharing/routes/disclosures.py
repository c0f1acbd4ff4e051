"""Disclosure requests from partners, with the four-eyes assessment."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from samverkan_shared.cursors import Order
from samverkan_shared.location import created_responses, location_header
from samverkan_shared.problems import problem_responses
from samverkan_shared.rfc3339 import Rfc3339DateTime
from samverkan_sharing.dependencies import (
    AnyCaller,
    Approver,
    Assessor,
    DisclosuresDep,
    IdempotencyKey,
    Partner,
    with_disclosures,
)
from samverkan_sharing.disclosures.presenter import present, summarise
from samverkan_sharing.disclosures.repository import DisclosureFilter
from samverkan_sharing.disclosures.schemas import (
    Approval,
    Assessment,
    Disclosure,
    DisclosureRequest,
    DisclosureStatus,
)
from samverkan_sharing.routes.pages import DisclosureSummaryPage

__all__ = ["DisclosureId", "router"]

router = APIRouter(prefix="/v1/disclosure-requests", tags=["disclosures"])
DisclosureId = Annotated[
    str, Path(min_length=36, max_length=36, pattern=r"^[0-9a-f-]{36}$")
]


@router.post(
    "",
    status_code=201,
    response_model=Disclosure,
    responses={
        **created_responses("/v1/disclosure-requests/{id}"),
        **problem_responses(403, 404, 409, 503),
    },
)
async def request_disclosure(
    body: DisclosureRequest,
    caller: Partner,
    request: Request,
    key: IdempotencyKey = None,
) -> Response:
    """Rule-checked request; the recipient is the caller's registered one."""
    # present() validated the answer; FastAPI would validate it a second time.
    answer = await with_disclosures(
        request, lambda service: present(service.request(caller, body, key), service)
    )
    return Response(
        answer.model_dump_json(by_alias=True),
        201,
        headers=location_header(f"{router.prefix}/{answer.id}"),
        media_type="application/json",
    )


@router.get("", responses=problem_responses(403, 422))
def list_disclosures(
    caller: AnyCaller,
    service: DisclosuresDep,
    status: Annotated[DisclosureStatus | None, Query()] = None,
    due_before: Annotated[
        Rfc3339DateTime | None,
        Query(description="only those whose assessment is due before this instant"),
    ] = None,
    order: Annotated[
        Order, Query(description="desc (the default): newest first; asc: oldest first")
    ] = Order.DESC,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> DisclosureSummaryPage:
    """What waits: officers see every disclosure, a partner its own requests. Items
    carry where a disclosure stands, never the released data (read it by id)."""
    where = DisclosureFilter(status=status, due_before=due_before)
    records, next_cursor = service.page(
        caller, where, order=order, cursor=cursor, limit=limit
    )
    items = [summarise(record) for record in records]
    return DisclosureSummaryPage(items=items, next_cursor=next_cursor)


@router.get("/{disclosure_id}", responses=problem_responses(404))
def read_disclosure(
    disclosure_id: DisclosureId, caller: AnyCaller, service: DisclosuresDep
) -> Disclosure:
    return present(service.get(caller, disclosure_id), service)


@router.post("/{disclosure_id}/assessment", responses=problem_responses(404, 409, 503))
def assess_disclosure(
    disclosure_id: DisclosureId,
    body: Assessment,
    caller: Assessor,
    service: DisclosuresDep,
) -> Disclosure:
    return present(
        service.assess(caller, disclosure_id, body.assessment, body.proposals), service
    )


@router.post(
    "/{disclosure_id}/approval", responses=problem_responses(403, 404, 409, 503)
)
async def approve_disclosure(
    disclosure_id: DisclosureId, body: Approval, caller: Approver, request: Request
) -> Disclosure:
    return await with_disclosures(
        request,
        lambda service: present(
            service.approve(caller, disclosure_id, body.decision, body.reason),
            service,
        ),
    )
