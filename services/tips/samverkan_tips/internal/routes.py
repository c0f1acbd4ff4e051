"""`/internal/v1`: tips field by field with their data categories, for the sharing service.

The contract is described in `samverkan_tips.internal.presenter`; the sharing service codes against
these names. Scope ``tips:internal`` (the sharing service's own client).
"""

import uuid

from fastapi import APIRouter, Request, Response

from samverkan_shared.problems import problem_responses
from samverkan_shared.service_app import running_app
from samverkan_shared.sessions import ReadingSession, read_on_thread
from samverkan_tips.dependencies import (
    Cursor,
    KeyringDep,
    Limit,
    OrgNumberPath,
    TipsInternal,
)
from samverkan_tips.internal import service
from samverkan_tips.internal.schemas import InternalTip
from samverkan_tips.tips.schemas import Page

__all__ = ["router"]

router = APIRouter(prefix="/internal/v1", tags=["internal"])


@router.get(
    "/tips/{tip_id}", response_model=InternalTip, responses=problem_responses(404)
)
async def internal_tip(
    tip_id: uuid.UUID, token: TipsInternal, keyring: KeyringDep, request: Request
) -> Response:
    """Read for every disclosure: one hop to a thread, one query, no transaction."""
    body = await read_on_thread(
        running_app(request).platform.engine,
        # The view is built validated; FastAPI would validate it a second time.
        lambda session: service.internal_tip_view(
            session, tip_id, keyring=keyring
        ).model_dump_json(by_alias=True),
    )
    return Response(body, media_type="application/json")


@router.get("/suppliers/{org_number}/tips", responses=problem_responses(404))
def internal_supplier_tips(
    org_number: OrgNumberPath,
    token: TipsInternal,
    session: ReadingSession,
    keyring: KeyringDep,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> Page[InternalTip]:
    return service.internal_supplier_tips(
        session, org_number, keyring=keyring, cursor=cursor, limit=limit
    )
