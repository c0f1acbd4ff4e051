"""Subscription use cases: subscribe, list, read with recent deliveries, unsubscribe.

Subscriptions belong to the token's organisation (``org_number``); a client without
one has none and gets 403. Another organisation's subscription is a 404.
"""

import uuid
from datetime import UTC, datetime

import structlog
from sqlmodel import Session

from samverkan_shared.auth import AccessToken
from samverkan_shared.crypto import Keyring
from samverkan_shared.problems import Forbidden, NotFound, UnprocessableContent
from samverkan_tips.webhooks.destinations import DestinationGuard, UnsafeDestination
from samverkan_tips.webhooks.models import WebhookSubscriptionRecord
from samverkan_tips.webhooks.presenter import (
    delivery_view,
    secret_associated_data,
    webhook_view,
)
from samverkan_tips.webhooks.repository import (
    DeliveryRepository,
    SubscriptionRepository,
)
from samverkan_tips.webhooks.schemas import (
    WebhookCreate,
    WebhookCreated,
    WebhookDetail,
    WebhookList,
)
from samverkan_tips.webhooks.signing import new_secret

__all__ = [
    "MAX_SUBSCRIPTIONS",
    "get_subscription",
    "list_subscriptions",
    "subscribe",
    "subscriber",
    "unsubscribe",
]

MAX_SUBSCRIPTIONS = 20  # per organisation
RECENT_DELIVERIES = 50
_log = structlog.get_logger("samverkan.tips")


def subscriber(token: AccessToken) -> str:
    """The organisation whose subscriptions the caller manages (403 without one)."""
    if token.org_number is None:
        raise Forbidden(
            "This client is registered without an organisation number, so it has no "
            "webhook subscriptions: register it with its organisation's number."
        )
    return token.org_number


def subscribe(
    session: Session,
    body: WebhookCreate,
    *,
    token: AccessToken,
    keyring: Keyring,
    guard: DestinationGuard,
    now: datetime | None = None,
) -> WebhookCreated:
    """A new subscription with its signing secret, which only this answer shows."""
    org_number = subscriber(token)
    _check_url(guard, body.url)  # before the transaction: it may wait on DNS
    subscriptions = SubscriptionRepository(session)
    if len(subscriptions.of_organisation(org_number)) >= MAX_SUBSCRIPTIONS:
        raise UnprocessableContent(
            f"An organisation has at most {MAX_SUBSCRIPTIONS} webhook subscriptions;"
            " delete one first (DELETE /v1/webhooks/{id})."
        )
    subscription_id, secret = uuid.uuid4(), new_secret()
    record = WebhookSubscriptionRecord(
        id=subscription_id,
        org_number=org_number,
        url=body.url,
        events=[str(event) for event in body.events],
        supplier_org_numbers=body.supplier_org_numbers,
        agreement_ids=body.agreement_ids,
        secret_sealed=keyring.encrypt(
            secret, associated_data=secret_associated_data(subscription_id)
        ),
        created_by=token.client_id,
        created_at=now or datetime.now(UTC),
    )
    subscriptions.add(record)
    session.commit()
    _log.info("webhook_subscribed", subscription_id=str(subscription_id))
    return WebhookCreated(**webhook_view(record).model_dump(), secret=secret)


def list_subscriptions(session: Session, *, token: AccessToken) -> WebhookList:
    records = SubscriptionRepository(session).of_organisation(subscriber(token))
    return WebhookList(items=[webhook_view(record) for record in records])


def get_subscription(
    session: Session, subscription_id: uuid.UUID, *, token: AccessToken
) -> WebhookDetail:
    """The subscription and its latest deliveries with their state."""
    record = _own(session, subscription_id, token)
    recent = DeliveryRepository(session).recent(record.id, RECENT_DELIVERIES)
    return WebhookDetail(
        **webhook_view(record).model_dump(),
        deliveries=[delivery_view(row, kind) for row, kind in recent],
    )


def unsubscribe(
    session: Session, subscription_id: uuid.UUID, *, token: AccessToken
) -> None:
    """Delete the subscription and its deliveries: nothing more is sent to it."""
    record = _own(session, subscription_id, token)
    SubscriptionRepository(session).delete(record.id)
    session.commit()
    _log.info("webhook_unsubscribed", subscription_id=str(subscription_id))


def _own(
    session: Session, subscription_id: uuid.UUID, token: AccessToken
) -> WebhookSubscriptionRecord:
    record = SubscriptionRepository(session).get(subscription_id)
    if record is None or record.org_number != subscriber(token):
        raise NotFound(f"There is no webhook subscription {subscription_id}.")
    return record


def _check_url(guard: DestinationGuard, url: str) -> None:
    try:
        guard.check(url)
    except UnsafeDestination as error:
        raise UnprocessableContent(
            f"#/url: {error}", errors=[{"pointer": "#/url", "detail": str(error)}]
        ) from None
