"""Disclosure requests from partners, with the four-eyes assessment, and the
municipality's own-initiative notices: two resources over the same use cases.

A notice is a disclosure made on the municipality's initiative; once sent it is read,
like a request, at ``/v1/disclosure-requests/{id}``.
"""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from samverkan_shared.cursors import Order
from samverkan_shared.location import created_responses, location_header
from samverkan_shared.problems import problem_responses
from samverkan_shared.rfc3339 import Rfc3339DateTime
from samverkan_sharing.dependencies import (
    AnyCaller,
    ApprovingPerson,
    AssessingPerson,
    Assessor,
    DisclosuresDep,
    IdempotencyKey,
    Partner,
    with_disclosures,
)
from samverkan_sharing.disclosures.presenter import present, summarise
from samverkan_sharing.disclosures.reading import is_officer
from samverkan_sharing.disclosures.repository import DisclosureFilter
from samverkan_sharing.disclosures.schemas import (
    Approval,
    Assessment,
    Disclosure,
    DisclosurePage,
    DisclosureRequest,
    DisclosureStatus,
    DisclosureSummaryPage,
    NotificationCreate,
)
from samverkan_sharing.upstream import WITNESSED_HEADER

__all__ = ["DisclosureId", "router"]

_requests = APIRouter(prefix="/v1/disclosure-requests", tags=["disclosures"])
_notices = APIRouter(prefix="/v1/notifications", tags=["notifications"])
DisclosureId = Annotated[
    str, Path(min_length=36, max_length=36, pattern=r"^[0-9a-f-]{36}$")
]


# -- requests and the four-eyes assessment ----------------------------------------------


@_requests.post(
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
        headers=location_header(f"{_requests.prefix}/{answer.id}"),
        media_type="application/json",
    )


@_requests.get("", responses=problem_responses(403, 422))
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


@_requests.get(
    "/{disclosure_id}",
    summary="One disclosure: its decision per field, what was released and why",
    responses=problem_responses(404),
)
def read_disclosure(
    disclosure_id: DisclosureId, caller: AnyCaller, service: DisclosuresDep
) -> Disclosure:
    """A partner reads its own requests and notices (anyone else's is 404), an
    officer any. `released` holds the data handed out, `withheld` each field kept back
    with its reason, `decision.fields` the rule engine's outcome, legal basis and
    reason per field (and, for a held field, the officers' `manual_assessment`), and
    `audit` the receipt of the log entry stored before anything left."""
    record = service.get(caller, disclosure_id)
    return present(record, service, officer=is_officer(caller))


@_requests.get(
    "/{disclosure_id}/receipt",
    summary="The release's receipt as a C2SP tlog-proof, verifiable offline",
    response_class=Response,
    responses={
        200: {
            "content": {"text/plain": {"schema": {"type": "string"}}},
            "headers": {WITNESSED_HEADER: {"schema": {"enum": ["true", "false"]}}},
        },
        **problem_responses(404, 409, 503),
    },
)
def disclosure_receipt(
    disclosure_id: DisclosureId, caller: AnyCaller, service: DisclosuresDep
) -> Response:
    """The audit log's proof that the latest release was logged before it left:
    `samverkan receipt verify FILE --log-key K` checks it with no network."""
    proof = service.receipt(caller, disclosure_id)
    return Response(
        proof.text,
        media_type="text/plain; charset=utf-8",
        headers={
            WITNESSED_HEADER: "true" if proof.witnessed else "false",
            "Content-Disposition": (
                f'attachment; filename="disclosure-{disclosure_id}.tlog-proof"'
            ),
            "Cache-Control": "no-store",
        },
    )


@_requests.post(
    "/{disclosure_id}/assessment",
    summary="An officer's written assessment of the held fields (first pair of eyes)",
    responses=problem_responses(403, 404, 409, 503),
)
def assess_disclosure(
    disclosure_id: DisclosureId,
    body: Assessment,
    caller: AssessingPerson,
    service: DisclosuresDep,
) -> Disclosure:
    """A person of the holding organisation, signed in with `disclosures:assess`
    (a client's own token is 403), writes the assessment and proposes release or
    withhold for fields that are `needs_assessment` (any other field is 422). The
    disclosure must be `awaiting_assessment` (else 409) and becomes `assessed`;
    nothing is released until a different person approves."""
    record = service.assess(caller, disclosure_id, body.assessment, body.proposals)
    return present(record, service, officer=True)


@_requests.post(
    "/{disclosure_id}/approval",
    summary="Another officer approves or denies the assessment (second pair of eyes)",
    responses=problem_responses(403, 404, 409, 503),
)
async def approve_disclosure(
    disclosure_id: DisclosureId,
    body: Approval,
    caller: ApprovingPerson,
    request: Request,
) -> Disclosure:
    """A person of the holding organisation with `disclosures:approve` who did not
    write the assessment (the assessor is 403) decides an `assessed` disclosure
    (else 409). `approve` releases the rules' fields and those proposed for release,
    through the audit log first: if the log is away the answer is 503 and nothing
    leaves; the same call again completes it. `deny` releases nothing."""
    return await with_disclosures(
        request,
        lambda service: present(
            service.approve(caller, disclosure_id, body.decision, body.reason),
            service,
            officer=True,
        ),
    )


# -- own-initiative notices ---------------------------------------------------------------


@_notices.post(
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
    response.headers.update(location_header(f"{_requests.prefix}/{notice.id}"))
    return notice


@_notices.get("", responses=problem_responses(403, 422))
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


router = APIRouter()
"""Both resources (their routes are registered above, so they are included whole)."""
router.include_router(_requests)
router.include_router(_notices)
