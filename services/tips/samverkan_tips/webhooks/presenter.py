"""Webhook records → the wire: a subscription (never its secret) and its deliveries."""

import uuid

from samverkan_tips.webhooks.events import DeliveryState, EventType
from samverkan_tips.webhooks.models import (
    WebhookDeliveryRecord,
    WebhookSubscriptionRecord,
)
from samverkan_tips.webhooks.schemas import Delivery, Webhook

__all__ = ["delivery_view", "secret_associated_data", "webhook_view"]

_WAITING = {DeliveryState.PENDING, DeliveryState.RETRYING}


def secret_associated_data(subscription_id: uuid.UUID) -> bytes:
    """What binds a sealed secret to its subscription's row."""
    return f"webhook_subscriptions/{subscription_id}/secret".encode("ascii")


def webhook_view(record: WebhookSubscriptionRecord) -> Webhook:
    return Webhook(
        id=record.id,
        url=record.url,
        events=[EventType(event) for event in record.events],
        supplier_org_numbers=record.supplier_org_numbers,
        agreement_ids=record.agreement_ids,
        created_at=record.created_at,
    )


def delivery_view(record: WebhookDeliveryRecord, event_type: str) -> Delivery:
    state = DeliveryState(record.state)
    return Delivery(
        id=record.id,
        event_id=record.event_id,
        event_type=EventType(event_type),
        state=state,
        attempts=record.attempts,
        last_status=record.last_status,
        last_error=record.last_error,
        next_attempt_at=record.next_attempt_at if state in _WAITING else None,
        delivered_at=record.delivered_at,
        created_at=record.created_at,
    )
