"""`/v1/webhooks`: the caller's organisation's subscriptions to events."""

import uuid

from fastapi import APIRouter, Response

from samverkan_shared.location import created_responses, location_header
from samverkan_shared.problems import problem_responses
from samverkan_shared.sessions import ReadingSession, WritingSession
from samverkan_tips.dependencies import DestinationsDep, KeyringDep, TipsReader
from samverkan_tips.webhooks import service
from samverkan_tips.webhooks.schemas import (
    WebhookCreate,
    WebhookCreated,
    WebhookDetail,
    WebhookList,
)

__all__ = ["router"]

router = APIRouter(prefix="/v1/webhooks", tags=["webhooks"])


@router.post(
    "",
    status_code=201,
    responses={
        **created_responses("/v1/webhooks/{id}"),
        **problem_responses(403, 422),
    },
)
def subscribe(
    body: WebhookCreate,
    token: TipsReader,
    session: WritingSession,
    keyring: KeyringDep,
    guard: DestinationsDep,
    response: Response,
) -> WebhookCreated:
    """Subscribe the caller's organisation to events; the answer shows the signing
    secret (Standard Webhooks), which is never shown again."""
    created = service.subscribe(
        session, body, token=token, keyring=keyring, guard=guard
    )
    response.headers.update(location_header(f"/v1/webhooks/{created.id}"))
    return created


@router.get("", responses=problem_responses(403))
def list_subscriptions(token: TipsReader, session: ReadingSession) -> WebhookList:
    """The caller's organisation's subscriptions (without their secrets)."""
    return service.list_subscriptions(session, token=token)


@router.get("/{subscription_id}", responses=problem_responses(403, 404))
def get_subscription(
    subscription_id: uuid.UUID, token: TipsReader, session: ReadingSession
) -> WebhookDetail:
    """A subscription and its latest deliveries: pending, delivered,
    failed-retrying (with the next attempt's time) or dead."""
    return service.get_subscription(session, subscription_id, token=token)


@router.delete(
    "/{subscription_id}", status_code=204, responses=problem_responses(403, 404)
)
def unsubscribe(
    subscription_id: uuid.UUID, token: TipsReader, session: WritingSession
) -> Response:
    """Delete a subscription; its pending deliveries are dropped."""
    service.unsubscribe(session, subscription_id, token=token)
    return Response(status_code=204)
