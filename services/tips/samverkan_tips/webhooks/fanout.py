"""Who receives an event: the subscriptions it is fanned out to.

- ``tip.filed``: the owner of the tip's agreement;
- ``tip.status_changed``: the organisation that filed the tip;
- ``supplier.call_off_stopped`` / ``_lifted``: a subscription without filters, if its
  organisation filed tips about the supplier; one with ``supplier_org_numbers`` or
  ``agreement_ids``, if they name the supplier or an agreement it is on.

Recipients are found when the deliverer fans the event out, moments after its
transaction committed, so filing pays for one outbox row and no look-ups.
"""

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlmodel import Session

from samverkan_tips.agreements.repository import AgreementRepository
from samverkan_tips.webhooks.events import CALL_OFF_EVENTS, DeliveryState, EventType
from samverkan_tips.webhooks.models import WebhookEventRecord, WebhookSubscriptionRecord
from samverkan_tips.webhooks.repository import OutboxRepository, SubscriptionRepository

__all__ = ["delivery_rows"]


def delivery_rows(
    session: Session, events: Sequence[WebhookEventRecord], now: datetime
) -> list[dict[str, Any]]:
    """One pending delivery per event and subscription that receives it."""
    candidates: dict[str, list[WebhookSubscriptionRecord]] = {}
    rows = []
    for event in events:
        if event.type not in candidates:
            candidates[event.type] = SubscriptionRepository(session).for_event(
                event.type
            )
        for subscription in _recipients(session, event, candidates[event.type]):
            rows.append(_pending(event, subscription, now))
    return rows


def _recipients(
    session: Session,
    event: WebhookEventRecord,
    subscriptions: list[WebhookSubscriptionRecord],
) -> list[WebhookSubscriptionRecord]:
    if not subscriptions:
        return []
    kind = EventType(event.type)
    if kind in CALL_OFF_EVENTS:
        return _call_off_recipients(session, event, subscriptions)
    organisation = (
        AgreementRepository(session).owner_of(event.agreement_id or "")
        if kind is EventType.TIP_FILED
        else _filer(session, event.tip_id)
    )
    return [s for s in subscriptions if s.org_number == organisation]


def _filer(session: Session, tip_id: uuid.UUID | None) -> str | None:
    return (
        None
        if tip_id is None
        else OutboxRepository(session).filing_organisation(tip_id)
    )


def _call_off_recipients(
    session: Session,
    event: WebhookEventRecord,
    subscriptions: list[WebhookSubscriptionRecord],
) -> list[WebhookSubscriptionRecord]:
    supplier = event.supplier_org_number
    agreements = set(event.data.get("agreement_ids", []))
    filers = OutboxRepository(session).filing_organisations(supplier)

    def receives(subscription: WebhookSubscriptionRecord) -> bool:
        if subscription.supplier_org_numbers or subscription.agreement_ids:
            return supplier in subscription.supplier_org_numbers or bool(
                agreements & set(subscription.agreement_ids)
            )
        return subscription.org_number in filers

    return [s for s in subscriptions if receives(s)]


def _pending(
    event: WebhookEventRecord, subscription: WebhookSubscriptionRecord, now: datetime
) -> dict[str, Any]:
    return {
        "id": uuid.uuid4(),
        "event_id": event.id,
        "subscription_id": subscription.id,
        "state": str(DeliveryState.PENDING),
        "attempts": 0,
        "next_attempt_at": now,
        "lease_until": None,
        "last_status": None,
        "last_error": None,
        "created_at": now,
        "delivered_at": None,
    }
