"""Own-initiative notices from the municipality, fetched by the recipient with its token."""

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from samverkan_shared.cursors import Order
from samverkan_shared.location import created_responses, location_header
from samverkan_shared.problems import problem_responses
from samverkan_sharing.dependencies import (
    Assessor,
    DisclosuresDep,
    IdempotencyKey,
    Partner,
    with_disclosures,
)
from samverkan_sharing.disclosures.presenter import present
from samverkan_sharing.disclosures.schemas import Disclosure, NotificationCreate
from samverkan_sharing.routes.pages import DisclosurePage

__all__ = ["router"]

router = APIRouter(prefix="/v1/notifications", tags=["notifications"])


@router.post(
    "",
    status_code=201,
    responses={
        **created_responses("/v1/disclosure-requests/{id}"),
        **problem_responses(404, 409, 503),
    },
)
async def send_notification(
    body: NotificationCreate,
    caller: Assessor,
    request: Request,
    response: Response,
    key: IdempotencyKey = None,
) -> Disclosure:
    """Same rules, same logging; delivered once released. A notice is read, like a
    request, at `/v1/disclosure-requests/{id}` (`Location`)."""
    notice = await with_disclosures(
        request, lambda service: present(service.notify(caller, body, key), service)
    )
    response.headers.update(location_header(f"/v1/disclosure-requests/{notice.id}"))
    return notice


@router.get("", responses=problem_responses(403, 422))
def list_notifications(
    caller: Partner,
    service: DisclosuresDep,
    recipient: Annotated[str, Query(pattern="^me$")] = "me",
    order: Annotated[
        Order, Query(description="asc (the default): oldest first; desc: newest first")
    ] = Order.ASC,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> DisclosurePage:
    """Notices for the caller's own recipient (`recipient=me` is the only choice),
    by the time they were made."""
    records, next_cursor = service.notifications(
        caller, order=order, cursor=cursor, limit=limit
    )
    items = [present(r, service) for r in records]
    return DisclosurePage(items=items, next_cursor=next_cursor)
