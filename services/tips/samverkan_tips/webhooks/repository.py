"""The webhooks feature's SQL: subscriptions, the outbox and deliveries; no commits."""

import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, or_, update
from sqlmodel import col, select

from samverkan_shared.db_types import table_of
from samverkan_shared.sessions import Repository
from samverkan_tips.tips.models import TipRecord
from samverkan_tips.webhooks.events import DeliveryState
from samverkan_tips.webhooks.models import (
    WebhookDeliveryRecord,
    WebhookEventRecord,
    WebhookSubscriptionRecord,
)

__all__ = ["DeliveryRepository", "OutboxRepository", "SubscriptionRepository"]

_DUE_STATES = (DeliveryState.PENDING.value, DeliveryState.RETRYING.value)
Subscription = WebhookSubscriptionRecord


class SubscriptionRepository(Repository):
    def add(self, record: Subscription) -> None:
        self._session.add(record)

    def of_organisation(self, org_number: str) -> Sequence[Subscription]:
        statement = (
            select(Subscription)
            .where(Subscription.org_number == org_number)
            .order_by(col(Subscription.created_at), col(Subscription.id))
        )
        return self._session.exec(statement).all()

    def get(self, subscription_id: uuid.UUID) -> Subscription | None:
        return self._session.get(Subscription, subscription_id)

    def for_event(self, event_type: str) -> list[Subscription]:
        """Every subscription to ``event_type`` (the JSON list is filtered here, the
        same on both backends; subscriptions are few)."""
        rows = self._session.exec(select(Subscription)).all()
        return [row for row in rows if event_type in row.events]

    def delete(self, subscription_id: uuid.UUID) -> None:
        deliveries = table_of(WebhookDeliveryRecord)
        self._session.connection().execute(
            delete(deliveries).where(deliveries.c.subscription_id == subscription_id)
        )
        subscriptions = table_of(Subscription)
        self._session.connection().execute(
            delete(subscriptions).where(subscriptions.c.id == subscription_id)
        )


class OutboxRepository(Repository):
    def insert_all(self, rows: Sequence[Mapping[str, Any]]) -> None:
        """New events in one executemany, in the caller's transaction."""
        if rows:
            self._session.connection().execute(
                insert(table_of(WebhookEventRecord)), list(rows)
            )

    def any_to_fan_out(self) -> bool:
        statement = select(WebhookEventRecord.id).where(
            col(WebhookEventRecord.fanned_out_at).is_(None)
        )
        return self._session.exec(statement.limit(1)).first() is not None

    def claim_to_fan_out(self, limit: int) -> Sequence[WebhookEventRecord]:
        """Events without deliveries yet, locked (another worker skips them)."""
        statement = (
            select(WebhookEventRecord)
            .where(col(WebhookEventRecord.fanned_out_at).is_(None))
            .order_by(col(WebhookEventRecord.occurred_at))
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return self._session.exec(statement).all()

    def filing_organisations(self, supplier: str) -> set[str]:
        """The organisations that filed tips about ``supplier``."""
        statement = (
            select(TipRecord.filed_by_org)
            .where(TipRecord.supplier_org_number == supplier)
            .where(col(TipRecord.filed_by_org).is_not(None))
            .distinct()
        )
        return {org for org in self._session.exec(statement).all() if org}

    def filing_organisation(self, tip_id: uuid.UUID) -> str | None:
        statement = select(TipRecord.filed_by_org).where(TipRecord.id == tip_id)
        return self._session.exec(statement).first()

    def mark_fanned_out(self, event_ids: Iterable[uuid.UUID], at: datetime) -> None:
        events = table_of(WebhookEventRecord)
        self._session.connection().execute(
            update(events)
            .where(events.c.id.in_(list(event_ids)))
            .values(fanned_out_at=at)
        )


class DeliveryRepository(Repository):
    def insert_all(self, rows: Sequence[Mapping[str, Any]]) -> None:
        if rows:
            self._session.connection().execute(
                insert(table_of(WebhookDeliveryRecord)), list(rows)
            )

    def _due(self, now: datetime) -> Any:
        return (
            select(WebhookDeliveryRecord)
            .where(col(WebhookDeliveryRecord.state).in_(_DUE_STATES))
            .where(col(WebhookDeliveryRecord.next_attempt_at) <= now)
            .where(
                or_(
                    col(WebhookDeliveryRecord.lease_until).is_(None),
                    col(WebhookDeliveryRecord.lease_until) < now,
                )
            )
            .order_by(col(WebhookDeliveryRecord.next_attempt_at))
        )

    def any_due(self, now: datetime) -> bool:
        return self._session.exec(self._due(now).limit(1)).first() is not None

    def claim_due(
        self, now: datetime, lease_until: datetime, limit: int
    ) -> list[WebhookDeliveryRecord]:
        """Due deliveries, leased to the caller until ``lease_until``: rows locked by
        another worker's claim are skipped, and a leased row is not due."""
        statement = self._due(now).limit(limit).with_for_update(skip_locked=True)
        claimed = list(self._session.exec(statement).all())
        for delivery in claimed:
            delivery.lease_until = lease_until
            self._session.add(delivery)
        return claimed

    def events(
        self, event_ids: Iterable[uuid.UUID]
    ) -> dict[uuid.UUID, WebhookEventRecord]:
        statement = select(WebhookEventRecord).where(
            col(WebhookEventRecord.id).in_(list(event_ids))
        )
        return {row.id: row for row in self._session.exec(statement).all()}

    def subscriptions(
        self, subscription_ids: Iterable[uuid.UUID]
    ) -> dict[uuid.UUID, Subscription]:
        statement = select(Subscription).where(
            col(Subscription.id).in_(list(subscription_ids))
        )
        return {row.id: row for row in self._session.exec(statement).all()}

    def settle(
        self, delivery_id: uuid.UUID, lease_until: datetime, **values: Any
    ) -> bool:
        """Store an attempt's outcome if the lease is still ours; whether it was."""
        deliveries = table_of(WebhookDeliveryRecord)
        result = self._session.connection().execute(
            update(deliveries)
            .where(deliveries.c.id == delivery_id)
            .where(deliveries.c.lease_until == lease_until)
            .values(lease_until=None, **values)
        )
        return bool(result.rowcount)

    def recent(
        self, subscription_id: uuid.UUID, limit: int
    ) -> list[tuple[WebhookDeliveryRecord, str]]:
        """The subscription's latest deliveries, newest first, with their event type."""
        statement = (
            select(WebhookDeliveryRecord, WebhookEventRecord.type)
            .join(
                WebhookEventRecord,
                col(WebhookEventRecord.id) == col(WebhookDeliveryRecord.event_id),
            )
            .where(WebhookDeliveryRecord.subscription_id == subscription_id)
            .order_by(
                col(WebhookDeliveryRecord.created_at).desc(),
                col(WebhookDeliveryRecord.id).desc(),
            )
            .limit(limit)
        )
        return [(row, kind) for row, kind in self._session.exec(statement).all()]
