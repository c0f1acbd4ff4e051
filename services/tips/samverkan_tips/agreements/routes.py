"""`/v1/agreements`: framework agreements and their selection lists."""

from typing import Annotated

from fastapi import APIRouter, Query

from samverkan_shared.cursors import Order
from samverkan_shared.problems import problem_responses
from samverkan_shared.sessions import ReadingSession
from samverkan_tips.agreements import service
from samverkan_tips.agreements.schemas import Agreement, AgreementSupplier
from samverkan_tips.dependencies import (
    AgreementId,
    Cursor,
    Limit,
    ListOrder,
    TipsReader,
)
from samverkan_tips.tips.schemas import Page

__all__ = ["router"]

router = APIRouter(prefix="/v1/agreements", tags=["agreements"])


@router.get("", responses=problem_responses(422))
def list_agreements(
    token: TipsReader,
    session: ReadingSession,
    cursor: Cursor = None,
    limit: Limit = 50,
    order: ListOrder = Order.ASC,
) -> Page[Agreement]:
    """Agreements by id, `asc` by default."""
    return service.list_agreements(session, cursor=cursor, limit=limit, order=order)


@router.get("/{agreement_id}/suppliers", responses=problem_responses(404))
def selection_list(
    agreement_id: AgreementId,
    token: TipsReader,
    session: ReadingSession,
    include_hidden: Annotated[bool, Query()] = False,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> Page[AgreementSupplier]:
    """Suppliers under a call-off stop are hidden unless include_hidden (tips:manage)."""
    return service.selection_list(
        session,
        agreement_id,
        include_hidden=include_hidden,
        may_see_hidden="tips:manage" in token.scopes,
        cursor=cursor,
        limit=limit,
    )
